import { z } from "zod";

import { ApiError } from "@/lib/api-error";

export const connectionStatuses = ["active", "inactive", "revoked", "error", "expired"] as const;
export const connectionStatusSchema = z.enum(connectionStatuses);
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

/** A ClickSend account as clicksend-connect and clicksend-api report it. */
export const accountSchema = z.object({
  username: z.string(),
  balance: z.number(),
  currency: z.string(),
});
export type Account = z.infer<typeof accountSchema>;

/** A connection as clicksend-connect returns it: never the key, at most a 4-character hint. */
export const connectionViewSchema = z.object({
  id: z.string(),
  connection_name: z.string(),
  external_username: z.string().nullable(),
  connection_status: connectionStatusSchema,
  credential_hint: z.string().nullable(),
  default_sender_id: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Connection = z.infer<typeof connectionViewSchema>;

/** Checks a server answer's shape; a mismatch means app and server versions differ. */
export function parseResponse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ApiError(
    "unexpected_response",
    `The server sent ${what} in a form this app does not understand. Reload the page; if it persists, the app and server versions differ.`,
  );
}

/** Optional text fields: a blank entry means "not given", anything else must pass `schema`. */
export function blankAsUndefined<T extends z.ZodType<string, string>>(schema: T) {
  return z
    .string()
    .transform((value) => (value.trim() === "" ? undefined : value))
    .pipe(schema.optional());
}
