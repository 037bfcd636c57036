import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";
import type { ApiError } from "@/lib/api-error";
import { repliesKeys } from "@/lib/replies/query-keys";

const polledSchema = z.object({
  /** Replies found at ClickSend that were not stored yet (their push never arrived). */
  stored: z.number().int(),
  clicksend_requests: z.number().int(),
});
export type Polled = z.infer<typeof polledSchema>;

/** Asks ClickSend for replies whose push was lost and stores them; a ClickSend call, so rare. */
function pollReplies(connectionId: string): Promise<Polled> {
  return callClickSendApi(connectionId, "poll_replies", {}, { result: polledSchema });
}

export function usePollReplies(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation<Polled, ApiError>({
    mutationFn: () => pollReplies(connectionId),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: messagesKeys.conversations(connectionId) }),
        queryClient.invalidateQueries({ queryKey: repliesKeys.all }),
      ]);
    },
  });
}
