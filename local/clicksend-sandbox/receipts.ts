// Delivery receipts: created as messages progress, queued for polling when a POLL rule matches,
// pushed to every matching URL rule, and read through /sms/receipts.
import { z } from "zod";
import { ruleMatches } from "./automations.ts";
import { unixSeconds, type SandboxContext } from "./context.ts";
import {
  errorText,
  historyStatusFor,
  statusText,
  type DeliveryStep,
  type ReceiptStatusCode,
} from "./delivery.ts";
import { notFound, ok, type Reply } from "./envelope.ts";
import { parseWith } from "./http.ts";
import { paginate, pageRequest } from "./pagination.ts";
import type { RouteRequest } from "./router.ts";
import { newMessageId } from "./send-common.ts";
import { nextSeq, type StoredMessage, type StoredReceipt } from "./state.ts";

interface ReceiptView {
  timestamp_send: number;
  timestamp: number;
  message_id: string;
  status_code: string;
  status_text: string;
  error_code: string | null;
  error_text: string | null;
  custom_string: string;
  subaccount_id: number;
  message_type: "sms";
  digits: null;
}

function receiptView(receipt: StoredReceipt): ReceiptView {
  return {
    timestamp_send: receipt.timestampSend,
    timestamp: receipt.timestamp,
    message_id: receipt.messageId,
    status_code: String(receipt.statusCode),
    status_text: receipt.statusText,
    error_code: receipt.errorCode === null ? null : String(receipt.errorCode),
    error_text: receipt.errorText,
    custom_string: receipt.customString,
    subaccount_id: receipt.subaccountId,
    message_type: "sms",
    digits: null,
  };
}

/** The push body (§2.17), legacy duplicates included; nulls become empty fields. */
function receiptForm(receipt: StoredReceipt): [string, string][] {
  return [
    ["timestamp_send", String(receipt.timestampSend)],
    ["timestamp", String(receipt.timestamp)],
    ["message_id", receipt.messageId],
    ["messageid", receipt.messageId],
    ["status", historyStatusFor(receipt.statusCode)],
    ["status_code", String(receipt.statusCode)],
    ["status_text", receipt.statusText],
    ["error_code", receipt.errorCode === null ? "" : String(receipt.errorCode)],
    ["error_text", receipt.errorText ?? ""],
    ["custom_string", receipt.customString],
    ["customstring", receipt.customString],
    ["user_id", String(receipt.userId)],
    ["subaccount_id", String(receipt.subaccountId)],
    ["message_type", "sms"],
  ];
}

/**
 * A message reached a step of its delivery plan at `timestamp` (unix seconds: the step's due
 * time, even when a request under a fake clock processes it later): update its history row and
 * emit the receipt.
 */
export function applyReceipt(
  ctx: SandboxContext,
  message: StoredMessage,
  step: DeliveryStep,
  timestamp: number,
): void {
  const account = ctx.state.accounts.get(message.username);
  if (!account || message.status === "Cancelled") return;
  const text = statusText(step.statusCode, step.errorCode);
  message.status = historyStatusFor(step.statusCode);
  message.statusCode = String(step.statusCode);
  message.statusText = text;
  message.errorCode = step.errorCode === null ? null : String(step.errorCode);
  message.errorText = errorText(step.errorCode);
  emitReceipt(ctx, {
    username: message.username,
    messageId: message.messageId,
    timestampSend: message.schedule,
    timestamp,
    statusCode: step.statusCode,
    statusText: text,
    errorCode: step.errorCode,
    errorText: errorText(step.errorCode),
    customString: message.customString,
    userId: account.userId,
    subaccountId: account.subaccountId,
    polled: false,
    read: false,
    seq: nextSeq(ctx.state),
  });
}

/** Stores a receipt, queues it for polling if a POLL rule matches and pushes it to URL rules. */
function emitReceipt(ctx: SandboxContext, receipt: StoredReceipt): void {
  const rules = ctx.state.receiptRules.filter(
    (rule) =>
      rule.username === receipt.username &&
      rule.enabled === 1 &&
      ruleMatches(rule, receipt.statusCode),
  );
  receipt.polled = rules.some((rule) => rule.action === "POLL");
  ctx.state.receipts.push(receipt);
  for (const rule of rules) {
    if (rule.action === "URL") {
      ctx.webhooks.push(rule.actionAddress, receiptForm(receipt), receipt.username);
    }
  }
}

function ownReceipts(ctx: SandboxContext, req: RouteRequest): StoredReceipt[] {
  return ctx.state.receipts.filter((receipt) => receipt.username === req.account.username);
}

/** GET /sms/receipts: unread receipts queued by a POLL rule; listing does not mark them read. */
export function listReceipts(ctx: SandboxContext, req: RouteRequest): Reply {
  const unread = ownReceipts(ctx, req).filter((receipt) => receipt.polled && !receipt.read);
  const page = paginate(unread, pageRequest(req.query), `${ctx.apiBase}/sms/receipts`);
  return ok("Here are your delivery receipts.", { ...page, data: page.data.map(receiptView) });
}

/** GET /sms/receipts/{message_id}: the latest receipt, read or not. */
export function getReceipt(ctx: SandboxContext, req: RouteRequest): Reply {
  const id = (req.params.id ?? "").toUpperCase();
  const receipt = ownReceipts(ctx, req)
    .filter((candidate) => candidate.messageId === id)
    .at(-1);
  if (!receipt) throw notFound("Receipt record not found.");
  return ok("Here is your delivery receipt.", receiptView(receipt));
}

const unixTime = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+$/, "must be a unix timestamp")
    .transform((value) => Number(value)),
]);

/** PUT /sms/receipts-read and /sms/inbound-read: an optional body with an optional date_before. */
export const markReadSchema = z.object({ date_before: unixTime.nullish() }).optional();

/** PUT /sms/receipts-read: every unread receipt, or those strictly before date_before. */
export function markReceiptsRead(ctx: SandboxContext, req: RouteRequest): Reply {
  const body = parseWith(markReadSchema, req.body);
  const before = body?.date_before ?? undefined;
  for (const receipt of ownReceipts(ctx, req)) {
    if (receipt.polled && (before === undefined || receipt.timestamp < before)) {
      receipt.read = true;
    }
  }
  return ok("Receipts have been marked as read.", null);
}

/** Where POST /sms/receipts and POST /sms/inbound put their made-up message. */
export const testUrl = z.union([z.literal("poll"), z.url({ protocol: /^https?$/ })], {
  error: 'url must be "poll" or an http(s) URL',
});

const testReceiptSchema = z.object({ url: testUrl });

/** POST /sms/receipts: a made-up 201 receipt pushed to `url` or queued for polling. */
export function addTestReceipt(ctx: SandboxContext, req: RouteRequest): Reply {
  const { url } = parseWith(testReceiptSchema, req.body ?? {});
  const now = unixSeconds(ctx);
  const statusCode: ReceiptStatusCode = 201;
  const receipt: StoredReceipt = {
    username: req.account.username,
    messageId: newMessageId(),
    timestampSend: now,
    timestamp: now,
    statusCode,
    statusText: statusText(statusCode, null),
    errorCode: null,
    errorText: null,
    customString: "",
    userId: req.account.userId,
    subaccountId: req.account.subaccountId,
    polled: url === "poll",
    read: false,
    seq: nextSeq(ctx.state),
  };
  ctx.state.receipts.push(receipt);
  if (url !== "poll") ctx.webhooks.push(url, receiptForm(receipt), receipt.username);
  return ok("Receipt has been added.", receiptView(receipt));
}
