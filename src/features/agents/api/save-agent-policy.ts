import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { AgentPolicy } from "@contracts/guardrails.ts";
import { parsePolicyRow, POLICY_COLUMNS } from "@/features/agents/api/get-agent-policy";
import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError, type ApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

type SaveAgentPolicyInput = { agentId: string; policy: AgentPolicy };

/**
 * Writes the agent's whole policy (one row per agent; user_id is the database's default, the
 * caller). The database checks every rule again and refuses a bad one with code 22023 and a
 * message that starts with the column's name.
 */
async function saveAgentPolicy({ agentId, policy }: SaveAgentPolicyInput): Promise<AgentPolicy> {
  const { data, error, status } = await supabase
    .from("agent_policies")
    .upsert({ agent_id: agentId, ...policy }, { onConflict: "agent_id" })
    .select(POLICY_COLUMNS)
    .single();
  if (error) throw toApiError(error, status);
  return parsePolicyRow(data);
}

/** Saves the policy; the stored row (as the database normalised it) replaces the cached one. */
export function useSaveAgentPolicy(agentId: string) {
  const queryClient = useQueryClient();
  return useMutation<AgentPolicy, ApiError, SaveAgentPolicyInput>({
    mutationFn: saveAgentPolicy,
    onSuccess: (policy) => {
      queryClient.setQueryData(agentsKeys.policy(agentId), policy);
    },
    onError: () => queryClient.invalidateQueries({ queryKey: agentsKeys.policy(agentId) }),
  });
}
