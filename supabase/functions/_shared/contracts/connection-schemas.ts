// clicksend-connect's input rules: zod only, so the app's forms and the function validate with the
// same schemas and the same messages.
import { z } from "zod";

import type { Json } from "./database.types.ts";
import { countryCodeSchema } from "./phone.ts";

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
  })
  .refine(
    (body) =>
      body.api_key !== undefined ||
      body.connection_name !== undefined ||
      body.default_sender_id !== undefined,
    "send api_key, connection_name or default_sender_id to change",
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

/** Each field on its own: a missing or malformed one reads as null, never as an error. */
const connectionMetadataSchema = z.object({
  default_sender_id: z.string().min(1).nullable().catch(null),
  account_country: countryCodeSchema.nullable().catch(null),
  currency: z.string().min(1).nullable().catch(null),
  /** The account's receipt rule that pushes to us; null when receipts are polled. */
  receipt_rule_id: z.number().int().nullable().catch(null),
});
export type ConnectionMetadata = z.infer<typeof connectionMetadataSchema>;

/** connection_metadata as the JSON object it should be: anything else reads as `{}`. */
export function metadataObject(value: Json): Record<string, Json | undefined> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value : {};
}

/** The fields of connection_metadata this product uses. */
export function parseConnectionMetadata(value: Json): ConnectionMetadata {
  return connectionMetadataSchema.parse(metadataObject(value));
}

/** The country the connection's national numbers are read in. */
export function countryOf(metadata: ConnectionMetadata): string {
  return metadata.account_country ?? DEFAULT_COUNTRY;
}
