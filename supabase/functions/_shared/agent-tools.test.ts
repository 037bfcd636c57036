// Discovery and the executor as rules: an agent sees the tools of its usable scopes; every call
// is checked by clicksend_prepare_call against the tool's scope, costs one database call before
// ClickSend and one after, and lands in the audit log (with redacted arguments) whatever its
// outcome, except for an agent that is not the caller's.
import { beforeEach, describe, expect, it } from "vitest";
import { discoverTools, executeTool } from "./agent-tools.ts";
import type { ExecuteBody } from "./contracts/function-requests.ts";
import type { FunctionEnv } from "./env.ts";
import { pgError, reply, type FakeBackend } from "./testing/fake-backend.ts";
import { UNTRUSTED_REPLY_WARNING } from "./inbound.ts";
import {
  accountData,
  acceptEverySend,
  pageData,
  type FakeClickSend,
} from "./testing/fake-clicksend.ts";
import {
  AGENT,
  ACCOUNT,
  CONNECTION,
  prepareSendOf,
  readyAnswer,
  rejection,
  reservedRows,
  USER,
  useFakes,
} from "./testing/fixtures.ts";

let clicksend: FakeClickSend;
let backend: FakeBackend;
let env: FunctionEnv;

useFakes((fakes) => ({ clicksend, backend, env } = fakes));

// ---------------------------------------------------------------------------------------------
describe("discoverTools", () => {
  const toolNames = async (): Promise<string[]> =>
    (await discoverTools(backend.db, AGENT)).tools.map((tool) => tool.function.name);

  it("lists exactly the tools of the agent's usable scopes, read in one GET call", async () => {
    backend.rpc("agent_tool_scopes", reply(["balance", "history"]));
    expect(await toolNames()).toEqual([
      "clicksend_get_balance",
      "clicksend_get_sms_history",
      "clicksend_get_mms_history",
    ]);
    expect(backend.requests.map((r) => [r.method, r.name, r.query.get("p_agent_id")])).toEqual([
      ["GET", "agent_tool_scopes", AGENT],
    ]);
  });

  it("gives an agent without a usable grant no tools, and fails closed on an unreadable list", async () => {
    backend.rpc("agent_tool_scopes", reply([]));
    expect(await toolNames()).toEqual([]);
    backend.rpc("agent_tool_scopes", reply(["sms", "everything"]));
    expect(await toolNames()).toEqual([]);
  });

  it("answers 404 agent_not_found when the agent is not the caller's", async () => {
    backend.rpc("agent_tool_scopes", reply(null));
    expect(await rejection(discoverTools(backend.db, AGENT))).toMatchObject({
      status: 404,
      code: "agent_not_found",
    });
  });

  it("answers a database failure as 500, and a shed request as 503 backend_busy to retry", async () => {
    backend.rpc("agent_tool_scopes", pgError(500, "XX000"));
    expect(await rejection(discoverTools(backend.db, AGENT))).toMatchObject({
      status: 500,
      code: "database_error",
    });
    backend.rpc("agent_tool_scopes", {
      ...pgError(503, "PGRST000"),
      headers: { "retry-after": "0" },
    });
    expect(await rejection(discoverTools(backend.db, AGENT))).toMatchObject({
      status: 503,
      code: "backend_busy",
      retryable: true,
      headers: { "retry-after": "1" },
    });
  });
});

// ---------------------------------------------------------------------------------------------
/** clicksend_prepare_call as a granted agent's: ready, reserving what a send asks for. */
function granted(): void {
  backend.rpc("clicksend_prepare_call", (request) => {
    const send = prepareSendOf(request);
    return reply(
      readyAnswer({ rows: reservedRows(send?.recipients ?? [], send?.idempotency_key ?? "") }),
    );
  });
}

/** clicksend_prepare_call refusing every call with `outcome`. */
function refusing(outcome: Record<string, unknown>): void {
  backend.rpc("clicksend_prepare_call", reply(outcome));
}

const execute = (
  tool: string,
  args: Record<string, unknown> = {},
  extra: Partial<ExecuteBody> = {},
  caller: string | null = USER,
) => executeTool(env, backend.db, caller, { agent_id: AGENT, tool, arguments: args, ...extra });

/** The audit rows written, in order. */
const audits = () =>
  backend
    .rpcArgs("clicksend_finish_call")
    .flatMap((args) => (args.p_log === undefined ? [] : [args.p_log as Record<string, unknown>]));

describe("executeTool: reads", () => {
  beforeEach(() => {
    backend.rpc("clicksend_finish_call", reply(null, 204));
  });

  it("runs between one prepare (one slot, the tool's scope) and one finish that frees it and audits success", async () => {
    granted();
    clicksend.on("GET", "/account", { data: accountData({ balance: 12 }) });

    const outcome = await execute("clicksend_get_balance");

    expect(outcome).toEqual({
      status: 200,
      body: {
        ok: true,
        account: ACCOUNT,
        result: { username: "shop_user", balance: 12, currency: "AUD" },
      },
      headers: {},
    });
    expect(backend.rpcArgs("clicksend_prepare_call")).toEqual([
      { p_requests: 1, p_user_id: USER, p_agent_id: AGENT, p_scope: "balance" },
    ]);
    const [finish, ...more] = backend.rpcArgs("clicksend_finish_call");
    expect(more).toEqual([]);
    expect(finish).toMatchObject({
      p_call_ids: [41],
      p_log: {
        user_id: USER,
        agent_id: AGENT,
        connection_id: CONNECTION,
        tool_name: "clicksend_get_balance",
        arguments_redacted: {},
        success: true,
        error_code: null,
        http_status: 200,
      },
    });
  });

  it("acts for the platform (service role) without a user id", async () => {
    granted();
    clicksend.on("GET", "/account", { data: accountData() });
    await execute("clicksend_get_balance", {}, {}, null);
    expect(backend.rpcArgs("clicksend_prepare_call")[0]).not.toHaveProperty("p_user_id");
  });

  it("answers a read even when recording it fails", async () => {
    granted();
    clicksend.on("GET", "/account", { data: accountData() });
    backend.rpc("clicksend_finish_call", pgError(500, "XX000"));
    expect((await execute("clicksend_get_balance")).status).toBe(200);
  });

  it("answers clicksend_get_replies with the replies to this agent's messages on its connection, after a catch-up", async () => {
    granted();
    clicksend.on("GET", "/sms/inbound", { data: pageData([]) });
    backend.table(
      "GET",
      "clicksend_inbound_messages",
      reply([
        {
          clicksend_message_id: "IN-2",
          from_number: "+61411111111",
          body: "Yes please",
          received_at: "2026-04-01 03:08:47+00",
          original_message_id: "M-1",
        },
      ]),
    );

    const outcome = await execute("clicksend_get_replies", { from: "+61411111111", limit: 5 });

    expect(outcome.body).toEqual({
      ok: true,
      account: ACCOUNT,
      result: {
        untrusted_content_warning: UNTRUSTED_REPLY_WARNING,
        replies: [
          {
            message_id: "IN-2",
            from: "+61411111111",
            body: "Yes please",
            received_at: "2026-04-01T03:08:47.000Z",
            original_message_id: "M-1",
          },
        ],
        count: 1,
        checked_clicksend: true,
      },
    });
    expect(backend.rpcArgs("clicksend_prepare_call")).toEqual([
      { p_requests: 1, p_user_id: USER, p_agent_id: AGENT, p_scope: "inbound" },
    ]);
    const [read] = backend.calls("clicksend_inbound_messages");
    expect(read?.query.get("agent_id")).toBe(`eq.${AGENT}`);
    expect(read?.query.get("user_oauth_connection_id")).toBe(`eq.${CONNECTION}`);
    expect(read?.query.get("from_number")).toBe("eq.+61411111111");
    expect(read?.query.get("limit")).toBe("5");
    expect(clicksend.calls.map((call) => call.path)).toEqual(["/sms/inbound"]);
    expect(audits()).toMatchObject([{ tool_name: "clicksend_get_replies", success: true }]);
  });

  it("answers the stored replies, saying ClickSend was not checked, when the catch-up poll fails", async () => {
    granted();
    clicksend.on("GET", "/sms/inbound", { status: 503 });
    backend.table("GET", "clicksend_inbound_messages", reply([]));
    const outcome = await execute("clicksend_get_replies");
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({
      ok: true,
      result: { replies: [], count: 0, checked_clicksend: false },
    });
  });

  it("answers a ClickSend failure with its code and audits it", async () => {
    granted();
    clicksend.on("GET", "/sms/receipts/ABC-1", {
      status: 404,
      message: "Receipt record not found.",
    });
    const outcome = await execute("clicksend_get_delivery_receipts", { message_id: "ABC-1" });
    expect(outcome).toMatchObject({
      status: 404,
      body: {
        error: { code: "not_found", message: "Receipt record not found.", retryable: false },
        account: ACCOUNT,
      },
    });
    expect(audits()).toMatchObject([{ success: false, error_code: "not_found", http_status: 404 }]);
  });
});

describe("executeTool: refusals", () => {
  beforeEach(() => {
    backend.rpc("clicksend_finish_call", reply(null, 204));
  });

  it("refuses a tool outside the catalog with 400 unknown_tool, audited against the agent's owner", async () => {
    refusing({ outcome: "agent_only", user_id: USER });
    const outcome = await execute("clicksend_delete_everything");

    expect(outcome).toMatchObject({
      status: 400,
      body: {
        error: { code: "unknown_tool", message: "Unknown tool clicksend_delete_everything." },
      },
    });
    // Only to find the owner: no slots, no scope.
    expect(backend.rpcArgs("clicksend_prepare_call")).toEqual([
      { p_requests: 0, p_user_id: USER, p_agent_id: AGENT },
    ]);
    expect(audits()).toMatchObject([
      {
        user_id: USER,
        connection_id: null,
        success: false,
        error_code: "unknown_tool",
        http_status: 400,
      },
    ]);
    expect(clicksend.calls).toEqual([]);
  });

  it("refuses arguments that break the tool's schema with 400 naming the argument", async () => {
    refusing({ outcome: "agent_only", user_id: USER });
    const outcome = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "" });
    expect(outcome.status).toBe(400);
    expect(outcome.body).toMatchObject({ error: { code: "invalid_arguments" } });
    expect(JSON.stringify(outcome.body)).toMatch(/"message":"body: /);
    expect(audits()).toMatchObject([{ error_code: "invalid_arguments", http_status: 400 }]);
    expect(clicksend.calls).toEqual([]);
  });

  it("refuses a send without a valid recipient with 400, audited, before anything is reserved", async () => {
    refusing({ outcome: "agent_only", user_id: USER });
    const outcome = await execute("clicksend_send_sms", { to: ["+999"], body: "Hi" });
    expect(outcome).toMatchObject({ status: 400, body: { error: { code: "invalid_arguments" } } });
    expect(backend.rpcArgs("clicksend_prepare_call")).toEqual([
      { p_requests: 0, p_user_id: USER, p_agent_id: AGENT },
    ]);
    expect(audits()).toHaveLength(1);
  });

  it.each([
    [
      "permission_denied",
      { outcome: "permission_denied", user_id: USER },
      403,
      "This agent is not allowed to use clicksend_send_sms (needs the sms scope).",
      null,
      {},
    ],
    [
      "rate_limited",
      {
        outcome: "rate_limited",
        user_id: USER,
        connection_id: CONNECTION,
        account: ACCOUNT,
        retry_after_seconds: 9,
      },
      429,
      "This ClickSend connection is at its request limit; try again in 9 s.",
      CONNECTION,
      { "retry-after": "9" },
    ],
    [
      "connection_unusable",
      {
        outcome: "connection_unusable",
        user_id: USER,
        connection_id: CONNECTION,
        account: ACCOUNT,
      },
      409,
      "The ClickSend connection has no usable credentials; reconnect it.",
      CONNECTION,
      {},
    ],
  ])(
    "answers %s with its status, audited, and nothing sent",
    async (code, outcome, status, message, connectionId, headers) => {
      refusing(outcome);
      const result = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" });
      // Refused before a connection was chosen: no account; after: the account it would have used.
      expect(result).toEqual({
        status,
        body: {
          error: { code, message, retryable: status === 429 },
          ...(connectionId === null ? {} : { account: ACCOUNT }),
        },
        headers,
      });
      expect(audits()).toMatchObject([
        { user_id: USER, connection_id: connectionId, error_code: code, http_status: status },
      ]);
      expect(clicksend.calls).toEqual([]);
    },
  );

  it.each(["agent_not_found", "connection_not_found"])(
    "answers %s for the agent as 404 agent_not_found, with nothing logged",
    async (outcome) => {
      refusing({ outcome });
      const error = await rejection(execute("clicksend_get_balance"));
      expect(error).toMatchObject({ status: 404, code: "agent_not_found" });
      expect(backend.calls("clicksend_finish_call")).toEqual([]);
    },
  );

  it("answers an unknown tool for an agent that is not the caller's as 404, with nothing logged", async () => {
    refusing({ outcome: "agent_not_found" });
    expect(await rejection(execute("no_such_tool"))).toMatchObject({
      status: 404,
      code: "agent_not_found",
    });
    expect(backend.calls("clicksend_finish_call")).toEqual([]);
  });
});

describe("executeTool: sends", () => {
  beforeEach(() => {
    backend.rpc("clicksend_finish_call", reply(null, 204));
  });

  it("sends under the agent's idempotency key and audits redacted arguments: numbers masked, text reduced to its length", async () => {
    granted();
    clicksend.on("POST", "/sms/send", acceptEverySend);
    const outcome = await execute(
      "clicksend_send_sms",
      { to: ["+61411111111"], body: "Secret plan" },
      { idempotency_key: "order-9" },
    );

    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({
      ok: true,
      account: ACCOUNT,
      result: { accepted: 1, clicksend_requests: 1 },
    });
    expect(backend.rpcArgs("clicksend_prepare_call")[0]).toMatchObject({
      p_requests: 1,
      p_scope: "sms",
      // The text is kept with the reserved message (a conversation shows it), never audited.
      p_send: {
        channel: "sms",
        idempotency_key: "order-9",
        recipients: ["+61411111111"],
        body: "Secret plan",
      },
    });
    const [log] = audits();
    expect(log?.arguments_redacted).toEqual({ to: ["+61••••••111"], body: "[11 chars]" });
    expect(
      backend.requests
        .filter((r) => r.name !== "clicksend_prepare_call")
        .map((r) => JSON.stringify(r.body))
        .join(""),
    ).not.toContain("Secret plan");
  });

  it("answers a repeated idempotency key with the first result, audited, and sends nothing", async () => {
    refusing({
      outcome: "replay",
      user_id: USER,
      connection_id: CONNECTION,
      account: ACCOUNT,
      rows: [
        {
          id: "row-0",
          recipient: "+61411111111",
          idempotency_key: "order-9",
          message_id: "M-1",
          status: "SUCCESS",
          message_parts: 1,
          price: 0.077,
          currency: "AUD",
        },
      ],
    });
    const outcome = await execute(
      "clicksend_send_sms",
      { to: ["+61411111111"], body: "Hi" },
      { idempotency_key: "order-9" },
    );
    expect(outcome.body).toMatchObject({
      ok: true,
      account: ACCOUNT,
      result: { idempotent_replay: true, accepted: 1 },
    });
    expect(backend.rpcArgs("clicksend_finish_call")).toMatchObject([
      { p_call_ids: [], p_log: { success: true, connection_id: CONNECTION } },
    ]);
    expect(clicksend.calls).toEqual([]);
  });

  it("answers a send ClickSend did not answer in time as 502 to the agent, keeping its messages as UNKNOWN", async () => {
    granted();
    clicksend.on("POST", "/sms/send", "hang");
    const outcome = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" });

    expect(outcome.status).toBe(502);
    expect(outcome.body).toMatchObject({
      error: { code: "upstream_timeout", retryable: false },
      account: ACCOUNT,
    });
    expect(clicksend.calls).toHaveLength(1);
    const [finish] = backend.rpcArgs("clicksend_finish_call");
    expect(finish).toMatchObject({
      p_release: [],
      p_results: [{ id: "row-0", status: "UNKNOWN" }],
      p_log: { success: false, error_code: "upstream_timeout", http_status: 502 },
    });
  });
});

// ---------------------------------------------------------------------------------------------
describe("executeTool: guardrails", () => {
  beforeEach(() => {
    backend.rpc("clicksend_finish_call", reply(null, 204));
  });
  const at = { user_id: USER, connection_id: CONNECTION, account: ACCOUNT };

  it("sends only the pending rows and answers the refused ones in their place, unsent", async () => {
    backend.rpc("clicksend_prepare_call", (request) => {
      const send = prepareSendOf(request);
      const rows = reservedRows(send?.recipients ?? [], send?.idempotency_key ?? "");
      return reply(
        readyAnswer({
          rows: rows.map((row, i) => (i === 0 ? { ...row, status: "OPTED_OUT" } : row)),
        }),
      );
    });
    clicksend.on("POST", "/sms/send", acceptEverySend);
    const outcome = await execute("clicksend_send_sms", {
      to: ["+61411111111", "+61422222222"],
      body: "Hi",
    });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({
      result: {
        accepted: 1,
        rejected: 1,
        messages: [
          { to: "+61411111111", status: "OPTED_OUT", message_id: null, price: 0 },
          { to: "+61422222222", status: "SUCCESS" },
        ],
      },
    });
    const sentTo = (clicksend.calls[0]?.body as { messages: { to: string }[] }).messages;
    expect(sentTo.map((message) => message.to)).toEqual(["+61422222222"]);
    // The countries and our own part count go to prepare, for the agent's policy.
    expect(backend.rpcArgs("clicksend_prepare_call")[0]).toMatchObject({
      p_send: { countries: ["AU", "AU"], parts: 1 },
    });
  });

  it("asks ClickSend nothing when every recipient was refused", async () => {
    backend.rpc("clicksend_prepare_call", (request) => {
      const send = prepareSendOf(request);
      const rows = reservedRows(send?.recipients ?? [], send?.idempotency_key ?? "");
      return reply(
        readyAnswer({
          call_ids: [],
          rows: rows.map((row) => ({ ...row, status: "RECIPIENT_NOT_ALLOWED" })),
        }),
      );
    });
    const outcome = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" });
    expect(outcome.status).toBe(200);
    expect(outcome.body).toMatchObject({
      result: { accepted: 0, rejected: 1, clicksend_requests: 0 },
    });
    expect(clicksend.calls).toEqual([]);
  });

  it("answers quiet hours as 403 policy_denied with the reason, the figures and when sending opens, audited", async () => {
    refusing({
      outcome: "policy_denied",
      ...at,
      reason: "quiet_hours",
      details: { opens_at: "2026-12-03T07:00:00+11:00", timezone: "Australia/Sydney" },
    });
    const outcome = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" });
    expect(outcome.status).toBe(403);
    expect(outcome.body).toMatchObject({
      error: {
        code: "policy_denied",
        reason: "quiet_hours",
        retryable: true,
        details: { opens_at: "2026-12-03T07:00:00+11:00", timezone: "Australia/Sydney" },
      },
      account: ACCOUNT,
    });
    expect((outcome.body as { error: { message: string } }).error.message).toContain(
      "sending opens again at 2026-12-03T07:00:00+11:00",
    );
    expect(audits()).toMatchObject([{ error_code: "policy_denied", http_status: 403 }]);
    expect(clicksend.calls).toEqual([]);
  });

  it("says a monthly limit's figures and that it will not pass by itself", async () => {
    refusing({
      outcome: "policy_denied",
      ...at,
      reason: "monthly_spend_limit",
      details: { limit: 10, used: 9.9, requested: 0.2, price: 0.2, currency: "AUD" },
    });
    const outcome = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" });
    expect(outcome.body).toMatchObject({
      error: { code: "policy_denied", reason: "monthly_spend_limit", retryable: false },
    });
    expect((outcome.body as { error: { message: string } }).error.message).toBe(
      "Monthly spend limit: 9.9 of 10 AUD spent this month, and this send would cost 0.2. Nothing was sent.",
    );
  });

  it("prices a send first when the agent has a monthly limit, then prepares it with the quote", async () => {
    let prepares = 0;
    backend.rpc("clicksend_prepare_call", (request) => {
      prepares += 1;
      const send = prepareSendOf(request);
      if (prepares === 1)
        return reply({
          outcome: "needs_price",
          ...at,
          username: "shop_user",
          api_key: "API-KEY-1234",
          country: "AU",
          recipients: send?.recipients ?? [],
        });
      return reply(
        readyAnswer({ rows: reservedRows(send?.recipients ?? [], send?.idempotency_key ?? "") }),
      );
    });
    clicksend.on("POST", "/sms/price", acceptEverySend);
    clicksend.on("POST", "/sms/send", acceptEverySend);
    const outcome = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" });
    expect(outcome.status).toBe(200);
    expect(clicksend.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      "POST /sms/price",
      "POST /sms/send",
    ]);
    expect(backend.rpcArgs("clicksend_prepare_call")[1]).toMatchObject({
      p_send: { prices: { "+61411111111": 0.077 }, later_price: 0, currency: "AUD" },
    });
  });

  it("answers a held send 202 pending_approval, tells the model not to retry, and sends nothing", async () => {
    refusing({
      outcome: "approval",
      ...at,
      approval_id: "6a1f0a0e-0000-4000-8000-000000000001",
      expires_at: "2026-12-03T10:00:00+00:00",
      state: "pending",
      result: null,
    });
    const outcome = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" });
    expect(outcome.status).toBe(202);
    expect(outcome.body).toMatchObject({
      ok: false,
      status: "pending_approval",
      code: "approval_pending",
      approval_id: "6a1f0a0e-0000-4000-8000-000000000001",
      expires_at: "2026-12-03T10:00:00.000Z",
    });
    expect((outcome.body as { message: string }).message).toContain("Do not send it again");
    expect(audits()).toMatchObject([{ error_code: "approval_pending", http_status: 202 }]);
    expect(clicksend.calls).toEqual([]);
  });

  it("answers a rejected or expired approval 409 approval_closed, and an approved one with its outcome", async () => {
    const approval = (state: string, result: unknown) => {
      refusing({
        outcome: "approval",
        ...at,
        approval_id: "6a1f0a0e-0000-4000-8000-000000000001",
        expires_at: "2026-12-03T10:00:00+00:00",
        state,
        result,
      });
    };
    approval("rejected", null);
    const rejected = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" });
    expect(rejected.status).toBe(409);
    expect(rejected.body).toMatchObject({
      error: { code: "approval_closed", state: "rejected", retryable: false },
    });
    approval("expired", null);
    expect(
      (await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" })).body,
    ).toMatchObject({ error: { code: "approval_closed", state: "expired" } });
    approval("approved", { status: 200, body: { ok: true, result: { accepted: 1 } } });
    const approved = await execute("clicksend_send_sms", { to: ["+61411111111"], body: "Hi" });
    expect(approved).toMatchObject({ status: 200, body: { ok: true, result: { accepted: 1 } } });
    expect(clicksend.calls).toEqual([]);
  });
});
