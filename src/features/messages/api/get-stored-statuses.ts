import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { messagesKeys } from "@/features/messages/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** Receipt codes after which a message's status no longer changes: delivered, failed. */
const FINAL_CODES = new Set(["201", "301"]);

const storedStatusSchema = z.object({
  message_id: z.string(),
  status: z.string(),
  status_code: z.string().nullable(),
});

export type StoredStatus = z.infer<typeof storedStatusSchema>;

/**
 * The final receipt the webhook stored for a message, when ClickSend's own answer (a history
 * row read earlier) does not have it yet; null when there is nothing newer to show.
 */
export function newerFinalCode(
  clickSendCode: string | null,
  stored: StoredStatus | undefined,
): string | null {
  if (!stored?.status_code || !FINAL_CODES.has(stored.status_code)) return null;
  if (clickSendCode !== null && FINAL_CODES.has(clickSendCode)) return null;
  return stored.status_code;
}

/** Our own record (RLS: the user's rows) of the messages on screen, by ClickSend message id. */
async function getStoredStatuses(
  connectionId: string,
  messageIds: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, StoredStatus>> {
  const { data, error, status } = await supabase
    .from("clicksend_messages")
    .select("message_id, status, status_code")
    .eq("user_oauth_connection_id", connectionId)
    .in("message_id", [...messageIds])
    .abortSignal(signal);
  if (error) throw toApiError(error, status);
  const rows = parseResponse(z.array(storedStatusSchema), data, "your stored messages");
  return new Map(rows.map((row) => [row.message_id, row]));
}

function storedStatusesQueryOptions(connectionId: string, messageIds: readonly string[]) {
  return queryOptions({
    // Under `stored`: the live poll reads it again as soon as a receipt is stored.
    queryKey: [...messagesKeys.stored(connectionId), "statuses", messageIds] as const,
    queryFn: ({ signal }) => getStoredStatuses(connectionId, messageIds, signal),
    enabled: messageIds.length > 0,
    placeholderData: keepPreviousData,
  });
}

/**
 * The stored statuses of the messages on one history page, so a receipt shows as soon as the
 * webhook stores it instead of at ClickSend's next refresh (at most every 30 s).
 */
export function useStoredStatuses(connectionId: string, messageIds: readonly string[]) {
  return useQuery(storedStatusesQueryOptions(connectionId, messageIds));
}
