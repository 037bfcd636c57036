import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { toolArgumentSchemas, type Receipt } from "@/features/messages/utils/backend";
import { ApiError } from "@/lib/api-error";

/** The server's own argument schema: message_id, page, limit. */
const receiptsParamsSchema = toolArgumentSchemas.clicksend_get_delivery_receipts;
export type ReceiptsParams = z.infer<typeof receiptsParamsSchema>;

const receiptSchema = z.object({
  messageId: z.string(),
  /** Unix seconds. */
  sentAt: z.number().nullable(),
  /** Unix seconds. */
  receivedAt: z.number().nullable(),
  statusCode: z.string().nullable(),
  statusText: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorText: z.string().nullable(),
  customString: z.string().nullable(),
  messageType: z.string(),
}) satisfies z.ZodType<Receipt>;

export type ReceiptRow = z.infer<typeof receiptSchema>;

const receiptsPageSchema = z.object({
  receipts: z.array(receiptSchema),
  page: z.number(),
  last_page: z.number(),
  total: z.number(),
});

type ReceiptsPage = z.infer<typeof receiptsPageSchema>;

const EMPTY_PAGE: ReceiptsPage = { receipts: [], page: 1, last_page: 1, total: 0 };

/**
 * Unread delivery receipts, newest pages first; or the one receipt of `message_id`, where
 * ClickSend's "no receipt yet" (404 not_found) is an empty result rather than an error.
 */
async function getDeliveryReceipts(
  connectionId: string,
  params: ReceiptsParams,
  signal?: AbortSignal,
): Promise<ReceiptsPage> {
  try {
    return await callClickSendApi(
      connectionId,
      "get_delivery_receipts",
      receiptsParamsSchema.parse(params),
      { result: receiptsPageSchema, signal },
    );
  } catch (error) {
    const noReceiptYet =
      params.message_id !== undefined && error instanceof ApiError && error.code === "not_found";
    if (noReceiptYet) return EMPTY_PAGE;
    throw error;
  }
}

function deliveryReceiptsQueryOptions(connectionId: string, params: ReceiptsParams) {
  return queryOptions({
    queryKey: messagesKeys.receipts(connectionId, params),
    queryFn: ({ signal }) => getDeliveryReceipts(connectionId, params, signal),
    placeholderData: keepPreviousData,
  });
}

export function useDeliveryReceipts(connectionId: string, params: ReceiptsParams) {
  return useQuery(deliveryReceiptsQueryOptions(connectionId, params));
}
