import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { messagesKeys } from "@/features/messages/api/query-keys";
import { countMessage } from "@/features/messages/utils/usage-figures";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** How often our database is read while a message still waits for its final receipt. */
const STORED_POLL_AWAITING_MS = 5_000;
/** How often it is read otherwise: agents send without the page knowing. */
const STORED_POLL_IDLE_MS = 20_000;
/** ClickSend sends receipts for up to 72 hours; an older message is not waited for. */
const RECEIPT_WINDOW_MS = 72 * 3_600_000;
/**
 * The most recently changed messages looked at for one still waiting. One waiting behind this
 * many newer changes is still followed, at the idle pace.
 */
const RECENT_LIMIT = 50;

/**
 * What the live poll compares: any send (a new row) or receipt (an update, which moves
 * `updated_at`) changes `total` or `lastChange`; `awaiting` only sets the pace.
 */
type StoredSignature = {
  /** The connection's stored messages. */
  total: number;
  /** When the newest send or receipt was stored; null when there is none. */
  lastChange: string | null;
  /** Recent messages (sent in the last 72 hours) still waiting for a final receipt. */
  awaiting: number;
};

const recentSchema = z.array(
  z.object({
    updated_at: z.string(),
    created_at: z.string(),
    status: z.string(),
    status_code: z.string().nullable(),
    scheduled_for: z.string().nullable(),
  }),
);
type RecentMessage = z.infer<typeof recentSchema>[number];

/**
 * Whether a stored message may still get a receipt soon: pending by the usage rules, or a
 * temporary failure ClickSend is retrying. One scheduled for later is not sent yet.
 */
function awaitsReceipt(message: RecentMessage, now: number): boolean {
  if (Date.parse(message.created_at) < now - RECEIPT_WINDOW_MS) return false;
  const scheduled = message.scheduled_for === null ? null : Date.parse(message.scheduled_for);
  if (scheduled !== null && scheduled > now + STORED_POLL_AWAITING_MS) return false;
  if (message.status_code === "300" || message.status_code === "302") return true;
  return countMessage({ ...message, price: null }).figure === "pending";
}

/**
 * One small read of our own database (RLS: the user's rows), never a ClickSend call: the
 * connection's row count and its most recently changed messages, newest first.
 */
async function getStoredSignature(
  connectionId: string,
  signal: AbortSignal,
): Promise<StoredSignature> {
  const now = Date.now();
  const { data, count, error, status } = await supabase
    .from("clicksend_messages")
    .select("updated_at, created_at, status, status_code, scheduled_for", { count: "exact" })
    .eq("user_oauth_connection_id", connectionId)
    .order("updated_at", { ascending: false })
    .limit(RECENT_LIMIT)
    .abortSignal(signal);
  if (error) throw toApiError(error, status);

  const recent = parseResponse(recentSchema, data, "your stored messages");
  return {
    total: count ?? 0,
    lastChange: recent[0]?.updated_at ?? null,
    awaiting: recent.filter((message) => awaitsReceipt(message, now)).length,
  };
}

function storedSignatureQueryOptions(connectionId: string) {
  return queryOptions({
    queryKey: messagesKeys.storedSignature(connectionId),
    queryFn: ({ signal }) => getStoredSignature(connectionId, signal),
    // Read again on every return to the tab: it is our database, and it is what decides
    // whether ClickSend is asked again.
    staleTime: 0,
    refetchInterval: (query) =>
      (query.state.data?.awaiting ?? 0) > 0 ? STORED_POLL_AWAITING_MS : STORED_POLL_IDLE_MS,
    // Never in a hidden tab.
    refetchIntervalInBackground: false,
  });
}

/** The connection's stored-message signature, read every few seconds while the tab is visible. */
export function useStoredSignature(connectionId: string) {
  return useQuery(storedSignatureQueryOptions(connectionId));
}
