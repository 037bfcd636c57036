import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { messagesKeys } from "@/features/messages/api/query-keys";
import { summariseUsage, type AgentUsage } from "@/features/messages/utils/usage";
import { toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

export const USAGE_PERIODS = [7, 30, 90] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

/** Enough for months of a busy account; the summary says when it was cut short. */
export const USAGE_ROW_LIMIT = 10_000;

const usageMessageSchema = z.object({
  agent_id: z.string().nullable(),
  status: z.string(),
  status_code: z.string().nullable(),
  price: z.number().nullable(),
  currency: z.string().nullable(),
  channel: z.string(),
  created_at: z.string(),
});

type AgentUsageSummary = {
  agents: AgentUsage[];
  /** Messages counted. */
  total: number;
  /** True when there were more messages than USAGE_ROW_LIMIT. */
  truncated: boolean;
};

/**
 * Per-agent usage over the last `sinceDays` days, from the messages this app recorded (RLS: the
 * user's own rows, across all their connections) and their agents' names.
 */
async function getAgentUsage(sinceDays: UsagePeriod): Promise<AgentUsageSummary> {
  const since = new Date(Date.now() - sinceDays * 86_400_000).toISOString();
  const [messages, agents] = await Promise.all([
    supabase
      .from("clicksend_messages")
      .select("agent_id, status, status_code, price, currency, channel, created_at")
      .gte("created_at", since)
      .order("created_at", { ascending: false })
      .limit(USAGE_ROW_LIMIT + 1),
    supabase.from("agents").select("id, name"),
  ]);
  if (messages.error) throw toApiError(messages.error, messages.status);
  if (agents.error) throw toApiError(agents.error, agents.status);

  const rows = z.array(usageMessageSchema).parse(messages.data);
  const counted = rows.slice(0, USAGE_ROW_LIMIT);
  return {
    agents: summariseUsage(counted, agents.data),
    total: counted.length,
    truncated: rows.length > USAGE_ROW_LIMIT,
  };
}

function agentUsageQueryOptions(sinceDays: UsagePeriod) {
  return queryOptions({
    queryKey: messagesKeys.usage(sinceDays),
    queryFn: () => getAgentUsage(sinceDays),
  });
}

export function useAgentUsage(sinceDays: UsagePeriod) {
  return useQuery(agentUsageQueryOptions(sinceDays));
}
