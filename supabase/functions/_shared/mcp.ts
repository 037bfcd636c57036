// agent-mcp's logic: one agent's remote MCP endpoint, stateless Streamable HTTP with the official
// SDK's low-level Server (so tool schemas and errors are exactly the catalog's and the
// executor's, not regenerated). tools/list is discovery (the agent's grants, now); tools/call is
// the executor, the same path execute-agent-tool takes, so grants, policy, approvals,
// idempotency, rate limits and the audit log all apply. The executor's answer is the result's
// structured content: isError for every refusal or failure, not for an approval hold (202).
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type CallToolRequest,
  type CallToolResult,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { MCP_IDEMPOTENCY_META_KEY } from "./contracts/agent-tokens.ts";
import { executeBodySchema, type ExecuteBody } from "./contracts/function-requests.ts";
import { isToolName, type OpenAiTool } from "./contracts/tool-catalog.ts";
import type { ExecuteOutcome } from "./agent-tools.ts";

/** What the endpoint needs of the rest of the backend, for one token's agent. */
export interface McpAgent {
  agentId: string;
  /** The agent's granted tools now (discoverTools). */
  listTools(): Promise<OpenAiTool[]>;
  /** One tool call through the executor (executeTool, as the agent's owner). */
  execute(body: ExecuteBody): Promise<ExecuteOutcome>;
}

export const MCP_SERVER_INFO = { name: "clicksend-agent", version: "1.0.0" } as const;

const INSTRUCTIONS =
  "SMS and MMS through ClickSend for one agent. Only the tools this agent was granted are listed. " +
  "A refused call (permission, limits, opt-outs, bad arguments) comes back as an error result that " +
  "says why; a send held for a person's approval is not an error: nothing was sent yet. Pass " +
  `_meta.${MCP_IDEMPOTENCY_META_KEY} on a send so that repeating it never sends twice.`;

/** The catalog's tool as MCP lists it: the same name, description and JSON Schema. */
function mcpTool(tool: OpenAiTool): Tool {
  const { name, description, parameters } = tool.function;
  return { name, description, inputSchema: { ...parameters, type: "object" } };
}

type Body = Record<string, unknown>;

function isRecord(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function accountName(body: Body): string | null {
  const account = body.account;
  return isRecord(account) && typeof account.username === "string" ? account.username : null;
}

/** One line an MCP client shows, or a model reads, without parsing the structured content. */
function summary(tool: string, outcome: ExecuteOutcome, body: Body): string {
  const on = accountName(body);
  const where = on === null ? "" : ` (ClickSend account ${on})`;
  if (outcome.status === 200) return `${tool} succeeded${where}.`;
  if (outcome.status === 202) {
    const message = typeof body.message === "string" ? body.message : "Held for approval.";
    return `${message} Approval ${String(body.approval_id)}${where}.`;
  }
  const error = isRecord(body.error) ? body.error : {};
  const code = typeof error.code === "string" ? error.code : "error";
  const message = typeof error.message === "string" ? error.message : "The call failed.";
  const retryAfter = outcome.headers["retry-after"];
  const wait = retryAfter === undefined ? "" : ` Retry after ${retryAfter} s.`;
  return `${tool} failed${where}: ${code}: ${message}${wait}`;
}

/** The executor's answer as a tool result: its body is the structured content, unchanged. */
export function toolResult(tool: string, outcome: ExecuteOutcome): CallToolResult {
  const body: Body = isRecord(outcome.body) ? outcome.body : { result: outcome.body };
  return {
    content: [
      { type: "text", text: summary(tool, outcome, body) },
      { type: "text", text: JSON.stringify(body) },
    ],
    structuredContent: body,
    // A held send is an answer, not a failure: the agent should wait, not retry.
    isError: outcome.status !== 200 && outcome.status !== 202,
  };
}

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

/** The executor's request for a tools/call, or -32602 for an unknown tool or a bad key. */
function executeBodyOf(
  agentId: string,
  params: { name: string; arguments?: Record<string, unknown>; _meta?: Record<string, unknown> },
): ExecuteBody {
  if (!isToolName(params.name)) {
    throw invalidParams(`Unknown tool: ${params.name.slice(0, 64)}. tools/list names the tools.`);
  }
  const key = params._meta?.[MCP_IDEMPOTENCY_META_KEY];
  const parsed = executeBodySchema.safeParse({
    agent_id: agentId,
    tool: params.name,
    arguments: params.arguments ?? {},
    ...(key === undefined ? {} : { idempotency_key: key }),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue?.path[0] === "idempotency_key" ? `_meta.${MCP_IDEMPOTENCY_META_KEY}` : "arguments";
    throw invalidParams(`${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/**
 * A request of `method` with any params. The SDK's Protocol parses each request against the
 * handler's schema before the handler runs, and answers a mismatch (tools/call with a "name" that
 * is no string, tools/list with a numeric cursor) as -32603 Internal error; registered with this,
 * the params are checked in the handler (and by the Server's own tools/call check) as -32602.
 */
function anyParams<M extends string>(method: M) {
  return z.looseObject({ method: z.literal(method) });
}

function paramsOf<S extends z.ZodType>(schema: S, request: unknown): z.output<S> {
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "params";
    throw invalidParams(`${where}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

// The low-level Server, on purpose: McpServer.registerTool would regenerate the catalog's JSON
// Schemas from zod and wrap the executor's errors in its own.
// eslint-disable-next-line @typescript-eslint/no-deprecated -- the low-level API, on purpose
function serverFor(agent: McpAgent): Server {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the low-level API, on purpose
  const server = new Server(MCP_SERVER_INFO, {
    capabilities: { tools: { listChanged: false } },
    instructions: INSTRUCTIONS,
  });
  server.setRequestHandler(anyParams("tools/list"), async (request: unknown) => {
    paramsOf(ListToolsRequestSchema, request);
    return { tools: (await agent.listTools()).map(mcpTool) };
  });
  server.setRequestHandler(anyParams("tools/call"), async (request: unknown) => {
    const call: CallToolRequest = paramsOf(CallToolRequestSchema, request);
    const body = executeBodyOf(agent.agentId, call.params);
    return toolResult(body.tool, await agent.execute(body));
  });
  return server;
}

/**
 * One POST of the Streamable HTTP transport, stateless: a fresh server and transport per
 * request, JSON answers (no SSE streams, no sessions). `parsedBody` is the request's JSON, already
 * read and checked by the caller.
 */
export async function handleMcpPost(
  req: Request,
  parsedBody: unknown,
  agent: McpAgent,
): Promise<Response> {
  const server = serverFor(agent);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(req, { parsedBody });
  } finally {
    await server.close();
  }
}
