import { useMutation, useQueryClient } from "@tanstack/react-query";

import { agentRow, type AgentInput } from "@/features/agents/api/create-agent";
import type { Agent } from "@/features/agents/api/get-agents";
import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError, type ApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

export type UpdateAgentInput = AgentInput & { agentId: string };

/** Renames an agent or changes its description. */
export async function updateAgent({ agentId, ...input }: UpdateAgentInput): Promise<Agent> {
  const { data, error, status } = await supabase
    .from("agents")
    .update(agentRow(input))
    .eq("id", agentId)
    .select("id, name, description, created_at")
    .single();
  if (error) throw toApiError(error, status);
  return data;
}

type Callbacks = {
  onSuccess?: (agent: Agent) => void;
  onError?: (error: ApiError) => void;
};

export function useUpdateAgent({ onSuccess, onError }: Callbacks = {}) {
  const queryClient = useQueryClient();
  return useMutation<Agent, ApiError, UpdateAgentInput>({
    mutationFn: updateAgent,
    onSuccess: async (agent) => {
      await queryClient.invalidateQueries({ queryKey: agentsKeys.list() });
      onSuccess?.(agent);
    },
    onError,
  });
}
