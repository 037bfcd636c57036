import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { toolArgumentSchemas, type HistoryRow } from "@/features/messages/utils/backend";
import { CLICKSEND_STALE_MS } from "@/lib/clicksend-freshness";

export type Channel = "sms" | "mms";

/** The server's own argument schema: page, limit (15–100), date_from/date_to, to, status. */
const historyParamsSchema = toolArgumentSchemas.clicksend_get_sms_history;
export type HistoryParams = z.infer<typeof historyParamsSchema>;

export const HISTORY_PAGE_SIZE = 25;

const historyRowSchema = z.object({
  messageId: z.string(),
  direction: z.string(),
  /** Unix seconds. */
  date: z.number().nullable(),
  to: z.string(),
  from: z.string().nullable(),
  body: z.string().nullable(),
  subject: z.string().nullable(),
  status: z.string(),
  statusCode: z.string().nullable(),
  statusText: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorText: z.string().nullable(),
  parts: z.number().nullable(),
  price: z.number().nullable(),
  customString: z.string().nullable(),
  schedule: z.number().nullable(),
  country: z.string().nullable(),
  mediaUrl: z.string().nullable(),
}) satisfies z.ZodType<HistoryRow>;

export type MessageRow = z.infer<typeof historyRowSchema>;

const historyPageSchema = z.object({
  total: z.number(),
  perPage: z.number(),
  page: z.number(),
  lastPage: z.number(),
  hasMore: z.boolean(),
  rows: z.array(historyRowSchema),
});

type HistoryPage = z.infer<typeof historyPageSchema>;

function getMessageHistory(
  connectionId: string,
  channel: Channel,
  params: HistoryParams,
  signal?: AbortSignal,
): Promise<HistoryPage> {
  const action = channel === "sms" ? "get_sms_history" : "get_mms_history";
  return callClickSendApi(connectionId, action, historyParamsSchema.parse(params), {
    result: historyPageSchema,
    signal,
  });
}

function messageHistoryQueryOptions(connectionId: string, channel: Channel, params: HistoryParams) {
  return queryOptions({
    queryKey: messagesKeys.history(connectionId, channel, params),
    queryFn: ({ signal }) => getMessageHistory(connectionId, channel, params, signal),
    // Keep the current page on screen while the next one loads.
    placeholderData: keepPreviousData,
    // A ClickSend call: the live poll says when it changed (useLiveMessages).
    staleTime: CLICKSEND_STALE_MS,
  });
}

export function useMessageHistory(connectionId: string, channel: Channel, params: HistoryParams) {
  return useQuery(messageHistoryQueryOptions(connectionId, channel, params));
}
