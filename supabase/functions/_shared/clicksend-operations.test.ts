// The ClickSend operations both callers run: one error per refusal, one result shape per read,
// and one send sequence (probe the account's country when needed, plan, prepare, deliver,
// record). ClickSend is the in-process fake (its HTTP server, as prepareCall builds the client
// from CLICKSEND_API_BASE); the database is the fake backend.
import { describe, expect, it } from "vitest";
import {
  completeSend,
  prepareSend,
  refusalError,
  runRead,
  type CallPath,
  type PreparedSend,
  type ReadRequest,
  type Refused,
} from "./clicksend-operations.ts";
import type { FunctionEnv } from "./env.ts";
import type { ApiError } from "./http.ts";
import type { SendRequest } from "./messaging.ts";
import { reply, type FakeBackend } from "./testing/fake-backend.ts";
import {
  accountData,
  acceptEverySend,
  historyRowData,
  pageData,
  receiptData,
  type ClickSendReply,
  type FakeClickSend,
} from "./testing/fake-clicksend.ts";
import {
  AGENT,
  ACCOUNT,
  CONNECTION,
  prepareSendOf,
  readyAnswer,
  readyCall,
  rejection,
  reservedRows,
  USER,
  useFakes,
  type PrepareSend,
} from "./testing/fixtures.ts";

let clicksend: FakeClickSend;
let backend: FakeBackend;
let env: FunctionEnv;

useFakes((fakes) => ({ clicksend, backend, env } = fakes));

// ---------------------------------------------------------------------------------------------
describe("refusalError", () => {
  it.each<[Refused, number, string, string]>([
    [{ outcome: "agent_not_found" }, 404, "agent_not_found", "No such agent in your account."],
    [
      { outcome: "connection_not_found" },
      404,
      "connection_not_found",
      "No active ClickSend connection with that id in your account.",
    ],
    [
      { outcome: "permission_denied", userId: USER },
      403,
      "permission_denied",
      "This agent is not allowed to do that.",
    ],
    [
      { outcome: "agent_only", userId: USER },
      403,
      "permission_denied",
      "This agent is not allowed to do that.",
    ],
    [
      { outcome: "connection_unusable", userId: USER, connectionId: CONNECTION, account: ACCOUNT },
      409,
      "connection_unusable",
      "The ClickSend connection has no usable credentials; reconnect it.",
    ],
  ])("answers %o as %i %s", (prepared, status, code, message) => {
    expect(refusalError(prepared)).toMatchObject({ status, code, message, retryable: false });
  });

  it("names the tool and the scope it needs when an agent's tool is refused", () => {
    const error = refusalError(
      { outcome: "permission_denied", userId: USER },
      { name: "clicksend_send_sms", scope: "sms" },
    );
    expect(error.message).toBe(
      "This agent is not allowed to use clicksend_send_sms (needs the sms scope).",
    );
  });

  it("answers a connection at its request limit with 429, retryable, and Retry-After of at least a second", () => {
    const limited = (seconds: number) =>
      refusalError({
        outcome: "rate_limited",
        userId: USER,
        connectionId: CONNECTION,
        account: ACCOUNT,
        retryAfterSeconds: seconds,
      });
    expect(limited(12)).toMatchObject({
      status: 429,
      code: "rate_limited",
      retryable: true,
      headers: { "retry-after": "12" },
      message: "This ClickSend connection is at its request limit; try again in 12 s.",
    });
    expect(limited(0).headers).toEqual({ "retry-after": "1" });
  });
});

// ---------------------------------------------------------------------------------------------
describe("runRead", () => {
  const read = (request: ReadRequest) =>
    runRead(request, readyCall(clicksend.client()), { env, service: backend.db });

  it("answers the balance as username, balance and currency, for agents and the dashboard alike", async () => {
    clicksend.on("GET", "/account", { data: accountData({ balance: "25.5000" }) });
    expect(await read({ operation: "get_balance", params: {} })).toEqual({
      username: "shop_user",
      balance: 25.5,
      currency: "AUD",
    });
  });

  it("answers one receipt asked for by message id in the same paged shape as a list", async () => {
    clicksend.on("GET", "/sms/receipts/ABC-1", { data: receiptData("ABC-1") });
    const result = await read({
      operation: "get_delivery_receipts",
      params: { message_id: "ABC-1" },
    });
    expect(result).toMatchObject({ page: 1, last_page: 1, total: 1 });
    expect(result).toHaveProperty(["receipts", 0, "messageId"], "ABC-1");
    expect(clicksend.calls.map((c) => c.path)).toEqual(["/sms/receipts/ABC-1"]);
  });

  it("pages the receipt list with the caller's page and limit", async () => {
    clicksend.on("GET", "/sms/receipts", {
      data: pageData([receiptData("A"), receiptData("B", "301")], {
        current: 2,
        last: 4,
        total: 62,
      }),
    });
    const result = await read({
      operation: "get_delivery_receipts",
      params: { page: 2, limit: 30 },
    });
    expect(result).toMatchObject({ page: 2, last_page: 4, total: 62 });
    expect(result).toHaveProperty(["receipts", 1, "statusCode"], "301");
    expect(clicksend.calls[0]?.query.toString()).toBe("page=2&limit=30");
  });

  it("asks history newest first, filtered by recipient over status, with dates as unix seconds", async () => {
    clicksend.on("GET", "/sms/history", {
      data: pageData([historyRowData("M-1", "+61411111111")]),
    });
    const result = await read({
      operation: "get_sms_history",
      params: {
        to: "+61411111111",
        status: "Failed",
        date_from: "2025-01-01T00:00:00Z",
        limit: 20,
      },
    });
    expect(Object.fromEntries(clicksend.calls[0]?.query ?? [])).toEqual({
      limit: "20",
      date_from: String(Date.parse("2025-01-01T00:00:00Z") / 1000),
      q: "to:+61411111111",
      order_by: "date:desc",
    });
    expect(result).toHaveProperty(["rows", 0, "messageId"], "M-1");
  });

  it("reads MMS history from ClickSend's MMS history", async () => {
    clicksend.on("GET", "/mms/history", { data: pageData([]) });
    await read({ operation: "get_mms_history", params: { status: "Sent" } });
    expect(clicksend.calls.map((c) => [c.path, c.query.get("q")])).toEqual([
      ["/mms/history", "status:Sent"],
    ]);
  });

  it.each<[ClickSendReply, number, string]>([
    [{ status: 401, message: "Authorization failed." }, 400, "invalid_credentials"],
    [{ status: 404, message: "Receipt record not found." }, 404, "not_found"],
    [{ status: 429, headers: { "retry-after": "7" } }, 429, "rate_limited"],
    [{ status: 503 }, 502, "upstream_unavailable"],
    [{ status: 200, text: "<html>proxy</html>" }, 502, "upstream_malformed"],
  ])("answers ClickSend's %o as our %i %s", async (answer, status, code) => {
    clicksend.on("GET", "/account", answer);
    const error = await rejection(read({ operation: "get_balance", params: {} }));
    expect(error).toMatchObject({ status, code });
  });
});

// ---------------------------------------------------------------------------------------------
// prepareSend and completeSend
// ---------------------------------------------------------------------------------------------
const agentPath: CallPath = { userId: USER, agentId: AGENT, scope: "sms" };
const mobiles = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `+6141${String(i).padStart(7, "0")}`);
const sms = (recipients: string[], extra: Partial<SendRequest> = {}): SendRequest => ({
  channel: "sms",
  recipients,
  body: "Hello",
  idempotencyKey: "order-1",
  ...extra,
});

/** clicksend_prepare_call: ready, reserving what it is asked to (one row id per recipient). */
function prepareAnswers(country = "AU"): void {
  backend.rpc("clicksend_prepare_call", (request) => {
    const send = prepareSendOf(request);
    return reply(
      readyAnswer({
        country,
        rows: reservedRows(send?.recipients ?? [], "order-1", send?.first_index),
      }),
    );
  });
}

describe("prepareSend", () => {
  it("with E.164 recipients, costs one prepare: the send's request slots and its first part reserved", async () => {
    prepareAnswers();
    const staged = await prepareSend(env, backend.db, agentPath, sms(mobiles(2500)));

    expect(staged.outcome).toBe("ready");
    const [args, ...more] = backend.rpcArgs("clicksend_prepare_call");
    expect(more).toEqual([]);
    expect(args).toMatchObject({
      p_requests: 3,
      p_user_id: USER,
      p_agent_id: AGENT,
      p_scope: "sms",
      p_send: {
        channel: "sms",
        idempotency_key: "order-1",
        custom_string: null,
        scheduled_for: null,
        first_index: 0,
        total: 2500,
      },
    });
    expect((args?.p_send as PrepareSend).recipients).toEqual(mobiles(2000));
    expect(clicksend.calls).toEqual([]);
  });

  it("with national numbers and no default_country, first learns the account's country (no slots, no send)", async () => {
    prepareAnswers("GB");
    const staged = await prepareSend(env, backend.db, agentPath, sms(["07400 123456"]));

    const [probe, prepare] = backend.rpcArgs("clicksend_prepare_call");
    expect(probe).toEqual({ p_requests: 0, p_user_id: USER, p_agent_id: AGENT, p_scope: "sms" });
    expect((prepare?.p_send as PrepareSend).recipients).toEqual(["+447400123456"]);
    expect(staged.outcome === "ready" && staged.plan.numbers).toEqual(["+447400123456"]);
  });

  it("with the caller's default_country, needs no probe", async () => {
    prepareAnswers("GB");
    await prepareSend(env, backend.db, agentPath, sms(["0411 111 111"], { defaultCountry: "AU" }));
    expect(backend.rpcArgs("clicksend_prepare_call")).toHaveLength(1);
  });

  it("answers a refused probe as the refusal, reserving nothing", async () => {
    backend.rpc("clicksend_prepare_call", reply({ outcome: "permission_denied", user_id: USER }));
    const staged = await prepareSend(env, backend.db, agentPath, sms(["0411 111 111"]));
    expect(staged).toEqual({
      outcome: "refused",
      prepared: { outcome: "permission_denied", userId: USER },
    });
    expect(backend.requests).toHaveLength(1);
  });

  it("refuses a send without a valid recipient with 400 before asking the database", async () => {
    const error = await rejection(prepareSend(env, backend.db, agentPath, sms(["+999"])));
    expect(error).toMatchObject({ status: 400, code: "invalid_arguments" });
    expect(backend.requests).toEqual([]);
  });

  it("answers a repeated idempotency key with the first send's outcome, marked as a replay", async () => {
    backend.rpc(
      "clicksend_prepare_call",
      reply({
        outcome: "replay",
        user_id: USER,
        connection_id: CONNECTION,
        account: ACCOUNT,
        rows: [
          {
            id: "row-0",
            recipient: "+61411111111",
            idempotency_key: "order-1",
            message_id: "M-1",
            status: "SUCCESS",
            message_parts: 1,
            price: "0.0770",
            currency: "AUD",
          },
        ],
      }),
    );
    const staged = await prepareSend(env, backend.db, agentPath, sms(["+61411111111", "+999"]));
    expect(staged.outcome).toBe("replay");
    expect(staged.outcome === "replay" && staged.result).toMatchObject({
      idempotent_replay: true,
      recipients: 1,
      accepted: 1,
      total_price: 0.077,
      clicksend_requests: 0,
      invalid_numbers: [{ input: "+999", reason: "is not a valid phone number" }],
    });
    expect(clicksend.calls).toEqual([]);
  });
});

describe("completeSend", () => {
  async function staged(request: SendRequest) {
    prepareAnswers();
    const prepared = await prepareSend(env, backend.db, agentPath, request);
    if (prepared.outcome !== "ready") throw new Error(`not ready: ${prepared.outcome}`);
    return prepared satisfies Extract<PreparedSend, { outcome: "ready" }>;
  }
  const auditFor = (error: ApiError | null) => ({
    userId: USER,
    agentId: AGENT,
    connectionId: CONNECTION,
    toolName: "clicksend_send_sms",
    argumentsRedacted: {},
    success: error === null,
    errorCode: error?.code ?? null,
    errorMessage: error?.message ?? null,
    httpStatus: error?.status ?? 200,
    latencyMs: 5,
  });

  it("sends, then records results, frees the slots and writes the audit row in one call", async () => {
    const request = sms(mobiles(2));
    const prepared = await staged(request);
    backend.rpc("clicksend_finish_call", reply(null, 204));
    clicksend.on("POST", "/sms/send", acceptEverySend);

    const outcome = await completeSend(env, backend.db, agentPath, prepared, request, auditFor);

    expect(outcome).toMatchObject({
      idempotent_replay: false,
      recipients: 2,
      accepted: 2,
      rejected: 0,
      total_price: 0.154,
      currency: "AUD",
      clicksend_requests: 1,
    });
    const [finish, ...more] = backend.rpcArgs("clicksend_finish_call");
    expect(more).toEqual([]);
    expect(finish).toMatchObject({
      p_call_ids: [41],
      p_release: [],
      p_log: { success: true, error_code: null, http_status: 200, tool_name: "clicksend_send_sms" },
    });
    expect(finish?.p_results).toEqual([
      {
        id: "row-0",
        message_id: `MSG-${mobiles(1)[0] ?? ""}`,
        status: "SUCCESS",
        message_parts: 1,
        price: 0.077,
        currency: "AUD",
      },
      expect.objectContaining({ id: "row-1", status: "SUCCESS" }),
    ]);
    // ClickSend was asked with the connection's credentials from the prepare.
    expect([clicksend.calls[0]?.username, clicksend.calls[0]?.apiKey]).toEqual([
      "shop_user",
      "API-KEY-1234",
    ]);
  });

  it("answers a ClickSend refusal after freeing its reservations and auditing the failure", async () => {
    const request = sms(mobiles(2));
    const prepared = await staged(request);
    backend.rpc("clicksend_finish_call", reply(null, 204));
    clicksend.on("POST", "/sms/send", { status: 400, message: "Invalid sender id." });

    const error = await rejection(
      completeSend(env, backend.db, agentPath, prepared, request, auditFor),
    );

    expect(error).toMatchObject({
      status: 400,
      code: "invalid_request",
      message: "Invalid sender id.",
    });
    expect(backend.rpcArgs("clicksend_finish_call")[0]).toMatchObject({
      p_call_ids: [41],
      p_results: [],
      p_release: ["row-0", "row-1"],
      p_log: { success: false, error_code: "invalid_request", http_status: 400 },
    });
  });

  it("says when messages went out but could not be recorded, and never invites a retry", async () => {
    const request = sms(mobiles(1));
    const prepared = await staged(request);
    backend.rpc("clicksend_finish_call", reply({ code: "XX000", message: "boom" }, 500));
    clicksend.on("POST", "/sms/send", acceptEverySend);

    const error = await rejection(completeSend(env, backend.db, agentPath, prepared, request));
    expect(error).toMatchObject({
      status: 500,
      code: "database_error",
      retryable: false,
      message: "Messages were sent but could not be recorded; check history before repeating.",
    });
  });

  it("answers the send's own failure when recording a failed send fails too", async () => {
    const request = sms(mobiles(1));
    const prepared = await staged(request);
    backend.rpc("clicksend_finish_call", reply({ code: "XX000", message: "boom" }, 500));
    clicksend.on("POST", "/sms/send", { status: 400, message: "Invalid sender id." });

    const error = await rejection(completeSend(env, backend.db, agentPath, prepared, request));
    expect(error).toMatchObject({ status: 400, code: "invalid_request" });
  });
});
