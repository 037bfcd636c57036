// The ClickSend operations, once for both callers: the agent tool executor (agent-tools.ts) and
// the dashboard (dashboard-api.ts). Each read has one result shape; a send has one sequence
// (learn the account's country when needed, plan, prepare, deliver, record); a refused call and
// a ClickSend failure have one error code each, whichever function asked.
import { fromClickSend } from "./clicksend/api-error.ts";
import { historyQuery } from "./history-query.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import {
  deliver,
  finishSend,
  firstPart,
  needsAccountCountry,
  planSend,
  summarise,
  type SendOutcome,
  type SendPlan,
  type SendRequest,
} from "./messaging.ts";
import {
  finishCall,
  prepareCall,
  type FinishRequest,
  type Prepared,
  type PrepareRequest,
  type ReadyCall,
} from "./prepared-call.ts";
import { wakeAgents } from "./agent-webhooks.ts";
import { agentReplies, cancelForOptOut, pollReplies } from "./inbound.ts";
import type { Db } from "./supabase.ts";
import type { AccountBalance } from "./contracts/connection-schemas.ts";
import type { PollRepliesResult } from "./contracts/function-requests.ts";
import type { ToolAccount } from "./contracts/tool-account.ts";
import type { ToolArguments } from "./contracts/tool-catalog.ts";
import {
  policyDetailsSchema,
  policyRetryable,
  type PolicyDetails,
  type PolicyReason,
} from "./contracts/guardrails.ts";
import type { ClickSendClient } from "./clicksend/client.ts";
import { MAX_MESSAGES_PER_REQUEST } from "./clicksend/client.ts";

// ---------------------------------------------------------------------------------------------
// Refusals
// ---------------------------------------------------------------------------------------------
export type Refused = Exclude<
  Prepared,
  ReadyCall | { outcome: "replay" } | { outcome: "needs_price" } | { outcome: "approval" }
>;

/** A prepared call that did not go ahead; an outcome a call of its kind cannot have throws. */
export function asRefused(prepared: Exclude<Prepared, ReadyCall>): Refused {
  if (
    prepared.outcome === "replay" ||
    prepared.outcome === "needs_price" ||
    prepared.outcome === "approval"
  )
    throw new Error(`unreachable: ${prepared.outcome} for a call that reserves nothing`);
  return prepared;
}

/** What a policy refusal of the whole call says, with its figures. */
function policyMessage(reason: PolicyReason, details: PolicyDetails): string {
  const n = (value: number | undefined) => String(value ?? 0);
  switch (reason) {
    case "quiet_hours":
      return `Quiet hours: this agent may not send now (its quiet hours in ${details.timezone ?? "UTC"}); sending opens again at ${details.opens_at ?? "the end of quiet hours"}. Nothing was sent.`;
    case "daily_message_limit":
      return `Daily message limit: ${n(details.used)} of ${n(details.limit)} messages used in the last 24 hours, and this send needs ${n(details.requested)}. Nothing was sent.`;
    case "monthly_spend_limit":
      return `Monthly spend limit: ${n(details.used)} of ${n(details.limit)} ${details.currency ?? ""} spent this month, and this send would cost ${n(details.price)}. Nothing was sent.`.replace(
        "  ",
        " ",
      );
  }
}

/** 403 policy_denied: quiet hours or a limit refused the whole call. */
function policyError(reason: PolicyReason, rawDetails: Record<string, unknown>): ApiError {
  const details = policyDetailsSchema.parse(rawDetails);
  return new ApiError(
    403,
    "policy_denied",
    policyMessage(reason, details),
    policyRetryable(reason),
    {},
    {
      reason,
      details,
    },
  );
}

/** Why a prepared call was refused, as one error per reason for every caller. */
export function refusalError(prepared: Refused, tool?: { name: string; scope: string }): ApiError {
  switch (prepared.outcome) {
    case "policy_denied":
      return policyError(prepared.reason, prepared.details);
    case "agent_not_found":
      return new ApiError(404, "agent_not_found", "No such agent in your account.");
    case "connection_not_found":
      return new ApiError(
        404,
        "connection_not_found",
        "No active ClickSend connection with that id in your account.",
      );
    case "agent_only":
    case "permission_denied":
      return new ApiError(
        403,
        "permission_denied",
        tool === undefined
          ? "This agent is not allowed to do that."
          : `This agent is not allowed to use ${tool.name} (needs the ${tool.scope} scope).`,
      );
    case "connection_unusable":
      return new ApiError(
        409,
        "connection_unusable",
        "The ClickSend connection has no usable credentials; reconnect it.",
      );
    case "rate_limited": {
      const wait = Math.max(1, prepared.retryAfterSeconds);
      return new ApiError(
        429,
        "rate_limited",
        `This ClickSend connection is at its request limit; try again in ${String(wait)} s.`,
        true,
        { "retry-after": String(wait) },
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reads: one ClickSend request on a prepared call, one result shape each
// ---------------------------------------------------------------------------------------------
/** A read and its parameters (the tool's arguments, or the dashboard's params). */
export type ReadRequest =
  | { operation: "get_balance"; params: ToolArguments<"clicksend_get_balance"> }
  | { operation: "get_sms_history"; params: ToolArguments<"clicksend_get_sms_history"> }
  | { operation: "get_mms_history"; params: ToolArguments<"clicksend_get_mms_history"> }
  | {
      operation: "get_delivery_receipts";
      params: ToolArguments<"clicksend_get_delivery_receipts">;
    }
  /** Catches up on replies whose push was lost (the dashboard, when Conversations opens). */
  | { operation: "poll_replies" }
  /** The replies to one agent's own messages, after the same catch-up. */
  | { operation: "get_replies"; agentId: string; params: ToolArguments<"clicksend_get_replies"> };

/** What the reply operations need besides the call: they store replies and wake agents. */
export interface ReadContext {
  env: FunctionEnv;
  service: Db;
}

/** Runs a read; a ClickSend failure comes back as our ApiError. */
export async function runRead(
  request: ReadRequest,
  call: ReadyCall,
  context: ReadContext,
): Promise<unknown> {
  try {
    return await read(request, call, context);
  } catch (error) {
    throw error instanceof ApiError ? error : fromClickSend(error);
  }
}

/** Polls for replies and wakes the agents whose messages they answer. */
async function catchUp(call: ReadyCall, { env, service }: ReadContext) {
  const polled = await pollReplies(service, call.connectionId, call.client);
  void wakeAgents(env, service, polled.stored, call.connectionId);
  if (polled.cancel.length > 0)
    await cancelForOptOut(service, call.connectionId, call.client, polled.cancel);
  return polled;
}

/**
 * A pushed opt-out's scheduled messages, cancelled at ClickSend through the connection the reply
 * came to (one call slot; ClickSend's message ids are the account's). Never throws.
 */
export async function cancelOptedOut(
  env: FunctionEnv,
  service: Db,
  userId: string,
  connectionId: string,
  messageIds: string[],
): Promise<{ cancelled: string[] }> {
  if (messageIds.length === 0) return { cancelled: [] };
  const prepared = await prepareCall(env, service, { userId, connectionId, requests: 1 }).catch(
    () => null,
  );
  if (prepared?.outcome !== "ready") return { cancelled: [] };
  try {
    return await cancelForOptOut(service, connectionId, prepared.client, messageIds);
  } finally {
    await finishCall(service, { callIds: prepared.callIds }).catch(() => undefined);
  }
}

async function read(request: ReadRequest, call: ReadyCall, context: ReadContext): Promise<unknown> {
  const { client } = call;
  switch (request.operation) {
    case "get_balance": {
      const account = await client.getAccount();
      const result: AccountBalance = {
        username: account.username,
        balance: account.balance,
        currency: account.currency,
      };
      return result;
    }
    case "get_sms_history":
      return client.smsHistory(historyQuery(request.params));
    case "get_mms_history":
      return client.mmsHistory(historyQuery(request.params));
    case "get_delivery_receipts": {
      const { message_id: messageId, page, limit } = request.params;
      if (messageId !== undefined)
        return { receipts: [await client.smsReceipt(messageId)], page: 1, last_page: 1, total: 1 };
      const found = await client.smsReceipts(page, limit);
      return {
        receipts: found.rows,
        page: found.page,
        last_page: found.lastPage,
        total: found.total,
      };
    }
    case "poll_replies": {
      const polled = await catchUp(call, context);
      const result: PollRepliesResult = {
        stored: polled.stored.length,
        clicksend_requests: polled.requests,
      };
      return result;
    }
    case "get_replies": {
      // Stored replies answer even when ClickSend cannot be asked right now.
      const caughtUp = await catchUp(call, context).then(
        () => true,
        () => false,
      );
      const found = await agentReplies(
        context.service,
        request.agentId,
        call.connectionId,
        request.params,
      );
      return { ...found, checked_clicksend: caughtUp };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sends
// ---------------------------------------------------------------------------------------------
/** Who asks, as prepareCall takes it: an agent and a scope, or a user's own connection. */
export type CallPath = Omit<PrepareRequest, "requests" | "send">;

export type PreparedSend =
  | { outcome: "ready"; plan: SendPlan; call: ReadyCall }
  | {
      outcome: "replay";
      plan: SendPlan;
      userId: string;
      connectionId: string;
      account: ToolAccount;
      result: SendOutcome;
    }
  | { outcome: "refused"; prepared: Refused }
  /** An agent's send held for approval, or the approval the same key already has. */
  | { outcome: "approval"; plan: SendPlan; prepared: Extract<Prepared, { outcome: "approval" }> };

/**
 * ClickSend's quote for a send's recipients (one price request per 1000), as the monthly spend
 * limit needs it: per recipient of the first part, and one total for the later parts.
 */
async function quote(
  client: ClickSendClient,
  request: SendRequest,
  recipients: string[],
): Promise<{ prices: Record<string, number>; total: number; currency: string | null }> {
  const prices: Record<string, number> = {};
  let total = 0;
  let currency: string | null = null;
  try {
    for (let start = 0; start < recipients.length; start += MAX_MESSAGES_PER_REQUEST) {
      const messages = recipients.slice(start, start + MAX_MESSAGES_PER_REQUEST).map((to) => ({
        to,
        body: request.body,
        ...(request.from === undefined ? {} : { from: request.from }),
      }));
      const priced =
        request.channel === "mms" && request.mediaUrl !== undefined
          ? await client.priceMms(
              request.mediaUrl,
              messages.map((message) => ({ ...message, subject: request.subject ?? "" })),
            )
          : await client.priceSms(messages);
      currency ??= priced.currency;
      for (const message of priced.messages) {
        prices[message.to] = message.price ?? 0;
        total += message.price ?? 0;
      }
    }
  } catch (error) {
    throw error instanceof ApiError ? error : fromClickSend(error);
  }
  return { prices, total, currency };
}

/**
 * A send up to ClickSend: the account's country when a recipient is a national number without
 * default_country (one more database call), the plan (an ApiError when no recipient is valid),
 * then clicksend_prepare_call, which reserves the first part or finds the earlier result.
 */
export async function prepareSend(
  env: FunctionEnv,
  service: Db,
  path: CallPath,
  request: SendRequest,
): Promise<PreparedSend> {
  let country = "AU";
  if (needsAccountCountry(request)) {
    const probe = await prepareCall(env, service, { ...path, requests: 0 });
    if (probe.outcome !== "ready") return { outcome: "refused", prepared: asRefused(probe) };
    country = probe.country;
  }
  const plan = planSend(request, country);
  const first = firstPart(plan);
  let prepared = await prepareCall(env, service, { ...path, requests: plan.requests, send: first });
  if (prepared.outcome === "needs_price") {
    // A monthly spend limit: ClickSend prices the send first (the first part's remaining
    // recipients one by one, the later parts as a total), then the spend is reserved.
    const later = plan.reservation.recipients.slice(first.recipients.length);
    const [head, tail] = await Promise.all([
      quote(prepared.client, request, prepared.recipients),
      quote(prepared.client, request, later),
    ]);
    prepared = await prepareCall(env, service, {
      ...path,
      requests: plan.requests,
      send: { ...first, prices: head.prices, laterPrice: tail.total, currency: head.currency },
    });
    if (prepared.outcome === "needs_price") throw new Error("unreachable: the send was priced");
  }
  if (prepared.outcome === "approval") return { outcome: "approval", plan, prepared };
  if (prepared.outcome === "replay") {
    return {
      outcome: "replay",
      plan,
      userId: prepared.userId,
      connectionId: prepared.connectionId,
      account: prepared.account,
      result: summarise(prepared.rows, true, plan.invalid, 0),
    };
  }
  if (prepared.outcome !== "ready") return { outcome: "refused", prepared };
  return { outcome: "ready", plan, call: prepared };
}

/**
 * The prepared send to ClickSend and on record: a bulk send reserves each later part, and
 * records the part before, while one is out. Answers the outcome, or throws the send's failure
 * (the send's own failure says more than a failure to record it; a send that went out but is
 * not on record says so). `log` adds the audit row to the final database call.
 */
export async function completeSend(
  env: FunctionEnv,
  service: Db,
  path: CallPath,
  prepared: Extract<PreparedSend, { outcome: "ready" }>,
  request: SendRequest,
  log?: (error: ApiError | null) => FinishRequest["log"],
): Promise<SendOutcome> {
  const { call, plan } = prepared;
  const delivery = await deliver(env, service, path, call, request, plan);
  try {
    await finishSend(service, delivery, {
      callIds: call.callIds,
      ...(log === undefined ? {} : { log: log(delivery.error) }),
    });
  } catch (recordError) {
    if (delivery.error === null) throw recordError;
  }
  if (delivery.error !== null) throw delivery.error;
  return summarise(delivery.done, false, plan.invalid, delivery.requests);
}
