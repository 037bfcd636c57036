// Sending SMS/MMS, shared by the agent executor and the dashboard. The send is planned here
// (numbers normalised to E.164, ClickSend requests counted), the messages are reserved by
// clicksend_prepare_call under an idempotency key BEFORE anything is sent (a repeated key finds
// the rows and sends nothing), then sent up to 1000 recipients per ClickSend request, and every
// outcome is handed to clicksend_finish_call. Nothing is retried.
import {
  MAX_MESSAGES_PER_REQUEST,
  type ClickSendClient,
  type MmsMessage,
} from "./clicksend/client.ts";
import { ClickSendError } from "./clicksend/errors.ts";
import type { SendResult } from "./contracts/clicksend-types.ts";
import { fromClickSend } from "./clicksend/api-error.ts";
import { ApiError } from "./http.ts";
import { toE164 } from "./contracts/phone.ts";
import type { FunctionEnv } from "./env.ts";
import {
  finishCall,
  prepareCall,
  type FinishRequest,
  type MessageResult,
  type MessageRow,
  type PrepareRequest,
  type ReadyCall,
  type ReservedRow,
  type SendReservation,
} from "./prepared-call.ts";
import type { Db } from "./supabase.ts";
import type { Json } from "./contracts/database.types.ts";
import { countSmsSegments } from "./contracts/sms-segments.ts";
import { UNCONFIRMED_SEND_STATUS } from "./contracts/tool-catalog.ts";
import { isReceiptStatus } from "./contracts/send-outcome.ts";

export interface SendRequest {
  channel: "sms" | "mms";
  recipients: string[];
  body: string;
  subject?: string;
  mediaUrl?: string;
  from?: string;
  /** ISO 8601; omitted = now. */
  schedule?: string;
  customString?: string;
  /** The caller's default country; omitted = the account's. */
  defaultCountry?: string;
  idempotencyKey?: string;
  /** An agent's send: the tool and its arguments, which an approval hold keeps. */
  held?: { tool: string; arguments: Json };
  /** The approved send of this approval (the approval step is passed). */
  approvalId?: string;
}

interface SentRecipient {
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

export interface SendPlan {
  numbers: string[];
  invalid: SendOutcome["invalid_numbers"];
  /** Unix seconds, when scheduled. */
  schedule: number | undefined;
  /** ClickSend requests the send makes. */
  requests: number;
  reservation: SendReservation;
}

/**
 * True when the recipients cannot be read without knowing the account's country: some number
 * is written without +country code and the caller gave no default country.
 */
export function needsAccountCountry(request: SendRequest): boolean {
  return (
    request.defaultCountry === undefined &&
    request.recipients.some((input) => !input.trim().startsWith("+"))
  );
}

function scheduleSeconds(schedule: string | undefined): number | undefined {
  if (schedule === undefined) return undefined;
  const at = Date.parse(schedule);
  if (Number.isNaN(at))
    throw new ApiError(400, "invalid_arguments", "schedule must be an ISO 8601 date-time.");
  return Math.floor(at / 1000);
}

/** Normalises and counts; throws 400 when no recipient is valid. Pure: no I/O. */
export function planSend(request: SendRequest, accountCountry: string): SendPlan {
  const country = request.defaultCountry ?? accountCountry;
  const seen = new Map<string, string | null>();
  const invalid: SendOutcome["invalid_numbers"] = [];
  for (const input of request.recipients) {
    const result = toE164(input, country);
    if (result.ok) {
      if (!seen.has(result.e164)) seen.set(result.e164, result.country ?? null);
    } else invalid.push({ input, reason: result.reason });
  }
  const numbers = [...seen.keys()];
  if (numbers.length === 0) {
    throw new ApiError(
      400,
      "invalid_arguments",
      `No valid recipient: ${invalid.map((item) => `${item.input} ${item.reason}`).join("; ")}`,
    );
  }
  if (request.channel === "mms" && request.mediaUrl === undefined)
    throw new ApiError(400, "invalid_arguments", "An MMS needs media_url.");
  const schedule = scheduleSeconds(request.schedule);
  return {
    numbers,
    invalid,
    schedule,
    requests: Math.ceil(numbers.length / MAX_MESSAGES_PER_REQUEST),
    reservation: {
      channel: request.channel,
      recipients: numbers,
      idempotencyKey: request.idempotencyKey ?? crypto.randomUUID(),
      body: request.body,
      // Each number's country (allowed_countries) and the parts our own count gives each message
      // (the daily limit): an MMS is one message.
      countries: [...seen.values()],
      parts: request.channel === "mms" ? 1 : Math.max(1, countSmsSegments(request.body).segments),
      ...(request.held === undefined
        ? {}
        : { tool: request.held.tool, request: request.held.arguments }),
      ...(request.approvalId === undefined ? {} : { approvalId: request.approvalId }),
      ...(request.customString === undefined ? {} : { customString: request.customString }),
      ...(schedule === undefined ? {} : { scheduledFor: new Date(schedule * 1000).toISOString() }),
    },
  };
}

/**
 * Parts reserved ahead of the one being sent: each later part is reserved while the requests
 * of the two parts before it are out, which on this machine hides a reservation behind them.
 */
const RESERVE_AHEAD = 2;

/** What the first prepare reserves: the first RESERVE_AHEAD ClickSend requests' recipients. */
export function firstPart(plan: SendPlan): SendReservation {
  return {
    ...plan.reservation,
    recipients: plan.reservation.recipients.slice(0, RESERVE_AHEAD * MAX_MESSAGES_PER_REQUEST),
    countries: plan.reservation.countries?.slice(0, RESERVE_AHEAD * MAX_MESSAGES_PER_REQUEST),
    total: plan.reservation.recipients.length,
  };
}

/**
 * Reserves one later part (one ClickSend request's recipients) of a bulk send, from position
 * `firstIndex`: called while the request before it is with ClickSend, so reserving overlaps
 * ClickSend's own time. The first part's key already stops a repeated request, so a part cannot
 * race one.
 */
function partReserver(
  env: FunctionEnv,
  service: Db,
  caller: Omit<PrepareRequest, "requests" | "send">,
  plan: SendPlan,
): (firstIndex: number) => Promise<ReservedRow[]> {
  const all = plan.reservation.recipients;
  return async (firstIndex) => {
    const prepared = await prepareCall(env, service, {
      ...caller,
      requests: 0,
      send: {
        ...plan.reservation,
        recipients: all.slice(firstIndex, firstIndex + MAX_MESSAGES_PER_REQUEST),
        countries: plan.reservation.countries?.slice(
          firstIndex,
          firstIndex + MAX_MESSAGES_PER_REQUEST,
        ),
        firstIndex,
        total: all.length,
      },
    });
    if (prepared.outcome === "ready") return prepared.rows;
    throw new ApiError(
      409,
      "send_interrupted",
      `Only the first ${String(firstIndex)} recipients were sent: the rest could not be reserved (${prepared.outcome}). Check history before sending to them.`,
    );
  };
}

export function summarise(
  rows: MessageRow[],
  replay: boolean,
  invalid: SendOutcome["invalid_numbers"],
  requests: number,
): SendOutcome {
  // A replay reads stored rows, where a receipt may have replaced SUCCESS since.
  const accepted = rows.filter(
    (row) => row.status === "SUCCESS" || row.status === "Scheduled" || isReceiptStatus(row.status),
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
    messages: rows.map((row) => ({
      to: row.recipient,
      message_id: row.message_id,
      status: row.status,
      parts: row.message_parts,
      price: row.price,
    })),
  };
}

async function sendChunk(
  client: ClickSendClient,
  request: SendRequest,
  rows: ReservedRow[],
  schedule: number | undefined,
): Promise<SendResult> {
  const messages: MmsMessage[] = rows.map((row) => ({
    to: row.recipient,
    body: request.body,
    subject: request.subject ?? "",
    ...(request.from !== undefined ? { from: request.from } : {}),
    ...(schedule !== undefined ? { schedule } : {}),
    // Without a caller's reference, our own row id: a reply then finds its message even when
    // ClickSend leaves out original_message_id. A caller's value is sent unchanged.
    custom_string: request.customString ?? row.id,
    source: "ai-agents",
  }));
  if (request.channel === "mms" && request.mediaUrl !== undefined)
    return client.sendMms(request.mediaUrl, messages);
  return client.sendSms(messages.map(({ subject: _subject, ...sms }) => sms));
}

/** What a send did, ready for clicksend_finish_call, and the error that stopped it if any. */
export interface Delivery {
  /** What ClickSend answered per row; rows it may have accepted without saying are UNKNOWN. */
  results: MessageResult[];
  release: string[];
  requests: number;
  /** Rows as they now stand, for the answer. */
  done: MessageRow[];
  error: ApiError | null;
  /** Results of early parts whose record failed (resolves once every early record ended). */
  unrecorded: Promise<MessageResult[]>;
}

/**
 * Records a send's outcome: the last part, the release of unsent reservations, the slots and the
 * audit row, while early parts may still be recording; an early part that failed is recorded once
 * more (finish changes pending rows only). Throws the ApiError to answer when the record failed.
 */
export async function finishSend(
  service: Db,
  delivery: Delivery,
  request: Omit<FinishRequest, "results" | "release">,
): Promise<void> {
  const [final, early] = await Promise.allSettled([
    finishCall(service, { ...request, results: delivery.results, release: delivery.release }),
    delivery.unrecorded,
  ]);
  const again = early.status === "fulfilled" ? early.value : [];
  let failed: unknown = final.status === "rejected" ? final.reason : null;
  if (again.length > 0) {
    try {
      await finishCall(service, { callIds: [], results: again });
    } catch (error) {
      failed ??= error;
    }
  }
  if (failed === null) return;
  // ClickSend has the messages but our record of them does not: say so, never "try again".
  if (delivery.done.length > 0) {
    throw new ApiError(
      500,
      "database_error",
      "Messages were sent but could not be recorded; check history before repeating.",
      false,
    );
  }
  throw failed instanceof ApiError
    ? failed
    : new ApiError(500, "database_error", "The send's outcome could not be recorded.", true);
}

/**
 * Sends a send's recipients, one ClickSend request per part of 1000; stops at the first failure.
 * Never throws. `call` holds the rows the first prepare reserved (the first RESERVE_AHEAD
 * parts); each later part is reserved (as `caller`) while the parts before it are out, and each
 * part's results but the last are recorded while the next one is out, so a bulk send's
 * bookkeeping overlaps ClickSend's own time. `results` holds what the final record (finishSend)
 * must store; an early part whose record failed comes back through `unrecorded`.
 */
export async function deliver(
  env: FunctionEnv,
  service: Db,
  caller: Omit<PrepareRequest, "requests" | "send">,
  call: ReadyCall,
  request: SendRequest,
  plan: SendPlan,
): Promise<Delivery> {
  const { client, rows: first } = call;
  const reserve = partReserver(env, service, caller, plan);
  const record = (results: MessageResult[]): Promise<void> =>
    finishCall(service, { callIds: [], results });
  const delivery: Delivery = {
    results: [],
    release: [],
    requests: 0,
    done: [],
    error: null,
    unrecorded: Promise.resolve([]),
  };
  const total = plan.reservation.recipients.length;
  const recording: Promise<MessageResult[]>[] = [];
  const settle = (): Delivery => {
    delivery.unrecorded = Promise.all(recording).then((lists) => lists.flat());
    return delivery;
  };
  const asApiError = (error: unknown): ApiError =>
    error instanceof ApiError ? error : fromClickSend(error);
  /** Later parts being reserved, by the index of their first recipient. */
  const parts = new Map<number, Promise<ReservedRow[] | ApiError>>();
  const reserveAhead = (start: number): void => {
    if (start < first.length || start >= total || parts.has(start)) return;
    parts.set(start, reserve(start).catch(asApiError));
  };
  /** Rows reserved but never sent, once a send stops at `after`: freed with the failure. */
  const reservedAfter = async (after: number): Promise<string[]> => {
    const ids = first.slice(after).map((row) => row.id);
    for (const [start, part] of parts) {
      const rows = start >= after ? await part : [];
      if (!(rows instanceof ApiError)) ids.push(...rows.map((row) => row.id));
    }
    return ids;
  };

  for (let start = 0; start < total; start += MAX_MESSAGES_PER_REQUEST) {
    const next = start + MAX_MESSAGES_PER_REQUEST;
    reserveAhead(start + RESERVE_AHEAD * MAX_MESSAGES_PER_REQUEST);
    let chunk: ReservedRow[];
    if (start < first.length) chunk = first.slice(start, next);
    else {
      const reserved = (await parts.get(start)) ?? [];
      if (reserved instanceof ApiError) {
        delivery.release.push(...(await reservedAfter(next)));
        delivery.error = reserved;
        return settle();
      }
      chunk = reserved;
    }
    // Recipients the opt-out list or the agent's policy refused are stored as such: on the
    // answer in their place, never sent. A part with none left to send asks ClickSend nothing.
    const reserved = chunk;
    const refusedRow = (row: ReservedRow): MessageRow => ({
      id: row.id,
      recipient: row.recipient,
      idempotency_key: row.idempotency_key,
      message_id: null,
      status: row.status,
      message_parts: null,
      price: 0,
      currency: null,
    });
    chunk = reserved.filter((row) => row.status === "pending");
    if (chunk.length === 0) {
      delivery.done.push(...reserved.map(refusedRow));
      continue;
    }
    let result: SendResult;
    try {
      delivery.requests += 1;
      result = await sendChunk(client, request, chunk, plan.schedule);
    } catch (error) {
      const ambiguous =
        error instanceof ClickSendError &&
        !error.retryable &&
        (error.code === "upstream_timeout" ||
          error.code === "upstream_unavailable" ||
          error.code === "upstream_malformed");
      if (ambiguous) {
        // ClickSend may have accepted this part: keep its rows (status unknown) so the same key
        // never resends them.
        delivery.results.push(
          ...chunk.map((row) => ({
            id: row.id,
            message_id: null,
            status: UNCONFIRMED_SEND_STATUS,
            message_parts: null,
            price: null,
            currency: null,
          })),
        );
      } else {
        // Nothing of this part was sent: free the reservations so the request can be repeated.
        delivery.release.push(...chunk.map((row) => row.id));
      }
      delivery.release.push(...(await reservedAfter(next)));
      delivery.error = asApiError(error);
      return settle();
    }

    const byRecipient = new Map(result.messages.map((message) => [message.to, message]));
    const chunkResults: MessageResult[] = [];
    for (const row of reserved) {
      if (row.status !== "pending") {
        delivery.done.push(refusedRow(row));
        continue;
      }
      const sent = byRecipient.get(row.recipient);
      const status =
        sent === undefined
          ? "NOT_RETURNED"
          : plan.schedule !== undefined && sent.status === "SUCCESS"
            ? "Scheduled"
            : sent.status;
      const recorded: MessageResult = {
        id: row.id,
        message_id: sent?.messageId ?? null,
        status,
        message_parts: sent?.parts ?? null,
        price: sent?.price ?? null,
        currency: result.currency,
      };
      chunkResults.push(recorded);
      delivery.done.push({
        ...recorded,
        recipient: row.recipient,
        idempotency_key: row.idempotency_key,
      });
    }
    if (next >= total) delivery.results.push(...chunkResults);
    else
      recording.push(
        record(chunkResults).then(
          () => [],
          () => chunkResults,
        ),
      );
  }
  return settle();
}
