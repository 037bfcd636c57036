// What a send answers (clicksend-api's send_sms/send_mms and the executor's send tools), and what
// each per-recipient status means in words. One place for both, so the composer, the reply box
// and the agents' tool playground say the same thing about the same answer.
import { z } from "zod";
import type { ErrorCode } from "./errors.ts";
import { isPolicyRefusal, type PolicyRefusalStatus } from "./guardrails.ts";
import { UNCONFIRMED_SEND_STATUS } from "./tool-catalog.ts";

export const sendOutcomeSchema = z.object({
  /** True when this idempotency key was sent before: nothing went out again. */
  idempotent_replay: z.boolean(),
  recipients: z.number(),
  accepted: z.number(),
  rejected: z.number(),
  invalid_numbers: z.array(z.object({ input: z.string(), reason: z.string() })),
  total_price: z.number(),
  currency: z.string().nullable(),
  clicksend_requests: z.number(),
  messages: z.array(
    z.object({
      to: z.string(),
      message_id: z.string().nullable(),
      status: z.string(),
      parts: z.number().nullable(),
      price: z.number().nullable(),
    }),
  ),
});
export type SendOutcome = z.infer<typeof sendOutcomeSchema>;

/** How one recipient of a send ended. */
export type RecipientOutcomeKind = "sent" | "scheduled" | "pending" | "unconfirmed" | "refused";

export type RecipientOutcome = {
  kind: RecipientOutcomeKind;
  /** A few words: "Sent", "Refused: not enough credit". */
  label: string;
  /** What it means and what to do, one or two sentences. */
  detail: string;
};

/**
 * ClickSend's per-message refusals (clicksend-api.md §1.4), in words. A code not listed here is
 * still a refusal, shown with ClickSend's own code.
 */
const REFUSALS: Record<string, { label: string; detail: string }> = {
  INSUFFICIENT_CREDIT: {
    label: "not enough credit",
    detail: "The ClickSend balance does not cover it; top up the account, then send again.",
  },
  COUNTRY_NOT_ENABLED: {
    label: "country not enabled",
    detail: "Sending to this country is not turned on for the ClickSend account.",
  },
  INVALID_RECIPIENT: {
    label: "not a valid number",
    detail: "ClickSend cannot send to this number; check it and its country.",
  },
  INVALID_SENDER_ID: {
    label: "sender ID not allowed",
    detail: "Use a number you own or 3–11 letters and digits without spaces, or leave it empty.",
  },
  THROTTLED: {
    label: "sent too recently",
    detail: "The same text went to this number moments ago; wait a few seconds first.",
  },
  EMPTY_MESSAGE: { label: "empty message", detail: "Write a message, then send again." },
  SUBJECT_REQUIRED: {
    label: "subject missing or too long",
    detail: "An MMS needs a subject of 1–20 characters.",
  },
  INVALID_MEDIA_FILE: {
    label: "image not usable",
    detail: "ClickSend could not use the image: it must be a JPG or GIF it can reach.",
  },
  INVALID_SCHEDULE: { label: "schedule not valid", detail: "Choose a time in the future." },
  TOO_MANY_RECIPIENTS: {
    label: "too many recipients",
    detail: "Send to fewer numbers at once.",
  },
  ACCOUNT_NOT_ACTIVATED: {
    label: "account not activated",
    detail: "The ClickSend account must be activated before it can send.",
  },
  REGISTRATION_NEEDED: {
    label: "registration needed",
    detail: "ClickSend needs the sender registered for this country before it sends.",
  },
  NOT_ENOUGH_PERMISSION_TO_LIST_ID: {
    label: "list not allowed",
    detail: "The ClickSend account may not use that contact list.",
  },
  INTERNAL_ERROR: {
    label: "ClickSend failed",
    detail: "ClickSend had a problem of its own; nothing was sent to this number.",
  },
  SOMETHING_IS_WRONG: {
    label: "ClickSend failed",
    detail: "ClickSend had a problem of its own; nothing was sent to this number.",
  },
};

/**
 * Recipients our own guardrails refused before anything reached ClickSend (guardrails.ts): never
 * sent, never charged. Typed over every such status, so a new one must be described here.
 */
const POLICY_REFUSALS: Record<PolicyRefusalStatus, { label: string; detail: string }> = {
  OPTED_OUT: {
    label: "Opted out — not sent",
    detail:
      "This person asked not to be texted from this ClickSend account (they replied STOP, or were added to Opt-outs), so nothing was sent to them.",
  },
  RECIPIENT_NOT_ALLOWED: {
    label: "Not an allowed recipient — not sent",
    detail:
      "The agent's limits and safety rules allow only certain numbers, and this is not one of them; nothing was sent to it.",
  },
  COUNTRY_NOT_ALLOWED: {
    label: "Country not allowed — not sent",
    detail:
      "The agent's limits and safety rules allow only certain countries, and this number is in another; nothing was sent to it.",
  },
};

/**
 * Whether a stored status is one a delivery receipt left behind ("Sent", "Failed", ...: the words
 * of ClickSend's receipts and history). A receipt only exists for a message ClickSend took, and
 * it replaces the send's own SUCCESS on the stored row, so a replayed send reads it as taken.
 * ClickSend's answers to a send are upper-case codes; our own "pending" is not a receipt.
 */
export function isReceiptStatus(status: string): boolean {
  return status !== "pending" && status !== "Scheduled" && /[a-z]/.test(status);
}

/** What one recipient's status in a send's answer means, in words. */
export function describeRecipientStatus(status: string): RecipientOutcome {
  if (isPolicyRefusal(status)) return { kind: "refused", ...POLICY_REFUSALS[status] };
  if (isReceiptStatus(status)) {
    return {
      kind: "sent",
      label: "Sent",
      detail: `ClickSend accepted it; its delivery receipt since says "${status}".`,
    };
  }
  switch (status) {
    case "SUCCESS":
      return {
        kind: "sent",
        label: "Sent",
        detail: "ClickSend accepted it for delivery.",
      };
    case "Scheduled":
      return {
        kind: "scheduled",
        label: "Scheduled",
        detail: "ClickSend will send it at the chosen time.",
      };
    case "pending":
      return {
        kind: "pending",
        label: "Waiting for ClickSend",
        detail: "It is being sent and ClickSend has not answered yet.",
      };
    case UNCONFIRMED_SEND_STATUS:
      return {
        kind: "unconfirmed",
        label: "Not confirmed",
        detail:
          "ClickSend never answered for it, so it may or may not have gone out. Check the history before sending it again.",
      };
    case "NOT_RETURNED":
      return {
        kind: "unconfirmed",
        label: "Not confirmed",
        detail:
          "ClickSend's answer left this number out. Check the history before sending it again.",
      };
  }
  const known = REFUSALS[status];
  return {
    kind: "refused",
    label: `Refused: ${known?.label ?? `ClickSend code ${status}`}`,
    detail: known?.detail ?? "ClickSend did not send it.",
  };
}

/**
 * Whether a send that failed with this code may still have gone out. A ClickSend timeout, a
 * failure or an unreadable answer comes after the request left, so ClickSend may have taken it
 * (the server keeps those messages as not confirmed under the idempotency key); a part-way bulk
 * send and a failure to record a send that went out say so too. Every other code is answered
 * before anything is sent. Typed over every code, so a new one must be placed here.
 */
export const SEND_FAILURE_MAY_HAVE_SENT: Record<ErrorCode, boolean> = {
  invalid_json: false,
  invalid_request: false,
  invalid_arguments: false,
  invalid_media: false,
  unknown_tool: false,
  method_not_allowed: false,
  unauthorized: false,
  forbidden: false,
  agent_not_found: false,
  connection_not_found: false,
  connection_unusable: false,
  permission_denied: false,
  policy_denied: false,
  approval_pending: false,
  approval_closed: false,
  approval_not_found: false,
  token_not_found: false,
  too_many_tokens: false,
  already_connected: false,
  no_username: false,
  rate_limited: false,
  too_many_attempts: false,
  backend_busy: false,
  invalid_credentials: false,
  account_suspended: false,
  not_found: false,
  upstream_unavailable: true,
  upstream_timeout: true,
  upstream_malformed: true,
  send_interrupted: true,
  invalid_token: false,
  invalid_receipt: false,
  invalid_reply: false,
  webhook_not_found: false,
  provider_unavailable: false,
  vault_error: false,
  database_error: true,
  internal_error: true,
};
