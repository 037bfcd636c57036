// clicksend-connect's input rules: zod only, so the app's forms and the function validate with the
// same schemas and the same messages.
import { z } from "zod";

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
