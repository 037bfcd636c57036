import { useMutation, useQueryClient } from "@tanstack/react-query";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError, type ApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

/** Deletes an agent; its grants go with it, its message history stays without it. */
async function deleteAgent(agentId: string): Promise<void> {
  const { error, status } = await supabase.from("agents").delete().eq("id", agentId);
  if (error) throw toApiError(error, status);
}

type Callbacks = {
  onSuccess?: () => void;
  onError?: (error: ApiError) => void;
};

export function useDeleteAgent({ onSuccess, onError }: Callbacks = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteAgent,
    onSuccess: async (_data, agentId) => {
      queryClient.removeQueries({ queryKey: agentsKeys.agent(agentId) });
      await queryClient.invalidateQueries({ queryKey: agentsKeys.list() });
      onSuccess?.();
    },
    onError: (error) => {
      onError?.(toApiError(error));
    },
  });
}
