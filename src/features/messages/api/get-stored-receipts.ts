import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { HISTORY_PAGE_SIZE } from "@/features/messages/api/get-message-history";
import { messagesKeys } from "@/features/messages/api/query-keys";
import { RECEIPT_FILTERS, type ReceiptFilter } from "@/features/messages/utils/status";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/**
 * One sent message with its receipts summed up (the clicksend_message_receipts view: the
 * user's own rows, whatever ClickSend's read flag says).
 */
const storedReceiptSchema = z.object({
  id: z.string(),
  message_id: z.string().nullable(),
  channel: z.string(),
  recipient: z.string(),
  /** The first 160 characters; null for messages sent before the text was recorded. */
  body_excerpt: z.string().nullable(),
  body_length: z.number().nullable(),
  agent_id: z.string().nullable(),
  agent_name: z.string().nullable(),
  status: z.string(),
  status_code: z.string().nullable(),
  status_text: z.string().nullable(),
  error_code: z.string().nullable(),
  error_text: z.string().nullable(),
  created_at: z.string(),
  status_updated_at: z.string().nullable(),
  receipts: z.number(),
});

export type StoredReceipt = z.infer<typeof storedReceiptSchema>;

const COLUMNS =
  "id, message_id, channel, recipient, body_excerpt, body_length, agent_id, agent_name, status, status_code, status_text, error_code, error_text, created_at, status_updated_at, receipts";

export type StoredReceiptsParams = {
  page: number;
  /** A RECEIPT_FILTERS value, or "" for every message. */
  filter: ReceiptFilter | "";
};

type StoredReceiptsPage = {
  rows: StoredReceipt[];
  page: number;
  lastPage: number;
  total: number;
};

/** The Receipts tab's queries, under `stored` so the live poll reads them again on a change. */
const storedReceiptsKeys = {
  page: (connectionId: string, params: StoredReceiptsParams) =>
    [...messagesKeys.stored(connectionId), "receipts", params] as const,
  byMessageId: (connectionId: string, messageId: string) =>
    [...messagesKeys.stored(connectionId), "receipts", "message", messageId] as const,
  timeline: (connectionId: string, messageRowId: string) =>
    [...messagesKeys.stored(connectionId), "receipt-timeline", messageRowId] as const,
};

/** The messages sent through a connection, newest first, one page, optionally by status. */
async function getStoredReceipts(
  connectionId: string,
  { page, filter }: StoredReceiptsParams,
  signal: AbortSignal,
): Promise<StoredReceiptsPage> {
  const from = (page - 1) * HISTORY_PAGE_SIZE;
  let query = supabase
    .from("clicksend_message_receipts")
    .select(COLUMNS, { count: "exact" })
    .eq("user_oauth_connection_id", connectionId);
  const choice = RECEIPT_FILTERS.find((candidate) => candidate.value === filter);
  if (choice) {
    query =
      choice.statusCodes.length === 0
        ? query.is("status_code", null)
        : query.in("status_code", [...choice.statusCodes]);
    if ("excludeStatuses" in choice) {
      query = query.not("status", "in", `(${choice.excludeStatuses.join(",")})`);
    }
  }
  const { data, error, status, count } = await query
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .range(from, from + HISTORY_PAGE_SIZE - 1)
    .abortSignal(signal);
  if (error) throw toApiError(error, status);
  const rows = parseResponse(z.array(storedReceiptSchema), data, "your sent messages");
  const total = count ?? rows.length;
  return {
    rows,
    page,
    lastPage: Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE)),
    total,
  };
}

/** One page of the connection's sent messages; not read while `enabled` is false. */
export function useStoredReceipts(
  connectionId: string,
  params: StoredReceiptsParams,
  enabled = true,
) {
  return useQuery(
    queryOptions({
      queryKey: storedReceiptsKeys.page(connectionId, params),
      queryFn: ({ signal }) => getStoredReceipts(connectionId, params, signal),
      placeholderData: keepPreviousData,
      enabled,
    }),
  );
}

/** The stored message ClickSend knows by `messageId`, or null when this app did not send it. */
async function getStoredReceiptByMessageId(
  connectionId: string,
  messageId: string,
  signal: AbortSignal,
): Promise<StoredReceipt | null> {
  const { data, error, status } = await supabase
    .from("clicksend_message_receipts")
    .select(COLUMNS)
    .eq("user_oauth_connection_id", connectionId)
    .eq("message_id", messageId)
    .limit(1)
    .abortSignal(signal);
  if (error) throw toApiError(error, status);
  return parseResponse(z.array(storedReceiptSchema), data, "your sent message")[0] ?? null;
}

export function useStoredReceiptByMessageId(connectionId: string, messageId: string) {
  return useQuery(
    queryOptions({
      queryKey: storedReceiptsKeys.byMessageId(connectionId, messageId),
      queryFn: ({ signal }) => getStoredReceiptByMessageId(connectionId, messageId, signal),
      enabled: messageId !== "",
    }),
  );
}

const receiptEventSchema = z.object({
  id: z.number(),
  status: z.string().nullable(),
  status_code: z.string().nullable(),
  status_text: z.string().nullable(),
  error_code: z.string().nullable(),
  error_text: z.string().nullable(),
  /** When ClickSend says it happened. */
  receipt_at: z.string(),
  /** When the receipt webhook stored it. */
  received_at: z.string(),
  /** False: it arrived out of order or repeated, and left the message's status as it was. */
  applied: z.boolean(),
});

export type ReceiptEvent = z.infer<typeof receiptEventSchema>;

/** Every receipt a message got, in the order ClickSend dates them. */
async function getReceiptTimeline(
  messageRowId: string,
  signal: AbortSignal,
): Promise<ReceiptEvent[]> {
  const { data, error, status } = await supabase
    .from("clicksend_receipt_events")
    .select(
      "id, status, status_code, status_text, error_code, error_text, receipt_at, received_at, applied",
    )
    .eq("message_row_id", messageRowId)
    .order("receipt_at", { ascending: true })
    .order("id", { ascending: true })
    .abortSignal(signal);
  if (error) throw toApiError(error, status);
  return parseResponse(z.array(receiptEventSchema), data, "the message's receipts");
}

/** A message's receipt timeline, read only once it is opened. */
export function useReceiptTimeline(connectionId: string, messageRowId: string, open: boolean) {
  return useQuery(
    queryOptions({
      queryKey: storedReceiptsKeys.timeline(connectionId, messageRowId),
      queryFn: ({ signal }) => getReceiptTimeline(messageRowId, signal),
      enabled: open,
    }),
  );
}
