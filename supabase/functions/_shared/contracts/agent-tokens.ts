// Agent tokens and the remote MCP endpoint, shared by the agent-tokens and agent-mcp functions
// and the app: the token's shape, the requests and answers of agent-tokens, and where an MCP
// client finds an agent's endpoint.
import { z } from "zod";

/** Every token starts so, to be recognisable in a config file or a secret scanner. */
export const AGENT_TOKEN_PREFIX = "csa_";
/** Random bytes in a token (base64url: 43 characters after the prefix). */
export const AGENT_TOKEN_BYTES = 32;
/** Characters of a token kept and shown to tell tokens apart: the prefix and 8 more. */
export const AGENT_TOKEN_SHOWN = AGENT_TOKEN_PREFIX.length + 8;
/** Tokens one agent may have at once (agent_token_create refuses more). */
export const MAX_TOKENS_PER_AGENT = 20;

export const agentTokenPattern = /^csa_[A-Za-z0-9_-]{43}$/;

/** The MCP endpoint's address under a Supabase project's URL (the function agent-mcp). */
export function mcpEndpointUrl(supabaseUrl: string): string {
  return `${supabaseUrl.replace(/\/+$/, "")}/functions/v1/agent-mcp`;
}

/** Where an MCP tools/call carries the executor's idempotency key: `params._meta[...]`. */
export const MCP_IDEMPOTENCY_META_KEY = "idempotency_key";

const tokenName = z
  .string()
  .trim()
  .min(1, "give the token a name")
  .max(100, "at most 100 characters")
  .refine((name) => !/\p{Cc}/u.test(name), "must not contain control characters")
  // A lone UTF-16 surrogate is no text Postgres can store.
  .refine((name) => !/\p{Cs}/u.test(name), "has a broken character (a lone surrogate)");

/** POST agent-tokens. */
export const createAgentTokenBodySchema = z.strictObject({ agent_id: z.uuid(), name: tokenName });
export type CreateAgentTokenBody = z.infer<typeof createAgentTokenBodySchema>;

/** DELETE agent-tokens. */
export const revokeAgentTokenBodySchema = z.strictObject({ id: z.uuid() });
export type RevokeAgentTokenBody = z.infer<typeof revokeAgentTokenBodySchema>;

/** A token as lists show it: never the token itself. */
export const agentTokenSchema = z.strictObject({
  id: z.uuid(),
  agent_id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
export type AgentToken = z.infer<typeof agentTokenSchema>;

/** GET agent-tokens: the caller's tokens, newest first. */
export const agentTokenListSchema = z.strictObject({ tokens: z.array(agentTokenSchema) });
export type AgentTokenList = z.infer<typeof agentTokenListSchema>;

/** POST agent-tokens' 201: the only answer that ever holds the token. */
export const createdAgentTokenSchema = agentTokenSchema.extend({
  token: z.string().regex(agentTokenPattern),
  endpoint: z.url(),
});
export type CreatedAgentToken = z.infer<typeof createdAgentTokenSchema>;
