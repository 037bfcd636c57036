import { z } from "zod";

// clicksend-connect's input rules, mirrored from supabase/functions/_shared/connections.ts.
// That module cannot be imported by the app: besides zod it pulls in the ClickSend client and
// http.ts, whose constructor parameter properties tsconfig.app.json rejects (erasableSyntaxOnly).
// connection-rules.test.ts proves both accept and reject the same inputs with the same messages.
// Once those schemas move to a zod-only module in _shared, re-export them from here instead.

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
