// Agent tool discovery and execution. Discovery lists the tools of the agent's active,
// unexpired grants on active ClickSend connections (agent_tool_scopes, one database call).
// Execution validates the tool and its arguments against the catalog, then costs one database
// call before ClickSend and one after: clicksend_prepare_call checks the agent's grant for the
// tool's scope on every call, takes the connection's call slots and reserves a send's messages;
// clicksend_finish_call records the outcome and the audit row with redacted arguments.
import { z } from "zod";
import {
  asRefused,
  completeSend,
  prepareSend,
  refusalError,
  runRead,
  type ReadContext,
  type Refused,
} from "./clicksend-operations.ts";
import type { Json } from "./contracts/database.types.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import type { SendRequest } from "./messaging.ts";
import {
  databaseError,
  finishCall,
  prepareCall,
  type AuditEntry,
  type ReadyCall,
} from "./prepared-call.ts";
import { redactText, redactValue } from "./redact.ts";
import { scopeSchema } from "./contracts/scopes.ts";
import type { Db } from "./supabase.ts";
import type { ExecuteBody } from "./contracts/function-requests.ts";
import type { ToolAccount } from "./contracts/tool-account.ts";
import {
  APPROVAL_PENDING_MESSAGE,
  type ApprovalPendingBody,
  type ApprovalState,
} from "./contracts/guardrails.ts";
import {
  isToolName,
  toolArgumentSchemas,
  toolByName,
  toolsForScopes,
  type OpenAiTool,
  type ToolName,
} from "./contracts/tool-catalog.ts";

const scopesSchema = z.array(scopeSchema).nullable();

/** The tools an agent's usable grants allow, as `db` sees the agent (RLS, or the service role). */
export async function discoverTools(db: Db, agentId: string): Promise<{ tools: OpenAiTool[] }> {
  const { data, error, status } = await db.rpc(
    "agent_tool_scopes",
    { p_agent_id: agentId },
    { get: true },
  );
  if (error) throw databaseError(status, "Could not read the agent's permissions.");
  const scopes = scopesSchema.catch([]).parse(data);
  if (scopes === null) throw new ApiError(404, "agent_not_found", "No such agent in your account.");
  return { tools: toolsForScopes(new Set(scopes)) };
}

type ToolArguments = Record<string, unknown>;

/** SMS and MMS arguments in one shape (built once: zod compiles a schema on first use). */
const sendArgumentsSchema = toolArgumentSchemas.clicksend_send_mms.partial({
  subject: true,
  media_url: true,
});

function sendRequest(
  tool: ToolName,
  rawArguments: ToolArguments,
  idempotencyKey?: string,
  approvalId?: string,
): SendRequest {
  const args = sendArgumentsSchema.parse(rawArguments);
  return {
    channel: tool === "clicksend_send_mms" ? "mms" : "sms",
    recipients: args.to,
    body: args.body,
    subject: args.subject,
    mediaUrl: args.media_url,
    from: args.from,
    schedule: args.schedule,
    customString: args.custom_string,
    defaultCountry: args.default_country,
    idempotencyKey,
    // What an approval keeps to send later: the arguments as the agent gave them.
    held: { tool, arguments: rawArguments as Json },
    ...(approvalId === undefined ? {} : { approvalId }),
  };
}

/** A read tool runs the read operation the dashboard runs too, with the tool's arguments. */
function readTool(
  tool: ToolName,
  rawArguments: ToolArguments,
  call: ReadyCall,
  context: ReadContext & { agentId: string },
): Promise<unknown> {
  const schemas = toolArgumentSchemas;
  switch (tool) {
    case "clicksend_get_balance":
      return runRead({ operation: "get_balance", params: {} }, call, context);
    case "clicksend_get_sms_history": {
      const params = schemas.clicksend_get_sms_history.parse(rawArguments);
      return runRead({ operation: "get_sms_history", params }, call, context);
    }
    case "clicksend_get_mms_history": {
      const params = schemas.clicksend_get_mms_history.parse(rawArguments);
      return runRead({ operation: "get_mms_history", params }, call, context);
    }
    case "clicksend_get_delivery_receipts": {
      const params = schemas.clicksend_get_delivery_receipts.parse(rawArguments);
      return runRead({ operation: "get_delivery_receipts", params }, call, context);
    }
    case "clicksend_get_replies": {
      const params = schemas.clicksend_get_replies.parse(rawArguments);
      return runRead({ operation: "get_replies", agentId: context.agentId, params }, call, context);
    }
    case "clicksend_send_sms":
    case "clicksend_send_mms":
      throw new Error(`${tool} is a send, not a read`);
  }
}

export interface ExecuteOutcome {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

function isSend(tool: ToolName): boolean {
  return tool === "clicksend_send_sms" || tool === "clicksend_send_mms";
}

function validate(body: ExecuteBody): { tool: ReturnType<typeof toolByName> } | ApiError {
  if (!isToolName(body.tool))
    return new ApiError(400, "unknown_tool", `Unknown tool ${body.tool}.`);
  const tool = toolByName(body.tool);
  const parsed = toolArgumentSchemas[tool.name].safeParse(body.arguments);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "arguments";
    return new ApiError(400, "invalid_arguments", `${where}: ${issue?.message ?? "invalid"}`);
  }
  return { tool };
}

/** 409 approval_closed: what became of a held send that will not go out (as it stands). */
export function approvalClosedError(state: ApprovalState, approvalId: string): ApiError {
  const message =
    state === "rejected"
      ? "A person rejected this send; nothing was sent. Do not send it again."
      : state === "expired"
        ? "Nobody approved this send within 24 hours, so it expired; nothing was sent."
        : "This send was approved but could not go out when it was approved (see the approval); nothing was sent yet.";
  return new ApiError(
    409,
    "approval_closed",
    message,
    false,
    {},
    { state, approval_id: approvalId },
  );
}

function agentNotFound(): ApiError {
  return refusalError({ outcome: "agent_not_found" });
}

/**
 * One tool call: two database calls around the ClickSend request(s). A send whose recipients
 * are national numbers and gives no default_country costs one more, to learn the account's
 * country before the numbers can be reserved; a refused call costs one or two, to log it.
 */
export async function executeTool(
  env: FunctionEnv,
  service: Db,
  callerUserId: string | null,
  body: ExecuteBody,
  /** The send of this approval, now approved: every check but approval runs again. */
  approvalId?: string,
): Promise<ExecuteOutcome> {
  const started = Date.now();
  const caller = callerUserId === null ? {} : { userId: callerUserId };
  const httpStatus = (error: ApiError | null): number =>
    // Upstream failures are 502 to the agent (ClickSend's own status is in the code).
    error === null ? 200 : error.status === 504 ? 502 : error.status;
  const audit = (
    userId: string,
    connectionId: string | null,
    error: ApiError | null,
  ): AuditEntry => ({
    userId,
    agentId: body.agent_id,
    connectionId,
    toolName: body.tool,
    argumentsRedacted: redactValue(body.arguments) as Json,
    success: error === null,
    errorCode: error?.code ?? null,
    errorMessage: error ? redactText(error.message).slice(0, 500) : null,
    httpStatus: httpStatus(error),
    latencyMs: Date.now() - started,
  });
  // Once a connection is chosen, the answer names its account (contracts/tool-account.ts), so
  // an agent granted on several accounts always knows which one it used.
  const failure = (error: ApiError, account?: ToolAccount): ExecuteOutcome => ({
    status: httpStatus(error),
    body: { error: error.body(), ...(account === undefined ? {} : { account }) },
    headers: error.headers,
  });
  const success = (account: ToolAccount, result: unknown): ExecuteOutcome => ({
    status: 200,
    body: { ok: true, account, result },
    headers: {},
  });
  /** Logs a refused call against its agent (found first when not yet known) and answers it. */
  const refuse = async (
    error: ApiError,
    userId: string | null,
    account: ToolAccount | null,
  ): Promise<ExecuteOutcome> => {
    let owner = userId;
    if (owner === null) {
      const agent = await prepareCall(env, service, {
        ...caller,
        agentId: body.agent_id,
        requests: 0,
      });
      if (agent.outcome !== "agent_only") throw agentNotFound();
      owner = agent.userId;
    }
    await finishCall(service, {
      callIds: [],
      log: audit(owner, account?.connection_id ?? null, error),
    });
    return failure(error, account ?? undefined);
  };

  const checked = validate(body);
  if (checked instanceof ApiError) return refuse(checked, null, null);
  const { tool } = checked;
  const base = { ...caller, agentId: body.agent_id, scope: tool.scope };
  const refused = (prepared: Refused): Promise<ExecuteOutcome> => {
    if (prepared.outcome === "agent_not_found" || prepared.outcome === "connection_not_found")
      throw agentNotFound();
    return refuse(
      refusalError(prepared, tool),
      prepared.userId,
      "account" in prepared ? prepared.account : null,
    );
  };

  if (isSend(tool.name)) {
    const request = sendRequest(tool.name, body.arguments, body.idempotency_key, approvalId);
    let staged;
    try {
      staged = await prepareSend(env, service, base, request);
    } catch (error) {
      // No valid recipient: refused before anything was reserved, but still on the agent's log.
      if (error instanceof ApiError) return refuse(error, null, null);
      throw error;
    }
    if (staged.outcome === "refused") return refused(staged.prepared);
    if (staged.outcome === "approval") {
      const held = staged.prepared;
      const logged = (error: ApiError | null) =>
        finishCall(service, { callIds: [], log: audit(held.userId, held.connectionId, error) });
      if (held.state === "pending") {
        await logged(new ApiError(202, "approval_pending", APPROVAL_PENDING_MESSAGE));
        const answer: ApprovalPendingBody = {
          ok: false,
          status: "pending_approval",
          code: "approval_pending",
          message: APPROVAL_PENDING_MESSAGE,
          approval_id: held.approvalId,
          expires_at: new Date(held.expiresAt).toISOString(),
        };
        return { status: 202, body: { ...answer, account: held.account }, headers: {} };
      }
      if (held.state === "approved" && held.result !== null) {
        // The approved send's own answer, as the agent would have had it.
        await logged(null);
        return { status: held.result.status, body: held.result.body, headers: {} };
      }
      const closed = approvalClosedError(held.state, held.approvalId);
      await logged(closed);
      return failure(closed, held.account);
    }
    if (staged.outcome === "replay") {
      await finishCall(service, {
        callIds: [],
        log: audit(staged.userId, staged.connectionId, null),
      });
      return success(staged.account, staged.result);
    }
    const { call } = staged;
    try {
      const result = await completeSend(env, service, base, staged, request, (error) =>
        audit(call.userId, call.connectionId, error),
      );
      return success(call.account, result);
    } catch (error) {
      if (error instanceof ApiError) return failure(error, call.account);
      throw error;
    }
  }

  const prepared = await prepareCall(env, service, { ...base, requests: 1 });
  if (prepared.outcome !== "ready") return refused(asRefused(prepared));
  let answer: { result: unknown } | { error: ApiError };
  try {
    answer = {
      result: await readTool(tool.name, body.arguments, prepared, {
        env,
        service,
        agentId: body.agent_id,
      }),
    };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    answer = { error };
  }
  // A read's answer stands even if recording it fails (its slot is presumed dead in 5 minutes).
  await finishCall(service, {
    callIds: prepared.callIds,
    log: audit(prepared.userId, prepared.connectionId, "error" in answer ? answer.error : null),
  }).catch(() => undefined);
  if ("error" in answer) return failure(answer.error, prepared.account);
  return success(prepared.account, answer.result);
}
