import type { AgentUsage } from "@/features/messages/utils/usage";
import { formatPercent } from "@/features/messages/utils/format";
import { formatMoney } from "@/lib/format-money";

export function successRateText(usage: AgentUsage): string {
  return usage.successRate === null ? "—" : formatPercent(usage.successRate);
}

export function costText(usage: AgentUsage): string {
  const entries = Object.entries(usage.cost);
  if (entries.length === 0) return formatMoney(0, null);
  return entries
    .map(([currency, amount]) => formatMoney(amount, currency || null, { precise: true }))
    .join(" + ");
}
