// The MCP endpoint's rules without a network: tools/list is the catalog's tools exactly,
// tools/call hands the executor one body (agent from the token, key from _meta) and returns its
// answer unchanged as structured content, isError for everything but 200 and 202; unknown tools
// and bad keys are JSON-RPC -32602 and never reach the executor.
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import type { ExecuteOutcome } from "./agent-tools.ts";
import type { ExecuteBody } from "./contracts/function-requests.ts";
import { toolsForScopes } from "./contracts/tool-catalog.ts";
import { handleMcpPost, MCP_SERVER_INFO, toolResult } from "./mcp.ts";
import { AGENT } from "./testing/fixtures.ts";

interface Harness {
  executed: ExecuteBody[];
  post(message: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
}

function harness(outcome: ExecuteOutcome): Harness {
  const executed: ExecuteBody[] = [];
  return {
    executed,
    post: async (message) => {
      const request = new Request("http://fn/agent-mcp", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
        },
        body: JSON.stringify(message),
      });
      const response = await handleMcpPost(request, message, {
        agentId: AGENT,
        listTools: () => Promise.resolve(toolsForScopes(["sms", "history"])),
        execute: (body) => {
          executed.push(body);
          return Promise.resolve(outcome);
        },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}

const call = (params: Record<string, unknown>) => ({
  jsonrpc: "2.0",
  id: 7,
  method: "tools/call",
  params,
});

const SENT: ExecuteOutcome = {
  status: 200,
  body: { ok: true, account: { username: "shop_user" }, result: { accepted: 1 } },
  headers: {},
};

describe("handleMcpPost", () => {
  it("initializes with the current protocol version and the server's name", async () => {
    const { status, body } = await harness(SENT).post({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: "test", version: "1" },
      },
    });
    expect(status).toBe(200);
    expect(body.result).toMatchObject({
      protocolVersion: LATEST_PROTOCOL_VERSION,
      serverInfo: MCP_SERVER_INFO,
      capabilities: { tools: { listChanged: false } },
    });
  });

  it("lists the catalog's tools with their JSON Schemas unchanged", async () => {
    const { body } = await harness(SENT).post({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    const catalog = toolsForScopes(["sms", "history"]);
    expect((body.result as { tools: unknown[] }).tools).toEqual(
      catalog.map(({ function: fn }) => ({
        name: fn.name,
        description: fn.description,
        inputSchema: fn.parameters,
      })),
    );
  });

  it("runs a call through the executor as the token's agent, with the key from _meta", async () => {
    const h = harness(SENT);
    const { body } = await h.post(
      call({
        name: "clicksend_send_sms",
        arguments: { to: ["+61411111111"], body: "Hi" },
        _meta: { idempotency_key: "k-1", progressToken: 3 },
      }),
    );
    expect(h.executed).toEqual([
      {
        agent_id: AGENT,
        tool: "clicksend_send_sms",
        arguments: { to: ["+61411111111"], body: "Hi" },
        idempotency_key: "k-1",
      },
    ]);
    expect(body.result).toEqual({
      content: [
        { type: "text", text: "clicksend_send_sms succeeded (ClickSend account shop_user)." },
        { type: "text", text: JSON.stringify(SENT.body) },
      ],
      structuredContent: SENT.body,
      isError: false,
    });
  });

  it("gives a call without arguments the executor's empty object", async () => {
    const h = harness(SENT);
    await h.post(call({ name: "clicksend_get_balance" }));
    expect(h.executed).toEqual([{ agent_id: AGENT, tool: "clicksend_get_balance", arguments: {} }]);
  });

  it("answers an unknown tool and a bad idempotency key with -32602, never executing", async () => {
    const h = harness(SENT);
    const unknown = await h.post(call({ name: "drop_tables", arguments: {} }));
    expect(unknown.body.error).toMatchObject({ code: -32602 });
    expect((unknown.body.error as { message: string }).message).toMatch(
      /Unknown tool: drop_tables/,
    );
    for (const key of ["", "x".repeat(500), 42]) {
      const bad = await h.post(
        call({ name: "clicksend_get_balance", arguments: {}, _meta: { idempotency_key: key } }),
      );
      expect(bad.body.error).toMatchObject({ code: -32602 });
      expect((bad.body.error as { message: string }).message).toMatch(
        /-32602: _meta\.idempotency_key: /,
      );
    }
    expect(h.executed).toEqual([]);
  });
});

describe("toolResult", () => {
  const error = (status: number, code: string, headers: Record<string, string> = {}) => ({
    status,
    body: { error: { code, message: `it is ${code}`, retryable: status === 429 } },
    headers,
  });

  it("is an error for every refusal and failure, with the executor's body as structured content", () => {
    for (const [status, code] of [
      [400, "invalid_arguments"],
      [403, "permission_denied"],
      [403, "policy_denied"],
      [409, "approval_closed"],
      [502, "upstream_unavailable"],
    ] as const) {
      const outcome = error(status, code);
      const result = toolResult("clicksend_send_sms", outcome);
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBe(outcome.body);
      expect(result.content[0]).toEqual({
        type: "text",
        text: `clicksend_send_sms failed: ${code}: it is ${code}`,
      });
    }
  });

  it("says when to retry a rate-limited call", () => {
    const result = toolResult(
      "clicksend_get_balance",
      error(429, "rate_limited", { "retry-after": "3" }),
    );
    expect(result.content[0]).toEqual({
      type: "text",
      text: "clicksend_get_balance failed: rate_limited: it is rate_limited Retry after 3 s.",
    });
  });

  it("is no error for an approval hold", () => {
    const body = {
      ok: false,
      status: "pending_approval",
      code: "approval_pending",
      message: "Held for a person.",
      approval_id: "a-1",
      expires_at: "2026-12-03T10:00:00.000Z",
      account: { username: "shop_user" },
    };
    const result = toolResult("clicksend_send_sms", { status: 202, body, headers: {} });
    expect(result.isError).toBe(false);
    expect(result.structuredContent).toBe(body);
    expect(result.content[0]).toEqual({
      type: "text",
      text: "Held for a person. Approval a-1 (ClickSend account shop_user).",
    });
  });
});
