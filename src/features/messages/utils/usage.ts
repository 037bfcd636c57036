import { countMessage, successRate } from "@/features/messages/utils/usage-figures";

/** One stored message, as the usage query reads it. */
export type UsageMessage = {
  /** The connection (ClickSend account) it was sent from. */
  user_oauth_connection_id: string;
  agent_id: string | null;
  status: string;
  status_code: string | null;
  price: number | null;
  currency: string | null;
  channel: string;
  created_at: string;
};

export type AgentUsage = {
  /** null: sent from this dashboard. */
  agentId: string | null;
  name: string;
  messages: number;
  delivered: number;
  failed: number;
  pending: number;
  cancelled: number;
  /** See SUCCESS_RATE_MEANING; null when no message has a final outcome. */
  successRate: number | null;
  /** What was charged, per currency, e.g. {AUD: 0.154} (see COST_MEANING). */
  cost: Record<string, number>;
};

const DASHBOARD_SENDER = "Sent from this dashboard";
const DELETED_AGENT = "Deleted agent";

/** Messages by figure, success rate and cost per agent, busiest first. */
function summariseUsage(
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
        failed: 0,
        pending: 0,
        cancelled: 0,
        successRate: null,
        cost: {},
      };
      byAgent.set(message.agent_id, usage);
    }
    const { figure, cost } = countMessage(message);
    usage.messages += 1;
    usage[figure] += 1;
    if (cost > 0) {
      const currency = message.currency ?? "";
      usage.cost[currency] = (usage.cost[currency] ?? 0) + cost;
    }
  }

  return [...byAgent.values()]
    .map((usage) => ({ ...usage, successRate: successRate(usage) }))
    .sort((a, b) => b.messages - a.messages || a.name.localeCompare(b.name));
}

/** One ClickSend account's usage: what each agent (and the dashboard) sent from it. */
export type AccountUsage = {
  connectionId: string;
  /** The account as a person reads it: "Shop (shop_user)". */
  account: string;
  messages: number;
  agents: AgentUsage[];
};

const REMOVED_ACCOUNT = "Removed account";

/**
 * Usage per ClickSend account, then per agent within it, busiest account first: an agent granted
 * on two accounts gets a row under each, so the page says which account every message used.
 */
export function summariseUsageByAccount(
  messages: readonly UsageMessage[],
  agents: readonly { id: string; name: string }[],
  accounts: readonly { id: string; title: string }[],
): AccountUsage[] {
  const titles = new Map(accounts.map((account) => [account.id, account.title]));
  const byAccount = new Map<string, UsageMessage[]>();
  for (const message of messages) {
    const group = byAccount.get(message.user_oauth_connection_id);
    if (group) group.push(message);
    else byAccount.set(message.user_oauth_connection_id, [message]);
  }
  return [...byAccount.entries()]
    .map(([connectionId, sent]) => ({
      connectionId,
      account: titles.get(connectionId) ?? REMOVED_ACCOUNT,
      messages: sent.length,
      agents: summariseUsage(sent, agents),
    }))
    .sort((a, b) => b.messages - a.messages || a.account.localeCompare(b.account));
}
