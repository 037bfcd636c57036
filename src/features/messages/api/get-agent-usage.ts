import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { messagesKeys } from "@/features/messages/api/query-keys";
import { summariseUsageByAccount, type AccountUsage } from "@/features/messages/utils/usage";
import { toApiError } from "@/lib/api-error";
import { connectionTitle } from "@/lib/connections/get-connections";
import { supabase } from "@/lib/supabase";

export const USAGE_PERIODS = [7, 30, 90] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

/** Enough for months of a busy account; the summary says when it was cut short. */
export const USAGE_ROW_LIMIT = 10_000;

const usageMessageSchema = z.object({
  user_oauth_connection_id: z.string(),
  agent_id: z.string().nullable(),
  status: z.string(),
  status_code: z.string().nullable(),
  price: z.number().nullable(),
  currency: z.string().nullable(),
  channel: z.string(),
  created_at: z.string(),
});

const accountRowSchema = z.object({
  id: z.string(),
  connection_name: z.string(),
  external_username: z.string().nullable(),
});

type AgentUsageSummary = {
  /** Per ClickSend account, then per agent. */
  accounts: AccountUsage[];
  /** Messages counted. */
  total: number;
  /** True when there were more messages than USAGE_ROW_LIMIT. */
  truncated: boolean;
};

/**
 * Usage per account and agent over the last `sinceDays` days, from the messages this app recorded
 * (RLS: the user's own rows, across all their connections), their agents' names and their
 * connections' names (disconnected ones too: their messages count).
 */
async function getAgentUsage(sinceDays: UsagePeriod): Promise<AgentUsageSummary> {
  const since = new Date(Date.now() - sinceDays * 86_400_000).toISOString();
  const [messages, agents, connections] = await Promise.all([
    supabase
      .from("clicksend_messages")
      .select(
        "user_oauth_connection_id, agent_id, status, status_code, price, currency, channel, created_at",
      )
      .gte("created_at", since)
      .order("created_at", { ascending: false })
      .limit(USAGE_ROW_LIMIT + 1),
    supabase.from("agents").select("id, name"),
    supabase.from("user_oauth_connections").select("id, connection_name, external_username"),
  ]);
  if (messages.error) throw toApiError(messages.error, messages.status);
  if (agents.error) throw toApiError(agents.error, agents.status);
  if (connections.error) throw toApiError(connections.error, connections.status);

  const rows = z.array(usageMessageSchema).parse(messages.data);
  const accounts = z
    .array(accountRowSchema)
    .parse(connections.data)
    .map((row) => ({ id: row.id, title: connectionTitle(row) }));
  const counted = rows.slice(0, USAGE_ROW_LIMIT);
  return {
    accounts: summariseUsageByAccount(counted, agents.data, accounts),
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
