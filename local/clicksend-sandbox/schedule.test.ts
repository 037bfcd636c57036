// Scheduled SMS: history shows Scheduled; PUT /sms/{id}/cancel cancels (Cancelled, 301) and
// answers 404 for unknown, sent and already cancelled messages (clicksend-api.md §2.15).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_USERNAME, startSandbox, TEST_ACCOUNT_API_KEY, type Sandbox } from "./server.ts";
import { client, messagesOf, obj, rowsOf, str, type JsonObject } from "./testing.ts";

let clock = Date.UTC(2026, 10, 24, 12, 0, 0);
const nowSeconds = (): number => Math.floor(clock / 1000);
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => clock, receiptDelayMs: 2000 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

const api = () => client(sandbox);
const NOT_FOUND = { http_code: 404, response_code: "NOT_FOUND", data: null };

async function schedule(to: string, inSeconds: number, customString = ""): Promise<string> {
  const response = await api().post("/sms/send", {
    messages: [
      { to, body: "later", schedule: nowSeconds() + inSeconds, custom_string: customString },
    ],
  });
  return str(messagesOf(response)[0]?.message_id);
}

async function historyRow(messageId: string): Promise<JsonObject | undefined> {
  const rows = rowsOf(await api().get("/sms/history", { q: `message_id:${messageId}` }));
  return rows[0];
}

const balanceMicros = (): number | undefined =>
  sandbox.state.accounts.get(SANDBOX_USERNAME)?.balanceMicros;

describe("scheduled messages", () => {
  it("show Scheduled in history with the schedule as a string", async () => {
    const id = await schedule("+61412345678", 3600);
    const row = await historyRow(id);
    expect(row).toMatchObject({
      status: "Scheduled",
      schedule: String(nowSeconds() + 3600),
      status_code: null,
      message_parts: 1,
      message_price: "0.079200",
    });
  });

  it("go out at their time and then get receipts", async () => {
    const id = await schedule("+61412345678", 60);
    clock += 60_000;
    expect(await historyRow(id)).toMatchObject({ status: "Sent", status_code: "200" });
    clock += 2000;
    expect(await historyRow(id)).toMatchObject({ status: "Sent", status_code: "201" });
    const receipt = obj((await api().get(`/sms/receipts/${id}`)).body.data);
    expect(receipt.timestamp_send).toBe(nowSeconds() - 2);
  });

  it("to test numbers complete at once, so they cannot be cancelled (live caveat)", async () => {
    const id = await schedule("+61411111111", 3600);
    expect(await historyRow(id)).toMatchObject({ status: "Completed", status_code: null });
    expect((await api().put(`/sms/${id}/cancel`)).status).toBe(404);
  });
});

describe("PUT /v3/sms/{message_id}/cancel", () => {
  it("cancels a scheduled message: Cancelled, status_code 301, charge refunded", async () => {
    const id = await schedule("+61412345678", 3600);
    expect(balanceMicros()).toBe(24_920_800);
    const response = await api().put(`/sms/${id}/cancel`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Scheduled sms message has been cancelled.",
      data: null,
    });
    expect(await historyRow(id)).toMatchObject({ status: "Cancelled", status_code: "301" });
    expect(balanceMicros()).toBe(25_000_000);
    clock += 7200_000; // its time passes: nothing is sent
    expect(await historyRow(id)).toMatchObject({ status: "Cancelled" });
    expect((await api().get(`/sms/receipts/${id}`)).status).toBe(404);
  });

  it("answers 404 NOT_FOUND for an already cancelled message", async () => {
    const id = await schedule("+61412345678", 3600);
    await api().put(`/sms/${id}/cancel`);
    const again = await api().put(`/sms/${id}/cancel`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject(NOT_FOUND);
  });

  it("answers 404 NOT_FOUND for a message already sent", async () => {
    const response = await api().post("/sms/send", {
      messages: [{ to: "+61412345678", body: "now" }],
    });
    const id = str(messagesOf(response)[0]?.message_id);
    expect((await api().put(`/sms/${id}/cancel`)).body).toMatchObject(NOT_FOUND);
    const due = await schedule("+61412345678", 10);
    clock += 10_000;
    expect((await api().put(`/sms/${due}/cancel`)).body).toMatchObject(NOT_FOUND);
  });

  it("answers 404 NOT_FOUND for an unknown id and for another account's message", async () => {
    expect((await api().put("/sms/1EF2D909-D81A-65FA-BEC7-33227BD3AB16/cancel")).status).toBe(404);
    const id = await schedule("+61412345678", 3600);
    const other = client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY);
    expect((await other.put(`/sms/${id}/cancel`)).status).toBe(404);
    expect(await historyRow(id)).toMatchObject({ status: "Scheduled" });
  });

  it("accepts a lower-case id", async () => {
    const id = await schedule("+61412345678", 3600);
    expect((await api().put(`/sms/${id.toLowerCase()}/cancel`)).status).toBe(200);
  });
});

describe("PUT /v3/sms/cancel-all", () => {
  it("cancels every scheduled SMS, or only those with the given custom_string", async () => {
    await schedule("+61412345678", 3600, "a");
    await schedule("+61412345678", 3600, "b");
    await schedule("+61412345678", 3600, "b");
    const some = await api().put("/sms/cancel-all", { custom_string: "b" });
    expect(some.body).toMatchObject({
      response_msg: "2 sms messages have been cancelled.",
      data: { count: 2 },
    });
    const rest = await api().put("/sms/cancel-all");
    expect(rest.body.data).toEqual({ count: 1 });
  });
});
