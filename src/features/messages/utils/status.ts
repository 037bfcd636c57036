import { isPolicyRefusal, POLICY_REFUSAL_STATUSES } from "@contracts/guardrails.ts";
import { describeRecipientStatus } from "@contracts/send-outcome.ts";
import type { BadgeTone } from "@/components/ui/badge";
import { UNCONFIRMED_SEND_STATUS } from "@/features/messages/utils/backend";

export type StatusDescription = {
  /** What happened, in words (clicksend-api.md §2.14). */
  label: string;
  tone: BadgeTone;
};

/** Receipt and history `status_code`s. */
const STATUS_CODES: Record<string, StatusDescription> = {
  "200": { label: "Sent to network", tone: "info" },
  "201": { label: "Delivered to handset", tone: "success" },
  "300": { label: "Temporary failure, retrying", tone: "warning" },
  "301": { label: "Failed", tone: "danger" },
  "302": { label: "Temporary routing failure, retrying", tone: "warning" },
};

/** History `status` words, used when there is no code or the word says more than the code. */
const STATUSES: Record<string, StatusDescription> = {
  Queued: { label: "Queued", tone: "neutral" },
  "Queued:WaitSend": { label: "Queued, waiting to send", tone: "neutral" },
  Completed: { label: "Accepted for delivery", tone: "info" },
  Scheduled: { label: "Scheduled", tone: "info" },
  WaitApproval: { label: "Held for review", tone: "warning" },
  Failed: { label: "Failed", tone: "danger" },
  Cancelled: { label: "Cancelled", tone: "neutral" },
  CancelledAfterReview: { label: "Cancelled after review", tone: "neutral" },
  Received: { label: "Received", tone: "info" },
  Sent: { label: "Sent to network", tone: "info" },
  SUCCESS: { label: "Accepted for delivery", tone: "info" },
};

/** Statuses whose own word beats the code (Cancelled is also 301, Scheduled is also 200). */
const STATUS_FIRST = new Set(["Scheduled", "WaitApproval", "Cancelled", "CancelledAfterReview"]);

/**
 * A recipient our guardrails refused before ClickSend (opted out, or outside an agent's recipient
 * rules): stored with that status, never sent. In the send report's words, as a warning: nothing
 * failed, the rule did its job.
 */
function describePolicyRefusal(status: string): StatusDescription | undefined {
  if (!isPolicyRefusal(status)) return undefined;
  return { label: describeRecipientStatus(status).label, tone: "warning" };
}

/** What a refused recipient's status means, in a sentence; null for any other status. */
export function describePolicyRefusalDetail(status: string): string | null {
  return isPolicyRefusal(status) ? describeRecipientStatus(status).detail : null;
}

/** The words for a message's state, from its history status and/or receipt status code. */
export function describeStatus(
  status: string | null,
  statusCode: string | null,
): StatusDescription {
  const refused = status === null ? undefined : describePolicyRefusal(status);
  if (refused) return refused;
  if (status !== null && STATUS_FIRST.has(status)) return STATUSES[status] ?? unknown(status);
  const byCode = statusCode === null ? undefined : STATUS_CODES[statusCode];
  if (byCode) return byCode;
  if (status !== null) return STATUSES[status] ?? unknown(status);
  return statusCode === null ? unknown("Unknown") : unknown(`Status ${statusCode}`);
}

function unknown(label: string): StatusDescription {
  return { label, tone: "neutral" };
}

/** Statuses only this app records: a send reserved, and one ClickSend never confirmed. */
const STORED_STATUSES: Record<string, StatusDescription> = {
  pending: { label: "Sending", tone: "neutral" },
  [UNCONFIRMED_SEND_STATUS]: { label: "Not confirmed by ClickSend", tone: "warning" },
};

/**
 * The words for a message this app recorded (clicksend_messages): its send status, then its
 * receipt's code. A send status ClickSend refused with (INSUFFICIENT_CREDIT, …) reads as refused.
 */
export function describeStoredStatus(status: string, statusCode: string | null): StatusDescription {
  const refused = describePolicyRefusal(status);
  if (refused) return refused;
  const stored = statusCode === null ? STORED_STATUSES[status] : undefined;
  if (stored) return stored;
  const known = describeStatus(status, statusCode);
  if (statusCode === null && !(status in STATUSES) && /^[A-Z][A-Z_]+$/.test(status)) {
    return { label: `Refused by ClickSend (${status})`, tone: "danger" };
  }
  return known;
}

/** History statuses a user can filter by (SMS; MMS adds Queued:WaitSend). */
export const HISTORY_STATUSES = [
  "Sent",
  "Completed",
  "Queued",
  "Scheduled",
  "WaitApproval",
  "Failed",
  "Cancelled",
  "CancelledAfterReview",
] as const;

export const MMS_ONLY_STATUSES = ["Queued:WaitSend"] as const;

/**
 * What each receipt `status_code` means for the message, in a sentence (clicksend-api.md §2.14):
 * shown beside the status so the code is never the only explanation.
 */
const STATUS_CODE_MEANINGS: Record<string, string> = {
  "200": "ClickSend passed it to the mobile network; the handset has not confirmed it yet.",
  "201": "The handset confirmed it received the message. This is final.",
  "300": "A temporary network error; ClickSend keeps trying to deliver it.",
  "301": "It could not be delivered and ClickSend has stopped trying. This is final.",
  "302": "The carrier's route failed for now; ClickSend keeps trying to deliver it.",
};

/** The meaning of a receipt status code in words, or null when there is none to explain. */
export function describeStatusCode(statusCode: string | null): string | null {
  if (statusCode === null || statusCode === "") return null;
  return STATUS_CODE_MEANINGS[statusCode] ?? `ClickSend's status code ${statusCode}.`;
}

/**
 * ClickSend's gateway `error_code`s (clicksend-api.md §2.14, "List of SMS gateway error codes"):
 * 1-6 name where a message is, 7-20 why it failed.
 */
const ERROR_CODES: Record<string, string> = {
  "1": "Queued at ClickSend",
  "2": "Scheduled for later",
  "3": "Sent to the mobile network",
  "4": "Delivered to the handset",
  "5": "Cancelled before it was sent",
  "6": "Held for ClickSend's review before sending",
  "7": "Unknown failure: the network gave no reason",
  "8": "Unknown subscriber: the number is inactive or does not exist",
  "9": "Unidentified subscriber: the network could not find where to route it",
  "10": "Illegal subscriber: the network's authentication or filtering refused the number",
  "11": "The network or the handset cannot receive SMS",
  "12": "Absent subscriber: the handset was switched off or out of range for 12 hours or more",
  "13": "The handset's message memory is full",
  "14": "The recipient's network had an error or was congested",
  "15": "Rejected by the network",
  "16": "A temporary network error; ClickSend will try again",
  "17": "The network timed out",
  "18": "The network could not route the message",
  "19": "Rejected by anti-spam filtering",
  "20": "The network never confirmed delivery before the receipt expired",
};

/**
 * A receipt's gateway error in words: "Error 12: Absent subscriber: …". ClickSend's own text is
 * used for a code the table does not know; null when the receipt carries no error.
 */
export function describeReceiptError(
  errorCode: string | null,
  errorText: string | null,
): string | null {
  if (errorCode === null || errorCode === "") return errorText === "" ? null : errorText;
  const known = ERROR_CODES[errorCode];
  const words = known ?? errorText ?? "ClickSend gave no explanation";
  return `Error ${errorCode}: ${words}.`;
}

/**
 * The Receipts tab's status filter, as data: which stored status codes (and statuses) each choice
 * keeps. Cancelling stores Cancelled with code 301, so "Failed" leaves cancellations out.
 */
export const RECEIPT_FILTERS = [
  { value: "delivered", label: "Delivered", statusCodes: ["201"] },
  {
    value: "failed",
    label: "Failed",
    statusCodes: ["301"],
    excludeStatuses: ["Cancelled", "CancelledAfterReview"],
  },
  { value: "retrying", label: "Temporary failure, retrying", statusCodes: ["300", "302"] },
  { value: "sent", label: "Sent to network, awaiting the handset", statusCodes: ["200"] },
  // A recipient refused before ClickSend never gets a receipt: it is not waiting for one.
  {
    value: "none",
    label: "No receipt yet",
    statusCodes: [],
    excludeStatuses: [...POLICY_REFUSAL_STATUSES],
  },
] as const satisfies readonly {
  value: string;
  label: string;
  /** Empty: messages with no status code at all. */
  statusCodes: readonly string[];
  excludeStatuses?: readonly string[];
}[];

export type ReceiptFilter = (typeof RECEIPT_FILTERS)[number]["value"];
