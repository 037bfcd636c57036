// POST /v3/sms/send and /v3/sms/price against clicksend-api.md §2.2–2.3: full, minimal and blocked
// message shapes, counts, prices, parts, balance and credit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, TEST_ACCOUNT_API_KEY, type Sandbox } from "./server.ts";
import {
  anyNumber,
  anyString,
  client,
  control,
  keys,
  matching,
  messagesOf,
  obj,
  sorted,
  str,
  UUID_UPPER,
  type ApiResponse,
  type JsonObject,
} from "./testing.ts";

const clock = Date.UTC(2026, 10, 24, 12, 0, 0);
const nowSeconds = (): number => Math.floor(clock / 1000);
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => clock, receiptDelayMs: 1000 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

const FULL_KEYS = sorted([
  "direction",
  "date",
  "to",
  "body",
  "from",
  "schedule",
  "message_id",
  "message_parts",
  "message_price",
  "from_email",
  "list_id",
  "custom_string",
  "contact_id",
  "user_id",
  "subaccount_id",
  "is_shared_system_number",
  "country",
  "carrier",
  "status",
]);
const MINIMAL_KEYS = sorted([
  "to",
  "body",
  "from",
  "schedule",
  "message_id",
  "custom_string",
  "is_shared_system_number",
  "status",
]);
const BLOCKED_KEYS = sorted([
  "to",
  "body",
  "from",
  "schedule",
  "message_id",
  "message_parts",
  "message_price",
  "custom_string",
  "is_shared_system_number",
  "country",
  "carrier",
  "status",
]);

const send = (messages: unknown[]): Promise<ApiResponse> =>
  client(sandbox).post("/sms/send", { messages });
const balance = async (): Promise<string> => {
  const state = await control(sandbox, "GET", "state");
  return str(obj(obj(state.accounts).sandbox_user).balance);
};
const only = async (message: JsonObject): Promise<JsonObject> => {
  const [first] = messagesOf(await send([message]));
  return obj(first);
};

describe("POST /v3/sms/send: accepted messages", () => {
  it("answers the documented full shape with its types", async () => {
    const response = await send([
      { to: "+61412345678", body: "hello", from: "MyBiz", custom_string: "ref-1", source: "t" },
    ]);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Messages queued for delivery.",
    });
    const data = obj(response.body.data);
    expect(keys(data)).toEqual(
      sorted([
        "total_price",
        "total_count",
        "queued_count",
        "blocked_count",
        "messages",
        "_currency",
      ]),
    );
    expect(data).toMatchObject({
      total_price: 0.0792,
      total_count: 1,
      queued_count: 1,
      blocked_count: 0,
    });
    expect(obj(data._currency).currency_name_short).toBe("AUD");
    const [message] = messagesOf(response);
    expect(keys(message)).toEqual(FULL_KEYS);
    expect(message).toEqual({
      direction: "out",
      date: nowSeconds(),
      to: "+61412345678",
      body: "hello",
      from: "MyBiz",
      schedule: nowSeconds(),
      message_id: matching(UUID_UPPER),
      message_parts: 1,
      message_price: "0.0792",
      from_email: null,
      list_id: null,
      custom_string: "ref-1",
      contact_id: null,
      user_id: anyNumber,
      subaccount_id: anyNumber,
      is_shared_system_number: false,
      country: "AU",
      carrier: anyString,
      status: "SUCCESS",
    });
  });

  it("sends from a shared system number when from is omitted", async () => {
    const message = await only({ to: "+61412345678", body: "hi" });
    expect(message.is_shared_system_number).toBe(true);
    expect(message.from).toMatch(/^\+61\d{9}$/);
    expect(message.custom_string).toBe("");
  });

  it("reads a national number with the message's country", async () => {
    const message = await only({ to: "0412345678", country: "AU", body: "hi" });
    expect(message).toMatchObject({ status: "SUCCESS", to: "+61412345678", country: "AU" });
  });

  it("echoes from_email and accepts numbers where PHP would", async () => {
    const message = await only({ to: 61412345678, body: 42, from_email: "a@b.c", country: "AU" });
    expect(message).toMatchObject({ status: "SUCCESS", body: "42", from_email: "a@b.c" });
  });

  it("charges test numbers nothing: 0 parts, price 0.0000 and total_price 0", async () => {
    const response = await send([
      { to: "+61411111111", body: "a" },
      { to: "+14055555555", body: "b" },
      { to: "+447777777777", body: "c" },
    ]);
    expect(obj(response.body.data)).toMatchObject({ total_price: 0, queued_count: 3 });
    for (const message of messagesOf(response)) {
      expect(message).toMatchObject({
        status: "SUCCESS",
        message_parts: 0,
        message_price: "0.0000",
      });
    }
    expect(await balance()).toBe("25.000000");
  });

  it("prices by part: GSM-7 153 per part, UCS-2 67, per destination country", async () => {
    const cases: [JsonObject, number, string][] = [
      [{ to: "+61412345678", body: "a".repeat(160) }, 1, "0.0792"],
      [{ to: "+61412345678", body: "a".repeat(161) }, 2, "0.1584"],
      [{ to: "+61412345678", body: "€".repeat(81) }, 2, "0.1584"],
      // 306 septets, but the escape sequence of € cannot straddle parts 1 and 2 (segments.ts).
      [{ to: "+61412345678", body: `${"a".repeat(152)}€${"a".repeat(152)}` }, 3, "0.2376"],
      [{ to: "+61412345678", body: "ж".repeat(70) }, 1, "0.0792"],
      [{ to: "+61412345678", body: "😀".repeat(36) }, 2, "0.1584"],
      [{ to: "+61412345678", body: "a".repeat(5000) }, 8, "0.6336"],
      [{ to: "+64211234567", body: "hi" }, 1, "0.1100"],
      [{ to: "+447400123456", body: "hi" }, 1, "0.0880"],
      [{ to: "+12025550123", body: "hi" }, 1, "0.0330"],
      [{ to: "+14165550123", body: "hi" }, 1, "0.0330"],
    ];
    for (const [input, parts, price] of cases) {
      const message = await only(input);
      expect(message, JSON.stringify(input).slice(0, 40)).toMatchObject({
        status: "SUCCESS",
        message_parts: parts,
        message_price: price,
      });
    }
  });

  it("decreases the balance by total_price", async () => {
    const response = await send([
      { to: "+61412345678", body: "a".repeat(200) },
      { to: "+64211234567", body: "hi" },
      { to: "+61411111111", body: "free" },
    ]);
    expect(obj(response.body.data).total_price).toBe(0.2684);
    expect(await balance()).toBe("24.731600");
    const account = obj((await client(sandbox).get("/account")).body.data);
    expect(account.balance).toBe("24.731600");
  });

  it("gives every message its own upper-case UUID", async () => {
    const response = await send(
      Array.from({ length: 20 }, () => ({ to: "+61411111111", body: "x" })),
    );
    const ids = messagesOf(response).map((message) => message.message_id);
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect(id).toMatch(UUID_UPPER);
  });

  it("echoes a future schedule as an integer", async () => {
    const at = nowSeconds() + 3600;
    const message = await only({ to: "+61412345678", body: "later", schedule: at });
    expect(message).toMatchObject({ status: "SUCCESS", schedule: at, date: nowSeconds() });
    const asString = await only({ to: "+61412345678", body: "later", schedule: String(at) });
    expect(asString.schedule).toBe(at);
    const past = await only({ to: "+61412345678", body: "now", schedule: 1000 });
    expect(past.schedule).toBe(nowSeconds());
  });
});

describe("POST /v3/sms/send: rejected messages", () => {
  it("answers INVALID_RECIPIENT with the minimal live shape, counted nowhere", async () => {
    const response = await send([{ to: "+6112", body: "hi", custom_string: "c" }]);
    expect(response.status).toBe(200);
    expect(obj(response.body.data)).toMatchObject({
      total_price: 0,
      total_count: 1,
      queued_count: 0,
      blocked_count: 0,
    });
    const [message] = messagesOf(response);
    expect(keys(message)).toEqual(MINIMAL_KEYS);
    expect(message).toEqual({
      to: "+6112",
      body: "hi",
      from: "",
      schedule: "",
      message_id: matching(UUID_UPPER),
      custom_string: "c",
      is_shared_system_number: true,
      status: "INVALID_RECIPIENT",
    });
  });

  it.each([
    ["a national number without country", { to: "0412345678", body: "hi" }],
    ["letters", { to: "call me", body: "hi" }],
    ["spaces inside E.164", { to: "+61 412 345 678", body: "hi" }],
    ["no to at all", { body: "hi" }],
    ["a number that cannot exist", { to: "+61012345678", body: "hi" }],
  ])("treats %s as INVALID_RECIPIENT", async (_name, input) => {
    expect((await only(input)).status).toBe("INVALID_RECIPIENT");
  });

  it("answers COUNTRY_NOT_ENABLED with the blocked shape, counted in blocked_count", async () => {
    const response = await send([
      { to: "+33612345678", body: "bonjour" },
      { to: "+8615555555555", body: "test number in a country not enabled" },
      { to: "+61412345678", body: "ok" },
    ]);
    expect(obj(response.body.data)).toMatchObject({
      total_count: 3,
      queued_count: 1,
      blocked_count: 2,
      total_price: 0.0792,
    });
    const [france, china] = messagesOf(response);
    expect(keys(france)).toEqual(BLOCKED_KEYS);
    expect(france).toEqual({
      to: "+33612345678",
      body: "bonjour",
      from: "",
      schedule: "",
      message_id: matching(UUID_UPPER),
      message_parts: 0,
      message_price: "0.0000",
      custom_string: "",
      is_shared_system_number: true,
      country: "FR",
      carrier: anyString,
      status: "COUNTRY_NOT_ENABLED",
    });
    expect(china).toMatchObject({ status: "COUNTRY_NOT_ENABLED", country: "CN" });
  });

  it.each([
    ["EMPTY_MESSAGE", { to: "+61412345678", body: "" }],
    ["EMPTY_MESSAGE", { to: "+61412345678", body: "   " }],
    ["EMPTY_MESSAGE", { to: "+61412345678" }],
    ["INVALID_SENDER_ID", { to: "+61412345678", body: "hi", from: "TwelveLetter" }],
    ["INVALID_SENDER_ID", { to: "+61412345678", body: "hi", from: "My Biz" }],
    ["INVALID_SENDER_ID", { to: "+61412345678", body: "hi", from: "+123" }],
    ["INVALID_SCHEDULE", { to: "+61412345678", body: "hi", schedule: "tomorrow" }],
    ["INVALID_SCHEDULE", { to: "+61412345678", body: "hi", schedule: -5 }],
    ["INVALID_SCHEDULE", { to: "+61412345678", body: "hi", schedule: 1.5 }],
    ["THROTTLED", { to: "+61400000429", body: "hi" }],
    ["NOT_ENOUGH_PERMISSION_TO_LIST_ID", { list_id: 428, body: "hi" }],
  ])("answers %s with the minimal shape", async (status, input) => {
    const response = await send([input]);
    const [message] = messagesOf(response);
    expect(keys(message)).toEqual(MINIMAL_KEYS);
    expect(message).toMatchObject({ status, schedule: "" });
    expect(obj(response.body.data)).toMatchObject({ queued_count: 0, blocked_count: 0 });
  });

  it("keeps request order and mixes statuses in one HTTP 200", async () => {
    const response = await send([
      { to: "+61412345678", body: "ok" },
      { to: "bad", body: "x" },
      { to: "+33612345678", body: "x" },
      { to: "+61412345679", body: "" },
    ]);
    expect(messagesOf(response).map((message) => message.status)).toEqual([
      "SUCCESS",
      "INVALID_RECIPIENT",
      "COUNTRY_NOT_ENABLED",
      "EMPTY_MESSAGE",
    ]);
    expect(sandbox.state.messages).toHaveLength(1);
  });
});

describe("POST /v3/sms/send: credit", () => {
  it("answers INSUFFICIENT_CREDIT per message for nocredit, even to test numbers", async () => {
    const response = await client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY).post("/sms/send", {
      messages: [
        { to: "+61412345678", body: "hi" },
        { to: "+61411111111", body: "hi" },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.response_code).toBe("SUCCESS");
    expect(obj(response.body.data)).toMatchObject({
      total_price: 0,
      total_count: 2,
      queued_count: 0,
      blocked_count: 2,
    });
    for (const message of messagesOf(response)) {
      expect(keys(message)).toEqual(BLOCKED_KEYS);
      expect(message).toMatchObject({
        status: "INSUFFICIENT_CREDIT",
        message_parts: 0,
        message_price: "0.0000",
      });
    }
    expect(sandbox.state.messages).toHaveLength(0);
  });

  it("sends what the balance covers and blocks the rest", async () => {
    await control(sandbox, "POST", "accounts", {
      username: "sandbox_user",
      api_key: "A1B2C3D4-E5F6-4789-ABCD-0123456789AB",
      balance: 0.1,
    });
    const response = await send([
      { to: "+61412345678", body: "one" },
      { to: "+61412345678", body: "two" },
      { to: "+61411111111", body: "free" },
    ]);
    expect(messagesOf(response).map((message) => message.status)).toEqual([
      "SUCCESS",
      "INSUFFICIENT_CREDIT",
      "SUCCESS",
    ]);
    expect(obj(response.body.data)).toMatchObject({ queued_count: 2, blocked_count: 1 });
    expect(await balance()).toBe("0.020800");
  });
});

describe("POST /v3/sms/send: request limits", () => {
  it("accepts 1000 messages and refuses 1001 with 400 TOO_MANY_RECIPIENTS", async () => {
    const messages = (n: number): JsonObject[] =>
      Array.from({ length: n }, () => ({ to: "+61411111111", body: "x" }));
    const accepted = await send(messages(1000));
    expect(obj(accepted.body.data).queued_count).toBe(1000);
    const refused = await send(messages(1001));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      http_code: 400,
      response_code: "TOO_MANY_RECIPIENTS",
      data: null,
    });
    expect(sandbox.state.messages).toHaveLength(1000);
  });

  it.each([
    ["no messages key", {}],
    ["an empty messages array", { messages: [] }],
    ["messages that are not objects", { messages: ["+61412345678"] }],
    ["a body of the wrong type", { messages: [{ to: "+61412345678", body: { text: "x" } }] }],
  ])("answers 400 BAD_REQUEST for %s", async (_name, body) => {
    const response = await client(sandbox).post("/sms/send", body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      http_code: 400,
      response_code: "BAD_REQUEST",
      data: null,
    });
  });
});

describe("POST /v3/sms/price", () => {
  it("prices without sending, charging or storing anything", async () => {
    const response = await client(sandbox).post("/sms/price", {
      messages: [
        { to: "+61412345678", body: "a".repeat(161) },
        { to: "+33612345678", body: "x" },
        { to: "bad", body: "x" },
        { to: "+61411111111", body: "x" },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.response_code).toBe("SUCCESS");
    const data = obj(response.body.data);
    expect(data).toMatchObject({
      total_price: 0.1584,
      total_count: 4,
      queued_count: 2,
      blocked_count: 1,
    });
    expect(data._currency).toEqual({
      currency_name_short: "AUD",
      currency_prefix_d: "$",
      currency_prefix_c: "c",
      currency_name_long: "Australian Dollars",
    });
    const [priced, blocked, invalid, free] = messagesOf(response);
    expect(priced).toEqual({
      to: "+61412345678",
      body: "a".repeat(161),
      from: anyString,
      schedule: "",
      message_id: "",
      message_parts: 2,
      message_price: "0.1584",
      custom_string: "",
      is_shared_system_number: true,
      country: "AU",
      status: "SUCCESS",
    });
    expect(blocked).toMatchObject({ status: "COUNTRY_NOT_ENABLED", message_parts: 0 });
    expect(invalid).toMatchObject({ status: "INVALID_RECIPIENT", message_id: "" });
    expect(free).toMatchObject({ message_parts: 0, message_price: "0.0000" });
    expect(sandbox.state.messages).toHaveLength(0);
    expect(await balance()).toBe("25.000000");
  });

  it("prices for nocredit too (no credit check)", async () => {
    const response = await client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY).post("/sms/price", {
      messages: [{ to: "+61412345678", body: "hi" }],
    });
    expect(messagesOf(response)[0]?.status).toBe("SUCCESS");
  });
});
