import { useMutation, useQueryClient } from "@tanstack/react-query";
import { pollRepliesResultSchema, type PollRepliesResult } from "@contracts/function-requests.ts";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";
import type { ApiError } from "@/lib/api-error";
import { repliesKeys } from "@/lib/replies/query-keys";

/** Asks ClickSend for replies whose push was lost and stores them; a ClickSend call, so rare. */
function pollReplies(connectionId: string): Promise<PollRepliesResult> {
  return callClickSendApi(connectionId, "poll_replies", {}, { result: pollRepliesResultSchema });
}

export function usePollReplies(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation<PollRepliesResult, ApiError>({
    mutationFn: () => pollReplies(connectionId),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: messagesKeys.conversations(connectionId) }),
        queryClient.invalidateQueries({ queryKey: repliesKeys.all }),
      ]);
    },
  });
}
