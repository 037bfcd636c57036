import { queryOptions, useQuery } from "@tanstack/react-query";

import { agentWebhookViewSchema, type AgentWebhookView } from "@contracts/function-requests.ts";
import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** The agent's webhook, or null when it has none (RLS: the user's own). */
async function getAgentWebhook(agentId: string): Promise<AgentWebhookView | null> {
  const { data, error, status } = await supabase
    .from("agent_webhooks")
    .select("agent_id, url, secret_hint, secret_rotated_at, created_at, updated_at")
    .eq("agent_id", agentId)
    .maybeSingle();
  if (error) throw toApiError(error, status);
  return parseResponse(agentWebhookViewSchema.nullable(), data, "the agent's webhook");
}

function agentWebhookQueryOptions(agentId: string) {
  return queryOptions({
    queryKey: agentsKeys.webhook(agentId),
    queryFn: () => getAgentWebhook(agentId),
  });
}

export function useAgentWebhook(agentId: string) {
  return useQuery(agentWebhookQueryOptions(agentId));
}
