// clicksend-connect's input rules: zod only, so the app's forms and the function validate with the
// same schemas and the same messages.
import { z } from "zod";

import type { Json } from "./database.types.ts";

/** A sender ID: an E.164 number, or an alphanumeric tag of 3-11 letters and digits. */
export const senderIdSchema = z
  .string()
  .trim()
  .regex(
    /^(\+[1-9]\d{6,14}|[A-Za-z0-9]{3,11})$/,
    "use an E.164 number such as +61411111111, or 3-11 letters and digits",
  );

export const connectionNameSchema = z.string().trim().min(1, "give the connection a name").max(100);

export const apiKeySchema = z
  .string()
  .trim()
  .min(8, "the API key is at least 8 characters")
  .max(200)
  .regex(/^\S+$/, "the API key has no spaces");

export const usernameSchema = z
  .string()
  .trim()
  .min(1, "enter your ClickSend API username")
  .max(100);

export const connectBodySchema = z.strictObject({
  username: usernameSchema,
  api_key: apiKeySchema,
  connection_name: connectionNameSchema.optional(),
  default_sender_id: senderIdSchema.optional(),
});
export type ConnectBody = z.infer<typeof connectBodySchema>;

export const updateBodySchema = z
  .strictObject({
    connection_id: z.uuid(),
    api_key: apiKeySchema.optional(),
    connection_name: connectionNameSchema.optional(),
    default_sender_id: senderIdSchema.nullable().optional(),
    /** Registers (again) the account's rules that push and keep replies for this connection. */
    enable_replies: z.literal(true).optional(),
  })
  .refine(
    (body) =>
      body.api_key !== undefined ||
      body.connection_name !== undefined ||
      body.default_sender_id !== undefined ||
      body.enable_replies !== undefined,
    "send api_key, connection_name, default_sender_id or enable_replies to change",
  );
export type UpdateBody = z.infer<typeof updateBodySchema>;

export const deleteBodySchema = z.strictObject({ connection_id: z.uuid() });

// What a stored connection keeps in user_oauth_connections.connection_metadata. Read in one place
// by the app and the functions alike.

/**
 * The country national numbers are read in when a connection does not know its account's
 * country (clicksend_prepare_call in the database falls back to the same).
 */
export const DEFAULT_COUNTRY = "AU";

/**
 * An ISO 3166 alpha-2 code, as phone.ts's countryCodeSchema checks it; not imported from there,
 * so that reading a connection does not pull libphonenumber into every screen of the app.
 */
const storedCountrySchema = z.string().regex(/^[A-Z]{2}$/);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Each field on its own: a missing or malformed one reads as null, never as an error. */
const connectionMetadataSchema = z.preprocess(
  (value) => (isObject(value) ? value : {}),
  z.object({
    default_sender_id: z.string().min(1).nullable().catch(null),
    account_country: storedCountrySchema.nullable().catch(null),
    currency: z.string().min(1).nullable().catch(null),
    /** The account's receipt rule that pushes to us; null when receipts are polled. */
    receipt_rule_id: z.number().int().nullable().catch(null),
    /** The account's inbound rule that pushes replies to us (URL); null when there is none. */
    inbound_rule_id: z.number().int().nullable().catch(null),
    /** The account's inbound rule that keeps replies for polling (POLL); null when none. */
    inbound_poll_rule_id: z.number().int().nullable().catch(null),
  }),
);
export type ConnectionMetadata = z.infer<typeof connectionMetadataSchema>;

/** How replies reach a connection: pushed by ClickSend, only found by polling, or not at all. */
export type RepliesMode = "push" | "poll" | "off";

export function repliesMode(metadata: ConnectionMetadata): RepliesMode {
  if (metadata.inbound_rule_id !== null) return "push";
  if (metadata.inbound_poll_rule_id !== null) return "poll";
  return "off";
}

/** connection_metadata as the JSON object it should be, every key kept (to merge a change into). */
export function metadataObject(value: Json): Record<string, Json | undefined> {
  return isObject(value) ? value : {};
}

/** The fields of connection_metadata this product uses; anything but an object reads as `{}`. */
export function parseConnectionMetadata(value: unknown): ConnectionMetadata {
  return connectionMetadataSchema.parse(value);
}

/** The country the connection's national numbers are read in. */
export function countryOf(metadata: ConnectionMetadata): string {
  return metadata.account_country ?? DEFAULT_COUNTRY;
}

// A connection as the app shows it and clicksend-connect returns it.

const connectionStatuses = ["active", "inactive", "revoked", "error", "expired"] as const;
const connectionStatusSchema = z.enum(connectionStatuses);
export type ConnectionStatus = z.infer<typeof connectionStatusSchema>;

/** A ClickSend account's balance, as clicksend-connect and clicksend-api's get_balance report it. */
export const accountBalanceSchema = z.object({
  username: z.string(),
  balance: z.number(),
  currency: z.string(),
});
export type AccountBalance = z.infer<typeof accountBalanceSchema>;

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

/** The columns of user_oauth_connections a connection is read from (RLS: the caller's own). */
export const CONNECTION_COLUMNS =
  "id, connection_name, external_username, connection_status, credential_hint, connection_metadata, created_at, updated_at";

/**
 * One row of CONNECTION_COLUMNS as the app uses it: the view clicksend-connect returns, plus the
 * country the connection's national numbers are read in (as the server reads them) and how its
 * replies arrive.
 */
export const connectionRowSchema = connectionViewSchema
  .omit({ default_sender_id: true })
  .extend({ connection_metadata: connectionMetadataSchema })
  .transform(({ connection_metadata: metadata, ...row }) => ({
    ...row,
    default_sender_id: metadata.default_sender_id,
    default_country: countryOf(metadata),
    replies_mode: repliesMode(metadata),
  }));
export type Connection = z.output<typeof connectionRowSchema>;
