import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { callClickSendApi } from "@/features/messages/api/call-clicksend-api";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { toolArgumentSchemas, type Receipt } from "@/features/messages/utils/backend";
import { ApiError } from "@/lib/api-error";

/** The server's own argument schema (message_id, page, limit); only message_id is used here. */
const receiptsParamsSchema = toolArgumentSchemas.clicksend_get_delivery_receipts;

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

export type ClickSendReceipt = z.infer<typeof receiptSchema>;

const receiptsPageSchema = z.object({
  receipts: z.array(receiptSchema),
  page: z.number(),
  last_page: z.number(),
  total: z.number(),
});

/**
 * ClickSend's receipt of one message, read or unread (GET /sms/receipts/{id}): it also finds
 * messages not sent through this app. ClickSend's "no receipt yet" (404 not_found) is null.
 */
async function getReceiptFromClickSend(
  connectionId: string,
  messageId: string,
  signal: AbortSignal,
): Promise<ClickSendReceipt | null> {
  try {
    const page = await callClickSendApi(
      connectionId,
      "get_delivery_receipts",
      receiptsParamsSchema.parse({ message_id: messageId }),
      { result: receiptsPageSchema, signal },
    );
    return page.receipts[0] ?? null;
  } catch (error) {
    if (error instanceof ApiError && error.code === "not_found") return null;
    throw error;
  }
}

/** The lookup by ClickSend message ID; asks ClickSend only once an ID is given. */
export function useReceiptLookup(connectionId: string, messageId: string) {
  return useQuery(
    queryOptions({
      queryKey: messagesKeys.receipts(connectionId, { message_id: messageId }),
      queryFn: ({ signal }) => getReceiptFromClickSend(connectionId, messageId, signal),
      enabled: messageId !== "",
    }),
  );
}
