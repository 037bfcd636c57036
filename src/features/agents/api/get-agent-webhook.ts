import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** An agent's reply webhook as the owner sees it: never the secret, only its last characters. */
export const agentWebhookSchema = z.object({
  agent_id: z.string(),
  url: z.string(),
  secret_hint: z.string(),
  secret_rotated_at: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AgentWebhook = z.infer<typeof agentWebhookSchema>;

/** The agent's webhook, or null when it has none (RLS: the user's own). */
async function getAgentWebhook(agentId: string): Promise<AgentWebhook | null> {
  const { data, error, status } = await supabase
    .from("agent_webhooks")
    .select("agent_id, url, secret_hint, secret_rotated_at, created_at, updated_at")
    .eq("agent_id", agentId)
    .maybeSingle();
  if (error) throw toApiError(error, status);
  return parseResponse(agentWebhookSchema.nullable(), data, "the agent's webhook");
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
