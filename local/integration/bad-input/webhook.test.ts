// clicksend-webhook (ClickSend's receipt push) with bad input, through the whole stack: every token
// but the connection's is 401, and with the right token a push for no known message is never
// applied while a push for a pending message with one field broken is refused. See support.ts for
// what every answer must be and how "nothing changed" is checked.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/webhook.test.ts
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CONTENT_TYPES,
  expectBadRequest,
  functionError,
  runs,
  serialize,
  tooLong,
  useBadInputStack,
  withNul,
} from "./support.ts";

const bad = useBadInputStack();
const { send, unchanged } = bad;

const formKeys = fc.oneof(
  fc.constantFrom(
    "message_id",
    "messageid",
    "status",
    "status_code",
    "status_text",
    "error_code",
    "error_text",
    "timestamp",
    "custom_string",
  ),
  fc.string({ unit: "binary", maxLength: 12 }),
);
const formValues = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", "201", "301", "\u0000", "1e400", "-1", "99999999999999", "NaN"),
  fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String),
  tooLong(64),
);
const formBody = fc.oneof(
  fc
    .array(fc.tuple(formKeys, formValues), { maxLength: 6 })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.jsonValue({ maxDepth: 2 }).map(serialize),
  fc.constant(""),
);

describe("clicksend-webhook", () => {
  it("refuses every token but the connection's with 401 JSON", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(""),
          fc
            .string({ unit: "binary", maxLength: 60 })
            .map((text) => `?token=${encodeURIComponent(text)}`),
          fc
            .stringMatching(/^[0-9a-f]{48}$/)
            .filter((candidate) => candidate !== bad.webhookToken)
            .map((candidate) => `?token=${candidate}`),
          fc.constantFrom(
            `?token=${bad.webhookToken.toUpperCase()}`,
            `?token=${bad.webhookToken.slice(1)}`,
            `?token=${bad.webhookToken}0`,
            `?token=${bad.webhookToken}%00`,
            `?token=%20${bad.webhookToken}`,
            `?tok=${bad.webhookToken}`,
            `?token=`,
            `?token=${bad.webhookToken.slice(0, 47)}%C3%A9`,
          ),
        ),
        formBody,
        fc.constantFrom(...CONTENT_TYPES),
        async (query, body, contentType) => {
          const { reply } = await unchanged(() =>
            send("clicksend-webhook", "POST", body, { contentType, query }),
          );
          expect(reply.status, reply.text).toBe(401);
          expect(functionError(reply).code).toBe("invalid_token");
        },
      ),
      runs(40),
    );
  });

  it("with the right token, a push for no known message is acknowledged or refused, never applied", async () => {
    await fc.assert(
      fc.asyncProperty(formBody, fc.constantFrom(...CONTENT_TYPES), async (body, contentType) => {
        fc.pre(!body.includes(bad.pendingMessageId));
        const { reply } = await unchanged(() =>
          send("clicksend-webhook", "POST", body, {
            contentType,
            query: `?token=${bad.webhookToken}`,
          }),
        );
        if (reply.status === 200) {
          expect(JSON.parse(reply.text)).toEqual({ received: true, applied: false });
        } else {
          expectBadRequest(reply, ["invalid_receipt"]);
        }
      }),
      runs(60),
    );
  });

  it("a push for a pending message with one field broken is refused and changes nothing", async () => {
    const valid = () => ({
      message_id: bad.pendingMessageId,
      messageid: bad.pendingMessageId,
      status: "Delivered",
      status_code: "201",
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    const badCode = fc.oneof(
      fc
        .string({ unit: "binary", minLength: 1, maxLength: 20 })
        .filter((text) => !/^\d+$/.test(text)),
      fc.constantFrom("2O1", "201 ", "-201", "20.1", "0x1F", "²⁰¹", "٢٠١"),
      withNul("201"),
      tooLong(64).map((text) => `2${text}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badCode.map((value) => ({ field: "status_code", value })),
          withNul("Delivered").map((value) => ({ field: "status", value })),
          tooLong(100).map((value) => ({ field: "status", value })),
          withNul(bad.pendingMessageId).map((value) => ({ field: "message_id", value })),
          badCode.map((value) => ({ field: "error_code", value })),
          withNul("Absent subscriber").map((value) => ({ field: "error_text", value })),
          tooLong(500).map((value) => ({ field: "error_text", value })),
          withNul("Success: Message received on handset.").map((value) => ({
            field: "status_text",
            value,
          })),
          tooLong(500).map((value) => ({ field: "status_text", value })),
        ),
        async ({ field, value }) => {
          const push = { ...valid(), [field]: value };
          if (field === "message_id") push.messageid = value;
          const { reply } = await unchanged(() =>
            send("clicksend-webhook", "POST", new URLSearchParams(push).toString(), {
              contentType: "application/x-www-form-urlencoded",
              query: `?token=${bad.webhookToken}`,
            }),
          );
          expectBadRequest(reply, ["invalid_receipt"], field);
        },
      ),
      runs(40),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Counterexamples the properties found, kept as plain tests (each answered 500, reached
// ClickSend, or changed a row before the fix).
// ---------------------------------------------------------------------------------------------
describe("regressions found by the properties", () => {
  const push = (fields: Record<string, string>) =>
    unchanged(() =>
      send("clicksend-webhook", "POST", new URLSearchParams(fields).toString(), {
        contentType: "application/x-www-form-urlencoded",
        query: `?token=${bad.webhookToken}`,
      }),
    );

  it("a receipt with an impossible timestamp is acknowledged (was 500 Invalid time value)", async () => {
    const { reply } = await push({ message_id: "abc", timestamp: "99999999999999" });
    expect(reply.status, reply.text).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ received: true, applied: false });
  });

  it("a receipt dated after the year 9999 is acknowledged (was 500: Postgres cannot read +010000-…)", async () => {
    const { reply } = await push({ message_id: "abc", timestamp: "253402300800" });
    expect(reply.status, reply.text).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ received: true, applied: false });
  });

  it("a receipt with a NUL character is refused (was 500 database_error)", async () => {
    expectBadRequest(
      (await push({ message_id: "a\u0000bc" })).reply,
      ["invalid_receipt"],
      ["message_id"],
    );
    expectBadRequest(
      (await push({ message_id: bad.pendingMessageId, status: "\u0000", status_code: "201" }))
        .reply,
      ["invalid_receipt"],
      "status",
    );
  });

  it("a receipt whose status code is not a number does not overwrite a pending message's", async () => {
    const { reply } = await push({
      message_id: bad.pendingMessageId,
      status: "Delivered",
      status_code: "2O1",
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    expectBadRequest(reply, ["invalid_receipt"], "status_code");
  });
});
