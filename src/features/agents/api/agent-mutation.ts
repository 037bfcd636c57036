import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { Agent } from "@/features/agents/api/get-agents";
import { agentsKeys } from "@/features/agents/api/query-keys";
import type { ApiError } from "@/lib/api-error";

export type AgentCallbacks = {
  onSuccess?: (agent: Agent) => void;
  onError?: (error: ApiError) => void;
};

/** A change that answers with the agent: the agent list is reloaded before `onSuccess`. */
export function useAgentMutation<Input>(
  mutationFn: (input: Input) => Promise<Agent>,
  { onSuccess, onError }: AgentCallbacks,
) {
  const queryClient = useQueryClient();
  return useMutation<Agent, ApiError, Input>({
    mutationFn,
    onSuccess: async (agent) => {
      await queryClient.invalidateQueries({ queryKey: agentsKeys.list() });
      onSuccess?.(agent);
    },
    onError,
  });
}
