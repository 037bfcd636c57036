// Inbound SMS (clicksend-api.md §2.13, §2.16–2.17): replies and unsolicited messages made with
// POST /_sandbox/inbound, fired at the account's inbound rules (URL pushes in post/get/json, POLL
// queues), read with GET /sms/inbound, marked read, and the test push POST /sms/inbound.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, TEST_ACCOUNT_API_KEY, type Sandbox } from "./server.ts";
import {
  client,
  control,
  keys,
  matching,
  messagesOf,
  obj,
  rowsOf,
  sorted,
  startRecorder,
  str,
  UUID_UPPER,
  type JsonObject,
  type Recorder,
} from "./testing.ts";

let clock = Date.UTC(2026, 10, 24, 12, 0, 0);
const nowSeconds = (): number => Math.floor(clock / 1000);
let sandbox: Sandbox;
let hook: Recorder;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    now: () => clock,
    receiptDelayMs: 60_000,
    webhook: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10, timeoutMs: 2000 },
  });
  hook = await startRecorder();
});
afterAll(async () => {
  await sandbox.close();
  await hook.close();
});
beforeEach(() => {
  sandbox.reset();
  hook.clear();
});

const api = () => client(sandbox);
/** The account's number the outbound messages come from, and the handset they go to. */
const SENDER = "+61485000001";
const HANDSET = "+61412345678";
const INBOUND_RULES = "/automations/sms/inbound";

const ROW_KEYS = sorted([
  "timestamp",
  "from",
  "body",
  "original_body",
  "original_message_id",
  "to",
  "custom_string",
  "message_id",
  "_keyword",
]);
const PUSH_KEYS = [
  "timestamp",
  "from",
  "to",
  "body",
  "message",
  "original_body",
  "originalmessage",
  "original_message_id",
  "originalmessageid",
  "message_id",
  "custom_string",
  "customstring",
  "originalsenderid",
  "sms",
  "user_id",
  "subaccount_id",
];

async function sendSms(extra: Record<string, unknown> = {}): Promise<string> {
  const response = await api().post("/sms/send", {
    messages: [
      {
        to: HANDSET,
        from: SENDER,
        body: "Reply YES to confirm",
        custom_string: "order-7",
        ...extra,
      },
    ],
  });
  const [message] = messagesOf(response);
  expect(message?.status).toBe("SUCCESS");
  return str(message?.message_id);
}

/** POST /_sandbox/inbound with its status. */
async function inbound(body: unknown): Promise<{ status: number; body: JsonObject }> {
  const response = await fetch(`${sandbox.origin}/_sandbox/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as JsonObject };
}

async function reply(messageId: string, body = "Yes please"): Promise<JsonObject> {
  const response = await inbound({ message_id: messageId, body });
  expect(response.status).toBe(200);
  return response.body;
}

async function unsolicited(body: string, to = SENDER): Promise<JsonObject> {
  const response = await inbound({ username: "sandbox_user", from: HANDSET, to, body });
  expect(response.status).toBe(200);
  return response.body;
}

async function rule(fields: Record<string, unknown> = {}): Promise<JsonObject> {
  const response = await api().post(INBOUND_RULES, {
    dedicated_number: "*",
    rule_name: "Inbound",
    message_search_type: 0,
    action: "POLL",
    enabled: 1,
    ...fields,
  });
  expect(response.status).toBe(200);
  return obj(response.body.data);
}

const urlRule = (fields: Record<string, unknown> = {}): Promise<JsonObject> =>
  rule({ action: "URL", action_address: hook.url, ...fields });

async function unread(query: Record<string, string | number> = {}): Promise<JsonObject[]> {
  return rowsOf(await api().get("/sms/inbound", { limit: 100, ...query }));
}

async function drain(): Promise<void> {
  const drained = await control(sandbox, "POST", "drain", { timeout_ms: 10_000 });
  expect(obj(drained.webhooks).pending).toBe(0);
}

/** The push's keys and values for a reply created by `reply()` to `sendSms()`. */
async function expectedPush(
  created: JsonObject,
  originalId: string,
): Promise<[string, string | number][]> {
  const account = obj((await api().get("/account")).body.data);
  const body = str(created.body);
  return [
    ["timestamp", nowSeconds()],
    ["from", HANDSET],
    ["to", SENDER],
    ["body", body],
    ["message", body],
    ["original_body", "Reply YES to confirm"],
    ["originalmessage", "Reply YES to confirm"],
    ["original_message_id", originalId],
    ["originalmessageid", originalId],
    ["message_id", str(created.message_id)],
    ["custom_string", "order-7"],
    ["customstring", "order-7"],
    ["originalsenderid", SENDER],
    ["sms", HANDSET],
    ["user_id", Number(account.user_id)],
    ["subaccount_id", Number(obj(account._subaccount).subaccount_id)],
  ];
}

const asStrings = (entries: [string, string | number][]): [string, string][] =>
  entries.map(([key, value]) => [key, String(value)]);

describe("POST /_sandbox/inbound", () => {
  it("answers a reply from the handset an SMS went to", async () => {
    const id = await sendSms();
    const created = await reply(id, "Yes please");
    expect(created).toEqual({
      timestamp: nowSeconds(),
      from: HANDSET,
      body: "Yes please",
      original_body: "Reply YES to confirm",
      original_message_id: id,
      to: SENDER,
      custom_string: "order-7",
      message_id: matching(UUID_UPPER),
      _keyword: "yes",
      username: "sandbox_user",
      pushes: 0,
      poll_copies: 0,
    });
    expect(created.message_id).not.toBe(id);
  });

  it("answers a reply to an MMS, and takes the message id in any case", async () => {
    const response = await api().post("/mms/send", {
      media_file: "https://example.com/photo.jpg",
      messages: [{ to: HANDSET, from: SENDER, subject: "Photo", body: "Like it?" }],
    });
    const id = str(messagesOf(response)[0]?.message_id);
    const created = await reply(id.toLowerCase(), "Love it");
    expect(created).toMatchObject({
      from: HANDSET,
      to: SENDER,
      original_message_id: id,
      original_body: "Like it?",
      custom_string: "",
    });
  });

  it("replies to the shared system number when the message had no sender", async () => {
    const id = await sendSms({ from: undefined });
    const sharedNumber = rowsOf(await api().get("/sms/history"))[0]?.from;
    expect(sharedNumber).toMatch(/^\+61\d+$/);
    expect((await reply(id)).to).toBe(sharedNumber);
  });

  it("creates an unsolicited message for an account", async () => {
    const response = await inbound({
      username: "nocredit",
      from: HANDSET,
      to: SENDER,
      body: "  Hello, anyone there?",
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      timestamp: nowSeconds(),
      from: HANDSET,
      body: "  Hello, anyone there?",
      original_body: "",
      original_message_id: "",
      to: SENDER,
      custom_string: "",
      message_id: matching(UUID_UPPER),
      _keyword: "hello,",
      username: "nocredit",
      pushes: 0,
      poll_copies: 0,
    });
  });

  it("answers 404 for an unknown message id or username", async () => {
    const unknownId = await inbound({
      message_id: "1EF2D909-D81A-65FA-BEC7-33227BD3AB16",
      body: "x",
    });
    expect(unknownId.status).toBe(404);
    expect(str(unknownId.body.error)).toContain("1EF2D909");
    const unknownUser = await inbound({ username: "nobody", from: HANDSET, to: SENDER, body: "x" });
    expect(unknownUser.status).toBe(404);
    expect(unknownUser.body.error).toEqual(matching(/nobody/));
  });

  it("answers 409 for a message that was never sent", async () => {
    const id = await sendSms({ schedule: nowSeconds() + 3600 });
    const scheduled = await inbound({ message_id: id, body: "x" });
    expect(scheduled.status).toBe(409);
    expect(str(scheduled.body.error)).toContain("Scheduled");
    await api().put(`/sms/${id}/cancel`);
    expect((await inbound({ message_id: id, body: "x" })).status).toBe(409);
  });

  it.each([
    ["an empty object", {}],
    ["no body", { message_id: "A" }],
    ["an empty body", { message_id: "A", body: "" }],
    ["a body over 2000 characters", { message_id: "A", body: "x".repeat(2001) }],
    ["a message_id over 64 characters", { message_id: "A".repeat(65), body: "x" }],
    ["both forms at once", { message_id: "A", username: "sandbox_user", body: "x" }],
    ["an unsolicited message without to", { username: "sandbox_user", from: HANDSET, body: "x" }],
    [
      "a from that is not a number",
      { username: "sandbox_user", from: "Bob", to: SENDER, body: "x" },
    ],
    ["an unknown field", { message_id: "A", body: "x", media: "y" }],
    ["a body that is not a string", { message_id: "A", body: 42 }],
  ])("answers 400 for %s", async (_name, body) => {
    const response = await inbound(body);
    expect(response.status).toBe(400);
    expect(response.body.error).toEqual(expect.any(String));
  });
});

describe("inbound rules at work", () => {
  it("queues nothing for polling without a POLL rule; the reply is still found by its original id", async () => {
    const id = await sendSms();
    const created = await reply(id);
    expect(created.poll_copies).toBe(0);
    expect(await unread()).toEqual([]);
    const found = await api().get(`/sms/inbound/${id}`);
    expect(found.body).toMatchObject({ http_code: 200, response_code: "SUCCESS" });
    expect(found.body.data).toEqual({
      timestamp: nowSeconds(),
      from: HANDSET,
      body: "Yes please",
      original_body: "Reply YES to confirm",
      original_message_id: id,
      to: SENDER,
      custom_string: "order-7",
      message_id: created.message_id,
      _keyword: "yes",
    });
  });

  it("lists a reply once per enabled matching POLL rule", async () => {
    await rule();
    await rule({ dedicated_number: SENDER });
    await rule({ enabled: 0 });
    await rule({ dedicated_number: "+61485000002" });
    await rule({ action: "NONE" });
    const id = await sendSms();
    const created = await reply(id);
    expect(created.poll_copies).toBe(2);

    const response = await api().get("/sms/inbound");
    expect(response.body).toMatchObject({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Here are your inbound messages.",
    });
    const rows = rowsOf(response);
    expect(rows).toHaveLength(2);
    expect(keys(rows[0])).toEqual(ROW_KEYS);
    expect(rows[0]).toEqual(rows[1]);
    expect(rows[0]).toMatchObject({
      timestamp: nowSeconds(),
      message_id: created.message_id,
      original_message_id: id,
    });
    // Listing does not mark anything read.
    expect(await unread()).toHaveLength(2);
  });

  it("matches the dedicated number with or without its +", async () => {
    await rule({ dedicated_number: 61485000001 });
    await rule({ dedicated_number: "+61485000002" });
    expect((await unsolicited("hi")).poll_copies).toBe(1);
    expect((await unsolicited("hi", "+61485000002")).poll_copies).toBe(1);
    expect((await unsolicited("hi", "+61485000003")).poll_copies).toBe(0);
  });

  it.each([
    [1, "stop", "STOP please", 1],
    [1, "stop", "please stop", 0],
    [1, "stop", "  Stop", 1],
    [2, "Help", "can you HELP me", 1],
    [2, "help", "hi", 0],
    [3, "stop", "keep going", 1],
    [3, "STOP", "stop now", 0],
    [0, "ignored", "anything", 1],
    [2, null, "anything", 1],
  ])(
    "message_search_type %s with %j on %j fires %s time(s)",
    async (searchType, term, body, copies) => {
      await rule({ message_search_type: searchType, message_search_term: term });
      expect((await unsolicited(body)).poll_copies).toBe(copies);
    },
  );

  it("fires at most ten matching rules per message", async () => {
    for (let n = 0; n < 12; n += 1) await rule();
    expect((await unsolicited("hi")).poll_copies).toBe(10);
    expect(await unread()).toHaveLength(10);
  });

  it("keeps inbound messages and rules per account", async () => {
    await rule();
    const id = await sendSms();
    await reply(id);
    const other = client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY);
    expect(rowsOf(await other.get("/sms/inbound"))).toEqual([]);
    expect((await other.get(`/sms/inbound/${id}`)).status).toBe(404);
    const created = await inbound({ username: "nocredit", from: HANDSET, to: SENDER, body: "x" });
    expect(created.body.poll_copies).toBe(0); // sandbox_user's POLL rule is not nocredit's
  });
});

describe("reading inbound messages", () => {
  it("marks one message read by id, every copy of it; a second time is 404", async () => {
    await rule();
    await rule();
    const id = await sendSms();
    const created = await reply(id);
    const marked = await api().put(`/sms/inbound-read/${str(created.message_id)}`);
    expect(marked.body).toEqual({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Inbound messages have been marked as read.",
      data: 2,
    });
    expect(await unread()).toEqual([]);
    const again = await api().put(`/sms/inbound-read/${str(created.message_id)}`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ http_code: 404, response_code: "NOT_FOUND", data: null });
    // Read, but still the reply to its message.
    expect(obj((await api().get(`/sms/inbound/${id}`)).body.data).message_id).toBe(
      created.message_id,
    );
  });

  it("answers 404 when marking a message that was never queued", async () => {
    const created = await unsolicited("not polled");
    expect((await api().put(`/sms/inbound-read/${str(created.message_id)}`)).status).toBe(404);
    expect((await api().put("/sms/inbound-read/NOT-AN-ID")).status).toBe(404);
  });

  it("marks everything read, or only what arrived strictly before date_before", async () => {
    await rule();
    const first = await unsolicited("first");
    clock += 10_000;
    const second = await unsolicited("second");
    const partly = await api().put("/sms/inbound-read", { date_before: nowSeconds() });
    expect(partly.body).toEqual({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Inbound messages have been marked as read.",
      data: null,
    });
    expect((await unread()).map((row) => row.message_id)).toEqual([second.message_id]);
    expect(first.message_id).not.toBe(second.message_id);
    await api().put("/sms/inbound-read");
    expect(await unread()).toEqual([]);
  });

  it("answers 400 for a date_before that is not a unix time", async () => {
    const response = await api().put("/sms/inbound-read", { date_before: "yesterday" });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ response_code: "BAD_REQUEST", data: null });
  });

  it("paginates unread messages, oldest first", async () => {
    await rule();
    const ids: unknown[] = [];
    for (let n = 0; n < 20; n += 1)
      ids.push((await unsolicited(`message ${String(n)}`)).message_id);
    const first = await api().get("/sms/inbound");
    expect(obj(first.body.data)).toMatchObject({
      total: 20,
      per_page: 15,
      current_page: 1,
      last_page: 2,
      from: 1,
      to: 15,
      prev_page_url: null,
      next_page_url: `${sandbox.url}/sms/inbound?page=2`,
    });
    const second = await api().get("/sms/inbound", { page: 2 });
    expect(obj(second.body.data)).toMatchObject({ from: 16, to: 20, next_page_url: null });
    const all = [...rowsOf(first), ...rowsOf(second)].map((row) => row.message_id);
    expect(all).toEqual(ids);
  });

  it("GET /sms/inbound/{id} gives the first reply to a message; 404 when there is none", async () => {
    const id = await sendSms();
    const first = await reply(id, "first");
    await reply(id, "second");
    const found = await api().get(`/sms/inbound/${id.toLowerCase()}`);
    expect(obj(found.body.data)).toMatchObject({ message_id: first.message_id, body: "first" });
    const other = await sendSms({ body: "other" });
    const none = await api().get(`/sms/inbound/${other}`);
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ response_code: "NOT_FOUND", data: null });
  });
});

describe("inbound pushes", () => {
  it("POSTs form-encoded with the documented keys by default", async () => {
    await urlRule();
    const id = await sendSms();
    const created = await reply(id);
    expect(created.pushes).toBe(1);
    await drain();
    expect(hook.requests).toHaveLength(1);
    const [push] = hook.requests;
    expect(push?.method).toBe("POST");
    expect(push?.contentType).toBe("application/x-www-form-urlencoded");
    expect([...new URLSearchParams(push?.body)]).toEqual(
      asStrings(await expectedPush(created, id)),
    );
  });

  it("GETs with the same keys as a query string after the URL's own token", async () => {
    await urlRule({ webhook_type: "get" });
    const id = await sendSms();
    const created = await reply(id);
    await drain();
    const [push] = hook.requests;
    expect(push?.method).toBe("GET");
    expect(push?.body).toBe("");
    expect([...(push?.query ?? [])]).toEqual([
      ["token", "s3cret"],
      ...asStrings(await expectedPush(created, id)),
    ]);
    expect([...(push?.query.keys() ?? [])].slice(1)).toEqual(PUSH_KEYS);
  });

  it("POSTs a flat JSON object with timestamp, user_id and subaccount_id as integers", async () => {
    await urlRule({ webhook_type: "json" });
    const id = await sendSms();
    const created = await reply(id);
    await drain();
    const [push] = hook.requests;
    expect(push?.method).toBe("POST");
    expect(push?.contentType).toBe("application/json");
    const body = JSON.parse(push?.body ?? "") as JsonObject;
    expect(Object.keys(body)).toEqual(PUSH_KEYS);
    expect(Object.entries(body)).toEqual(await expectedPush(created, id));
    expect(typeof body.timestamp).toBe("number");
    expect(typeof body.user_id).toBe("number");
    expect(typeof body.subaccount_id).toBe("number");
  });

  it("pushes only to the account's enabled matching URL rules", async () => {
    await urlRule({ rule_name: "fires" });
    await urlRule({ rule_name: "disabled", enabled: 0 });
    await urlRule({ rule_name: "other number", dedicated_number: "+61485000002" });
    await urlRule({ rule_name: "no yes", message_search_type: 3, message_search_term: "yes" });
    await urlRule({
      rule_name: "starts with stop",
      message_search_type: 1,
      message_search_term: "stop",
    });
    await client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY).post(INBOUND_RULES, {
      dedicated_number: "*",
      rule_name: "someone else's",
      message_search_type: 0,
      action: "URL",
      action_address: hook.url,
      enabled: 1,
    });
    const id = await sendSms();
    expect((await reply(id, "Yes please")).pushes).toBe(1);
    await drain();
    expect(hook.requests).toHaveLength(1);
  });

  it("retries through the push dispatcher and counts inbound pushes apart", async () => {
    hook.answers = [500];
    await urlRule();
    await reply(await sendSms());
    await drain();
    expect(hook.requests).toHaveLength(2);
    const state = await control(sandbox, "GET", "state");
    const byKind = obj(state.webhooks_by_kind);
    expect(obj(byKind.inbound)).toMatchObject({ attempts: 2, delivered: 1, failed: 0, pending: 0 });
    expect(obj(byKind.receipt)).toMatchObject({ attempts: 0, delivered: 0 });
    expect(obj(state.webhooks)).toMatchObject({ attempts: 2, delivered: 1 });
  });
});

describe("POST /sms/inbound (test inbound message)", () => {
  const TEST_KEYS = sorted([
    "timestamp_send",
    "from",
    "body",
    "original_body",
    "original_message_id",
    "to",
    "custom_string",
    "message_id",
    "_keyword",
  ]);

  it("pushes a sample reply to the URL in the webhook_type asked for", async () => {
    const response = await api().post("/sms/inbound", { url: hook.url, webhook_type: "json" });
    expect(response.body).toMatchObject({ http_code: 200, response_code: "SUCCESS" });
    const data = obj(response.body.data);
    expect(keys(data)).toEqual(TEST_KEYS);
    expect(data).toMatchObject({ timestamp_send: nowSeconds(), message_id: matching(UUID_UPPER) });
    await api().post("/sms/inbound", { url: hook.url });
    await drain();
    const [json, form] = hook.requests;
    expect(json?.contentType).toBe("application/json");
    expect(Object.keys(JSON.parse(json?.body ?? "") as JsonObject)).toEqual(PUSH_KEYS);
    expect((JSON.parse(json?.body ?? "") as JsonObject).message_id).toBe(data.message_id);
    expect(form?.contentType).toBe("application/x-www-form-urlencoded");
    expect([...new URLSearchParams(form?.body).keys()]).toEqual(PUSH_KEYS);
    expect(await unread()).toEqual([]);
  });

  it('queues the sample for GET /sms/inbound with url "poll"', async () => {
    const data = obj((await api().post("/sms/inbound", { url: "poll" })).body.data);
    expect((await unread()).map((row) => row.message_id)).toEqual([data.message_id]);
    expect(hook.requests).toEqual([]);
  });

  it.each([
    ["no url", {}],
    ["a url that is not http(s)", { url: "ftp://example.com/x" }],
    ["webhook_type xml", { url: "poll", webhook_type: "xml" }],
  ])("answers 400 for %s", async (_name, body) => {
    const response = await api().post("/sms/inbound", body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ response_code: "BAD_REQUEST", data: null });
  });
});

describe("state and reset", () => {
  it("counts inbound messages and their pushes, and reset forgets them", async () => {
    await rule();
    await urlRule();
    const id = await sendSms();
    await reply(id);
    await unsolicited("hi");
    await drain();
    const state = await control(sandbox, "GET", "state");
    expect(obj(obj(state.accounts).sandbox_user)).toMatchObject({
      inbound_received: 2,
      unread_inbound: 2,
    });
    expect(obj(obj(state.webhooks_by_kind).inbound)).toMatchObject({ attempts: 2, delivered: 2 });

    await control(sandbox, "POST", "reset");
    const after = await control(sandbox, "GET", "state");
    expect(obj(obj(after.accounts).sandbox_user)).toMatchObject({
      inbound_received: 0,
      unread_inbound: 0,
    });
    expect(obj(obj(after.webhooks_by_kind).inbound)).toMatchObject({ attempts: 0, delivered: 0 });
    expect(await unread()).toEqual([]);
    expect(rowsOf(await api().get(INBOUND_RULES))).toEqual([]);
    expect(sandbox.state.inbound).toEqual([]);
    expect((await inbound({ message_id: id, body: "late" })).status).toBe(404);
  });
});
