import { useMutation, useQueryClient } from "@tanstack/react-query";

import { sendingAccountKey, type SendingAccount } from "@/features/agents/api/get-sending-account";
import { ApiError, toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

type SetDefaultAccountInput = { agentId: string; connectionId: string };

/**
 * Stores the agent's default ClickSend connection. The database keeps it to the owner's own
 * connections (a composite foreign key) and the owner's own agents (RLS), so an update that
 * reaches no row is a failure to say, not a success.
 */
async function setDefaultAccount({ agentId, connectionId }: SetDefaultAccountInput) {
  const { data, error, status } = await supabase
    .from("agents")
    .update({ default_connection_id: connectionId })
    .eq("id", agentId)
    .select("id");
  if (error) throw toApiError(error, status);
  if (data.length === 0)
    throw new ApiError("not_found", "This agent no longer exists; reload the page.", false, 404);
}

type Callbacks = {
  onSuccess?: (input: SetDefaultAccountInput) => void;
  onError?: (error: ApiError, input: SetDefaultAccountInput) => void;
};

/** Saves the choice optimistically; the choice moves back if the save fails. */
export function useSetDefaultAccount(agentId: string, { onSuccess, onError }: Callbacks = {}) {
  const queryClient = useQueryClient();
  const key = sendingAccountKey(agentId);
  return useMutation({
    mutationFn: setDefaultAccount,
    // In the same queue as the switches, so the last choice is the one that stays.
    scope: { id: `agent-grants:${agentId}` },
    onMutate: async ({ connectionId }) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<SendingAccount>(key);
      if (previous)
        queryClient.setQueryData<SendingAccount>(key, {
          ...previous,
          defaultConnectionId: connectionId,
        });
      return { previous };
    },
    onError: (error, input, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
      onError?.(toApiError(error), input);
    },
    onSuccess: (_data, input) => {
      onSuccess?.(input);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
