// The remote MCP endpoint (agent-mcp) through the whole stack, driven by the official MCP SDK's
// client (Client + StreamableHTTPClientTransport), with tokens made by agent-tokens. What was
// sent is counted from ClickSend's own history API as the account holder, and from the owner's
// history rows, never from the sandbox's internals.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  McpError,
  type CallToolResult,
} from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFullStack, type FullStack } from "./full-stack.ts";
import { sentCount, userWithOwnAccount, type UserWithAccount } from "./users.ts";

let stack: FullStack;
let made = 0;
/** Every token made here: none may ever appear in the stack's logs. */
const tokensMade: string[] = [];
const HANDSET = "+61411111111";

beforeAll(async () => {
  stack = await startFullStack();
}, 240_000);

afterAll(async () => {
  await stack.stop();
  // Secret hygiene: a token is never logged, by the functions, the gateway or the sandbox.
  expect(tokensMade.length).toBeGreaterThan(5);
  const leaked = tokensMade.filter((token) => stack.logs.some((line) => line.includes(token)));
  expect(leaked).toEqual([]);
  // ...while the lines that name a token's use are there (so the check reads real logs).
  expect(stack.logs.some((line) => line.includes("[fn:agent-mcp]"))).toBe(true);
});

type Setup = UserWithAccount;

/** A user with a ClickSend account of their own, connected, and an agent granted `scopes`. */
function setup(scopes: string[]): Promise<Setup> {
  made += 1;
  return userWithOwnAccount(stack, `mcp-${String(made)}`, scopes, `MCP agent ${String(made)}`);
}

async function newToken(s: Setup, agentId = s.agentId): Promise<string> {
  const reply = await s.user.call("agent-tokens", "POST", { agent_id: agentId, name: "Claude" });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  const token = reply.body.token as string;
  tokensMade.push(token);
  expect(reply.body.endpoint).toBe(endpoint().href);
  return token;
}

function endpoint(): URL {
  return new URL(`${stack.url}/functions/v1/agent-mcp`);
}

async function connect(token: string): Promise<Client> {
  const client = new Client({ name: "integration-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(endpoint(), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

function structured(result: unknown): Record<string, unknown> {
  const content = (result as CallToolResult).structuredContent;
  expect(content).toBeDefined();
  return content as Record<string, unknown>;
}

describe("agent-mcp with the official MCP client", () => {
  it("lists exactly the agent's granted tools, with get-agent-tools' schemas", async () => {
    const s = await setup(["sms", "balance"]);
    const client = await connect(await newToken(s));
    expect(client.getServerVersion()?.name).toBe("clicksend-agent");
    const listed = await client.listTools();
    const discovered = await s.user.call("get-agent-tools", "POST", { agent_id: s.agentId });
    const tools = discovered.body.tools as {
      function: { name: string; description: string; parameters: Record<string, unknown> };
    }[];
    expect(listed.tools.map((tool) => tool.name)).toEqual([
      "clicksend_send_sms",
      "clicksend_get_balance",
    ]);
    expect(
      listed.tools.map(({ name, description, inputSchema }) => ({
        name,
        description,
        inputSchema,
      })),
    ).toEqual(
      tools.map(({ function: fn }) => ({
        name: fn.name,
        description: fn.description,
        inputSchema: fn.parameters,
      })),
    );
    await client.close();
  });

  it("sends once through the executor: in ClickSend, in history with the agent's name, replayed by its key", async () => {
    const s = await setup(["sms"]);
    const client = await connect(await newToken(s));
    const before = await sentCount(stack, s);
    const call = () =>
      client.callTool({
        name: "clicksend_send_sms",
        arguments: { to: [HANDSET], body: "Hello over MCP" },
        _meta: { idempotency_key: "mcp-send-1" },
      });
    const first = await call();
    expect(first.isError, JSON.stringify(first)).toBe(false);
    const answer = structured(first);
    expect(answer.ok).toBe(true);
    expect((answer.account as { username: string }).username).toBe(s.username);
    // The same key answers the first send's messages without sending again.
    const again = structured(await call());
    const result = (body: Record<string, unknown>) => body.result as Record<string, unknown>;
    expect(result(again).idempotent_replay).toBe(true);
    expect(result(again).messages).toEqual(result(answer).messages);
    expect(await sentCount(stack, s)).toBe(before + 1);

    // The owner's history: one row, with the agent's name.
    const { data: history, error } = await s.user.rest
      .from("clicksend_message_receipts")
      .select("recipient, body_excerpt, agent_name")
      .eq("user_oauth_connection_id", s.connectionId);
    expect(error).toBeNull();
    expect(history).toEqual([
      { recipient: HANDSET, body_excerpt: "Hello over MCP", agent_name: s.agentName },
    ]);

    const { data: logs } = await s.user.rest
      .from("tool_execution_logs")
      .select("tool_name, success")
      .eq("agent_id", s.agentId);
    expect(logs).toEqual([
      { tool_name: "clicksend_send_sms", success: true },
      { tool_name: "clicksend_send_sms", success: true },
    ]);
    await client.close();
  });

  it("a revoked grant makes the next call an error result, with nothing sent", async () => {
    const s = await setup(["sms"]);
    const client = await connect(await newToken(s));
    const { error } = await s.user.rest
      .from("agent_integration_permissions")
      .delete()
      .eq("agent_id", s.agentId);
    expect(error).toBeNull();
    const before = await sentCount(stack, s);
    const result = await client.callTool({
      name: "clicksend_send_sms",
      arguments: { to: [HANDSET], body: "Should not go" },
    });
    expect(result.isError).toBe(true);
    const executor = await s.user.call("execute-agent-tool", "POST", {
      agent_id: s.agentId,
      tool: "clicksend_send_sms",
      arguments: { to: [HANDSET], body: "Should not go" },
    });
    expect(executor.status).toBe(403);
    expect(structured(result)).toEqual(executor.body);
    expect((structured(result).error as { code: string }).code).toBe("permission_denied");
    expect((await client.listTools()).tools).toEqual([]);
    expect(await sentCount(stack, s)).toBe(before);
    await client.close();
  });

  it("bad arguments are an error result equal to the executor's; an unknown tool is -32602", async () => {
    const s = await setup(["sms"]);
    const client = await connect(await newToken(s));
    const before = await sentCount(stack, s);
    const bad = await client.callTool({ name: "clicksend_send_sms", arguments: { to: [] } });
    expect(bad.isError).toBe(true);
    const executor = await s.user.call("execute-agent-tool", "POST", {
      agent_id: s.agentId,
      tool: "clicksend_send_sms",
      arguments: { to: [] },
    });
    expect(executor.status).toBe(400);
    expect(structured(bad)).toEqual(executor.body);
    const unknown = await client
      .callTool({ name: "clicksend_delete_everything", arguments: {} })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(unknown).toBeInstanceOf(McpError);
    expect((unknown as McpError).code).toBe(ErrorCode.InvalidParams);
    const badKey = await client
      .callTool({
        name: "clicksend_send_sms",
        arguments: { to: [HANDSET], body: "x" },
        _meta: { idempotency_key: "" },
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect((badKey as McpError).code).toBe(ErrorCode.InvalidParams);
    expect(await sentCount(stack, s)).toBe(before);
    await client.close();
  });

  it("an approval hold is not an error: the executor's 202 body, nothing sent", async () => {
    const s = await setup(["sms"]);
    const { error } = await s.user.rest
      .from("agent_policies")
      .insert({ agent_id: s.agentId, approval_mode: "always" });
    expect(error).toBeNull();
    const client = await connect(await newToken(s));
    const before = await sentCount(stack, s);
    const held = await client.callTool({
      name: "clicksend_send_sms",
      arguments: { to: [HANDSET], body: "Please approve" },
      _meta: { idempotency_key: "mcp-held-1" },
    });
    expect(held.isError).toBe(false);
    const body = structured(held);
    expect(body).toMatchObject({ ok: false, status: "pending_approval", code: "approval_pending" });
    const executor = await s.user.call("execute-agent-tool", "POST", {
      agent_id: s.agentId,
      tool: "clicksend_send_sms",
      arguments: { to: [HANDSET], body: "Please approve" },
      idempotency_key: "mcp-held-1",
    });
    expect(executor.status).toBe(202);
    expect(executor.body).toEqual(body);
    expect(await sentCount(stack, s)).toBe(before);
    await client.close();
  });

  it("a revoked token is refused with 401 on the next request", async () => {
    const s = await setup(["balance"]);
    const token = await newToken(s);
    const client = await connect(token);
    const listed = await s.user.call("agent-tokens", "GET");
    const tokens = listed.body.tokens as { id: string; prefix: string }[];
    expect(tokens).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(token.startsWith(tokens[0]?.prefix ?? "-")).toBe(true);
    const revoked = await s.user.call("agent-tokens", "DELETE", { id: tokens[0]?.id });
    expect(revoked.status).toBe(200);
    const refused = await client.listTools().then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(401);
    const raw = await fetch(endpoint(), {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(raw.status).toBe(401);
    expect(((await raw.json()) as { error: { message: string } }).error.message).toMatch(/revoked/);
    await client.close();
  });

  it("user B's token can never reach user A's agent", async () => {
    const a = await setup(["sms"]);
    const b = await setup(["sms"]);
    const madeForA = await b.user.call("agent-tokens", "POST", { agent_id: a.agentId, name: "x" });
    expect(madeForA.status).toBe(404);
    const client = await connect(await newToken(b));
    const before = await sentCount(stack, a);
    // B's token names B's agent only: every call is B's, whatever the arguments say.
    const result = await client.callTool({
      name: "clicksend_send_sms",
      arguments: { to: [HANDSET], body: "From B", agent_id: a.agentId },
    });
    expect(result.isError).toBe(true);
    expect(await sentCount(stack, a)).toBe(before);
    const { data: logsOfA } = await a.user.rest
      .from("tool_execution_logs")
      .select("id")
      .eq("agent_id", a.agentId);
    expect(logsOfA).toEqual([]);
    const revokeA = await b.user.call("agent-tokens", "DELETE", {
      id: (await a.user.call("agent-tokens", "POST", { agent_id: a.agentId, name: "A" })).body
        .id as string,
    });
    expect(revokeA.status).toBe(404);
    await client.close();
  });

  it("GET and DELETE answer 405; unparsable JSON is 400 with -32700", async () => {
    const s = await setup(["balance"]);
    const token = await newToken(s);
    const headers = {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    };
    for (const method of ["GET", "DELETE"]) {
      const reply = await fetch(endpoint(), { method, headers });
      expect(reply.status).toBe(405);
      await reply.body?.cancel();
    }
    const unparsable = await fetch(endpoint(), { method: "POST", headers, body: "{nope" });
    expect(unparsable.status).toBe(400);
    expect(((await unparsable.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const noToken = await fetch(endpoint(), {
      method: "POST",
      headers: { ...headers, authorization: "" },
      body: "{}",
    });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("notes when a token was last used, and a token dies with its agent", async () => {
    const s = await setup(["balance"]);
    const token = await newToken(s);
    const unused = await s.user.call("agent-tokens", "GET");
    expect((unused.body.tokens as { last_used_at: string | null }[])[0]?.last_used_at).toBeNull();
    const client = await connect(token);
    const balance = await client.callTool({ name: "clicksend_get_balance", arguments: {} });
    expect(balance.isError).toBe(false);
    const used = await s.user.call("agent-tokens", "GET");
    const lastUsed = (used.body.tokens as { last_used_at: string | null }[])[0]?.last_used_at;
    expect(Date.now() - Date.parse(lastUsed ?? "")).toBeLessThan(60_000);

    const { error } = await s.user.rest.from("agents").delete().eq("id", s.agentId);
    expect(error).toBeNull();
    expect((await s.user.call("agent-tokens", "GET")).body.tokens).toEqual([]);
    const refused = await client.listTools().then(
      () => null,
      (failure: unknown) => failure,
    );
    expect((refused as StreamableHTTPError).code).toBe(401);
    await client.close();
  });
});
