// POST /sms/send and /sms/price, PUT /sms/{id}/cancel and /sms/cancel-all.
// Every message gets its own status inside an HTTP 200 (clicksend-api.md §2.2):
// - validation failures (EMPTY_MESSAGE, INVALID_RECIPIENT, INVALID_SENDER_ID, INVALID_SCHEDULE,
//   THROTTLED, NOT_ENOUGH_PERMISSION_TO_LIST_ID) get the minimal shape and count in neither
//   queued_count nor blocked_count;
// - COUNTRY_NOT_ENABLED and INSUFFICIENT_CREDIT get the blocked shape and count in blocked_count;
// - SUCCESS gets the full shape, counts in queued_count and is charged.
import { z } from "zod";
import type { AccountState } from "./accounts.ts";
import { unixSeconds, type SandboxContext } from "./context.ts";
import { THROTTLED_NUMBER } from "./delivery.ts";
import { notFound, ok, type Reply } from "./envelope.ts";
import { parseWith } from "./http.ts";
import {
  carrierFor,
  isValidSenderId,
  parseRecipient,
  SHARED_NUMBERS,
  type Recipient,
} from "./numbers.ts";
import { currency, priceString, SMS_PRICE_MICROS, totalPrice } from "./pricing.ts";
import type { RouteRequest } from "./router.ts";
import { splitSms } from "./segments.ts";
import {
  acceptMessage,
  checkMessageCount,
  CreditCheck,
  messageFields,
  newMessageId,
  parseSchedule,
  present,
  text,
} from "./send-common.ts";
import type { StoredMessage } from "./state.ts";

const smsRequestSchema = z.object({
  messages: z.array(z.object(messageFields), {
    error: "messages must be an array of message objects",
  }),
  senders: z.array(z.record(z.string(), z.unknown())).optional(),
  shorten_urls: z.boolean().optional(),
});

type SmsInput = z.infer<typeof smsRequestSchema>["messages"][number];

type Rejection =
  | "EMPTY_MESSAGE"
  | "INVALID_RECIPIENT"
  | "INVALID_SENDER_ID"
  | "INVALID_SCHEDULE"
  | "THROTTLED"
  | "NOT_ENOUGH_PERMISSION_TO_LIST_ID";

interface Routed {
  recipient: Recipient;
  from: string;
  shared: boolean;
  parts: number;
  priceMicros: number;
  schedule: { at: number; future: boolean };
}

type Verdict =
  | { kind: "invalid"; status: Rejection }
  | ({ kind: "blocked"; status: "COUNTRY_NOT_ENABLED" | "INSUFFICIENT_CREDIT" } & Routed)
  | ({ kind: "ok"; status: "SUCCESS" } & Routed);

function evaluate(input: SmsInput, account: AccountState, nowSeconds: number): Verdict {
  if (present(input.list_id))
    return { kind: "invalid", status: "NOT_ENOUGH_PERMISSION_TO_LIST_ID" };
  const body = text(input.body);
  if (body.trim() === "") return { kind: "invalid", status: "EMPTY_MESSAGE" };
  const recipient = parseRecipient(
    text(input.to),
    present(input.country) ? text(input.country) : undefined,
  );
  if (!recipient) return { kind: "invalid", status: "INVALID_RECIPIENT" };
  const from = text(input.from).trim();
  if (from !== "" && !isValidSenderId(from))
    return { kind: "invalid", status: "INVALID_SENDER_ID" };
  const schedule = parseSchedule(input.schedule, nowSeconds);
  if (!schedule) return { kind: "invalid", status: "INVALID_SCHEDULE" };
  if (recipient.e164 === THROTTLED_NUMBER) return { kind: "invalid", status: "THROTTLED" };

  const shared = from === "";
  const routed = {
    recipient,
    from: shared ? (SHARED_NUMBERS[recipient.country] ?? "") : from,
    shared,
    schedule,
  };
  const pricePerPart = SMS_PRICE_MICROS[recipient.country];
  if (!account.enabledCountries.includes(recipient.country) || pricePerPart === undefined) {
    return { kind: "blocked", status: "COUNTRY_NOT_ENABLED", ...routed, parts: 0, priceMicros: 0 };
  }
  if (recipient.testNumber)
    return { kind: "ok", status: "SUCCESS", ...routed, parts: 0, priceMicros: 0 };
  // ClickSend truncates past the account's part limit; the body is still echoed as sent.
  const parts = splitSms(body, account.smsPartsLimit).parts.length;
  return { kind: "ok", status: "SUCCESS", ...routed, parts, priceMicros: parts * pricePerPart };
}

/** INVALID_RECIPIENT and the other validation failures (live shape). */
function minimalView(input: SmsInput, messageId: string, status: string): Record<string, unknown> {
  return {
    to: text(input.to),
    body: text(input.body),
    from: text(input.from),
    schedule: "",
    message_id: messageId,
    custom_string: text(input.custom_string),
    is_shared_system_number: !present(input.from),
    status,
  };
}

/** COUNTRY_NOT_ENABLED (live/RUDDER shape) and INSUFFICIENT_CREDIT (same shape, our choice). */
function blockedView(
  input: SmsInput,
  verdict: Routed,
  messageId: string,
  status: string,
): Record<string, unknown> {
  const { e164, country } = verdict.recipient;
  return {
    to: e164,
    body: text(input.body),
    from: verdict.from,
    schedule: "",
    message_id: messageId,
    message_parts: 0,
    message_price: "0.0000",
    custom_string: text(input.custom_string),
    is_shared_system_number: verdict.shared,
    country,
    carrier: carrierFor(e164, country),
    status,
  };
}

function fullView(
  input: SmsInput,
  verdict: Routed,
  account: AccountState,
  messageId: string,
  date: number,
): Record<string, unknown> {
  const { e164, country } = verdict.recipient;
  return {
    direction: "out",
    date,
    to: e164,
    body: text(input.body),
    from: verdict.from,
    schedule: verdict.schedule.at,
    message_id: messageId,
    message_parts: verdict.parts,
    message_price: priceString(verdict.priceMicros, 4),
    from_email: present(input.from_email) ? text(input.from_email) : null,
    list_id: null,
    custom_string: text(input.custom_string),
    contact_id: null,
    user_id: account.userId,
    subaccount_id: account.subaccountId,
    is_shared_system_number: verdict.shared,
    country,
    carrier: carrierFor(e164, country),
    status: "SUCCESS",
  };
}

/** POST /sms/price: the same checks without credit, no side effects, message_id "". */
function priceView(input: SmsInput, verdict: Verdict): Record<string, unknown> {
  if (verdict.kind === "invalid") return minimalView(input, "", verdict.status);
  return {
    to: verdict.recipient.e164,
    body: text(input.body),
    from: verdict.from,
    schedule: "",
    message_id: "",
    message_parts: verdict.parts,
    message_price: priceString(verdict.priceMicros, 4),
    custom_string: text(input.custom_string),
    is_shared_system_number: verdict.shared,
    country: verdict.recipient.country,
    status: verdict.status,
  };
}

function parseRequest(body: unknown): SmsInput[] {
  const request = parseWith(smsRequestSchema, body ?? {});
  checkMessageCount(request.messages.length);
  return request.messages;
}

export function sendSms(ctx: SandboxContext, req: RouteRequest): Reply {
  const messages = parseRequest(req.body);
  const { account } = req;
  const now = unixSeconds(ctx);
  const credit = new CreditCheck(account);
  const verdicts = messages.map((input): Verdict => {
    const verdict = evaluate(input, account, now);
    if (verdict.kind !== "ok" || credit.spend(verdict.priceMicros)) return verdict;
    return { ...verdict, kind: "blocked", status: "INSUFFICIENT_CREDIT" };
  });

  let spent = 0;
  let queued = 0;
  let blocked = 0;
  const views = messages.map((input, index) => {
    const verdict = verdicts[index] as Verdict;
    const messageId = newMessageId();
    if (verdict.kind === "invalid") return minimalView(input, messageId, verdict.status);
    if (verdict.kind === "blocked") {
      blocked += 1;
      return blockedView(input, verdict, messageId, verdict.status);
    }
    queued += 1;
    spent += verdict.priceMicros;
    acceptMessage(
      ctx,
      {
        kind: "sms",
        username: account.username,
        messageId,
        date: now,
        schedule: verdict.schedule.at,
        to: verdict.recipient.e164,
        from: verdict.from,
        body: text(input.body),
        subject: null,
        mediaUrl: null,
        customString: text(input.custom_string),
        fromEmail: present(input.from_email) ? text(input.from_email) : null,
        country: verdict.recipient.country,
        carrier: carrierFor(verdict.recipient.e164, verdict.recipient.country),
        parts: verdict.parts,
        priceMicros: verdict.priceMicros,
        testNumber: verdict.recipient.testNumber,
      },
      verdict.schedule.future,
    );
    return fullView(input, verdict, account, messageId, now);
  });

  account.balanceMicros -= spent;
  account.smsSent += queued;
  return ok("Messages queued for delivery.", {
    total_price: totalPrice(spent),
    total_count: messages.length,
    queued_count: queued,
    blocked_count: blocked,
    messages: views,
    _currency: currency(true),
  });
}

export function priceSms(ctx: SandboxContext, req: RouteRequest): Reply {
  const messages = parseRequest(req.body);
  const now = unixSeconds(ctx);
  const verdicts = messages.map((input) => evaluate(input, req.account, now));
  const counted = (kind: Verdict["kind"]): number => verdicts.filter((v) => v.kind === kind).length;
  const total = verdicts.reduce((sum, v) => sum + (v.kind === "ok" ? v.priceMicros : 0), 0);
  return ok("Here is some pricing.", {
    total_price: totalPrice(total),
    total_count: messages.length,
    queued_count: counted("ok"),
    blocked_count: counted("blocked"),
    messages: messages.map((input, index) => priceView(input, verdicts[index] as Verdict)),
    _currency: currency(false),
  });
}

/**
 * PUT /sms/{id}/cancel: only a scheduled SMS of this account; unknown, sent and already
 * cancelled messages are 404 alike (live). The charge is refunded (sandbox choice).
 */
export function cancelSms(ctx: SandboxContext, req: RouteRequest): Reply {
  const id = (req.params.id ?? "").toUpperCase();
  const message = ctx.state.messages.find(
    (candidate) =>
      candidate.kind === "sms" &&
      candidate.username === req.account.username &&
      candidate.messageId === id &&
      candidate.status === "Scheduled",
  );
  if (!message) throw notFound("Scheduled message not found.");
  cancel(message, req.account);
  return ok("Scheduled sms message has been cancelled.", null);
}

const cancelAllSchema = z.object({ custom_string: z.string().nullish() }).optional();

/** PUT /sms/cancel-all: every scheduled SMS, or those whose custom_string equals the one given. */
export function cancelAllSms(ctx: SandboxContext, req: RouteRequest): Reply {
  const body = parseWith(cancelAllSchema, req.body);
  const only = body?.custom_string ?? undefined;
  const matches = ctx.state.messages.filter(
    (message) =>
      message.kind === "sms" &&
      message.username === req.account.username &&
      message.status === "Scheduled" &&
      (only === undefined || message.customString === only),
  );
  for (const message of matches) cancel(message, req.account);
  return ok(`${matches.length} sms messages have been cancelled.`, { count: matches.length });
}

function cancel(message: StoredMessage, account: AccountState): void {
  message.status = "Cancelled";
  message.statusCode = "301";
  message.statusText = "Cancelled: Message cancelled by user.";
  message.errorCode = "5";
  message.errorText = "Cancelled by user.";
  account.balanceMicros += message.priceMicros;
}
