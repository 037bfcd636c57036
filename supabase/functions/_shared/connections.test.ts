// clicksend-connect's rules: the database's verification limits answer 429 before ClickSend is
// asked; an account already connected is 409 before and after verification; the key goes to
// Vault only; connect, rotate and "Enable replies" record the connection's push rules (receipts,
// replies pushed, replies kept for polling; push-rules.test.ts has how each kind is ensured),
// with null ids where a rule could not be made; rotate, rename and disconnect each touch only
// what they must, and disconnect removes every rule of the connection with the stored key; a new
// key on a disconnected connection reconnects that same row (verified, stored as its first key),
// unless another connection holds the account. The caller's client (RLS) and
// the service client are two fake backends; ClickSend is the fake's HTTP server, since the
// module builds its clients from CLICKSEND_API_BASE.
import { beforeEach, describe, expect, it } from "vitest";
import {
  connect,
  disconnect,
  update,
  waitInWords,
  type ConnectionRow,
  type Requester,
} from "./connections.ts";
import type { FunctionEnv } from "./env.ts";
import {
  fakeBackend,
  noRow,
  pgError,
  reply,
  type BackendRequest,
  type FakeBackend,
} from "./testing/fake-backend.ts";
import {
  accountData,
  inboundRuleData,
  pageData,
  receiptRuleData,
  type FakeClickSend,
} from "./testing/fake-clicksend.ts";
import { CONNECTION, rejection, testEnv, USER, useFakeClickSend } from "./testing/fixtures.ts";

const CREATED = "7d2c4e6f-8a0b-4c1d-9e2f-3a4b5c6d7e8f";
const API_KEY = "NEW-KEY-5678-ABCD";
const TOKEN = "ab".repeat(24);
const requester: Requester = { userId: USER, clientIp: "203.0.113.9" };

let clicksend: FakeClickSend;
let env: FunctionEnv;
/** The caller's client: RLS decides what it sees. */
let user: FakeBackend;
/** The service client: Vault, verification limits, webhook tokens. */
let service: FakeBackend;

/** user_oauth_connections as the caller sees it, by id. */
let rows: Map<string, ConnectionRow>;

const connectionRow = (extra: Partial<ConnectionRow> = {}): ConnectionRow => ({
  id: CONNECTION,
  connection_name: "Shop",
  external_username: "shop_user",
  connection_status: "active",
  credential_hint: "1234",
  connection_metadata: {
    default_sender_id: null,
    account_country: "AU",
    currency: "AUD",
    receipt_rule_id: 31,
    receipts: "push",
    inbound_rule_id: 32,
    inbound_poll_rule_id: 33,
  },
  created_at: "2025-01-01T00:00:00Z",
  updated_at: "2025-01-01T00:00:00Z",
  ...extra,
});

const idFilter = (request: BackendRequest): string | null =>
  request.query.get("id")?.replace(/^eq\./, "") ?? null;

useFakeClickSend((started) => {
  clicksend = started;
  env = testEnv(started.baseUrl);
});

/** A caller with one connection (CONNECTION) and a ClickSend account that works. */
beforeEach(() => {
  rows = new Map([[CONNECTION, connectionRow()]]);
  user = fakeBackend({ key: "user-jwt" })
    .table("GET", "service_providers", reply({ id: "provider-1" }))
    .table("GET", "user_oauth_connections", (request) => {
      const id = idFilter(request);
      if (id === null) return reply([...rows.values()]);
      const row = rows.get(id);
      return row === undefined ? noRow : reply(row);
    })
    .table("POST", "user_oauth_connections", (request) => {
      const inserted = request.body as Partial<ConnectionRow>;
      rows.set(CREATED, connectionRow({ ...inserted, id: CREATED, credential_hint: null }));
      return reply({ id: CREATED }, 201);
    })
    .table("PATCH", "user_oauth_connections", (request) => {
      const id = idFilter(request) ?? "";
      const row = rows.get(id);
      if (row !== undefined) rows.set(id, { ...row, ...(request.body as Partial<ConnectionRow>) });
      return {};
    })
    .table("DELETE", "user_oauth_connections", (request) => {
      rows.delete(idFilter(request) ?? "");
      return {};
    })
    .table("HEAD", "agent_integration_permissions", reply(null, 200, { "content-range": "*/3" }));
  service = fakeBackend()
    .rpc("clicksend_begin_verification", reply({ allowed: true, attempt_id: 5 }))
    .rpc("clicksend_finish_verification", {})
    .rpc("clicksend_store_api_key", {})
    .rpc("clicksend_rotate_api_key", {})
    .rpc("clicksend_read_api_key", reply("OLD-KEY-1234"))
    .rpc("clicksend_delete_api_key", {})
    .rpc("clicksend_issue_webhook_token", reply(TOKEN))
    .rpc("clicksend_live_webhook_tokens", reply([]));
  clicksend
    .on("GET", "/account", { data: accountData({ username: "shop_user", balance: "25.5000" }) })
    .on("GET", "/automations/sms/receipts", { data: pageData([]) })
    .on("POST", "/automations/sms/receipts", (call) => ({
      data: receiptRuleData(40, (call.body as { action_address: string }).action_address),
    }))
    .on("PUT", /\/automations\/sms\/receipts\/\d+/, (call) => ({
      data: receiptRuleData(
        Number(call.path.split("/").pop()),
        (call.body as { action_address: string }).action_address,
      ),
    }))
    .on("DELETE", /\/automations\/sms\/receipts\/\d+/, { data: [] })
    .on("GET", "/automations/sms/inbound", { data: pageData([]) })
    .on("POST", "/automations/sms/inbound", (call) => {
      const body = call.body as { action: string; action_address: string };
      return {
        data: inboundRuleData(body.action === "URL" ? 50 : 51, body.action_address, body.action),
      };
    })
    .on("DELETE", /\/automations\/sms\/inbound\/\d+/, { data: [] });
});

const webhookUrl = (token: string) =>
  `http://backend.test/functions/v1/clicksend-webhook?token=${token}`;
const inboundUrl = (token: string) =>
  `http://backend.test/functions/v1/clicksend-inbound?token=${token}`;
const connectNew = (username = "new_user", extra: Record<string, string> = {}) =>
  connect(env, user.db, service.db, requester, { username, api_key: API_KEY, ...extra });
const metadataOf = (id: string) => rows.get(id)?.connection_metadata;

// ---------------------------------------------------------------------------------------------
describe("waitInWords", () => {
  it.each([
    [1, "1 second"],
    [45, "45 seconds"],
    [59, "59 seconds"],
    [60, "1 minute"],
    [61, "2 minutes"],
    [3599, "60 minutes"],
    [3600, "1 hour"],
    [3601, "2 hours"],
  ])("says %i s as %s (rounded up to the unit)", (seconds, words) => {
    expect(waitInWords(seconds)).toBe(words);
  });
});

// ---------------------------------------------------------------------------------------------
describe("connect: verification limits", () => {
  it.each([
    [
      "user_backoff",
      "ClickSend refused several API keys in a row. Check the username and the key under API Credentials in ClickSend's dashboard.",
    ],
    ["ip_hour", "Too many ClickSend credentials were checked from your network."],
    ["username_failures", "Too many wrong API keys were tried for this ClickSend username."],
    ["user_hour", "You have checked ClickSend credentials too often."],
  ])("answers the %s limit with 429 and a wait before ClickSend is asked", async (limit, why) => {
    service.rpc(
      "clicksend_begin_verification",
      reply({ allowed: false, limit, retry_after_seconds: 90 }),
    );
    const error = await rejection(connectNew());

    expect(error).toMatchObject({
      status: 429,
      code: "too_many_attempts",
      retryable: true,
      message: `${why} Try again in 2 minutes.`,
      headers: { "retry-after": "90" },
    });
    expect(clicksend.calls).toEqual([]);
    expect(service.calls("clicksend_finish_verification")).toEqual([]);
    expect(user.calls("user_oauth_connections").map((r) => r.method)).toEqual(["GET"]);
  });

  it("counts an attempt per user, username and client address", async () => {
    rows.clear();
    await connectNew();
    rows.clear();
    expect(service.rpcArgs("clicksend_begin_verification")).toEqual([
      { p_user_id: USER, p_username: "new_user", p_client_ip: "203.0.113.9" },
    ]);
    const anywhere = { userId: USER, clientIp: null };
    await connect(env, user.db, service.db, anywhere, { username: "other", api_key: API_KEY });
    expect(service.rpcArgs("clicksend_begin_verification")[1]).toEqual({
      p_user_id: USER,
      p_username: "other",
    });
  });

  it("answers 500 without asking ClickSend when the limits cannot be read", async () => {
    service.rpc("clicksend_begin_verification", pgError(500, "XX000"));
    expect(await rejection(connectNew())).toMatchObject({ status: 500, code: "database_error" });
    expect(clicksend.calls).toEqual([]);
  });
});

describe("connect: one connection per ClickSend account", () => {
  it("refuses an account already connected (any letter case) with 409 before verifying anything", async () => {
    const error = await rejection(connectNew("Shop_User"));
    expect(error).toMatchObject({ status: 409, code: "already_connected" });
    expect(error.message).toBe(
      "The ClickSend account Shop_User is already connected as “Shop”. To use a new API key, rotate the key on that connection instead of connecting the account again.",
    );
    expect(service.requests).toEqual([]);
    expect(clicksend.calls).toEqual([]);
    const [list] = user.calls("user_oauth_connections");
    expect(list?.query.get("connection_status")).toBe("in.(active,error,expired)");
    expect(list?.query.get("oauth_provider_id")).toBe("eq.provider-1");
  });

  it("refuses with 409 when ClickSend names an account already connected, storing nothing", async () => {
    // Signed in as an alias; ClickSend answers with the account's own username.
    const error = await rejection(connectNew("shop.alias@example.com"));
    expect(error).toMatchObject({ status: 409, code: "already_connected" });
    expect(service.rpcArgs("clicksend_finish_verification")).toEqual([
      { p_attempt_id: 5, p_outcome: "verified" },
    ]);
    expect(user.calls("user_oauth_connections").map((r) => r.method)).toEqual(["GET"]);
    expect(service.calls("clicksend_store_api_key")).toEqual([]);
  });

  it("answers 503 provider_unavailable when the ClickSend integration is not enabled", async () => {
    user.table("GET", "service_providers", noRow);
    expect(await rejection(connectNew())).toMatchObject({
      status: 503,
      code: "provider_unavailable",
    });
  });
});

describe("connect: verification with ClickSend", () => {
  beforeEach(() => {
    rows.clear();
  });

  it("counts a refused key as rejected and answers 400 invalid_credentials after one request", async () => {
    clicksend.on("GET", "/account", { status: 401, message: "Authorization failed." });
    const error = await rejection(connectNew());
    expect(error).toMatchObject({ status: 400, code: "invalid_credentials" });
    expect(clicksend.calls).toHaveLength(1);
    expect(service.rpcArgs("clicksend_finish_verification")).toEqual([
      { p_attempt_id: 5, p_outcome: "rejected" },
    ]);
    expect(user.calls("user_oauth_connections").map((r) => r.method)).toEqual(["GET"]);
  });

  it("does not hold an unavailable ClickSend against the user: counted as failed, asked once", async () => {
    clicksend.on("GET", "/account", { status: 503 });
    const error = await rejection(connectNew());
    expect(error).toMatchObject({ status: 502, code: "upstream_unavailable" });
    expect(clicksend.calls).toHaveLength(1);
    expect(service.rpcArgs("clicksend_finish_verification")).toEqual([
      { p_attempt_id: 5, p_outcome: "failed" },
    ]);
  });

  it("stores the connection under RLS and the key only in Vault, and answers without the key", async () => {
    const result = await connectNew("new_user", { default_sender_id: "MyShop" });
    clicksend.reset();

    const [insert] = user.calls("user_oauth_connections").filter((r) => r.method === "POST");
    expect(insert?.body).toEqual({
      oauth_provider_id: "provider-1",
      connection_name: "ClickSend (shop_user)",
      external_username: "shop_user",
      connection_metadata: { default_sender_id: "MyShop", account_country: "AU", currency: "AUD" },
    });
    expect(service.rpcArgs("clicksend_store_api_key")).toEqual([
      { p_connection_id: CREATED, p_api_key: API_KEY },
    ]);
    expect(JSON.stringify(user.requests.map((r) => [r.body, r.query.toString()]))).not.toContain(
      API_KEY,
    );
    expect(result).toEqual({
      connection: {
        id: CREATED,
        connection_name: "ClickSend (shop_user)",
        external_username: "shop_user",
        connection_status: "active",
        credential_hint: null,
        default_sender_id: "MyShop",
        created_at: "2025-01-01T00:00:00Z",
        updated_at: "2025-01-01T00:00:00Z",
      },
      account: { username: "shop_user", balance: 25.5, currency: "AUD" },
    });
  });

  it("removes the new row and answers 409 when a parallel connect of the account won (23505)", async () => {
    service.rpc("clicksend_store_api_key", pgError(409, "23505"));
    expect(await rejection(connectNew())).toMatchObject({ status: 409, code: "already_connected" });
    expect(rows.has(CREATED)).toBe(false);
    expect(clicksend.calls.map((c) => c.path)).toEqual(["/account"]);
  });

  it("removes the new row and answers 500 vault_error when the key cannot be stored", async () => {
    service.rpc("clicksend_store_api_key", pgError(500, "XX000"));
    expect(await rejection(connectNew())).toMatchObject({
      status: 500,
      code: "vault_error",
      retryable: true,
    });
    expect(rows.has(CREATED)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe("push rules on connect", () => {
  beforeEach(() => {
    rows.clear();
  });
  /** The rule requests: the two lists (read together, in either order), then the writes in order. */
  const ruleRequests = () => {
    const all = clicksend.calls
      .filter((c) => c.path.startsWith("/automations"))
      .map((c) => `${c.method} ${c.path}`);
    return { lists: all.slice(0, 2).sort(), writes: all.slice(2) };
  };
  const noRules = {
    receipt_rule_id: null,
    receipts: "poll",
    inbound_rule_id: null,
    inbound_poll_rule_id: null,
  };

  it("records a receipt rule, a reply push rule and a reply poll rule made with one new token", async () => {
    await connectNew();
    expect(service.rpcArgs("clicksend_issue_webhook_token")).toEqual([
      { p_connection_id: CREATED },
    ]);
    expect(ruleRequests()).toEqual({
      lists: ["GET /automations/sms/inbound", "GET /automations/sms/receipts"],
      writes: [
        "POST /automations/sms/receipts",
        "POST /automations/sms/inbound",
        "POST /automations/sms/inbound",
      ],
    });
    const posts = clicksend.calls.filter((c) => c.method === "POST");
    expect(posts.map((c) => (c.body as { action_address: string }).action_address)).toEqual([
      webhookUrl(TOKEN),
      inboundUrl(TOKEN),
      inboundUrl(TOKEN),
    ]);
    // With the key just verified.
    expect(new Set(posts.map((c) => `${c.username ?? ""}:${c.apiKey ?? ""}`))).toEqual(
      new Set([`shop_user:${API_KEY}`]),
    );
    expect(metadataOf(CREATED)).toEqual({
      default_sender_id: null,
      account_country: "AU",
      currency: "AUD",
      receipt_rule_id: 40,
      receipts: "push",
      inbound_rule_id: 50,
      inbound_poll_rule_id: 51,
    });
  });

  it("repoints this account's stale rules of ours instead of adding more", async () => {
    const stale = "11".repeat(24);
    clicksend
      .on("GET", "/automations/sms/receipts", {
        data: pageData([receiptRuleData(7, webhookUrl(stale))]),
      })
      .on("GET", "/automations/sms/inbound", {
        data: pageData([
          inboundRuleData(8, inboundUrl(stale)),
          inboundRuleData(9, inboundUrl(stale), "POLL"),
        ]),
      })
      .on("PUT", /\/automations\/sms\/inbound\/\d+/, (call) => ({
        data: inboundRuleData(
          Number(call.path.split("/").pop()),
          (call.body as { action_address: string }).action_address,
        ),
      }));
    await connectNew();
    expect(ruleRequests().writes).toEqual([
      "PUT /automations/sms/receipts/7",
      "PUT /automations/sms/inbound/8",
      "PUT /automations/sms/inbound/9",
    ]);
    expect(metadataOf(CREATED)).toMatchObject({
      receipt_rule_id: 7,
      receipts: "push",
      inbound_rule_id: 8,
      inbound_poll_rule_id: 9,
    });
  });

  it("records null ids (receipts polled) when the rules cannot be listed; the connection still works", async () => {
    clicksend
      .on("GET", "/automations/sms/receipts", { status: 403, message: "Not allowed." })
      .on("GET", "/automations/sms/inbound", { status: 403, message: "Not allowed." });
    const result = await connectNew();
    expect(result.connection.id).toBe(CREATED);
    expect(ruleRequests()).toEqual({
      lists: ["GET /automations/sms/inbound", "GET /automations/sms/receipts"],
      writes: [],
    });
    expect(metadataOf(CREATED)).toMatchObject(noRules);
  });

  it("records null ids, touching no rule, when no webhook token can be issued or checked", async () => {
    service.rpc("clicksend_issue_webhook_token", pgError(500, "XX000"));
    await connectNew();
    expect(ruleRequests()).toEqual({ lists: [], writes: [] });
    expect(metadataOf(CREATED)).toMatchObject(noRules);

    rows.clear();
    clicksend.reset();
    service.rpc("clicksend_issue_webhook_token", reply(TOKEN));
    service.rpc("clicksend_live_webhook_tokens", pgError(500, "XX000"));
    clicksend
      .on("GET", "/account", { data: accountData() })
      .on("GET", "/automations/sms/receipts", {
        data: pageData([receiptRuleData(1, webhookUrl("11".repeat(24)))]),
      })
      .on("GET", "/automations/sms/inbound", { data: pageData([]) });
    await connectNew();
    expect(ruleRequests()).toEqual({
      lists: ["GET /automations/sms/inbound", "GET /automations/sms/receipts"],
      writes: [],
    });
    expect(metadataOf(CREATED)).toMatchObject(noRules);
  });
});

// ---------------------------------------------------------------------------------------------
describe("update", () => {
  const patch = (body: Record<string, unknown>) =>
    update(env, user.db, service.db, requester, { connection_id: CONNECTION, ...body });
  const patches = () =>
    user
      .calls("user_oauth_connections")
      .filter((r) => r.method === "PATCH")
      .map((r) => r.body);

  it("renames without verification, Vault or ClickSend", async () => {
    const result = await patch({ connection_name: "Front desk" });
    expect(patches()).toEqual([{ connection_name: "Front desk" }]);
    expect(result).not.toHaveProperty("account");
    expect(result.connection.connection_name).toBe("Front desk");
    expect(service.requests).toEqual([]);
    expect(clicksend.calls).toEqual([]);
  });

  it("sets a default sender while keeping the rest of the metadata", async () => {
    const result = await patch({ default_sender_id: "MyShop" });
    expect(patches()).toEqual([
      {
        connection_metadata: {
          default_sender_id: "MyShop",
          account_country: "AU",
          currency: "AUD",
          receipt_rule_id: 31,
          receipts: "push",
          inbound_rule_id: 32,
          inbound_poll_rule_id: 33,
        },
      },
    ]);
    expect(result.connection.default_sender_id).toBe("MyShop");
  });

  it("rotates: verifies the new key as the connection's own username, stores it, repairs the pushes", async () => {
    const result = await patch({ api_key: API_KEY });

    expect(service.rpcArgs("clicksend_begin_verification")[0]).toMatchObject({
      p_username: "shop_user",
    });
    const account = clicksend.calls.find((c) => c.path === "/account");
    expect([account?.username, account?.apiKey]).toEqual(["shop_user", API_KEY]);
    expect(service.rpcArgs("clicksend_rotate_api_key")).toEqual([
      { p_connection_id: CONNECTION, p_api_key: API_KEY },
    ]);
    expect(service.rpcArgs("clicksend_issue_webhook_token")).toEqual([
      { p_connection_id: CONNECTION },
    ]);
    expect(result).toMatchObject({ account: { username: "shop_user", balance: 25.5 } });
    expect(metadataOf(CONNECTION)).toMatchObject({
      receipt_rule_id: 40,
      receipts: "push",
      inbound_rule_id: 50,
      inbound_poll_rule_id: 51,
    });
    // The rules are made with the new key.
    const write = clicksend.calls.find((c) => c.method === "POST");
    expect([write?.username, write?.apiKey]).toEqual(["shop_user", API_KEY]);
  });

  it("enables replies with the stored key: no verification, the rules ensured and recorded, the rest kept", async () => {
    rows.set(
      CONNECTION,
      connectionRow({
        connection_metadata: {
          default_sender_id: "Acme",
          account_country: "AU",
          currency: "AUD",
          receipt_rule_id: 31,
          receipts: "push",
        },
      }),
    );
    const result = await patch({ enable_replies: true });

    expect(service.calls("clicksend_begin_verification")).toEqual([]);
    expect(service.calls("clicksend_rotate_api_key")).toEqual([]);
    expect(service.rpcArgs("clicksend_read_api_key")).toEqual([{ p_connection_id: CONNECTION }]);
    expect(service.rpcArgs("clicksend_issue_webhook_token")).toEqual([
      { p_connection_id: CONNECTION },
    ]);
    expect(clicksend.calls.some((c) => c.path === "/account")).toBe(false);
    expect(new Set(clicksend.calls.map((c) => `${c.username ?? ""}:${c.apiKey ?? ""}`))).toEqual(
      new Set(["shop_user:OLD-KEY-1234"]),
    );
    expect(metadataOf(CONNECTION)).toEqual({
      default_sender_id: "Acme",
      account_country: "AU",
      currency: "AUD",
      receipt_rule_id: 40,
      receipts: "push",
      inbound_rule_id: 50,
      inbound_poll_rule_id: 51,
    });
    expect(result).not.toHaveProperty("account");
    expect(result.connection.default_sender_id).toBe("Acme");
  });

  it("refuses to enable replies with 409 connection_unusable when there is no usable stored key", async () => {
    service.rpc("clicksend_read_api_key", reply(null));
    expect(await rejection(patch({ enable_replies: true }))).toMatchObject({
      status: 409,
      code: "connection_unusable",
    });
    rows.set(CONNECTION, connectionRow({ connection_status: "error" }));
    expect(await rejection(patch({ enable_replies: true }))).toMatchObject({
      status: 409,
      code: "connection_unusable",
    });
    expect(service.calls("clicksend_read_api_key")).toHaveLength(1);
    expect(service.calls("clicksend_issue_webhook_token")).toEqual([]);
    expect(clicksend.calls).toEqual([]);
    expect(patches()).toEqual([]);
  });

  it("refuses a rotation while verifications are limited with 429; the old key stays", async () => {
    service.rpc(
      "clicksend_begin_verification",
      reply({ allowed: false, limit: "user_backoff", retry_after_seconds: 30 }),
    );
    expect(await rejection(patch({ api_key: API_KEY }))).toMatchObject({
      status: 429,
      code: "too_many_attempts",
    });
    expect(clicksend.calls).toEqual([]);
    expect(service.calls("clicksend_rotate_api_key")).toEqual([]);
  });

  it("refuses to rotate a connection that has no ClickSend username with 409 no_username", async () => {
    rows.set(CONNECTION, connectionRow({ external_username: null }));
    expect(await rejection(patch({ api_key: API_KEY }))).toMatchObject({
      status: 409,
      code: "no_username",
    });
    expect(service.requests).toEqual([]);
  });

  it("answers 409 already_connected when the rotated key's account is held by another connection (23505)", async () => {
    service.rpc("clicksend_rotate_api_key", pgError(409, "23505"));
    expect(await rejection(patch({ api_key: API_KEY }))).toMatchObject({
      status: 409,
      code: "already_connected",
    });
  });

  it("reconnects a disconnected connection: verifies the key again, stores it as the first key, makes its rules", async () => {
    rows.set(
      CONNECTION,
      connectionRow({
        connection_status: "revoked",
        credential_hint: null,
        connection_metadata: {},
      }),
    );
    const result = await patch({ api_key: API_KEY });

    expect(service.rpcArgs("clicksend_begin_verification")[0]).toMatchObject({
      p_username: "shop_user",
    });
    expect(service.rpcArgs("clicksend_store_api_key")).toEqual([
      { p_connection_id: CONNECTION, p_api_key: API_KEY },
    ]);
    expect(service.calls("clicksend_rotate_api_key")).toEqual([]);
    expect(user.calls("user_oauth_connections").map((r) => r.method)).not.toContain("POST");
    expect(result).toMatchObject({
      connection: { id: CONNECTION },
      account: { username: "shop_user" },
    });
    expect(metadataOf(CONNECTION)).toMatchObject({ receipt_rule_id: 40, inbound_rule_id: 50 });
  });

  it("refuses to reconnect with a wrong key: 400 invalid_credentials, nothing stored", async () => {
    rows.set(CONNECTION, connectionRow({ connection_status: "revoked", credential_hint: null }));
    clicksend.on("GET", "/account", { status: 401, message: "Authorization failed." });
    expect(await rejection(patch({ api_key: API_KEY }))).toMatchObject({
      status: 400,
      code: "invalid_credentials",
    });
    expect(service.calls("clicksend_store_api_key")).toEqual([]);
    expect(rows.get(CONNECTION)?.connection_status).toBe("revoked");
  });

  it("refuses to reconnect with 409 already_connected, before verifying, when another connection holds the account", async () => {
    rows.set(CONNECTION, connectionRow({ connection_status: "revoked", credential_hint: null }));
    rows.set(
      CREATED,
      connectionRow({ id: CREATED, connection_name: "Newer", external_username: "SHOP_USER" }),
    );
    expect(await rejection(patch({ api_key: API_KEY }))).toMatchObject({
      status: 409,
      code: "already_connected",
      message: expect.stringContaining("“Newer”") as unknown,
    });
    expect(service.requests).toEqual([]);
    expect(clicksend.calls).toEqual([]);
  });

  it("answers 404 connection_not_found for a connection the caller cannot see", async () => {
    rows.clear();
    expect(await rejection(patch({ connection_name: "Mine now" }))).toMatchObject({
      status: 404,
      code: "connection_not_found",
    });
    expect(patches()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
describe("disconnect", () => {
  const run = () => disconnect(env, user.db, service.db, CONNECTION);

  it("removes the receipt rule and both reply rules with the stored key while it exists, then the key; counts the grants revoked", async () => {
    let rulesDeletedBeforeKey: string[] = [];
    service.rpc("clicksend_delete_api_key", () => {
      rulesDeletedBeforeKey = clicksend.calls.map((c) => `${c.method} ${c.path}`);
      return {};
    });
    const result = await run();

    expect(rulesDeletedBeforeKey).toEqual([
      "DELETE /automations/sms/receipts/31",
      "DELETE /automations/sms/inbound/32",
      "DELETE /automations/sms/inbound/33",
    ]);
    expect(new Set(clicksend.calls.map((c) => `${c.username ?? ""}:${c.apiKey ?? ""}`))).toEqual(
      new Set(["shop_user:OLD-KEY-1234"]),
    );
    expect(service.rpcArgs("clicksend_delete_api_key")).toEqual([{ p_connection_id: CONNECTION }]);
    expect(result).toMatchObject({ connection: { id: CONNECTION }, revoked_grants: 3 });
    const [count] = user.calls("agent_integration_permissions");
    expect(count?.query.get("user_oauth_connection_id")).toBe(`eq.${CONNECTION}`);
    expect(count?.query.get("is_active")).toBe("eq.true");
  });

  it("still disconnects when ClickSend will not remove the rules, having asked for each", async () => {
    clicksend
      .on("DELETE", /\/automations\/sms\/receipts\/\d+/, { status: 404 })
      .on("DELETE", /\/automations\/sms\/inbound\/\d+/, { status: 500 });
    await run();
    expect(clicksend.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "DELETE /automations/sms/receipts/31",
      "DELETE /automations/sms/inbound/32",
      "DELETE /automations/sms/inbound/33",
    ]);
    expect(service.calls("clicksend_delete_api_key")).toHaveLength(1);
  });

  it("removes only the rules the connection has", async () => {
    rows.set(
      CONNECTION,
      connectionRow({
        connection_metadata: { receipt_rule_id: null, receipts: "poll", inbound_poll_rule_id: 33 },
      }),
    );
    await run();
    expect(clicksend.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "DELETE /automations/sms/inbound/33",
    ]);
  });

  it("removes the rules of a connection ClickSend has flagged (error), whose key is still stored", async () => {
    rows.set(CONNECTION, connectionRow({ connection_status: "error" }));
    await run();
    expect(clicksend.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      "DELETE /automations/sms/receipts/31",
      "DELETE /automations/sms/inbound/32",
      "DELETE /automations/sms/inbound/33",
    ]);
  });

  it("asks ClickSend nothing, and Vault nothing, when the connection has no rules", async () => {
    rows.set(
      CONNECTION,
      connectionRow({ connection_metadata: { receipt_rule_id: null, receipts: "poll" } }),
    );
    const result = await run();
    expect(clicksend.calls).toEqual([]);
    expect(service.calls("clicksend_read_api_key")).toEqual([]);
    expect(service.calls("clicksend_delete_api_key")).toHaveLength(1);
    expect(result).toMatchObject({ connection: { id: CONNECTION }, revoked_grants: 3 });
  });

  it("answers 500 vault_error when the key cannot be removed", async () => {
    service.rpc("clicksend_delete_api_key", pgError(500, "XX000"));
    expect(await rejection(run())).toMatchObject({ status: 500, code: "vault_error" });
  });
});
