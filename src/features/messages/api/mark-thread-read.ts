import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { messagesKeys } from "@/features/messages/api/query-keys";
import { toApiError, type ApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { repliesKeys } from "@/lib/replies/query-keys";
import { supabase } from "@/lib/supabase";

/** Marks every unread reply from one contact on one connection read; answers how many. */
async function markThreadRead(connectionId: string, contact: string): Promise<number> {
  const { data, error, status } = await supabase.rpc("clicksend_mark_thread_read", {
    p_connection_id: connectionId,
    p_contact: contact,
  });
  if (error) throw toApiError(error, status);
  return parseResponse(z.number().int(), data, "the replies marked read");
}

export function useMarkThreadRead(connectionId: string) {
  const queryClient = useQueryClient();
  return useMutation<number, ApiError, string>({
    mutationFn: (contact) => markThreadRead(connectionId, contact),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: messagesKeys.conversations(connectionId) }),
        queryClient.invalidateQueries({ queryKey: repliesKeys.all }),
      ]);
    },
  });
}
