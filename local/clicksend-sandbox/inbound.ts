// Inbound SMS (clicksend-api.md §2.13, §2.16–2.17): replies to outbound messages and unsolicited
// messages. ClickSend has no API for the handset's side, so POST /_sandbox/inbound creates them
// (receiveInbound). Each one is pushed to the account's enabled matching URL inbound rules in the
// rule's webhook_type and queued for GET /sms/inbound once per enabled matching POLL rule (two
// POLL rules: it is listed twice, as ClickSend documents); without a POLL rule it is not polled.
import { z } from "zod";
import { firingInboundRules, webhookType } from "./automations.ts";
import { unixSeconds, type SandboxContext } from "./context.ts";
import { notFound, ok, type Reply } from "./envelope.ts";
import { parseWith } from "./http.ts";
import { paginate, pageRequest } from "./pagination.ts";
import { markReadSchema, testUrl } from "./receipts.ts";
import type { RouteRequest } from "./router.ts";
import { newMessageId } from "./send-common.ts";
import { nextSeq, type StoredInbound, type WebhookType } from "./state.ts";
import type { PushPayload } from "./webhooks.ts";

/** A GET /sms/inbound row (and GET /sms/inbound/{id}). */
interface InboundView {
  timestamp: number;
  from: string;
  body: string;
  original_body: string;
  original_message_id: string;
  to: string;
  custom_string: string;
  message_id: string;
  _keyword: string;
}

/** The deprecated _keyword: the body's first word, lower-cased as in ClickSend's examples. */
function keyword(body: string): string {
  return (body.trim().split(/\s+/)[0] ?? "").toLowerCase();
}

function inboundView(inbound: StoredInbound): InboundView {
  return {
    timestamp: inbound.timestamp,
    from: inbound.from,
    body: inbound.body,
    original_body: inbound.originalBody,
    original_message_id: inbound.originalMessageId,
    to: inbound.to,
    custom_string: inbound.customString,
    message_id: inbound.messageId,
    _keyword: keyword(inbound.body),
  };
}

/**
 * The push keys (§2.17: the 2022 docs and ClickSend's n8n example), legacy duplicates included.
 * `sms` is the sender and `originalsenderid` the number it was sent to, as in the n8n example.
 */
function pushValues(inbound: StoredInbound): [string, string | number][] {
  return [
    ["timestamp", inbound.timestamp],
    ["from", inbound.from],
    ["to", inbound.to],
    ["body", inbound.body],
    ["message", inbound.body],
    ["original_body", inbound.originalBody],
    ["originalmessage", inbound.originalBody],
    ["original_message_id", inbound.originalMessageId],
    ["originalmessageid", inbound.originalMessageId],
    ["message_id", inbound.messageId],
    ["custom_string", inbound.customString],
    ["customstring", inbound.customString],
    ["originalsenderid", inbound.to],
    ["sms", inbound.from],
    ["user_id", inbound.userId],
    ["subaccount_id", inbound.subaccountId],
  ];
}

/** post: form POST; get: the same keys as a query string; json: a flat object, ids as numbers. */
function inboundPayload(inbound: StoredInbound, type: WebhookType): PushPayload {
  const values = pushValues(inbound);
  if (type === "json") return { format: "json", value: Object.fromEntries(values) };
  const fields = values.map(([key, value]): [string, string] => [key, String(value)]);
  return { format: type === "get" ? "query" : "form", fields };
}

/** Stores a message, queues it once per firing POLL rule, pushes it to every firing URL rule. */
function deliverInbound(ctx: SandboxContext, inbound: StoredInbound): number {
  const rules = firingInboundRules(ctx, inbound.username, inbound.to, inbound.body);
  inbound.pollCopies = rules.filter((rule) => rule.action === "POLL").length;
  ctx.state.inbound.push(inbound);
  const urlRules = rules.filter((rule) => rule.action === "URL");
  for (const rule of urlRules) {
    const payload = inboundPayload(inbound, rule.webhookType);
    ctx.webhooks.push(rule.actionAddress, payload, inbound.username, "inbound");
  }
  return urlRules.length;
}

// POST /_sandbox/inbound

/** An SMS body, concatenated parts included; generous but bounded. */
const MAX_INBOUND_BODY = 2000;

const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+?\d{3,15}$/, "must be a phone number (up to 15 digits, optional +)");

/** Either {message_id, body} (a reply to that outbound message) or {username, from, to, body}. */
export const inboundRequestSchema = z
  .object({
    message_id: z.string().trim().min(1).max(64).optional(),
    username: z.string().min(1).max(64).optional(),
    from: phoneNumber.optional(),
    to: phoneNumber.optional(),
    body: z.string().min(1, "is required").max(MAX_INBOUND_BODY),
  })
  .strict()
  .superRefine((request, issues) => {
    const unsolicited = [request.username, request.from, request.to];
    const reply = request.message_id !== undefined;
    const complete = unsolicited.every((field) => field !== undefined);
    const none = unsolicited.every((field) => field === undefined);
    if (reply ? !none : !complete) {
      issues.addIssue({
        code: "custom",
        message: 'give either "message_id" or all of "username", "from" and "to" (with "body")',
      });
    }
  });

type InboundRequest = z.infer<typeof inboundRequestSchema>;

/** What the sandbox needs to know about the conversation: who, to which number, replying to what. */
type Conversation = Pick<
  StoredInbound,
  "username" | "from" | "to" | "originalMessageId" | "originalBody" | "customString"
>;

function conversation(
  ctx: SandboxContext,
  request: InboundRequest,
): Conversation | { status: number; error: string } {
  if (request.message_id === undefined) {
    const username = request.username ?? "";
    if (!ctx.state.accounts.has(username)) {
      return { status: 404, error: `no account ${username}` };
    }
    return {
      username,
      from: request.from ?? "",
      to: request.to ?? "",
      originalMessageId: "",
      originalBody: "",
      customString: "",
    };
  }
  const id = request.message_id.toUpperCase();
  const message = ctx.state.messages.find((candidate) => candidate.messageId === id);
  if (!message) return { status: 404, error: `no outbound message ${id}` };
  // Nothing reached a handset, so nothing can answer it.
  if (message.status === "Scheduled" || message.status === "Cancelled") {
    return { status: 409, error: `message ${id} was never sent (${message.status})` };
  }
  return {
    username: message.username,
    from: message.to,
    to: message.from,
    originalMessageId: message.messageId,
    originalBody: message.body,
    customString: message.customString,
  };
}

/**
 * The handset's side: a reply to an outbound SMS or MMS, or an unsolicited message. Answers the
 * stored message with its account, how many URL rules it is pushed to and how many times it is
 * queued for polling.
 */
export function receiveInbound(
  ctx: SandboxContext,
  request: InboundRequest,
): { status: number; body: unknown } {
  const found = conversation(ctx, request);
  if ("error" in found) return { status: found.status, body: { error: found.error } };
  const account = ctx.state.accounts.get(found.username);
  if (!account) return { status: 404, body: { error: `no account ${found.username}` } };
  const inbound: StoredInbound = {
    ...found,
    messageId: newMessageId(),
    timestamp: unixSeconds(ctx),
    body: request.body,
    userId: account.userId,
    subaccountId: account.subaccountId,
    pollCopies: 0,
    read: false,
    seq: nextSeq(ctx.state),
  };
  const pushes = deliverInbound(ctx, inbound);
  return {
    status: 200,
    body: {
      ...inboundView(inbound),
      username: inbound.username,
      pushes,
      poll_copies: inbound.pollCopies,
    },
  };
}

// /v3/sms/inbound…

function ownInbound(ctx: SandboxContext, req: RouteRequest): StoredInbound[] {
  return ctx.state.inbound.filter((inbound) => inbound.username === req.account.username);
}

/** Unread queued rows, oldest first: a message matched by two POLL rules is two rows. */
function unreadRows(ctx: SandboxContext, req: RouteRequest): StoredInbound[] {
  return ownInbound(ctx, req)
    .filter((inbound) => !inbound.read)
    .flatMap((inbound) => Array.from({ length: inbound.pollCopies }, () => inbound));
}

/** GET /sms/inbound: unread polled messages; listing does not mark them read. */
export function listInbound(ctx: SandboxContext, req: RouteRequest): Reply {
  const page = paginate(unreadRows(ctx, req), pageRequest(req.query), `${ctx.apiBase}/sms/inbound`);
  return ok("Here are your inbound messages.", { ...page, data: page.data.map(inboundView) });
}

/** GET /sms/inbound/{original_message_id}: the first reply to that message, read or not. */
export function getReply(ctx: SandboxContext, req: RouteRequest): Reply {
  const id = (req.params.id ?? "").toUpperCase();
  const reply = ownInbound(ctx, req).find((inbound) => inbound.originalMessageId === id);
  if (!reply) throw notFound("Inbound message not found.");
  return ok("Here's your result.", inboundView(reply));
}

const MARKED_READ = "Inbound messages have been marked as read.";

/** PUT /sms/inbound-read/{message_id}: every queued row of it; data is how many. */
export function markInboundRead(ctx: SandboxContext, req: RouteRequest): Reply {
  const id = (req.params.id ?? "").toUpperCase();
  const inbound = ownInbound(ctx, req).find(
    (candidate) => candidate.messageId === id && candidate.pollCopies > 0 && !candidate.read,
  );
  if (!inbound) throw notFound("Inbound message not found.");
  inbound.read = true;
  return ok(MARKED_READ, inbound.pollCopies);
}

/** PUT /sms/inbound-read: every unread message, or those strictly before date_before; data null. */
export function markAllInboundRead(ctx: SandboxContext, req: RouteRequest): Reply {
  const body = parseWith(markReadSchema, req.body);
  const before = body?.date_before ?? undefined;
  for (const inbound of ownInbound(ctx, req)) {
    if (inbound.pollCopies > 0 && (before === undefined || inbound.timestamp < before)) {
      inbound.read = true;
    }
  }
  return ok(MARKED_READ, null);
}

const testInboundSchema = z.object({ url: testUrl, webhook_type: webhookType.nullish() });

/** POST /sms/inbound: a made-up reply pushed to `url` in `webhook_type`, or queued for polling. */
export function addTestInbound(ctx: SandboxContext, req: RouteRequest): Reply {
  const { url, webhook_type: type } = parseWith(testInboundSchema, req.body ?? {});
  const inbound: StoredInbound = {
    username: req.account.username,
    messageId: newMessageId(),
    timestamp: unixSeconds(ctx),
    from: "+61411111111",
    to: "+61422222222",
    body: "This is a test incoming SMS.",
    originalMessageId: newMessageId(),
    originalBody: "This is the original message.",
    customString: "",
    userId: req.account.userId,
    subaccountId: req.account.subaccountId,
    pollCopies: url === "poll" ? 1 : 0,
    read: false,
    seq: nextSeq(ctx.state),
  };
  ctx.state.inbound.push(inbound);
  if (url !== "poll") {
    ctx.webhooks.push(url, inboundPayload(inbound, type ?? "post"), inbound.username, "inbound");
  }
  const { timestamp, ...rest } = inboundView(inbound);
  return ok("Here are your incoming messages.", { timestamp_send: timestamp, ...rest });
}
