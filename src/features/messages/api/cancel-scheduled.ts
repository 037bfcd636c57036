import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";
import type { ApiError } from "@/lib/api-error";
import { connectionKeys } from "@/lib/connections/query-keys";

const cancelScheduledInputSchema = z.object({ message_id: z.string().min(1).max(64) });
export type CancelScheduledInput = z.infer<typeof cancelScheduledInputSchema>;

const cancelledSchema = z.object({ cancelled: z.literal(true), message_id: z.string() });
export type Cancelled = z.infer<typeof cancelledSchema>;

/** Cancels a scheduled SMS (ClickSend refunds it); ClickSend answers not_found when it was already sent or cancelled. */
async function cancelScheduled(
  connectionId: string,
  input: CancelScheduledInput,
): Promise<Cancelled> {
  return callClickSendApi(
    connectionId,
    "cancel_scheduled",
    cancelScheduledInputSchema.parse(input),
    { result: cancelledSchema },
  );
}

export function useCancelScheduled(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation<Cancelled, ApiError, CancelScheduledInput>({
    mutationFn: (input) => cancelScheduled(connectionId, input),
    onSettled: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: messagesKeys.histories(connectionId) }),
        queryClient.invalidateQueries({ queryKey: connectionKeys.balance(connectionId) }),
        queryClient.invalidateQueries({ queryKey: messagesKeys.usages() }),
      ]);
    },
  });
}
