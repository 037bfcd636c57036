// GET /v3/sms/history and /v3/mms/history: row shapes (clicksend-api.md §2.7–2.8), the
// paginator and its edges (§1.5), q / operator / order_by (§1.6) and date_from / date_to.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_USERNAME, startSandbox, type Sandbox } from "./server.ts";
import {
  anyNumber,
  anyString,
  arr,
  basic,
  client,
  keys,
  messagesOf,
  obj,
  rowsOf,
  sorted,
  str,
  type JsonObject,
} from "./testing.ts";

let clock = Date.UTC(2026, 10, 24, 12, 0, 0);
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

const api = () => client(sandbox);

const SMS_ROW_KEYS = sorted([
  "direction",
  "date",
  "to",
  "body",
  "from",
  "status",
  "schedule",
  "status_code",
  "status_text",
  "error_code",
  "error_text",
  "message_id",
  "message_parts",
  "message_price",
  "from_email",
  "list_id",
  "custom_string",
  "contact_id",
  "user_id",
  "subaccount_id",
  "country",
  "carrier",
  "first_name",
  "last_name",
  "_api_username",
]);
const PAGINATOR_KEYS = sorted([
  "total",
  "per_page",
  "current_page",
  "last_page",
  "next_page_url",
  "prev_page_url",
  "from",
  "to",
  "data",
]);

/** Sends n test-number messages, one second apart. */
async function sendMany(n: number, to = "+61411111111"): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    await api().post("/sms/send", { messages: [{ to, body: `message ${i}` }] });
    clock += 1000;
  }
}

async function page(query: Record<string, string | number>): Promise<JsonObject> {
  const response = await api().get("/sms/history", query);
  expect(response.status).toBe(200);
  return obj(response.body.data);
}

describe("GET /v3/sms/history rows", () => {
  it("has the documented fields and types for a priced message", async () => {
    const sent = await api().post("/sms/send", {
      messages: [{ to: "+61412345678", body: "hello", custom_string: "ref", from_email: "a@b.c" }],
    });
    const id = messagesOf(sent)[0]?.message_id;
    const response = await api().get("/sms/history");
    expect(response.body).toMatchObject({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: anyString,
    });
    const [row] = rowsOf(response);
    expect(keys(row)).toEqual(SMS_ROW_KEYS);
    expect(row).toEqual({
      direction: "out",
      date: nowSeconds(),
      to: "+61412345678",
      body: "hello",
      from: anyString,
      status: "Sent",
      schedule: String(nowSeconds()),
      status_code: "200",
      status_text: anyString,
      error_code: null,
      error_text: null,
      message_id: id,
      message_parts: 1,
      message_price: "0.079200",
      from_email: "a@b.c",
      list_id: null,
      custom_string: "ref",
      contact_id: null,
      user_id: anyNumber,
      subaccount_id: anyNumber,
      country: "AU",
      carrier: anyString,
      first_name: null,
      last_name: null,
      _api_username: "sandbox_user",
    });
  });

  it("shows a test-number send as Completed, null status_code, 0 parts, price 0.0000 (live)", async () => {
    await sendMany(1);
    expect(rowsOf(await api().get("/sms/history"))[0]).toMatchObject({
      status: "Completed",
      status_code: null,
      message_parts: 0,
      message_price: "0.0000",
    });
  });

  it("lists only accepted messages of the calling account", async () => {
    await api().post("/sms/send", {
      messages: [
        { to: "bad", body: "x" },
        { to: "+33612345678", body: "x" },
        { to: "+61411111111", body: "kept" },
      ],
    });
    const rows = rowsOf(await api().get("/sms/history"));
    expect(rows.map((row) => row.body)).toEqual(["kept"]);
    await api().post("/mms/send", {
      media_file: "https://example.com/a.jpg",
      messages: [{ to: "+61411111111", subject: "s", body: "mms" }],
    });
    expect(rowsOf(await api().get("/sms/history"))).toHaveLength(1);
  });
});

describe("pagination", () => {
  it("answers an empty list with last_page 0 and null from/to", async () => {
    const data = await page({});
    expect(keys(data)).toEqual(PAGINATOR_KEYS);
    expect(data).toEqual({
      total: 0,
      per_page: 15,
      current_page: 1,
      last_page: 0,
      next_page_url: null,
      prev_page_url: null,
      from: null,
      to: null,
      data: [],
    });
  });

  it("clamps limit to 15–100 and defaults to 15", async () => {
    await sendMany(3);
    expect((await page({ limit: 5 })).per_page).toBe(15);
    expect((await page({ limit: 500 })).per_page).toBe(100);
    expect((await page({ limit: 40 })).per_page).toBe(40);
    expect((await page({ limit: "abc" })).per_page).toBe(15);
    expect((await page({ page: 0 })).current_page).toBe(1);
    expect((await page({ page: -3 })).current_page).toBe(1);
  });

  it("walks 31 rows in pages of 15: first, middle, last and beyond", async () => {
    await sendMany(31);
    const first = await page({});
    expect(first).toMatchObject({
      total: 31,
      per_page: 15,
      current_page: 1,
      last_page: 3,
      next_page_url: `${sandbox.url}/sms/history?page=2`,
      prev_page_url: null,
      from: 1,
      to: 15,
    });
    expect(first.data).toHaveLength(15);
    const second = await page({ page: 2 });
    expect(second).toMatchObject({
      current_page: 2,
      next_page_url: `${sandbox.url}/sms/history?page=3`,
      prev_page_url: `${sandbox.url}/sms/history?page=1`,
      from: 16,
      to: 30,
    });
    const last = await page({ page: 3 });
    expect(last).toMatchObject({ current_page: 3, next_page_url: null, from: 31, to: 31 });
    expect(obj(arr(last.data)[0]).body).toBe("message 30");
    const beyond = await page({ page: 4 });
    expect(beyond).toMatchObject({
      total: 31,
      current_page: 4,
      last_page: 3,
      next_page_url: null,
      prev_page_url: `${sandbox.url}/sms/history?page=3`,
      from: null,
      to: null,
      data: [],
    });
  });

  it("fits exactly one full page without a next page", async () => {
    await sendMany(15);
    expect(await page({})).toMatchObject({ last_page: 1, next_page_url: null, to: 15 });
  });
});

describe("filters and order", () => {
  async function seed(): Promise<string[]> {
    const ids: string[] = [];
    for (const [to, from] of [
      ["+61411111111", "AAA"],
      ["+61422222222", "BBB"],
      ["+61412345678", "CCC"],
    ] as const) {
      const sent = await api().post("/sms/send", { messages: [{ to, from, body: `to ${to}` }] });
      ids.push(str(messagesOf(sent)[0]?.message_id));
      clock += 10_000;
    }
    return ids;
  }

  it("filters with q=field:value on status, to, from and message_id, case-insensitively", async () => {
    const ids = await seed();
    const bodies = async (q: string, extra: Record<string, string> = {}): Promise<unknown[]> =>
      rowsOf(await api().get("/sms/history", { q, ...extra })).map((row) => row.body);
    expect(await bodies("status:completed")).toEqual(["to +61411111111", "to +61422222222"]);
    expect(await bodies("status:Sent")).toEqual(["to +61412345678"]);
    expect(await bodies("to:+61422222222")).toEqual(["to +61422222222"]);
    expect(await bodies("from:ccc")).toEqual(["to +61412345678"]);
    expect(await bodies(`message_id:${ids[0]?.toLowerCase() ?? ""}`)).toEqual(["to +61411111111"]);
    expect(await bodies("status:Completed,from:BBB")).toEqual(["to +61422222222"]);
    expect(await bodies("from:AAA,from:CCC", { operator: "OR" })).toEqual([
      "to +61411111111",
      "to +61412345678",
    ]);
    // custom_string is not a filter: ignored, as documented.
    expect(await bodies("custom_string:zzz")).toHaveLength(3);
  });

  it("reads an unencoded + in q as a space, like any form decoder (encode it as %2B)", async () => {
    await seed();
    const url = `${sandbox.url}/sms/history?q=to:+61422222222`;
    const response = await fetch(url, {
      headers: { authorization: basic(SANDBOX_USERNAME, SANDBOX_API_KEY) },
    });
    const data = obj(((await response.json()) as { data: JsonObject }).data);
    expect(data.total).toBe(0);
  });

  it("sorts with order_by=field:asc|desc (default date:asc)", async () => {
    await seed();
    const froms = async (orderBy?: string): Promise<unknown[]> =>
      rowsOf(await api().get("/sms/history", orderBy ? { order_by: orderBy } : {})).map(
        (row) => row.from,
      );
    expect(await froms()).toEqual(["AAA", "BBB", "CCC"]);
    expect(await froms("date:desc")).toEqual(["CCC", "BBB", "AAA"]);
    expect(await froms("from:desc")).toEqual(["CCC", "BBB", "AAA"]);
    expect(await froms("to:asc")).toEqual(["AAA", "CCC", "BBB"]);
    expect(await froms("status:asc")).toEqual(["AAA", "BBB", "CCC"]);
    expect(await froms("nonsense:desc")).toEqual(["CCC", "BBB", "AAA"]);
  });

  it("filters by date_from and date_to, both inclusive", async () => {
    const start = nowSeconds();
    await seed();
    const count = async (query: Record<string, number>): Promise<unknown> =>
      obj((await api().get("/sms/history", query)).body.data).total;
    expect(await count({ date_from: start + 10 })).toBe(2);
    expect(await count({ date_to: start + 10 })).toBe(2);
    expect(await count({ date_from: start + 10, date_to: start + 10 })).toBe(1);
    expect(await count({ date_from: start + 21 })).toBe(0);
  });
});

describe("GET /v3/mms/history", () => {
  it("adds subject, _media_file_url, priority and date_added; message_parts is a string", async () => {
    await api().post("/mms/send", {
      media_file: "https://example.com/picture.jpg",
      messages: [{ to: "+61412345678", subject: "Hi", body: "look" }],
    });
    const [row] = rowsOf(await api().get("/mms/history"));
    expect(keys(row)).toEqual(
      sorted([...SMS_ROW_KEYS, "subject", "_media_file_url", "priority", "date_added"]),
    );
    expect(row).toMatchObject({
      status: "Sent",
      status_code: "200",
      status_text: "Sent",
      subject: "Hi",
      _media_file_url: "https://example.com/picture.jpg",
      priority: 0,
      date_added: nowSeconds(),
      message_parts: "1.00",
      message_price: "0.440000",
    });
    const filtered = await api().get("/mms/history", { q: "subject:hi", order_by: "subject:desc" });
    expect(rowsOf(filtered)).toHaveLength(1);
  });

  it("shows a failed MMS to the failure magic number", async () => {
    await api().post("/mms/send", {
      media_file: "https://example.com/picture.gif",
      messages: [{ to: "+61400000301", subject: "Hi", body: "look" }],
    });
    expect(rowsOf(await api().get("/mms/history"))[0]).toMatchObject({
      status: "Failed",
      status_code: "301",
      status_text: "Unable to process your MMS for sending.",
    });
  });
});
