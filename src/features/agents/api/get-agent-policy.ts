import { queryOptions, useQuery } from "@tanstack/react-query";

import { agentPolicySchema, type AgentPolicy } from "@contracts/guardrails.ts";
import { agentsKeys } from "@/features/agents/api/query-keys";
import { ApiError, toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

/** The editable columns of public.agent_policies, as the contracts' schema names them. */
export const POLICY_COLUMNS =
  "daily_message_limit, monthly_spend_limit, allowed_recipients, allowed_countries, quiet_hours_start, quiet_hours_end, quiet_hours_timezone, approval_mode";

/** A stored row as the app reads it; a row the schema does not accept is a version mismatch. */
export function parsePolicyRow(row: unknown): AgentPolicy {
  const parsed = agentPolicySchema.safeParse(row);
  if (!parsed.success) {
    throw new ApiError(
      "unexpected_response",
      "This agent's limits could not be read. Reload the page; if it persists, the app and server versions differ.",
    );
  }
  return parsed.data;
}

/** The agent's policy row (RLS: the owner's own), or null: no limits beyond its grants. */
async function getAgentPolicy(agentId: string): Promise<AgentPolicy | null> {
  const { data, error, status } = await supabase
    .from("agent_policies")
    .select(POLICY_COLUMNS)
    .eq("agent_id", agentId)
    .maybeSingle();
  if (error) throw toApiError(error, status);
  return data === null ? null : parsePolicyRow(data);
}

function agentPolicyQueryOptions(agentId: string) {
  return queryOptions({
    queryKey: agentsKeys.policy(agentId),
    queryFn: () => getAgentPolicy(agentId),
  });
}

export function useAgentPolicy(agentId: string) {
  return useQuery(agentPolicyQueryOptions(agentId));
}
