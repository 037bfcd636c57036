import { UNCONFIRMED_SEND_STATUS } from "@/features/messages/utils/backend";

/** What one stored message counts as. Each message counts in exactly one. */
export type UsageFigure = "delivered" | "failed" | "pending" | "cancelled";

/** The columns of clicksend_messages that decide a message's figure and cost. */
export type CountedMessage = {
  status: string;
  status_code: string | null;
  price: number | null;
};

type Rule = {
  figure: UsageFigure;
  /** Matches a stored send or receipt status (any code), when given. */
  statuses?: readonly string[];
  /** Matches a receipt status_code, when given. */
  statusCodes?: readonly string[];
  /** Whether the message's price was charged (false: refunded or never charged). */
  charged: boolean;
};

/**
 * How a stored message is counted, first match wins. Cancelling stores Cancelled with code 301,
 * so cancellation comes before the failure codes. A send status no rule names is ClickSend
 * refusing the send (INVALID_RECIPIENT, INSUFFICIENT_CREDIT, COUNTRY_NOT_ENABLED, …): failed,
 * nothing charged.
 */
const USAGE_RULES: readonly Rule[] = [
  { figure: "cancelled", statuses: ["Cancelled", "CancelledAfterReview"], charged: false },
  { figure: "delivered", statusCodes: ["201"], charged: true },
  { figure: "failed", statusCodes: ["300", "301", "302"], charged: true },
  { figure: "pending", statusCodes: ["200"], charged: true },
  {
    figure: "pending",
    statuses: [
      "pending",
      UNCONFIRMED_SEND_STATUS,
      "SUCCESS",
      "Scheduled",
      "Queued",
      "Queued:WaitSend",
      "Completed",
      "WaitApproval",
      "Sent",
    ],
    charged: true,
  },
  { figure: "failed", statuses: ["Failed"], charged: true },
];
const REFUSED: Rule = { figure: "failed", charged: false };

/** What each figure means, in the words the usage view shows. Order is display order. */
export const USAGE_FIGURES: readonly { figure: UsageFigure; label: string; meaning: string }[] = [
  {
    figure: "delivered",
    label: "Delivered",
    meaning: "The delivery receipt says the handset received it (status code 201).",
  },
  {
    figure: "failed",
    label: "Failed",
    meaning:
      "A final failure receipt (status code 300, 301 or 302), or ClickSend refused the send (an invalid number, not enough credit, a country not enabled…).",
  },
  {
    figure: "pending",
    label: "Pending",
    meaning:
      "Accepted or scheduled, with no final receipt yet; also a send whose result ClickSend never confirmed.",
  },
  {
    figure: "cancelled",
    label: "Cancelled",
    meaning: "A scheduled message cancelled before it was sent; its price was refunded.",
  },
];

export const SUCCESS_RATE_MEANING =
  "Delivered out of the messages with a final outcome (delivered + failed). Pending and cancelled messages are left out; “—” means none has a final outcome yet.";

export const COST_MEANING =
  "What ClickSend charged: the price of delivered, failed and pending messages. Cancelled messages were refunded and refused ones cost nothing.";

function matches(rule: Rule, message: CountedMessage, statusCode: string | null): boolean {
  if (rule.statuses && !rule.statuses.includes(message.status)) return false;
  if (rule.statusCodes && (statusCode === null || !rule.statusCodes.includes(statusCode)))
    return false;
  return true;
}

/** The figure one message counts in, and what it cost (0 when it was not charged). */
export function countMessage(message: CountedMessage): { figure: UsageFigure; cost: number } {
  // A receipt without a code is stored as "".
  const statusCode = message.status_code === "" ? null : message.status_code;
  const rule = USAGE_RULES.find((candidate) => matches(candidate, message, statusCode)) ?? REFUSED;
  return { figure: rule.figure, cost: rule.charged ? (message.price ?? 0) : 0 };
}

/** delivered / (delivered + failed); null when no message has a final outcome. */
export function successRate({ delivered, failed }: { delivered: number; failed: number }) {
  const decided = delivered + failed;
  return decided === 0 ? null : delivered / decided;
}
