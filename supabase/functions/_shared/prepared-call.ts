// A ClickSend call's bookkeeping in two database calls: clicksend_prepare_call before ClickSend
// (authorise, take call slots, reserve a send's messages or find the earlier result, read the
// key from Vault) and clicksend_finish_call after it (record the outcome, free the slots, write
// the audit row). See supabase/migrations/20250911000005_executor_round_trips.sql.
import { z } from "zod";
import { ClickSendClient } from "./clicksend/client.ts";
import type { Json } from "./contracts/database.types.ts";
import { toolAccountSchema, type ToolAccount } from "./contracts/tool-account.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import type { Db } from "./supabase.ts";
import {
  APPROVAL_STATES,
  POLICY_REASONS,
  type ApprovalState,
  type PolicyReason,
} from "./contracts/guardrails.ts";

const reservedRowSchema = z.object({
  id: z.string(),
  recipient: z.string(),
  idempotency_key: z.string(),
  /** pending to send; a policy refusal (OPTED_OUT, …) is stored as such and never sent. */
  status: z.string().default("pending"),
});
export type ReservedRow = z.infer<typeof reservedRowSchema>;

const messageRowSchema = reservedRowSchema.omit({ status: true }).extend({
  message_id: z.string().nullable(),
  status: z.string(),
  message_parts: z.number().nullable(),
  price: z.coerce.number().nullable(),
  currency: z.string().nullable(),
});
export type MessageRow = z.infer<typeof messageRowSchema>;

const prepareResultSchema = z.discriminatedUnion("outcome", [
  z.object({
    outcome: z.literal("ready"),
    user_id: z.string(),
    connection_id: z.string(),
    account: toolAccountSchema,
    username: z.string(),
    api_key: z.string(),
    country: z.string(),
    call_ids: z.array(z.number()),
    rows: z.array(reservedRowSchema),
  }),
  z.object({
    outcome: z.literal("replay"),
    user_id: z.string(),
    connection_id: z.string(),
    account: toolAccountSchema,
    rows: z.array(messageRowSchema),
  }),
  z.object({
    outcome: z.literal("policy_denied"),
    user_id: z.string(),
    connection_id: z.string(),
    account: toolAccountSchema,
    reason: z.enum(POLICY_REASONS),
    details: z.record(z.string(), z.unknown()),
  }),
  z.object({
    outcome: z.literal("approval"),
    user_id: z.string(),
    connection_id: z.string(),
    account: toolAccountSchema,
    approval_id: z.string(),
    expires_at: z.string(),
    state: z.enum(APPROVAL_STATES),
    result: z.object({ status: z.number(), body: z.unknown() }).nullable(),
  }),
  z.object({
    outcome: z.literal("needs_price"),
    user_id: z.string(),
    connection_id: z.string(),
    account: toolAccountSchema,
    username: z.string(),
    api_key: z.string(),
    country: z.string(),
    recipients: z.array(z.string()),
  }),
  z.object({ outcome: z.literal("agent_not_found") }),
  z.object({ outcome: z.literal("agent_only"), user_id: z.string() }),
  z.object({ outcome: z.literal("permission_denied"), user_id: z.string() }),
  z.object({ outcome: z.literal("connection_not_found") }),
  z.object({
    outcome: z.literal("connection_unusable"),
    user_id: z.string(),
    connection_id: z.string(),
    account: toolAccountSchema,
  }),
  z.object({
    outcome: z.literal("rate_limited"),
    user_id: z.string(),
    connection_id: z.string(),
    account: toolAccountSchema,
    retry_after_seconds: z.number().int(),
  }),
]);
type PrepareResult = z.infer<typeof prepareResultSchema>;

/** A send's messages to reserve: E.164 recipients in order, under one idempotency key. */
export interface SendReservation {
  channel: "sms" | "mms";
  recipients: string[];
  idempotencyKey: string;
  customString?: string;
  /** The text sent, kept with each message so a conversation shows it. */
  body?: string;
  /** ISO 8601, when the send is scheduled. */
  scheduledFor?: string;
  /** A later part of a bulk send: the position of its first recipient in the whole send. */
  firstIndex?: number;
  /** Recipients in the whole send, when this reserves only a part (a replay answers them all). */
  total?: number;
  /** Each recipient's ISO country (in order; null when unknown), for allowed_countries. */
  countries?: (string | null)[];
  /** Parts per message by our own segment count, for the daily limit. */
  parts?: number;
  /** ClickSend's quote per recipient, for the monthly spend limit. */
  prices?: Record<string, number>;
  /** The quote of a bulk send's later parts (their recipients are not in this reservation). */
  laterPrice?: number;
  currency?: string | null;
  /** The tool and its arguments, kept by an approval hold to send once approved. */
  tool?: string;
  request?: Json;
  /** An approved send: the approval step is passed. */
  approvalId?: string;
}

export interface PrepareRequest {
  /** ClickSend requests the call will make (slots to take); 0 only checks and reads. */
  requests: number;
  /** The verified caller; omitted for the platform acting as the service role. */
  userId?: string;
  /** The agent path: the agent's grant with `scope` decides the connection. */
  agentId?: string;
  scope?: string;
  /** The dashboard path: the caller's own connection. */
  connectionId?: string;
  send?: SendReservation;
}

export interface ReadyCall {
  outcome: "ready";
  userId: string;
  connectionId: string;
  /** The account the call uses (the agent path may choose among several). */
  account: ToolAccount;
  client: ClickSendClient;
  /** The account's country, for national numbers. */
  country: string;
  callIds: number[];
  rows: ReservedRow[];
}

export type Prepared =
  | ReadyCall
  | {
      outcome: "replay";
      userId: string;
      connectionId: string;
      account: ToolAccount;
      rows: MessageRow[];
    }
  | {
      outcome: "policy_denied";
      userId: string;
      connectionId: string;
      account: ToolAccount;
      reason: PolicyReason;
      details: Record<string, unknown>;
    }
  | {
      outcome: "approval";
      userId: string;
      connectionId: string;
      account: ToolAccount;
      approvalId: string;
      expiresAt: string;
      state: ApprovalState;
      result: { status: number; body: unknown } | null;
    }
  | {
      outcome: "needs_price";
      userId: string;
      connectionId: string;
      account: ToolAccount;
      client: ClickSendClient;
      country: string;
      recipients: string[];
    }
  | { outcome: "agent_not_found" }
  | { outcome: "agent_only"; userId: string }
  | { outcome: "permission_denied"; userId: string }
  | { outcome: "connection_not_found" }
  | { outcome: "connection_unusable"; userId: string; connectionId: string; account: ToolAccount }
  | {
      outcome: "rate_limited";
      userId: string;
      connectionId: string;
      account: ToolAccount;
      retryAfterSeconds: number;
    };

/** A database failure: 503 from an overloaded backend is worth a retry soon, the rest is ours. */
export function databaseError(status: number, message: string): ApiError {
  if (status === 503) {
    return new ApiError(503, "backend_busy", "The service is busy; try again in a moment.", true, {
      "retry-after": "1",
    });
  }
  return new ApiError(500, "database_error", message, true);
}

function clientFor(env: FunctionEnv, username: string, apiKey: string): ClickSendClient {
  return new ClickSendClient({
    username,
    apiKey,
    baseUrl: env.CLICKSEND_API_BASE,
    timeoutMs: env.CLICKSEND_TIMEOUT_MS,
  });
}

function toPrepared(env: FunctionEnv, result: PrepareResult): Prepared {
  switch (result.outcome) {
    case "ready":
      return {
        outcome: "ready",
        userId: result.user_id,
        connectionId: result.connection_id,
        account: result.account,
        client: clientFor(env, result.username, result.api_key),
        country: result.country,
        callIds: result.call_ids,
        rows: result.rows,
      };
    case "replay":
      return {
        outcome: "replay",
        userId: result.user_id,
        connectionId: result.connection_id,
        account: result.account,
        rows: result.rows,
      };
    case "policy_denied":
      return {
        outcome: "policy_denied",
        userId: result.user_id,
        connectionId: result.connection_id,
        account: result.account,
        reason: result.reason,
        details: result.details,
      };
    case "approval":
      return {
        outcome: "approval",
        userId: result.user_id,
        connectionId: result.connection_id,
        account: result.account,
        approvalId: result.approval_id,
        expiresAt: result.expires_at,
        state: result.state,
        result: result.result,
      };
    case "needs_price":
      return {
        outcome: "needs_price",
        userId: result.user_id,
        connectionId: result.connection_id,
        account: result.account,
        client: clientFor(env, result.username, result.api_key),
        country: result.country,
        recipients: result.recipients,
      };
    case "agent_only":
    case "permission_denied":
      return { outcome: result.outcome, userId: result.user_id };
    case "connection_unusable":
      return {
        outcome: "connection_unusable",
        userId: result.user_id,
        connectionId: result.connection_id,
        account: result.account,
      };
    case "rate_limited":
      return {
        outcome: "rate_limited",
        userId: result.user_id,
        connectionId: result.connection_id,
        account: result.account,
        retryAfterSeconds: result.retry_after_seconds,
      };
    case "agent_not_found":
    case "connection_not_found":
      return { outcome: result.outcome };
  }
}

export async function prepareCall(
  env: FunctionEnv,
  service: Db,
  request: PrepareRequest,
): Promise<Prepared> {
  const send = request.send;
  const { data, error, status } = await service.rpc("clicksend_prepare_call", {
    p_requests: request.requests,
    ...(request.userId === undefined ? {} : { p_user_id: request.userId }),
    ...(request.agentId === undefined ? {} : { p_agent_id: request.agentId }),
    ...(request.scope === undefined ? {} : { p_scope: request.scope }),
    ...(request.connectionId === undefined ? {} : { p_connection_id: request.connectionId }),
    ...(send === undefined
      ? {}
      : {
          p_send: {
            channel: send.channel,
            recipients: send.recipients,
            idempotency_key: send.idempotencyKey,
            custom_string: send.customString ?? null,
            body: send.body ?? null,
            scheduled_for: send.scheduledFor ?? null,
            first_index: send.firstIndex ?? 0,
            total: send.total ?? send.recipients.length,
            ...(send.countries === undefined ? {} : { countries: send.countries }),
            ...(send.parts === undefined ? {} : { parts: send.parts }),
            ...(send.prices === undefined ? {} : { prices: send.prices }),
            ...(send.laterPrice === undefined ? {} : { later_price: send.laterPrice }),
            ...(send.currency === undefined ? {} : { currency: send.currency }),
            ...(send.tool === undefined ? {} : { tool: send.tool }),
            ...(send.request === undefined ? {} : { request: send.request }),
            ...(send.approvalId === undefined ? {} : { approval_id: send.approvalId }),
          },
        }),
  });
  if (error) throw databaseError(status, "Could not prepare the ClickSend call; nothing was sent.");
  const parsed = prepareResultSchema.safeParse(data);
  if (!parsed.success)
    throw new ApiError(500, "database_error", "The call could not be prepared.", true);
  return toPrepared(env, parsed.data);
}

/** What ClickSend answered for one reserved message. */
export type MessageResult = {
  id: string;
  message_id: string | null;
  status: string;
  message_parts: number | null;
  price: number | null;
  currency: string | null;
};

export interface AuditEntry {
  userId: string;
  agentId: string;
  connectionId: string | null;
  toolName: string;
  argumentsRedacted: Json;
  success: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  httpStatus: number;
  latencyMs: number;
}

export interface FinishRequest {
  callIds: number[];
  results?: MessageResult[];
  /** Reservations never sent: freed so the same request can be repeated. */
  release?: string[];
  log?: AuditEntry;
}

/** Records a call's outcome in one database call; throws an ApiError when it could not. */
export async function finishCall(service: Db, request: FinishRequest): Promise<void> {
  const log = request.log;
  const { error, status } = await service.rpc("clicksend_finish_call", {
    p_call_ids: request.callIds,
    ...(request.results === undefined ? {} : { p_results: request.results }),
    ...(request.release === undefined ? {} : { p_release: request.release }),
    ...(log === undefined
      ? {}
      : {
          p_log: {
            user_id: log.userId,
            agent_id: log.agentId,
            connection_id: log.connectionId,
            tool_name: log.toolName.slice(0, 100),
            arguments_redacted: log.argumentsRedacted,
            success: log.success,
            error_code: log.errorCode,
            error_message: log.errorMessage,
            http_status: log.httpStatus,
            latency_ms: log.latencyMs,
          },
        }),
  });
  if (error) throw databaseError(status, "The call's outcome could not be recorded.");
}
