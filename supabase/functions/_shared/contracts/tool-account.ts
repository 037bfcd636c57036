// The ClickSend account a tool call used (issue 13, point 11). An agent granted on two
// connections sends from its default one when that grant allows the tool, else from its newest
// grant that does; either way every answer of execute-agent-tool names the account, next to
// `result` (the tool ran) or `error` (it was refused or failed after a connection was chosen):
//   {"ok": true, "account": {...}, "result": ...}   {"error": {...}, "account": {...}}
// An answer has no `account` when no connection was chosen (unknown tool, bad arguments, no
// grant with the scope). Kept small: agents read it in every tool result.
import { z } from "zod";

export const toolAccountSchema = z.object({
  /** The connection (user_oauth_connections.id). */
  connection_id: z.string(),
  /** The name the user gave the connection. */
  name: z.string(),
  /** The ClickSend username; null only for a connection that lost its credentials. */
  username: z.string().nullable(),
});
export type ToolAccount = z.infer<typeof toolAccountSchema>;

/**
 * How a person reads the account: "Marketing (ops@example.com)", or the name alone when it already
 * says the username (the app's connectionTitle reads a connection the same way).
 */
export function describeAccount(account: ToolAccount): string {
  return account.username === null || account.name.includes(account.username)
    ? account.name
    : `${account.name} (${account.username})`;
}
