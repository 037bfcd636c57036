// Delivery receipts (clicksend-api.md §2.9–2.12, §2.14): 200 then 201 after the receipt delay,
// magic numbers for the other codes, none for test numbers; polling, single lookup, mark-read.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, TEST_ACCOUNT_API_KEY, type Sandbox } from "./server.ts";
import {
  anyNumber,
  anyString,
  client,
  eventually,
  keys,
  messagesOf,
  obj,
  rowsOf,
  sorted,
  str,
  type JsonObject,
} from "./testing.ts";

const DELAY = 2000;
let clock = Date.UTC(2026, 10, 24, 12, 0, 0);
const nowSeconds = (): number => Math.floor(clock / 1000);
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => clock, receiptDelayMs: DELAY });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

const api = () => client(sandbox);
const RECEIPT_KEYS = sorted([
  "timestamp_send",
  "timestamp",
  "message_id",
  "status_code",
  "status_text",
  "error_code",
  "error_text",
  "custom_string",
  "subaccount_id",
  "message_type",
  "digits",
]);

async function send(to: string, customString = ""): Promise<string> {
  const response = await api().post("/sms/send", {
    messages: [{ to, body: "hi", custom_string: customString }],
  });
  const [message] = messagesOf(response);
  expect(message?.status).toBe("SUCCESS");
  return str(message?.message_id);
}

async function unread(): Promise<JsonObject[]> {
  return rowsOf(await api().get("/sms/receipts", { limit: 100 }));
}

async function codes(messageId: string): Promise<[unknown, unknown][]> {
  return (await unread())
    .filter((receipt) => receipt.message_id === messageId)
    .map((receipt) => [receipt.status_code, receipt.error_code]);
}

describe("receipt progression", () => {
  it("gives a real number a 200 receipt at once and a 201 after the delay", async () => {
    const sentAt = nowSeconds();
    const id = await send("+61412345678", "order-1");
    const first = await api().get("/sms/receipts");
    expect(first.body).toMatchObject({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Here are your delivery receipts.",
    });
    const [sent] = rowsOf(first);
    expect(keys(sent)).toEqual(RECEIPT_KEYS);
    expect(sent).toEqual({
      timestamp_send: sentAt,
      timestamp: sentAt,
      message_id: id,
      status_code: "200",
      status_text: anyString,
      error_code: null,
      error_text: null,
      custom_string: "order-1",
      subaccount_id: anyNumber,
      message_type: "sms",
      digits: null,
    });

    clock += DELAY - 1;
    expect(await codes(id)).toEqual([["200", null]]);
    clock += 1;
    expect(await codes(id)).toEqual([
      ["200", null],
      ["201", null],
    ]);
    const delivered = obj((await api().get(`/sms/receipts/${id}`)).body.data);
    expect(delivered).toMatchObject({
      status_code: "201",
      status_text: "Success: Message received on handset.",
      timestamp_send: sentAt,
      timestamp: nowSeconds(),
    });
    const row = rowsOf(await api().get("/sms/history"))[0];
    expect(row).toMatchObject({ status: "Sent", status_code: "201", error_code: null });
  });

  it.each([
    [
      "+61400000301",
      [
        ["200", null],
        ["301", "8"],
      ],
      "Failed",
    ],
    [
      "+61400000300",
      [
        ["300", "16"],
        ["201", null],
      ],
      "Sent",
    ],
    [
      "+61400000302",
      [
        ["302", null],
        ["301", "18"],
      ],
      "Failed",
    ],
    [
      "+61400001019",
      [
        ["200", null],
        ["301", "19"],
      ],
      "Failed",
    ],
    [
      "+61400001016",
      [
        ["200", null],
        ["300", "16"],
      ],
      "Failed",
    ],
    ["+61400000200", [["200", null]], "Sent"],
  ] as const)("follows the magic number %s", async (to, expected, finalStatus) => {
    const id = await send(to);
    clock += DELAY * 5;
    expect(await codes(id)).toEqual(expected);
    const [lastCode, lastError] = expected.at(-1) ?? [];
    const row = rowsOf(await api().get("/sms/history"))[0];
    expect(row).toMatchObject({
      status: finalStatus,
      status_code: lastCode,
      error_code: lastError,
    });
    if (lastError !== null) {
      expect(row?.error_text).toEqual(anyString);
    }
  });

  it("never gives a test number a receipt: 404 Receipt record not found.", async () => {
    const id = await send("+61411111111");
    clock += DELAY * 5;
    expect(await unread()).toEqual([]);
    const response = await api().get(`/sms/receipts/${id}`);
    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      http_code: 404,
      response_code: "NOT_FOUND",
      response_msg: "Receipt record not found.",
      data: null,
    });
  });

  it("keeps receipts per account", async () => {
    const id = await send("+61412345678");
    const other = client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY);
    expect(rowsOf(await other.get("/sms/receipts"))).toEqual([]);
    expect((await other.get(`/sms/receipts/${id}`)).status).toBe(404);
  });
});

describe("reading receipts", () => {
  it("does not mark receipts read by listing them", async () => {
    await send("+61412345678");
    await unread();
    expect(await unread()).toHaveLength(1);
  });

  it("marks all unread receipts read without date_before", async () => {
    const id = await send("+61412345678");
    clock += DELAY;
    expect(await unread()).toHaveLength(2);
    const response = await api().put("/sms/receipts-read");
    expect(response.body).toEqual({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Receipts have been marked as read.",
      data: null,
    });
    expect(await unread()).toEqual([]);
    expect(obj((await api().get(`/sms/receipts/${id}`)).body.data).status_code).toBe("201");
  });

  it("marks only receipts strictly before date_before", async () => {
    const first = await send("+61412345678");
    clock += 1000; // less than the receipt delay: only the 200 receipts exist
    const second = await send("+61412345679");
    const cutoff = nowSeconds();
    await api().put("/sms/receipts-read", { date_before: cutoff });
    expect((await unread()).map((receipt) => receipt.message_id)).toEqual([second]);
    expect((await api().put("/sms/receipts-read", { date_before: 1 })).status).toBe(200);
    expect(first).not.toBe(second);
  });

  it("answers 400 for a date_before that is not a unix time", async () => {
    const response = await api().put("/sms/receipts-read", { date_before: "yesterday" });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ response_code: "BAD_REQUEST", data: null });
  });

  it("paginates receipts", async () => {
    await api().post("/sms/send", {
      messages: Array.from({ length: 20 }, (_, i) => ({
        to: `+614123456${String(i).padStart(2, "0")}`,
        body: "x",
      })),
    });
    const data = obj((await api().get("/sms/receipts")).body.data);
    expect(data).toMatchObject({ total: 20, per_page: 15, last_page: 2, from: 1, to: 15 });
  });

  it("queues nothing for polling without an enabled POLL rule", async () => {
    const rules = rowsOf(await api().get("/automations/sms/receipts"));
    for (const rule of rules)
      await api().del(`/automations/sms/receipts/${str(rule.receipt_rule_id)}`);
    const id = await send("+61412345678");
    expect(await unread()).toEqual([]);
    expect((await api().get(`/sms/receipts/${id}`)).status).toBe(200);
  });

  it("POST /sms/receipts adds a made-up 201 receipt to the poll queue", async () => {
    const response = await api().post("/sms/receipts", { url: "poll" });
    expect(response.status).toBe(200);
    const receipt = obj(response.body.data);
    expect(keys(receipt)).toEqual(RECEIPT_KEYS);
    expect(receipt.status_code).toBe("201");
    expect((await unread()).map((row) => row.message_id)).toEqual([receipt.message_id]);
    expect((await api().post("/sms/receipts", { url: "ftp://x" })).status).toBe(400);
  });
});

describe("real timers", () => {
  it("progresses 200 → 201 on its own after receiptDelayMs", async () => {
    const live = await startSandbox({ port: 0, receiptDelayMs: 50 });
    try {
      await client(live).post("/sms/send", { messages: [{ to: "+61412345678", body: "hi" }] });
      await eventually(() => {
        expect(live.state.receipts.map((receipt) => receipt.statusCode)).toEqual([200, 201]);
      });
      expect(live.state.messages[0]).toMatchObject({ status: "Sent", statusCode: "201" });
    } finally {
      await live.close();
    }
  });
});
