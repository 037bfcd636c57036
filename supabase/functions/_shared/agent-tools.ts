// Agent tool discovery and execution. Discovery lists the tools of the agent's active,
// unexpired grants on active ClickSend connections; execution validates the tool and its
// arguments against the catalog, checks the grant in the database on every call
// (validate_agent_clicksend_permissions), holds a per-connection call slot for each ClickSend
// request, and records every call in tool_execution_logs with redacted arguments.
import { z } from "zod";
import { withCallSlot } from "./call-slots.ts";
import type { ClickSendClient } from "./clicksend/client.ts";
import { connectionClient } from "./connection-client.ts";
import { fromClickSend } from "./connections.ts";
import type { Json } from "./database.types.ts";
import { historyQuery } from "./history-query.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import { sendMessages } from "./messaging.ts";
import { redactText, redactValue } from "./redact.ts";
import { scopeSchema, type Scope } from "./scopes.ts";
import type { Db } from "./supabase.ts";
import {
  isToolName,
  toolArgumentSchemas,
  toolByName,
  toolsForScopes,
  type OpenAiTool,
  type ToolName,
} from "./tool-catalog.ts";

export const discoverBodySchema = z.strictObject({ agent_id: z.uuid() });

export const executeBodySchema = z.strictObject({
  agent_id: z.uuid(),
  tool: z.string().min(1).max(100),
  arguments: z.record(z.string(), z.unknown()).default({}),
  idempotency_key: z
    .string()
    .regex(
      /^[A-Za-z0-9._:-]{1,200}$/,
      "use 1-200 letters, digits, dots, colons, dashes or underscores",
    )
    .optional(),
});
export type ExecuteBody = z.infer<typeof executeBodySchema>;

interface Grant {
  connectionId: string;
  scopes: Scope[];
  grantedAt: string;
}

/** The agent's usable grants: active, unexpired, on an active ClickSend connection. */
async function activeGrants(db: Db, agentId: string): Promise<Grant[]> {
  const { data: grants, error } = await db
    .from("agent_integration_permissions")
    .select("user_oauth_connection_id, allowed_scopes, expires_at, granted_at")
    .eq("agent_id", agentId)
    .eq("is_active", true);
  if (error)
    throw new ApiError(500, "database_error", "Could not read the agent's permissions.", true);
  const now = Date.now();
  const live = grants.filter(
    (grant) => grant.expires_at === null || Date.parse(grant.expires_at) > now,
  );
  if (live.length === 0) return [];
  const { data: connections, error: connectionError } = await db
    .from("clicksend_connections")
    .select("id")
    .in(
      "id",
      live.map((grant) => grant.user_oauth_connection_id),
    );
  if (connectionError)
    throw new ApiError(500, "database_error", "Could not read the agent's connections.", true);
  const active = new Set(connections.map((connection) => connection.id));
  return live
    .filter((grant) => active.has(grant.user_oauth_connection_id))
    .map((grant) => ({
      connectionId: grant.user_oauth_connection_id,
      scopes: z.array(scopeSchema).catch([]).parse(grant.allowed_scopes),
      grantedAt: grant.granted_at,
    }))
    .sort((a, b) => b.grantedAt.localeCompare(a.grantedAt));
}

export interface Agent {
  id: string;
  userId: string;
}

/** The agent, seen through `db`: the owner's RLS client or the service client. */
export async function loadAgent(db: Db, agentId: string): Promise<Agent> {
  const { data, error } = await db
    .from("agents")
    .select("id, user_id")
    .eq("id", agentId)
    .maybeSingle();
  if (error) throw new ApiError(500, "database_error", "Could not read the agent.", true);
  if (!data) throw new ApiError(404, "agent_not_found", "No such agent in your account.");
  return { id: data.id, userId: data.user_id };
}

export async function discoverTools(db: Db, agentId: string): Promise<{ tools: OpenAiTool[] }> {
  const agent = await loadAgent(db, agentId);
  const scopes = new Set((await activeGrants(db, agent.id)).flatMap((grant) => grant.scopes));
  return { tools: toolsForScopes(scopes) };
}

async function runTool(
  tool: ToolName,
  rawArguments: Record<string, unknown>,
  context: {
    service: Db;
    client: ClickSendClient;
    agent: Agent;
    connectionId: string;
    defaultCountry: string;
    idempotencyKey?: string;
  },
): Promise<unknown> {
  const { service, client, agent, connectionId } = context;
  const slot = <T>(work: () => Promise<T>): Promise<T> => withCallSlot(service, connectionId, work);
  switch (tool) {
    case "clicksend_send_sms":
    case "clicksend_send_mms": {
      const args = toolArgumentSchemas.clicksend_send_mms
        .partial({ subject: true, media_url: true })
        .parse(rawArguments);
      return sendMessages(service, client, {
        connectionId,
        userId: agent.userId,
        agentId: agent.id,
        channel: tool === "clicksend_send_mms" ? "mms" : "sms",
        recipients: args.to,
        body: args.body,
        subject: args.subject,
        mediaUrl: args.media_url,
        from: args.from,
        schedule: args.schedule,
        customString: args.custom_string,
        defaultCountry: args.default_country ?? context.defaultCountry,
        idempotencyKey: context.idempotencyKey,
      });
    }
    case "clicksend_get_balance": {
      const account = await slot(() => client.getAccount());
      return { balance: account.balance, currency: account.currency };
    }
    case "clicksend_get_sms_history":
    case "clicksend_get_mms_history": {
      const args = toolArgumentSchemas.clicksend_get_sms_history.parse(rawArguments);
      const query = historyQuery(args);
      return slot(() =>
        tool === "clicksend_get_sms_history" ? client.smsHistory(query) : client.mmsHistory(query),
      );
    }
    case "clicksend_get_delivery_receipts": {
      const args = toolArgumentSchemas.clicksend_get_delivery_receipts.parse(rawArguments);
      if (args.message_id !== undefined) {
        const messageId = args.message_id;
        return { receipts: [await slot(() => client.smsReceipt(messageId))] };
      }
      const page = await slot(() => client.smsReceipts(args.page, args.limit));
      return { receipts: page.rows, page: page.page, last_page: page.lastPage, total: page.total };
    }
  }
}

export interface ExecuteOutcome {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export async function executeTool(
  env: FunctionEnv,
  service: Db,
  callerUserId: string | null,
  body: ExecuteBody,
): Promise<ExecuteOutcome> {
  const started = Date.now();
  const agent = await loadAgent(service, body.agent_id);
  if (callerUserId !== null && agent.userId !== callerUserId) {
    throw new ApiError(404, "agent_not_found", "No such agent in your account.");
  }
  let connectionId: string | null = null;

  const record = async (success: boolean, httpStatus: number, error?: ApiError): Promise<void> => {
    await service.from("tool_execution_logs").insert({
      user_id: agent.userId,
      agent_id: agent.id,
      user_oauth_connection_id: connectionId,
      tool_name: body.tool.slice(0, 100),
      arguments_redacted: redactValue(body.arguments) as Json,
      success,
      error_code: error?.code ?? null,
      error_message: error ? redactText(error.message).slice(0, 500) : null,
      http_status: httpStatus,
      latency_ms: Date.now() - started,
    });
  };

  try {
    if (!isToolName(body.tool))
      throw new ApiError(400, "unknown_tool", `Unknown tool ${body.tool}.`);
    const tool = toolByName(body.tool);
    const parsed = toolArgumentSchemas[tool.name].safeParse(body.arguments);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? issue.path.join(".") : "arguments";
      throw new ApiError(400, "invalid_arguments", `${where}: ${issue?.message ?? "invalid"}`);
    }

    const { data: allowed, error: checkError } = await service.rpc(
      "validate_agent_clicksend_permissions",
      {
        p_agent_id: agent.id,
        p_user_id: agent.userId,
        p_required_scopes: [tool.scope],
      },
    );
    if (checkError)
      throw new ApiError(500, "database_error", "Could not check the agent's permission.", true);
    if (!allowed)
      throw new ApiError(
        403,
        "permission_denied",
        `This agent is not allowed to use ${tool.name} (needs the ${tool.scope} scope).`,
      );

    const grant = (await activeGrants(service, agent.id)).find((candidate) =>
      candidate.scopes.includes(tool.scope),
    );
    if (!grant)
      throw new ApiError(
        403,
        "permission_denied",
        `This agent is not allowed to use ${tool.name}.`,
      );
    connectionId = grant.connectionId;

    const { data: connection, error: connectionError } = await service
      .from("user_oauth_connections")
      .select("id, external_username, connection_metadata")
      .eq("id", grant.connectionId)
      .single();
    if (connectionError) {
      throw new ApiError(502, "connection_unusable", "The ClickSend connection could not be read.");
    }
    const { client, country } = await connectionClient(env, service, connection);

    let result: unknown;
    try {
      result = await runTool(tool.name, parsed.data, {
        service,
        client,
        agent,
        connectionId: grant.connectionId,
        defaultCountry: country,
        idempotencyKey: body.idempotency_key,
      });
    } catch (error) {
      throw error instanceof ApiError ? error : fromClickSend(error);
    }
    await record(true, 200);
    return { status: 200, body: { ok: true, result }, headers: {} };
  } catch (error) {
    const failure =
      error instanceof ApiError
        ? error
        : new ApiError(500, "internal_error", "The tool call failed unexpectedly.", true);
    // Upstream failures are 502 to the agent (ClickSend's own status is in the code).
    const status = failure.status === 504 ? 502 : failure.status;
    await record(false, status, failure);
    return {
      status,
      body: {
        error: { code: failure.code, message: failure.message, retryable: failure.retryable },
      },
      headers: failure.headers,
    };
  }
}
