// Sending SMS/MMS for a connection, shared by the agent executor and the dashboard:
// numbers normalised to E.164, one row per recipient reserved in clicksend_messages under an
// idempotency key BEFORE anything is sent (a repeated key finds the rows and sends nothing),
// up to 1000 recipients per ClickSend request, every outcome recorded, nothing retried.
import { withCallSlot } from "./call-slots.ts";
import {
  MAX_MESSAGES_PER_REQUEST,
  type ClickSendClient,
  type MmsMessage,
} from "./clicksend/client.ts";
import { ClickSendError } from "./clicksend/errors.ts";
import type { SendResult } from "./clicksend/types.ts";
import { fromClickSend } from "./connections.ts";
import { ApiError } from "./http.ts";
import { toE164 } from "./phone.ts";
import { UNCONFIRMED_SEND_STATUS } from "./tool-catalog.ts";
import type { Db } from "./supabase.ts";

export interface SendRequest {
  connectionId: string;
  userId: string;
  agentId: string | null;
  channel: "sms" | "mms";
  recipients: string[];
  body: string;
  subject?: string;
  mediaUrl?: string;
  from?: string;
  /** ISO 8601; omitted = now. */
  schedule?: string;
  customString?: string;
  defaultCountry: string;
  idempotencyKey?: string;
}

export interface SentRecipient {
  to: string;
  message_id: string | null;
  status: string;
  parts: number | null;
  price: number | null;
}

export interface SendOutcome {
  idempotent_replay: boolean;
  recipients: number;
  accepted: number;
  rejected: number;
  invalid_numbers: { input: string; reason: string }[];
  total_price: number;
  currency: string | null;
  clicksend_requests: number;
  messages: SentRecipient[];
}

interface MessageRow {
  id: string;
  recipient: string;
  idempotency_key: string | null;
  message_id: string | null;
  status: string;
  message_parts: number | null;
  price: number | null;
  currency: string | null;
}

const rowColumns =
  "id, recipient, idempotency_key, message_id, status, message_parts, price, currency";

function toSent(row: MessageRow): SentRecipient {
  return {
    to: row.recipient,
    message_id: row.message_id,
    status: row.status,
    parts: row.message_parts,
    price: row.price,
  };
}

function summarise(
  rows: MessageRow[],
  replay: boolean,
  invalid: SendOutcome["invalid_numbers"],
  requests: number,
): SendOutcome {
  const accepted = rows.filter(
    (row) => row.status === "SUCCESS" || row.status === "Scheduled",
  ).length;
  return {
    idempotent_replay: replay,
    recipients: rows.length,
    accepted,
    rejected: rows.length - accepted,
    invalid_numbers: invalid,
    total_price: Number(rows.reduce((sum, row) => sum + (row.price ?? 0), 0).toFixed(6)),
    currency: rows.find((row) => row.currency !== null)?.currency ?? null,
    clicksend_requests: requests,
    messages: rows.map(toSent),
  };
}

function normalise(request: SendRequest): {
  numbers: string[];
  invalid: SendOutcome["invalid_numbers"];
} {
  const seen = new Set<string>();
  const invalid: SendOutcome["invalid_numbers"] = [];
  for (const input of request.recipients) {
    const result = toE164(input, request.defaultCountry);
    if (result.ok) seen.add(result.e164);
    else invalid.push({ input, reason: result.reason });
  }
  return { numbers: [...seen], invalid };
}

function scheduleSeconds(schedule: string | undefined): number | undefined {
  if (schedule === undefined) return undefined;
  const at = Date.parse(schedule);
  if (Number.isNaN(at))
    throw new ApiError(400, "invalid_arguments", "schedule must be an ISO 8601 date-time.");
  return Math.floor(at / 1000);
}

async function sendChunk(
  client: ClickSendClient,
  request: SendRequest,
  rows: MessageRow[],
  schedule: number | undefined,
): Promise<SendResult> {
  const messages: MmsMessage[] = rows.map((row) => ({
    to: row.recipient,
    body: request.body,
    subject: request.subject ?? "",
    ...(request.from !== undefined ? { from: request.from } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    ...(request.customString !== undefined ? { custom_string: request.customString } : {}),
    source: "ai-agents",
  }));
  if (request.channel === "mms") {
    if (request.mediaUrl === undefined)
      throw new ApiError(400, "invalid_arguments", "An MMS needs media_url.");
    return client.sendMms(request.mediaUrl, messages);
  }
  return client.sendSms(messages.map(({ subject: _subject, ...sms }) => sms));
}

export async function sendMessages(
  service: Db,
  client: ClickSendClient,
  request: SendRequest,
): Promise<SendOutcome> {
  const { numbers, invalid } = normalise(request);
  if (numbers.length === 0) {
    throw new ApiError(
      400,
      "invalid_arguments",
      `No valid recipient: ${invalid.map((item) => `${item.input} ${item.reason}`).join("; ")}`,
    );
  }
  const schedule = scheduleSeconds(request.schedule);
  const key = request.idempotencyKey ?? crypto.randomUUID();

  // Reserve one row per recipient. Rows that already exist for this key are not sent again.
  const { data: reserved, error: reserveError } = await service
    .from("clicksend_messages")
    .upsert(
      numbers.map((to, index) => ({
        user_id: request.userId,
        user_oauth_connection_id: request.connectionId,
        agent_id: request.agentId,
        channel: request.channel,
        recipient: to,
        status: "pending",
        custom_string: request.customString ?? null,
        idempotency_key: `${key}:${String(index)}`,
        scheduled_for: schedule === undefined ? null : new Date(schedule * 1000).toISOString(),
      })),
      { onConflict: "user_oauth_connection_id,idempotency_key", ignoreDuplicates: true },
    )
    .select(rowColumns);
  if (reserveError)
    throw new ApiError(
      500,
      "database_error",
      "Could not record the messages; nothing was sent.",
      true,
    );

  if (reserved.length === 0) {
    // A repeated idempotency key: answer with what the first request recorded; send nothing.
    const { data: existing, error } = await service
      .from("clicksend_messages")
      .select(rowColumns)
      .eq("user_oauth_connection_id", request.connectionId)
      .in(
        "idempotency_key",
        numbers.map((_to, index) => `${key}:${String(index)}`),
      )
      .order("created_at");
    if (error)
      throw new ApiError(500, "database_error", "Could not read the earlier result.", true);
    return summarise(existing, true, invalid, 0);
  }

  let requests = 0;
  const done: MessageRow[] = [];
  for (let start = 0; start < reserved.length; start += MAX_MESSAGES_PER_REQUEST) {
    const chunk = reserved.slice(start, start + MAX_MESSAGES_PER_REQUEST);
    let result: SendResult;
    try {
      requests += 1;
      result = await withCallSlot(service, request.connectionId, () =>
        sendChunk(client, request, chunk, schedule),
      );
    } catch (error) {
      const unsent = reserved.slice(start);
      const ambiguous =
        error instanceof ClickSendError &&
        !error.retryable &&
        (error.code === "upstream_timeout" ||
          error.code === "upstream_unavailable" ||
          error.code === "upstream_malformed");
      if (ambiguous) {
        // ClickSend may have accepted this chunk: keep the rows (status unknown) so the same key never resends them.
        await service
          .from("clicksend_messages")
          .update({ status: UNCONFIRMED_SEND_STATUS })
          .in(
            "id",
            chunk.map((row) => row.id),
          );
        await service
          .from("clicksend_messages")
          .delete()
          .in(
            "id",
            unsent.slice(chunk.length).map((row) => row.id),
          );
      } else {
        // Nothing of this chunk was sent: free the reservations so the same request can be repeated.
        await service
          .from("clicksend_messages")
          .delete()
          .in(
            "id",
            unsent.map((row) => row.id),
          );
      }
      throw error instanceof ApiError ? error : fromClickSend(error);
    }

    const byRecipient = new Map(result.messages.map((message) => [message.to, message]));
    const updates = chunk.map((row) => {
      const sent = byRecipient.get(row.recipient);
      const status =
        sent === undefined
          ? "NOT_RETURNED"
          : schedule !== undefined && sent.status === "SUCCESS"
            ? "Scheduled"
            : sent.status;
      return {
        ...row,
        user_id: request.userId,
        user_oauth_connection_id: request.connectionId,
        message_id: sent?.messageId ?? null,
        status,
        message_parts: sent?.parts ?? null,
        price: sent?.price ?? null,
        currency: result.currency,
        status_updated_at: new Date().toISOString(),
      };
    });
    const { error: recordError } = await service
      .from("clicksend_messages")
      .upsert(updates, { onConflict: "id" });
    if (recordError)
      throw new ApiError(
        500,
        "database_error",
        "Messages were sent but could not be recorded; check history before repeating.",
        false,
      );
    done.push(...updates);
  }
  return summarise(done, false, invalid, requests);
}
