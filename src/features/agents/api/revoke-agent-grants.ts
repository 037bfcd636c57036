import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { AgentGrant } from "@/features/agents/api/get-agent-grants";
import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError, type ApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

/** "Revoke all": every grant of the agent becomes inactive, on every connection. */
async function revokeAgentGrants(agentId: string): Promise<void> {
  const { error, status } = await supabase
    .from("agent_integration_permissions")
    .update({ is_active: false, revoked_at: new Date().toISOString() })
    .eq("agent_id", agentId)
    .eq("is_active", true);
  if (error) throw toApiError(error, status);
}

type Callbacks = {
  onSuccess?: () => void;
  onError?: (error: ApiError) => void;
};

/** Optimistic like the switches, and in the same queue as their saves. */
export function useRevokeAgentGrants(agentId: string, { onSuccess, onError }: Callbacks = {}) {
  const queryClient = useQueryClient();
  const key = agentsKeys.grants(agentId);
  return useMutation({
    mutationFn: () => revokeAgentGrants(agentId),
    scope: { id: `agent-grants:${agentId}` },
    onMutate: async () => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<AgentGrant[]>(key);
      queryClient.setQueryData<AgentGrant[]>(key, (grants = []) =>
        grants.map((grant) => ({ ...grant, scopes: [], expiresAt: null })),
      );
      return { previous };
    },
    onError: (error, _input, context) => {
      queryClient.setQueryData(key, context?.previous);
      onError?.(toApiError(error));
    },
    onSuccess: () => {
      onSuccess?.();
    },
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: key }),
        queryClient.invalidateQueries({ queryKey: agentsKeys.tools(agentId) }),
      ]),
  });
}
