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

/** The words for a message's state, from its history status and/or receipt status code. */
export function describeStatus(
  status: string | null,
  statusCode: string | null,
): StatusDescription {
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
