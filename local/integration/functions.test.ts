// The Edge Functions end to end: real Deno behind the gateway, real Postgres (PGlite) with RLS,
// and the ClickSend sandbox. Each test reads as a user story.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_USERNAME } from "../clicksend-sandbox/server.ts";
import { GATEWAY_SECRET_HEADER } from "../gateway/functions.ts";
import { signJwt } from "../gateway/jwt.ts";
import { startFullStack, type FullStack } from "./full-stack.ts";
import {
  agentWithGrant,
  callFunction,
  signUpUser,
  type FunctionReply,
  type TestUser,
} from "./users.ts";

/**
 * A stored status that says ClickSend took the message: its send answer (SUCCESS), or the "Sent"
 * its first receipt leaves behind, which replaces the send's status as soon as it arrives.
 */
function acceptedStatus(status: string): boolean {
  return status === "SUCCESS" || status === "Sent";
}

let stack: FullStack;

type Reply = FunctionReply;
type User = TestUser;

let userCount = 0;

const call = (token: string, fn: string, method: string, body?: unknown): Promise<Reply> =>
  callFunction(stack, token, fn, method, body);

/**
 * A new user who calls the functions from a loopback address of their own (all of 127/8 is
 * loopback): the credential checks are limited per client address (20 a minute), and this file
 * connects more often than that within a minute.
 */
async function newUser(): Promise<User> {
  userCount += 1;
  const user = await signUpUser(stack, `user${String(userCount)}@example.com`);
  const address = `127.0.${String(Math.floor(userCount / 250) + 1)}.${String((userCount % 250) + 1)}`;
  return {
    ...user,
    call: (fn, method, body) => callFunction(stack, user.token, fn, method, body, address),
  };
}

async function sandboxState(): Promise<{ sms_sent: number; requests: number; balance: string }> {
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/state`);
  const state = (await response.json()) as {
    accounts: Record<string, { sms_sent: number; requests: number; balance: string }>;
  };
  const account = state.accounts[SANDBOX_USERNAME];
  if (!account) throw new Error("sandbox account missing");
  return account;
}

async function fault(
  mode: "error500" | "timeout" | "malformed",
  count: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await fetch(`${stack.sandbox.origin}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode, count, ...extra }),
  });
}

async function connect(user: User): Promise<string> {
  const reply = await user.call("clicksend-connect", "POST", {
    username: SANDBOX_USERNAME,
    api_key: SANDBOX_API_KEY,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  const connection = reply.body.connection as { id: string };
  return connection.id;
}

beforeAll(async () => {
  stack = await startFullStack();
}, 240_000);

afterAll(async () => {
  await stack.stop();
});

/**
 * Drops the sandbox's pending work (receipt pushes, timed receipts, scheduled sends) and faults,
 * so no test starts inside the previous one's webhook traffic.
 */
async function clearPending(): Promise<void> {
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/clear-pending`, {
    method: "POST",
  });
  if (!response.ok) throw new Error(`sandbox clear-pending: ${String(response.status)}`);
}

beforeEach(async () => {
  await clearPending();
});

describe("connecting ClickSend", () => {
  it("refuses a wrong key with ClickSend's reason and stores nothing", async () => {
    const user = await newUser();
    const reply = await user.call("clicksend-connect", "POST", {
      username: SANDBOX_USERNAME,
      api_key: "WRONG-KEY-0000",
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { code: "invalid_credentials", retryable: false } });
    expect(JSON.stringify(reply.body)).toContain("Authorization failed.");
    const { data } = await user.rest.from("user_oauth_connections").select("id");
    expect(data).toEqual([]);
    const [secrets] = await stack.db.query<{ n: number }>(
      "select count(*)::int as n from vault.secrets",
    );
    expect(secrets?.n).toBe(0);
  });

  it("connects with the right key, shows the account, and the key is readable nowhere", async () => {
    const user = await newUser();
    const reply = await user.call("clicksend-connect", "POST", {
      username: SANDBOX_USERNAME,
      api_key: SANDBOX_API_KEY,
      connection_name: "Main account",
      default_sender_id: "MyShop",
    });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      connection: {
        connection_name: "Main account",
        external_username: SANDBOX_USERNAME,
        connection_status: "active",
        credential_hint: "89AB",
        default_sender_id: "MyShop",
      },
      account: { username: SANDBOX_USERNAME, currency: "AUD" },
    });
    expect(JSON.stringify(reply.body)).not.toContain(SANDBOX_API_KEY);
    for (const table of [
      "user_oauth_connections",
      "agent_integration_permissions",
      "tool_execution_logs",
      "clicksend_messages",
    ] as const) {
      const { data } = await user.rest.from(table).select("*");
      expect(JSON.stringify(data)).not.toContain(SANDBOX_API_KEY);
    }
    const { data: view } = await user.rest.from("clicksend_connections").select("*");
    expect(view).toHaveLength(1);
    expect(JSON.stringify(view)).not.toContain(SANDBOX_API_KEY);
    const { error } = await user.rest.rpc("clicksend_read_api_key", {
      p_connection_id: (reply.body.connection as { id: string }).id,
    });
    expect(error?.code).toBe("42501");
    expect(stack.logs.join("\n")).not.toContain(SANDBOX_API_KEY);
  });

  it("rotates (re-verifying first), renames and disconnects, deactivating the agent's grant", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agentId = await agentWithGrant(user, connectionId, ["sms"]);

    const wrong = await user.call("clicksend-connect", "PATCH", {
      connection_id: connectionId,
      api_key: "STILL-WRONG-1",
    });
    expect(wrong.status).toBe(400);
    const rotated = await user.call("clicksend-connect", "PATCH", {
      connection_id: connectionId,
      api_key: SANDBOX_API_KEY,
      connection_name: "Renamed",
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({
      connection: { connection_name: "Renamed", credential_hint: "89AB" },
    });

    const gone = await user.call("clicksend-connect", "DELETE", { connection_id: connectionId });
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({
      connection: { connection_status: "revoked", credential_hint: null },
      revoked_grants: 1,
    });
    const { data: grant } = await user.rest
      .from("agent_integration_permissions")
      .select("is_active")
      .eq("agent_id", agentId)
      .single();
    expect(grant?.is_active).toBe(false);
    const denied = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: ["+61411111111"], body: "hi" },
    });
    expect(denied.status).toBe(403);
  });

  it("reconnects a disconnected connection with a verified key, keeping its history; removing it deletes the history", async () => {
    // An account of its own: ClickSend allows 20 GET /account a minute per account, and this
    // file verifies sandbox_user's key more often than that.
    const account = { username: "reconnect_user", apiKey: "RECONNECT-0000-89AB" };
    await fetch(`${stack.sandbox.origin}/_sandbox/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: account.username, api_key: account.apiKey, balance: 25 }),
    });
    const user = await newUser();
    const connected = await user.call("clicksend-connect", "POST", {
      username: account.username,
      api_key: account.apiKey,
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    const connectionId = (connected.body.connection as { id: string }).id;
    const agentId = await agentWithGrant(user, connectionId, ["sms"]);
    const sent = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: ["+61411111111"], body: "Before the disconnect" },
    });
    expect(sent.status).toBe(200);
    const history = async () => {
      const { count } = await user.rest
        .from("clicksend_messages")
        .select("id", { count: "exact", head: true })
        .eq("user_oauth_connection_id", connectionId);
      return count;
    };
    const status = async () => {
      const { data } = await user.rest
        .from("user_oauth_connections")
        .select("connection_status, credential_hint")
        .eq("id", connectionId)
        .single();
      return data;
    };
    expect(
      (await user.call("clicksend-connect", "DELETE", { connection_id: connectionId })).status,
    ).toBe(200);

    // A wrong key changes nothing: still disconnected, no key, the history as it was.
    const wrong = await user.call("clicksend-connect", "PATCH", {
      connection_id: connectionId,
      api_key: "STILL-WRONG-1",
    });
    expect(wrong.status).toBe(400);
    expect(await status()).toEqual({ connection_status: "revoked", credential_hint: null });
    expect(await history()).toBe(1);

    const reconnected = await user.call("clicksend-connect", "PATCH", {
      connection_id: connectionId,
      api_key: account.apiKey,
    });
    expect(reconnected.status).toBe(200);
    expect(reconnected.body).toMatchObject({
      connection: { id: connectionId, connection_status: "active", credential_hint: "89AB" },
      account: { username: account.username },
    });
    expect(await history()).toBe(1);
    // The agent's grant stays off until the user grants it again.
    const { data: grant } = await user.rest
      .from("agent_integration_permissions")
      .select("is_active")
      .eq("agent_id", agentId)
      .single();
    expect(grant?.is_active).toBe(false);

    // Removed for good (the app removes only disconnected ones): its messages go with it.
    expect(
      (await user.call("clicksend-connect", "DELETE", { connection_id: connectionId })).status,
    ).toBe(200);
    const { error, count } = await user.rest
      .from("user_oauth_connections")
      .delete({ count: "exact" })
      .eq("id", connectionId)
      .eq("connection_status", "revoked");
    expect([error, count]).toEqual([null, 1]);
    expect(await history()).toBe(0);
  });
});

describe("agent tools", () => {
  it("lists exactly the tools of the granted scopes", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agentId = await agentWithGrant(user, connectionId, ["sms"]);
    const reply = await user.call("get-agent-tools", "POST", { agent_id: agentId });
    expect(reply.status).toBe(200);
    const tools = reply.body.tools as {
      type: string;
      function: { name: string; parameters: { type: string } };
    }[];
    expect(tools.map((tool) => tool.function.name)).toEqual(["clicksend_send_sms"]);
    expect(tools[0]).toMatchObject({
      type: "function",
      function: { parameters: { type: "object" } },
    });

    const asService = await call(stack.serviceRoleKey, "get-agent-tools", "POST", {
      agent_id: agentId,
    });
    expect((asService.body.tools as unknown[]).length).toBe(1);
  });

  it("sends an SMS, records it and its audit row; an ungranted tool is denied and sends nothing", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agentId = await agentWithGrant(user, connectionId, ["sms"]);
    const before = await sandboxState();

    const sent = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: ["0411 111 111"], body: "Your table is ready" },
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      ok: true,
      result: { accepted: 1, rejected: 0, messages: [{ to: "+61411111111", status: "SUCCESS" }] },
    });

    const mms = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_send_mms",
      arguments: {
        to: ["+61411111111"],
        subject: "Hi",
        body: "pic",
        media_url: "https://example.com/a.jpg",
      },
    });
    expect(mms.status).toBe(403);
    expect(mms.body).toMatchObject({ error: { code: "permission_denied" } });
    expect((await sandboxState()).sms_sent - before.sms_sent).toBe(1);

    const { data: logs } = await user.rest
      .from("tool_execution_logs")
      .select("tool_name, success, error_code, http_status, arguments_redacted")
      .eq("agent_id", agentId)
      .order("created_at");
    expect(logs?.map((log) => [log.tool_name, log.success, log.http_status])).toEqual([
      ["clicksend_send_sms", true, 200],
      ["clicksend_send_mms", false, 403],
    ]);
    expect(JSON.stringify(logs)).not.toContain("411111111");
    expect(JSON.stringify(logs)).not.toContain("Your table is ready");
  });

  it("costs the function three backend calls per send and two per discovery, counted at the gateway", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agentId = await agentWithGrant(user, connectionId, ["sms"]);
    // A ClickSend test number gets no receipts, so no webhook traffic mixes into the count.
    const backendCalls = async (send: () => Promise<Reply>): Promise<string[]> => {
      await clearPending();
      const mark = stack.logs.length;
      expect((await send()).status).toBe(200);
      return stack.logs
        .slice(mark)
        .filter((line) => /^[A-Z]+ \/(auth|rest)\/v1\//.test(line))
        .map((line) => line.split(" ").slice(0, 2).join(" "));
    };

    const send = await backendCalls(() =>
      user.call("execute-agent-tool", "POST", {
        agent_id: agentId,
        tool: "clicksend_send_sms",
        arguments: { to: ["+61411111111"], body: "Counted" },
      }),
    );
    expect(send).toEqual([
      "GET /auth/v1/user",
      "POST /rest/v1/rpc/clicksend_prepare_call",
      "POST /rest/v1/rpc/clicksend_finish_call",
    ]);

    const platformSend = await backendCalls(() =>
      call(stack.serviceRoleKey, "execute-agent-tool", "POST", {
        agent_id: agentId,
        tool: "clicksend_send_sms",
        arguments: { to: ["+61411111111"], body: "Counted for the platform" },
      }),
    );
    expect(platformSend).toEqual([
      "POST /rest/v1/rpc/clicksend_prepare_call",
      "POST /rest/v1/rpc/clicksend_finish_call",
    ]);

    const discovery = await backendCalls(() =>
      user.call("get-agent-tools", "POST", { agent_id: agentId }),
    );
    expect(discovery).toEqual(["GET /auth/v1/user", "GET /rest/v1/rpc/agent_tool_scopes"]);
  });

  it("denies the next call once the user revokes the agent's grant", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agentId = await agentWithGrant(user, connectionId, ["balance"]);
    const allowed = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_get_balance",
      arguments: {},
    });
    expect(allowed.status).toBe(200);
    const { error } = await user.rest
      .from("agent_integration_permissions")
      .update({ is_active: false, revoked_at: new Date().toISOString() })
      .eq("agent_id", agentId);
    expect(error).toBeNull();
    const denied = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_get_balance",
      arguments: {},
    });
    expect(denied.status).toBe(403);
    const tools = await user.call("get-agent-tools", "POST", { agent_id: agentId });
    expect(tools.body).toEqual({ tools: [] });
  });

  it("rejects bad arguments with 400 and an unknown tool with 400", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agentId = await agentWithGrant(user, connectionId, ["sms", "history"]);
    const bad = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_get_sms_history",
      arguments: { limit: 1000 },
    });
    expect([bad.status, (bad.body.error as { code: string }).code]).toEqual([
      400,
      "invalid_arguments",
    ]);
    const unknown = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_delete_everything",
      arguments: {},
    });
    expect([unknown.status, (unknown.body.error as { code: string }).code]).toEqual([
      400,
      "unknown_tool",
    ]);
  });

  it("sends once for a repeated idempotency key", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agentId = await agentWithGrant(user, connectionId, ["sms"]);
    const before = await sandboxState();
    const request = {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: ["+61411111111", "+61422222222"], body: "once" },
      idempotency_key: "order-42",
    };
    const first = await user.call("execute-agent-tool", "POST", request);
    const second = await user.call("execute-agent-tool", "POST", request);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ result: { idempotent_replay: true, recipients: 2 } });
    expect((await sandboxState()).sms_sent - before.sms_sent).toBe(2);
    const { count } = await user.rest
      .from("clicksend_messages")
      .select("id", { count: "exact", head: true })
      .eq("user_oauth_connection_id", connectionId);
    expect(count).toBe(2);
  });

  it("retries a read through sandbox faults, and never repeats a send that failed ambiguously", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agentId = await agentWithGrant(user, connectionId, ["sms", "balance"]);

    await fault("error500", 2, { path: "/account" });
    const balance = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_get_balance",
      arguments: {},
    });
    expect(balance.status).toBe(200);
    expect(balance.body).toMatchObject({ ok: true, result: { currency: "AUD" } });

    const before = await sandboxState();
    await fault("error500", 1, { path: "/sms/send", when: "after" });
    const send = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: ["+61411111111"], body: "maybe" },
      idempotency_key: "ambiguous-1",
    });
    expect(send.status).toBe(502);
    expect(send.body).toMatchObject({ error: { retryable: false } });
    const again = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: ["+61411111111"], body: "maybe" },
      idempotency_key: "ambiguous-1",
    });
    expect(again.body).toMatchObject({
      result: { idempotent_replay: true, messages: [{ status: "UNKNOWN" }] },
    });
    expect((await sandboxState()).sms_sent - before.sms_sent).toBe(1);
  });

  it("answers 429 with Retry-After when the connection's hourly limit is used up", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agentId = await agentWithGrant(user, connectionId, ["balance"]);
    await stack.db.query(
      `insert into private.clicksend_executor_calls (connection_id, started_at, finished_at)
       select $1, now() - interval '10 minutes', now() - interval '10 minutes' from generate_series(1, 1000)`,
      [connectionId],
    );
    const reply = await user.call("execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_get_balance",
      arguments: {},
    });
    expect(reply.status).toBe(429);
    expect(Number(reply.headers.get("retry-after"))).toBeGreaterThan(2900);
  });
});

describe("bulk sends", () => {
  /** A user whose agent may send SMS on its own sandbox account with room for bulk sends. */
  async function bulkAgent(
    username: string,
    apiKey: string,
  ): Promise<{ user: User; agentId: string }> {
    await fetch(`${stack.sandbox.origin}/_sandbox/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, api_key: apiKey, balance: 10_000 }),
    });
    const user = await newUser();
    const reply = await user.call("clicksend-connect", "POST", { username, api_key: apiKey });
    expect(reply.status).toBe(201);
    const agentId = await agentWithGrant(user, (reply.body.connection as { id: string }).id, [
      "sms",
    ]);
    return { user, agentId };
  }

  // 2,500 messages leave ~5,000 receipt pushes behind; do not hand them to the next test.
  afterEach(async () => {
    await clearPending();
  });

  it("sends 2,500 recipients in three ClickSend requests of at most 1000", async () => {
    const bulk = { username: "bulk_user", api_key: "BULK-KEY-0000-1111" };
    const { user, agentId } = await bulkAgent(bulk.username, bulk.api_key);
    const recipients = Array.from(
      { length: 2500 },
      (_value, index) => `+614120${String(index).padStart(5, "0")}`,
    );
    const call = {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: recipients, body: "Bulk notice" },
      idempotency_key: "bulk-notice-1",
    };
    const sent = await user.call("execute-agent-tool", "POST", call);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({
      result: { recipients: 2500, accepted: 2500, clicksend_requests: 3 },
    });
    // Every recipient is recorded with ClickSend's message id, whichever part reserved it.
    const { data: rows } = await user.rest
      .from("clicksend_messages")
      .select("recipient, message_id, status")
      .eq("agent_id", agentId);
    expect(rows).toHaveLength(2500);
    expect(new Set(rows?.map((row) => row.recipient))).toEqual(new Set(recipients));
    // Accepted: ClickSend's SUCCESS, or already the "Sent" of a receipt the sandbox pushed since.
    expect(rows?.filter((row) => row.message_id === null || !acceptedStatus(row.status))).toEqual(
      [],
    );
    // The same key again answers with all 2,500 and sends nothing.
    const replay = await user.call("execute-agent-tool", "POST", call);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({
      result: { idempotent_replay: true, recipients: 2500, accepted: 2500, clicksend_requests: 0 },
    });
    const state = (await (await fetch(`${stack.sandbox.origin}/_sandbox/state`)).json()) as {
      accounts: Record<string, { sms_sent: number; requests_by_endpoint: Record<string, number> }>;
    };
    expect(state.accounts[bulk.username]?.sms_sent).toBe(2500);
    expect(state.accounts[bulk.username]?.requests_by_endpoint["POST /sms/send"]).toBe(3);
  });
  it("stops a bulk send at a failed part: what ClickSend may have taken is kept, the rest freed, never resent", async () => {
    const bulk = { username: "bulk_fault_user", api_key: "BULK-FAULT-KEY-2222" };
    const { user, agentId } = await bulkAgent(bulk.username, bulk.api_key);
    const recipients = Array.from(
      { length: 2500 },
      (_value, index) => `+614130${String(index).padStart(5, "0")}`,
    );
    // The second request of three gets a 500: ClickSend may or may not have taken it.
    await fault("error500", 1, { method: "POST", path: "/sms/send", skip: 1 });
    const call = {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: recipients, body: "Bulk notice" },
      idempotency_key: "bulk-fault-1",
    };
    const sent = await user.call("execute-agent-tool", "POST", call);
    expect(sent.status).toBe(502);

    const { data: rows } = await user.rest
      .from("clicksend_messages")
      .select("status, message_id")
      .eq("agent_id", agentId);
    const byStatus = new Map<string, number>();
    for (const row of rows ?? []) {
      const status = acceptedStatus(row.status) ? "accepted" : row.status;
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    }
    // Part 1 sent and recorded, part 2 unconfirmed and kept, part 3 (reserved ahead) freed.
    expect(Object.fromEntries(byStatus)).toEqual({ accepted: 1000, UNKNOWN: 1000 });

    const replay = await user.call("execute-agent-tool", "POST", call);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({
      result: { idempotent_replay: true, recipients: 2000, clicksend_requests: 0 },
    });
    const state = (await (await fetch(`${stack.sandbox.origin}/_sandbox/state`)).json()) as {
      accounts: Record<string, { sms_sent: number; requests_by_endpoint: Record<string, number> }>;
    };
    expect(state.accounts[bulk.username]?.sms_sent).toBe(1000);
  });
});

describe("tenancy", () => {
  it("refuses a forged service_role token even with the gateway's secret, where no gateway checks it", async () => {
    const a = await newUser();
    const connectionId = await connect(a);
    const agentId = await agentWithGrant(a, connectionId, ["sms"]);
    const messages = async (): Promise<unknown> =>
      (
        await stack.db.query(
          "select count(*)::int as n from public.clicksend_messages where user_oauth_connection_id = $1",
          [connectionId],
        )
      )[0];
    const before = await messages();
    const unsigned = (claims: Record<string, unknown>): string =>
      [
        Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url"),
        Buffer.from(JSON.stringify(claims)).toString("base64url"),
        "",
      ].join(".");
    const claims = { role: "service_role", iss: "supabase-demo", exp: 4102444800 };
    const forged = [
      unsigned(claims),
      signJwt(claims, "not-the-secret-not-the-secret-not-the-secret"),
    ];
    const direct = async (name: string, token: string, body: unknown): Promise<number> => {
      const fn = stack.functions.functions.get(name);
      if (!fn) throw new Error(`function ${name} is not running`);
      const response = await fetch(`http://127.0.0.1:${String(fn.port)}/${name}`, {
        method: "POST",
        // Past the secret-header check (gateway-bypass.test.ts covers calls without it): this
        // is the function's own check of who is calling.
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          [GATEWAY_SECRET_HEADER]: stack.functions.gatewaySecret,
        },
        body: JSON.stringify(body),
      });
      await response.body?.cancel();
      return response.status;
    };
    const send = {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: ["+61411111111"], body: "From a forged token" },
    };
    for (const token of forged) {
      expect(await direct("execute-agent-tool", token, send)).toBe(401);
      expect(await direct("get-agent-tools", token, { agent_id: agentId })).toBe(401);
      expect(
        await direct("clicksend-api", token, {
          connection_id: connectionId,
          action: "get_balance",
        }),
      ).toBe(401);
    }
    expect(await messages()).toEqual(before);
    // The real service-role key is still the platform's way in.
    expect(await direct("get-agent-tools", stack.serviceRoleKey, { agent_id: agentId })).toBe(200);
  });

  it("lets user B use neither A's connection nor A's agent in any function", async () => {
    const a = await newUser();
    const b = await newUser();
    const connectionId = await connect(a);
    const agentId = await agentWithGrant(a, connectionId, [
      "sms",
      "balance",
      "history",
      "delivery_receipts",
    ]);
    const before = await sandboxState();

    const replies = await Promise.all([
      b.call("get-agent-tools", "POST", { agent_id: agentId }),
      b.call("execute-agent-tool", "POST", {
        agent_id: agentId,
        tool: "clicksend_send_sms",
        arguments: { to: ["+61411111111"], body: "x" },
      }),
      b.call("clicksend-api", "POST", { connection_id: connectionId, action: "get_balance" }),
      b.call("clicksend-api", "POST", {
        connection_id: connectionId,
        action: "send_sms",
        params: { to: ["+61411111111"], body: "x" },
      }),
      b.call("clicksend-connect", "PATCH", {
        connection_id: connectionId,
        connection_name: "mine now",
      }),
      b.call("clicksend-connect", "DELETE", { connection_id: connectionId }),
    ]);
    expect(replies.map((reply) => reply.status)).toEqual([404, 404, 404, 404, 404, 404]);
    expect((await sandboxState()).sms_sent).toBe(before.sms_sent);
    const { error } = await b.rest.from("agent_integration_permissions").insert({
      agent_id: agentId,
      user_oauth_connection_id: connectionId,
      user_id: b.id,
      allowed_scopes: ["sms"],
    });
    expect(error).not.toBeNull();
  });
});

describe("dashboard and receipts", () => {
  it("tells the app it talks to the sandbox, and uploads MMS media after checking it", async () => {
    const user = await newUser();
    const info = await user.call("clicksend-connect", "GET");
    expect(info.body).toEqual({
      sandbox: true,
      sandbox_account: { username: SANDBOX_USERNAME, api_key: SANDBOX_API_KEY },
    });
    const connectionId = await connect(user);
    const gif = Buffer.from("R0lGODlhAQABAAAAACw=", "base64").toString("base64");
    const uploaded = await user.call("clicksend-api", "POST", {
      connection_id: connectionId,
      action: "upload_media",
      params: { content_type: "image/gif", content_base64: gif },
    });
    expect(uploaded.status).toBe(200);
    expect((uploaded.body.result as { url: string }).url).toMatch(/^http/);
    const wrongType = await user.call("clicksend-api", "POST", {
      connection_id: connectionId,
      action: "upload_media",
      params: { content_type: "image/webp", content_base64: gif },
    });
    expect([wrongType.status, (wrongType.body.error as { code: string }).code]).toEqual([
      400,
      "invalid_media",
    ]);
  });

  it("shows balance and history, and a pushed receipt marks the message delivered", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const balance = await user.call("clicksend-api", "POST", {
      connection_id: connectionId,
      action: "get_balance",
    });
    expect(balance.body).toMatchObject({
      ok: true,
      result: { username: SANDBOX_USERNAME, currency: "AUD" },
    });

    const sent = await user.call("clicksend-api", "POST", {
      connection_id: connectionId,
      action: "send_sms",
      params: { to: ["+61412345678"], body: "Delivered soon" },
    });
    expect(sent.status).toBe(200);
    const messageId = (
      (sent.body.result as { messages: { message_id: string }[] }).messages[0] ?? { message_id: "" }
    ).message_id;

    const deadline = Date.now() + 15_000;
    let status: string | null = null;
    while (Date.now() < deadline && status !== "201") {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { data } = await user.rest
        .from("clicksend_messages")
        .select("status_code")
        .eq("message_id", messageId)
        .single();
      status = data?.status_code ?? null;
    }
    expect(status).toBe("201");

    // ClickSend pushes again, late and out of order: the final status stays.
    const basic = `Basic ${Buffer.from(`${SANDBOX_USERNAME}:${SANDBOX_API_KEY}`).toString("base64")}`;
    const rules = (await (
      await fetch(`${stack.sandbox.url}/automations/sms/receipts`, {
        headers: { authorization: basic },
      })
    ).json()) as {
      data: { data: { action: string; action_address: string | null }[] };
    };
    const hook = rules.data.data.find(
      (rule) => rule.action === "URL" && rule.action_address?.includes("clicksend-webhook"),
    );
    expect(hook?.action_address).toContain(stack.url);
    const push = (fields: Record<string, string>) =>
      fetch(hook?.action_address ?? "", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      });
    const late = await push({
      message_id: messageId,
      messageid: messageId,
      status: "Sent",
      status_code: "200",
      timestamp: "1",
    });
    expect(late.status).toBe(200);
    const duplicate = await push({
      messageid: messageId,
      status: "Sent",
      status_code: "201",
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    expect(duplicate.status).toBe(200);
    const { data: after } = await user.rest
      .from("clicksend_messages")
      .select("status_code")
      .eq("message_id", messageId)
      .single();
    expect(after?.status_code).toBe("201");
    const forged = await fetch(
      `${stack.url}/functions/v1/clicksend-webhook?token=${"0".repeat(48)}`,
      { method: "POST", body: `message_id=${messageId}&status_code=301` },
    );
    expect(forged.status).toBe(401);

    const history = await user.call("clicksend-api", "POST", {
      connection_id: connectionId,
      action: "get_sms_history",
      params: { limit: 15 },
    });
    expect(history.status).toBe(200);
    const rows = (history.body.result as { rows: { messageId: string }[] }).rows;
    expect(rows.map((row) => row.messageId)).toContain(messageId);
  });
});
