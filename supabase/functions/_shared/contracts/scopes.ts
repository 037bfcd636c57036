// The one scope vocabulary (seed-review defect 9): what a user grants an agent on a connection.
// Equal to service_providers.scopes_supported for clicksend_sms (a test proves it).
import { z } from "zod";

export const SCOPES = ["sms", "mms", "balance", "history", "delivery_receipts", "inbound"] as const;

export const scopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof scopeSchema>;

export const SCOPE_LABELS: Record<Scope, string> = {
  sms: "Send SMS",
  mms: "Send MMS",
  balance: "Check balance",
  history: "Read message history",
  delivery_receipts: "Read delivery receipts",
  inbound: "Read replies",
};
