import { UNCONFIRMED_SEND_STATUS } from "@/features/messages/utils/backend";

/** One stored message, as the usage query reads it. */
export type UsageMessage = {
  agent_id: string | null;
  status: string;
  status_code: string | null;
  price: number | null;
  currency: string | null;
  channel: string;
  created_at: string;
};

type Outcome = "delivered" | "accepted" | "failed" | "pending" | "cancelled";

/** ClickSend accepted the message (send status SUCCESS, or a later history status). */
const ACCEPTED_STATUSES = new Set([
  "SUCCESS",
  "Scheduled",
  "Queued",
  "Queued:WaitSend",
  "Completed",
  "WaitApproval",
  "Sent",
]);
/** Reserved but not (yet) known to ClickSend: the send is in flight or its result was lost. */
const PENDING_STATUSES = new Set(["pending", UNCONFIRMED_SEND_STATUS]);
const CANCELLED_STATUSES = new Set(["Cancelled", "CancelledAfterReview"]);

/**
 * What became of one message: a receipt's final code wins (201 delivered, 301 failed); otherwise
 * the send status. Anything ClickSend refused (INSUFFICIENT_CREDIT, COUNTRY_NOT_ENABLED, …) failed.
 */
function outcomeOf(message: Pick<UsageMessage, "status" | "status_code">): Outcome {
  if (CANCELLED_STATUSES.has(message.status)) return "cancelled";
  if (message.status_code === "201") return "delivered";
  if (message.status_code === "301") return "failed";
  if (PENDING_STATUSES.has(message.status)) return "pending";
  if (ACCEPTED_STATUSES.has(message.status)) return "accepted";
  return "failed";
}

export type AgentUsage = {
  /** null: sent from this dashboard. */
  agentId: string | null;
  name: string;
  messages: number;
  delivered: number;
  accepted: number;
  failed: number;
  /** In flight, result unknown, or cancelled: neither success nor failure. */
  other: number;
  /** (delivered + accepted) / (delivered + accepted + failed); null when nothing has an outcome. */
  successRate: number | null;
  /** Cost per currency, e.g. {AUD: 0.154}. */
  cost: Record<string, number>;
};

const DASHBOARD_SENDER = "Sent from this dashboard";
const DELETED_AGENT = "Deleted agent";

/** Messages, success rate and cost per agent, busiest first. */
export function summariseUsage(
  messages: readonly UsageMessage[],
  agents: readonly { id: string; name: string }[],
): AgentUsage[] {
  const names = new Map(agents.map((agent) => [agent.id, agent.name]));
  const byAgent = new Map<string | null, AgentUsage>();

  for (const message of messages) {
    let usage = byAgent.get(message.agent_id);
    if (!usage) {
      usage = {
        agentId: message.agent_id,
        name:
          message.agent_id === null
            ? DASHBOARD_SENDER
            : (names.get(message.agent_id) ?? DELETED_AGENT),
        messages: 0,
        delivered: 0,
        accepted: 0,
        failed: 0,
        other: 0,
        successRate: null,
        cost: {},
      };
      byAgent.set(message.agent_id, usage);
    }
    usage.messages += 1;
    const outcome = outcomeOf(message);
    if (outcome === "delivered" || outcome === "accepted" || outcome === "failed") {
      usage[outcome] += 1;
    } else {
      usage.other += 1;
    }
    if (message.price !== null) {
      const currency = message.currency ?? "";
      usage.cost[currency] = (usage.cost[currency] ?? 0) + message.price;
    }
  }

  return [...byAgent.values()]
    .map((usage) => {
      const succeeded = usage.delivered + usage.accepted;
      const decided = succeeded + usage.failed;
      return { ...usage, successRate: decided === 0 ? null : succeeded / decided };
    })
    .sort((a, b) => b.messages - a.messages || a.name.localeCompare(b.name));
}
