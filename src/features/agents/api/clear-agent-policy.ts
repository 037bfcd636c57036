import { useMutation, useQueryClient } from "@tanstack/react-query";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError, type ApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

/**
 * Deletes the agent's policy row: no limits beyond its grants from then on. True when there was
 * a row (false: already cleared, e.g. in another tab).
 */
async function clearAgentPolicy(agentId: string): Promise<boolean> {
  const { data, error, status } = await supabase
    .from("agent_policies")
    .delete()
    .eq("agent_id", agentId)
    .select("agent_id");
  if (error) throw toApiError(error, status);
  return data.length > 0;
}

export function useClearAgentPolicy(agentId: string) {
  const queryClient = useQueryClient();
  return useMutation<boolean, ApiError>({
    mutationFn: () => clearAgentPolicy(agentId),
    onSuccess: () => {
      queryClient.setQueryData(agentsKeys.policy(agentId), null);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: agentsKeys.policy(agentId) }),
  });
}
