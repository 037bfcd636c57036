// The receipt push's rules: a token that cannot be one is refused before the database; a
// well-formed push costs one call that checks the token and applies the receipt together; a
// malformed one is judged only after its token is known (401 first, then 400 naming the field);
// ClickSend's legacy keys and unreadable timestamps are taken as it sends them.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { applyReceiptPush } from "./receipt-webhook.ts";
import { fakeBackend, pgError, reply, type FakeBackend } from "./testing/fake-backend.ts";
import { CONNECTION, rejection } from "./testing/fixtures.ts";

const TOKEN = "0f".repeat(24);
let backend: FakeBackend;

beforeEach(() => {
  backend = fakeBackend()
    .rpc("clicksend_receipt_push", reply("applied"))
    .rpc("clicksend_webhook_connection", reply(CONNECTION));
});

const push = (fields: Record<string, string>, token: string | null = TOKEN) =>
  applyReceiptPush(backend.db, token, new URLSearchParams(fields));

describe("applyReceiptPush", () => {
  it.each([null, "", "0F".repeat(24), "0f".repeat(23), `${TOKEN}0`, "zz".repeat(24)])(
    "refuses the token %j with 401 before the database",
    async (token) => {
      expect(await rejection(push({ message_id: "M-1" }, token))).toMatchObject({
        status: 401,
        code: "invalid_token",
      });
      expect(backend.requests).toEqual([]);
    },
  );

  it("applies a well-formed push in one call that also checks the token", async () => {
    const result = await push({
      message_id: "M-1",
      status: "Delivered",
      status_code: "201",
      timestamp: "1750000060",
    });
    expect(result).toEqual({ applied: true });
    expect(backend.requests.map((r) => r.name)).toEqual(["clicksend_receipt_push"]);
    expect(backend.rpcArgs("clicksend_receipt_push")).toEqual([
      {
        p_token: TOKEN,
        p_message_id: "M-1",
        p_status: "Delivered",
        p_status_code: "201",
        p_received_at: "2025-06-15T15:07:40.000Z",
        p_status_text: "",
        p_error_code: "",
        p_error_text: "",
      },
    ]);
  });

  it("passes the status text and the gateway error on for the message's timeline", async () => {
    await push({
      message_id: "M-1",
      status: "Failed",
      status_code: "301",
      status_text: "Failed: Absent subscriber.",
      error_code: "12",
      error_text: "Absent subscriber: the handset was off or out of range.",
      timestamp: "1750000060",
    });
    expect(backend.rpcArgs("clicksend_receipt_push")[0]).toMatchObject({
      p_status_code: "301",
      p_status_text: "Failed: Absent subscriber.",
      p_error_code: "12",
      p_error_text: "Absent subscriber: the handset was off or out of range.",
    });
  });

  it("reads ClickSend's legacy messageid when message_id is missing or empty", async () => {
    await push({ message_id: "", messageid: "M-2" });
    await push({ messageid: "M-3" });
    expect(backend.rpcArgs("clicksend_receipt_push").map((args) => args.p_message_id)).toEqual([
      "M-2",
      "M-3",
    ]);
  });

  it("sends a missing status and status code as empty text", async () => {
    await push({ message_id: "M-1", status_code: "" });
    expect(backend.rpcArgs("clicksend_receipt_push")[0]).toMatchObject({
      p_status: "",
      p_status_code: "",
    });
  });

  it("acknowledges a push for an unknown message (or one that would move it backwards) without applying it", async () => {
    backend.rpc("clicksend_receipt_push", reply("ignored"));
    expect(await push({ message_id: "M-1" })).toEqual({ applied: false });
  });

  it("refuses a well-formed push whose token the database does not know with 401", async () => {
    backend.rpc("clicksend_receipt_push", reply("invalid_token"));
    expect(await rejection(push({ message_id: "M-1" }))).toMatchObject({
      status: 401,
      code: "invalid_token",
    });
  });

  describe("timestamps", () => {
    const NOW = Date.parse("2026-03-01T12:00:00Z");
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(NOW);
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it.each(["", "soon", "0", "-5", "99999999999999", "1e400"])(
      "takes the unreadable or impossible timestamp %j as now",
      async (timestamp) => {
        await push({ message_id: "M-1", timestamp });
        expect(backend.rpcArgs("clicksend_receipt_push")[0]?.p_received_at).toBe(
          new Date(NOW).toISOString(),
        );
      },
    );
  });

  describe("a malformed push", () => {
    it.each([
      [{ status: "Delivered" }, "message_id: the receipt has none"],
      [{ message_id: "", messageid: "" }, "message_id: the receipt has none"],
      [
        { message_id: "M-1", status_code: "2O1" },
        "status_code: a ClickSend status code is a number such as 200, 201 or 301",
      ],
      [
        { message_id: "M-1", status_code: "123456" },
        "status_code: a ClickSend status code is a number such as 200, 201 or 301",
      ],
      [
        { message_id: "M-1", status: "Deliv\u0000ered" },
        "status: must not contain a NUL character",
      ],
      [{ message_id: "M".repeat(65) }, "message_id: at most 64 characters"],
      [{ messageid: "M-1", status: "x".repeat(101) }, "status: at most 100 characters"],
      [
        { message_id: "M-1", error_code: "twelve" },
        "error_code: a ClickSend error code is a number such as 8 or 12",
      ],
      [{ message_id: "M-1", error_text: "x".repeat(501) }, "error_text: at most 500 characters"],
      [
        { message_id: "M-1", status_text: "Sent\u0000" },
        "status_text: must not contain a NUL character",
      ],
    ])("%j is 400 naming the field, once its token is known", async (fields, message) => {
      const error = await rejection(push(fields));
      expect(error).toMatchObject({ status: 400, code: "invalid_receipt", message });
      expect(backend.rpcArgs("clicksend_webhook_connection")).toEqual([{ p_token: TOKEN }]);
      expect(backend.calls("clicksend_receipt_push")).toEqual([]);
    });

    it("is 401, not 400, when its token is unknown", async () => {
      backend.rpc("clicksend_webhook_connection", reply(null));
      expect(await rejection(push({ status_code: "2O1" }))).toMatchObject({
        status: 401,
        code: "invalid_token",
      });
    });

    it("is 500 when the token cannot be checked", async () => {
      backend.rpc("clicksend_webhook_connection", pgError(500, "XX000"));
      expect(await rejection(push({ status_code: "2O1" }))).toMatchObject({
        status: 500,
        code: "database_error",
      });
    });
  });

  it("answers a database failure so that ClickSend pushes again: 503 when shed, 500 otherwise, both retryable", async () => {
    backend.rpc("clicksend_receipt_push", pgError(503, "PGRST000"));
    expect(await rejection(push({ message_id: "M-1" }))).toMatchObject({
      status: 503,
      code: "database_error",
      retryable: true,
    });
    backend.rpc("clicksend_receipt_push", pgError(500, "XX000"));
    expect(await rejection(push({ message_id: "M-1" }))).toMatchObject({
      status: 500,
      retryable: true,
    });
  });
});
