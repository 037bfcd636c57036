// The dashboard's actions on the caller's own connection: the send_mms media_url rule (a
// public https URL, or one on the ClickSend API's own origin: the local sandbox's uploads,
// refused with 400 before the database is touched), one slot per read taken and freed around
// ClickSend, and the actions only the dashboard has (price, upload, cancel).
import { beforeEach, describe, expect, it } from "vitest";
import { apiBodySchema, type ApiBody } from "./contracts/function-requests.ts";
import { runDashboardAction } from "./dashboard-api.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import { fakeBackend, reply, type FakeBackend } from "./testing/fake-backend.ts";
import { acceptEverySend, sendData, type FakeClickSend } from "./testing/fake-clicksend.ts";
import {
  CONNECTION,
  prepareSendOf,
  readyAnswer,
  rejection,
  reservedRows,
  USER,
  useFakeClickSend,
} from "./testing/fixtures.ts";

const SANDBOX_BASE = "http://127.0.0.1:54330/v3";
const env: FunctionEnv = {
  SUPABASE_URL: "http://127.0.0.1:54321",
  SUPABASE_ANON_KEY: "anon",
  SUPABASE_SERVICE_ROLE_KEY: "service",
  CLICKSEND_API_BASE: SANDBOX_BASE,
};

/** A service client whose every request is recorded and fails: "did the action use the database?" */
function fakeDb() {
  const backend = fakeBackend();
  return { db: backend.db, used: () => backend.requests.length > 0 };
}

function sendMms(mediaUrl: string): ApiBody {
  return apiBodySchema.parse({
    connection_id: CONNECTION,
    action: "send_mms",
    params: {
      to: ["+61411111111"],
      subject: "Hi",
      body: "Look",
      media_url: mediaUrl,
      idempotency_key: "order-1",
    },
  });
}

describe("dashboard send_mms media_url", () => {
  it("takes any http(s) URL by shape in the body; the action decides", () => {
    expect(() => sendMms("http://127.0.0.1:54330/uploads/a.jpg")).not.toThrow();
    expect(() => sendMms("not a url")).toThrow();
    expect(() => sendMms("javascript:alert(1)")).toThrow();
  });

  it.each([
    ["http://example.com/a.jpg", "Only https:// URLs are accepted, not http:."],
    [
      "https://127.0.0.1/a.jpg",
      "127.0.0.1 is a loopback address; the image must be on a public host.",
    ],
    ["http://127.0.0.1:54331/uploads/a.jpg", "Only https:// URLs are accepted, not http:."],
    [
      "https://localhost/a.jpg",
      "localhost is in the special-use domain .localhost; the image must be on a public host.",
    ],
    ["https://[::1]/a.jpg", "[::1] is a loopback address; the image must be on a public host."],
    [
      "https://10.0.0.1/a.jpg",
      "10.0.0.1 is a private address; the image must be on a public host.",
    ],
    ["https://user:pw@example.com/a.jpg", "The URL must not contain a user name or password."],
    [
      "https://intranet/a.jpg",
      "intranet is a single-label (intranet) name, not a public domain; the image must be on a public host.",
    ],
  ])("refuses %s with 400 before the database", async (url, reason) => {
    const { db, used } = fakeDb();
    const error: unknown = await runDashboardAction(env, db, "user-1", sendMms(url)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_request",
      message: `params.media_url: ${reason}`,
    });
    expect(used()).toBe(false);
  });

  it.each(["http://127.0.0.1:54330/uploads/abc.jpg", "https://example.com/a.jpg"])(
    "lets %s through to the send (it reaches the database)",
    async (url) => {
      const { db, used } = fakeDb();
      const error: unknown = await runDashboardAction(env, db, "user-1", sendMms(url)).catch(
        (caught: unknown) => caught,
      );
      expect(error).not.toMatchObject({ status: 400 });
      expect(used()).toBe(true);
    },
  );

  it("with the real ClickSend, only the public rule remains", async () => {
    const real = { ...env, CLICKSEND_API_BASE: "https://rest.clicksend.com/v3" };
    const { db, used } = fakeDb();
    await expect(
      runDashboardAction(real, db, "user-1", sendMms("http://127.0.0.1:54330/uploads/a.jpg")),
    ).rejects.toMatchObject({ status: 400, code: "invalid_request" });
    expect(used()).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// The other actions, with ClickSend as the in-process fake.
// ---------------------------------------------------------------------------------------------
describe("dashboard actions on the caller's connection", () => {
  let clicksend: FakeClickSend;
  let backend: FakeBackend;
  let live: FunctionEnv;

  useFakeClickSend((started) => {
    clicksend = started;
    live = { ...env, CLICKSEND_API_BASE: started.baseUrl, CLICKSEND_TIMEOUT_MS: 300 };
  });
  beforeEach(() => {
    backend = fakeBackend()
      .rpc("clicksend_prepare_call", reply(readyAnswer()))
      .rpc("clicksend_finish_call", reply(null, 204))
      .table("PATCH", "clicksend_messages", {});
  });

  const run = (body: unknown) =>
    runDashboardAction(live, backend.db, USER, apiBodySchema.parse(body));
  const action = (name: string, params: Record<string, unknown> = {}) =>
    run({ connection_id: CONNECTION, action: name, params });

  it("takes one slot on the caller's own connection and frees it, even when ClickSend fails", async () => {
    clicksend.on("GET", "/sms/receipts/M-1", { status: 404, message: "Receipt record not found." });
    const error = await rejection(action("get_delivery_receipts", { message_id: "M-1" }));
    expect(error).toMatchObject({ status: 404, code: "not_found" });
    expect(backend.rpcArgs("clicksend_prepare_call")).toEqual([
      { p_requests: 1, p_user_id: USER, p_connection_id: CONNECTION },
    ]);
    expect(backend.rpcArgs("clicksend_finish_call")).toEqual([{ p_call_ids: [41] }]);
  });

  it("answers a connection that is not the caller's with 404 connection_not_found, asking ClickSend nothing", async () => {
    backend.rpc("clicksend_prepare_call", reply({ outcome: "connection_not_found" }));
    for (const name of ["get_balance", "send_sms"]) {
      const params = name === "send_sms" ? { to: ["+61411111111"], body: "Hi" } : {};
      expect(await rejection(action(name, params))).toMatchObject({
        status: 404,
        code: "connection_not_found",
      });
    }
    expect(clicksend.calls).toEqual([]);
  });

  it("sends without an audit row (the dashboard is the user, not an agent)", async () => {
    backend.rpc("clicksend_prepare_call", (request) => {
      const recipients = prepareSendOf(request)?.recipients ?? [];
      return reply(readyAnswer({ rows: reservedRows(recipients, "order-1") }));
    });
    clicksend.on("POST", "/sms/send", acceptEverySend);
    const outcome = await action("send_sms", {
      to: ["+61411111111"],
      body: "Hi",
      idempotency_key: "order-1",
    });
    expect(outcome).toMatchObject({ accepted: 1, clicksend_requests: 1 });
    expect(backend.rpcArgs("clicksend_prepare_call")[0]).toMatchObject({
      p_connection_id: CONNECTION,
      p_send: { idempotency_key: "order-1" },
    });
    expect(backend.rpcArgs("clicksend_finish_call")[0]).not.toHaveProperty("p_log");
  });

  it("prices only the valid numbers, read in the account's country", async () => {
    clicksend.on("POST", "/sms/price", {
      data: sendData([{ to: "+61411111111", message_parts: 2, message_price: "0.1540" }]),
    });
    const priced = await action("price_sms", { to: ["0411 111 111", "123"], body: "Hi" });
    expect(clicksend.calls[0]?.body).toEqual({ messages: [{ to: "+61411111111", body: "Hi" }] });
    expect(priced).toEqual({
      total_price: 0.154,
      currency: "AUD",
      messages: [{ to: "+61411111111", parts: 2, price: 0.154, status: "SUCCESS" }],
    });
  });

  it("prices an MMS with its image and subject, and refuses a private media_url first", async () => {
    clicksend.on("POST", "/mms/price", {
      data: sendData([{ to: "+61411111111", message_parts: 1, message_price: "0.5000" }]),
    });
    const mms = { to: ["0411 111 111"], subject: "Sale", body: "20% off" };
    const priced = await action("price_mms", {
      ...mms,
      media_url: "https://example.com/a.jpg",
    });
    expect(clicksend.calls[0]?.body).toEqual({
      media_file: "https://example.com/a.jpg",
      messages: [{ to: "+61411111111", subject: "Sale", body: "20% off" }],
    });
    expect(priced).toEqual({
      total_price: 0.5,
      currency: "AUD",
      messages: [{ to: "+61411111111", parts: 1, price: 0.5, status: "SUCCESS" }],
    });

    clicksend.calls.length = 0;
    const error = await rejection(
      action("price_mms", { ...mms, media_url: "https://10.0.0.1/a.jpg" }),
    );
    expect(error).toMatchObject({ status: 400, code: "invalid_request" });
    expect(clicksend.calls).toEqual([]);
  });

  it("refuses to price when no number is valid, with 400 and the slot freed", async () => {
    const error = await rejection(action("price_sms", { to: ["123", "+999"], body: "Hi" }));
    expect(error).toMatchObject({ status: 400, code: "invalid_arguments" });
    expect(clicksend.calls).toEqual([]);
    expect(backend.calls("clicksend_finish_call")).toHaveLength(1);
  });

  it("judges an upload's decoded size before the database: 250 kB passes, a byte more does not", async () => {
    clicksend.on("POST", "/uploads", {
      data: { _url: "https://cdn.example.com/a.gif", upload_id: 1, date_delete: 1_800_000_000 },
    });
    // 341,336 base64 characters are 256,002 bytes, or 256,000 (250 kB) with "==" padding.
    const exact = `${"A".repeat(341_334)}==`;
    expect(
      await action("upload_media", { content_type: "image/gif", content_base64: exact }),
    ).toEqual({ url: "https://cdn.example.com/a.gif", expires_at: 1_800_000_000 });
    backend.requests.length = 0;
    const over = "A".repeat(341_336);
    const error = await rejection(
      action("upload_media", { content_type: "image/gif", content_base64: over }),
    );
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_media",
      message: "MMS images can be at most 250 kB; this one is 251 kB.",
    });
    expect(backend.requests).toEqual([]);
  });

  it("refuses an upload that is not an MMS image type before the database", async () => {
    const error = await rejection(
      action("upload_media", { content_type: "image/webp", content_base64: "UklGRg==" }),
    );
    expect(error).toMatchObject({ status: 400, code: "invalid_media" });
    expect(backend.requests).toEqual([]);
  });

  it("cancels at ClickSend first, then marks that connection's message Cancelled", async () => {
    clicksend.on("PUT", "/sms/M-1/cancel", { data: null });
    expect(await action("cancel_scheduled", { message_id: "M-1" })).toEqual({
      cancelled: true,
      message_id: "M-1",
    });
    const [patch] = backend.calls("clicksend_messages");
    expect(patch?.query.get("user_oauth_connection_id")).toBe(`eq.${CONNECTION}`);
    expect(patch?.query.get("message_id")).toBe("eq.M-1");
    expect(patch?.body).toMatchObject({ status: "Cancelled", status_code: "301" });
  });

  it("changes nothing when ClickSend will not cancel", async () => {
    clicksend.on("PUT", "/sms/M-1/cancel", { status: 404, message: "Message not found." });
    expect(await rejection(action("cancel_scheduled", { message_id: "M-1" }))).toMatchObject({
      status: 404,
      code: "not_found",
    });
    expect(backend.calls("clicksend_messages")).toEqual([]);
  });
});
