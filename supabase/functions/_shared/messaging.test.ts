// Sending, as its rules: a send is planned without I/O (numbers to E.164 once each, one
// ClickSend request per 1000), the first prepare reserves two requests' worth, and deliver()
// sends part by part, reserving each later part while earlier ones are with ClickSend, keeping
// rows ClickSend may have accepted and freeing the ones it certainly did not.
import { beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "./http.ts";
import { deliver, firstPart, planSend, summarise, type SendRequest } from "./messaging.ts";
import type { MessageRow, ReadyCall, ReservedRow } from "./prepared-call.ts";
import type { FunctionEnv } from "./env.ts";
import { fakeBackend, reply, type FakeBackend } from "./testing/fake-backend.ts";
import { acceptEverySend, sendData, type FakeClickSend } from "./testing/fake-clicksend.ts";
import {
  ACCOUNT,
  CONNECTION,
  readyAnswer,
  readyCall,
  reservedRows,
  USER,
  useFakeClickSend,
  type PrepareSend,
} from "./testing/fixtures.ts";

const sms = (recipients: string[], extra: Partial<SendRequest> = {}): SendRequest => ({
  channel: "sms",
  recipients,
  body: "Hello",
  ...extra,
});
/** n distinct valid Australian mobiles, +61410000000 upwards. */
const mobiles = (n: number, from = 0): string[] =>
  Array.from({ length: n }, (_, i) => `+6141${String(i + from).padStart(7, "0")}`);

function failure(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error("expected an ApiError");
}

describe("planSend", () => {
  it("reads each number once, in the caller's default country before the account's, and lists the rest with a reason", () => {
    const plan = planSend(
      sms(["0411 111 111", "+61411111111", "07400 123456", "hello", "+447400123456"], {
        defaultCountry: "AU",
      }),
      "GB",
    );
    expect(plan.numbers).toEqual(["+61411111111", "+447400123456"]);
    expect(plan.invalid).toEqual([
      { input: "07400 123456", reason: "is not a valid phone number in AU" },
      { input: "hello", reason: "is not a phone number (digits, spaces, + ( ) . - only)" },
    ]);
    expect(plan.reservation.recipients).toEqual(plan.numbers);
  });

  it("reads national numbers in the account's country when the caller gives none", () => {
    expect(planSend(sms(["07400 123456"]), "GB").numbers).toEqual(["+447400123456"]);
  });

  it("counts one ClickSend request per 1000 recipients", () => {
    expect(planSend(sms(mobiles(1000)), "AU").requests).toBe(1);
    expect(planSend(sms(mobiles(1001)), "AU").requests).toBe(2);
    expect(planSend(sms(mobiles(2500)), "AU").requests).toBe(3);
  });

  it("refuses a send with no valid recipient with 400, naming every input and why", () => {
    const error = failure(() => planSend(sms(["12", "+999"]), "AU"));
    expect(error).toMatchObject({ status: 400, code: "invalid_arguments", retryable: false });
    expect(error.message).toBe(
      "No valid recipient: 12 is not a phone number (digits, spaces, + ( ) . - only); +999 is not a valid phone number",
    );
  });

  it("refuses an MMS without media_url and a schedule that is not a date", () => {
    expect(failure(() => planSend({ ...sms(mobiles(1)), channel: "mms" }, "AU"))).toMatchObject({
      status: 400,
      message: "An MMS needs media_url.",
    });
    expect(failure(() => planSend(sms(mobiles(1), { schedule: "tomorrow" }), "AU"))).toMatchObject({
      status: 400,
      message: "schedule must be an ISO 8601 date-time.",
    });
  });

  it("schedules in whole unix seconds and reserves with the same instant", () => {
    const plan = planSend(sms(mobiles(1), { schedule: "2030-01-01T09:00:00.750+10:00" }), "AU");
    expect(plan.schedule).toBe(Date.parse("2029-12-31T23:00:00Z") / 1000);
    expect(plan.reservation.scheduledFor).toBe("2029-12-31T23:00:00.000Z");
  });

  it("reserves under the caller's idempotency key, or a fresh one per send", () => {
    const keyed = planSend(sms(mobiles(1), { idempotencyKey: "order-7" }), "AU");
    expect(keyed.reservation.idempotencyKey).toBe("order-7");
    const first = planSend(sms(mobiles(1)), "AU").reservation.idempotencyKey;
    const second = planSend(sms(mobiles(1)), "AU").reservation.idempotencyKey;
    expect(first).not.toBe(second);
  });

  it("carries custom_string into the reservation only when given", () => {
    expect(planSend(sms(mobiles(1)), "AU").reservation).not.toHaveProperty("customString");
    expect(
      planSend(sms(mobiles(1), { customString: "ref-1" }), "AU").reservation.customString,
    ).toBe("ref-1");
  });

  it("reserves the text sent, so a conversation can show it", () => {
    expect(planSend(sms(mobiles(1), { body: "See you at 5" }), "AU").reservation.body).toBe(
      "See you at 5",
    );
  });
});

describe("firstPart", () => {
  it("reserves the first two ClickSend requests' recipients, in order, and tells the whole count", () => {
    const plan = planSend(sms(mobiles(2500), { idempotencyKey: "bulk-1" }), "AU");
    const part = firstPart(plan);
    expect(part.recipients).toEqual(plan.numbers.slice(0, 2000));
    expect(part.total).toBe(2500);
    expect(part.idempotencyKey).toBe("bulk-1");
  });

  it("reserves a small send whole", () => {
    const plan = planSend(sms(mobiles(3)), "AU");
    expect(firstPart(plan)).toMatchObject({ recipients: plan.numbers, total: 3 });
  });
});

describe("summarise", () => {
  const row = (recipient: string, status: string, price: number | null, currency: string | null) =>
    ({
      id: `row-${recipient}`,
      recipient,
      idempotency_key: "k",
      message_id: price === null ? null : `M-${recipient}`,
      status,
      message_parts: price === null ? null : 1,
      price,
      currency,
    }) satisfies MessageRow;

  it("counts SUCCESS and Scheduled as accepted and everything else as rejected", () => {
    const outcome = summarise(
      [
        row("+61411111111", "SUCCESS", 0.077, "AUD"),
        row("+61411111112", "Scheduled", 0.077, "AUD"),
        row("+61411111113", "INVALID_RECIPIENT", null, null),
        row("+61411111114", "UNKNOWN", null, null),
      ],
      false,
      [],
      1,
    );
    expect([outcome.recipients, outcome.accepted, outcome.rejected]).toEqual([4, 2, 2]);
  });

  it("counts a replayed row whose receipt has since arrived as accepted (its status is the receipt's word)", () => {
    const outcome = summarise(
      [
        row("+61411111111", "Sent", 0.077, "AUD"),
        row("+61411111112", "Failed", 0.077, "AUD"),
        row("+61411111113", "INVALID_RECIPIENT", null, null),
      ],
      true,
      [],
      0,
    );
    expect([outcome.accepted, outcome.rejected]).toEqual([2, 1]);
  });

  it("adds prices to six decimals, takes the first known currency and keeps the row order", () => {
    const outcome = summarise(
      [
        row("+61411111113", "INVALID_RECIPIENT", null, null),
        row("+61411111111", "SUCCESS", 0.1, "AUD"),
        row("+61411111112", "SUCCESS", 0.2, "AUD"),
      ],
      true,
      [{ input: "x", reason: "is not a phone number" }],
      0,
    );
    expect(outcome).toMatchObject({
      idempotent_replay: true,
      total_price: 0.3,
      currency: "AUD",
      clicksend_requests: 0,
      invalid_numbers: [{ input: "x", reason: "is not a phone number" }],
    });
    expect(outcome.messages).toEqual([
      {
        to: "+61411111113",
        message_id: null,
        status: "INVALID_RECIPIENT",
        parts: null,
        price: null,
      },
      { to: "+61411111111", message_id: "M-+61411111111", status: "SUCCESS", parts: 1, price: 0.1 },
      { to: "+61411111112", message_id: "M-+61411111112", status: "SUCCESS", parts: 1, price: 0.2 },
    ]);
  });

  it("has no currency when no row has one", () => {
    expect(summarise([row("+61411111111", "FAILED", null, null)], false, [], 1).currency).toBe(
      null,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// deliver: ClickSend through the fake's fetch, the database through the fake backend.
// ---------------------------------------------------------------------------------------------
let clicksend: FakeClickSend;
let backend: FakeBackend;
const env: FunctionEnv = {
  SUPABASE_URL: "http://backend.test",
  SUPABASE_ANON_KEY: "anon",
  SUPABASE_SERVICE_ROLE_KEY: "service",
  CLICKSEND_API_BASE: "http://127.0.0.1:9/v3",
};
const caller = { userId: USER, connectionId: CONNECTION };

useFakeClickSend((started) => {
  clicksend = started;
});
beforeEach(() => {
  backend = fakeBackend();
});

const rowsFor = (recipients: string[], from = 0): ReservedRow[] =>
  reservedRows(recipients, "bulk-1", from);

/** clicksend_prepare_call reserving each later part it is asked for (or what `part` answers). */
function reserveParts(part?: (send: PrepareSend) => unknown): void {
  backend.rpc("clicksend_prepare_call", (request) => {
    const send = (request.body as { p_send: PrepareSend }).p_send;
    const answer = part?.(send);
    if (answer !== undefined) return reply(answer);
    return reply(readyAnswer({ call_ids: [], rows: rowsFor(send.recipients, send.first_index) }));
  });
  backend.rpc("clicksend_finish_call", reply(null, 204));
}

const readyFor = (recipients: string[]): ReadyCall =>
  readyCall(clicksend.client(), { callIds: [11], rows: rowsFor(recipients.slice(0, 2000)) });

async function run(request: SendRequest) {
  const plan = planSend({ ...request, idempotencyKey: "bulk-1" }, "AU");
  const delivery = await deliver(env, backend.db, caller, readyFor(plan.numbers), request, plan);
  return { plan, delivery, unrecorded: await delivery.unrecorded };
}

const sentCounts = (): number[] =>
  clicksend.calls
    .filter((call) => call.path === "/sms/send")
    .map((call) => (call.body as { messages: unknown[] }).messages.length);

describe("deliver", () => {
  it("sends 1000 recipients per request and records early parts while the next is out", async () => {
    reserveParts();
    clicksend.on("POST", "/sms/send", acceptEverySend);
    const { delivery, unrecorded } = await run(sms(mobiles(2500)));

    expect(sentCounts()).toEqual([1000, 1000, 500]);
    expect(delivery).toMatchObject({ requests: 3, error: null, release: [] });
    expect(delivery.done).toHaveLength(2500);
    expect(unrecorded).toEqual([]);
    // The first two parts were recorded on their own (no call ids); the last is left to finishSend.
    const records = backend.rpcArgs("clicksend_finish_call");
    expect(records.map((args) => [args.p_call_ids, (args.p_results as unknown[]).length])).toEqual([
      [[], 1000],
      [[], 1000],
    ]);
    expect(delivery.results.map((result) => result.id)).toEqual(
      rowsFor(mobiles(500, 2000), 2000).map((row) => row.id),
    );
  });

  it("reserves only the parts beyond the first two, one request's recipients each", async () => {
    reserveParts();
    clicksend.on("POST", "/sms/send", acceptEverySend);
    await run(sms(mobiles(3500)));
    const parts = backend
      .rpcArgs("clicksend_prepare_call")
      .map((args) => [
        args.p_requests,
        (args.p_send as PrepareSend).first_index,
        (args.p_send as PrepareSend).recipients.length,
        (args.p_send as PrepareSend).total,
      ]);
    expect(parts).toEqual([
      [0, 2000, 1000, 3500],
      [0, 3000, 500, 3500],
    ]);
  });

  it("reserves a later part while the parts before it are with ClickSend", async () => {
    const events: string[] = [];
    let reserved: () => void = () => undefined;
    const partReserved = new Promise<void>((resolve) => {
      reserved = resolve;
    });
    reserveParts((send) => {
      events.push(`reserve ${String(send.first_index)}`);
      if (send.first_index === 2000) reserved();
      return undefined;
    });
    let sends = 0;
    clicksend.on("POST", "/sms/send", async (call) => {
      const n = sends++;
      // The first request's answer waits for the reservation (at most a second): a deliver that
      // reserved only after its answer would show "answer 0" before "reserve 2000".
      if (n === 0)
        await Promise.race([partReserved, new Promise((resolve) => setTimeout(resolve, 1000))]);
      events.push(`answer ${String(n)}`);
      return acceptEverySend(call);
    });
    await run(sms(mobiles(2500)));
    expect(events.indexOf("reserve 2000")).toBeLessThan(events.indexOf("answer 0"));
  });

  it("stops with 409 send_interrupted when a later part cannot be reserved, freeing what was reserved after it", async () => {
    reserveParts((send) =>
      send.first_index === 2000
        ? {
            outcome: "rate_limited",
            user_id: USER,
            connection_id: CONNECTION,
            account: ACCOUNT,
            retry_after_seconds: 5,
          }
        : undefined,
    );
    clicksend.on("POST", "/sms/send", acceptEverySend);
    const { delivery } = await run(sms(mobiles(3500)));

    expect(sentCounts()).toEqual([1000, 1000]);
    expect(delivery.error).toMatchObject({ status: 409, code: "send_interrupted" });
    expect(delivery.error?.message).toMatch(/^Only the first 2000 recipients were sent/);
    expect(delivery.release).toEqual(rowsFor(mobiles(500, 3000), 3000).map((row) => row.id));
    expect(delivery.done).toHaveLength(2000);
  });

  it("frees a refused part and every later reservation, so the same request can be repeated", async () => {
    reserveParts();
    let sends = 0;
    clicksend.on("POST", "/sms/send", (call) =>
      sends++ === 0 ? acceptEverySend(call) : { status: 400, message: "Invalid sender id." },
    );
    const { delivery } = await run(sms(mobiles(1500)));

    expect(delivery.error).toMatchObject({ status: 400, code: "invalid_request" });
    expect(delivery.release).toEqual(rowsFor(mobiles(500, 1000), 1000).map((row) => row.id));
    expect(delivery.results).toEqual([]);
    expect(delivery.done).toHaveLength(1000);
  });

  it("keeps a part ClickSend may have accepted (no answer in time) as UNKNOWN, never freed", async () => {
    reserveParts();
    clicksend.on("POST", "/sms/send", "hang");
    const { delivery } = await run(sms(mobiles(3)));

    expect(sentCounts()).toEqual([3]);
    expect(delivery.error).toMatchObject({
      status: 504,
      code: "upstream_timeout",
      retryable: false,
    });
    expect(delivery.release).toEqual([]);
    expect(delivery.results.map((result) => [result.id, result.status, result.message_id])).toEqual(
      [
        ["row-0", "UNKNOWN", null],
        ["row-1", "UNKNOWN", null],
        ["row-2", "UNKNOWN", null],
      ],
    );
  });

  it("records each recipient's own status: Scheduled when accepted for later, NOT_RETURNED when ClickSend left it out", async () => {
    reserveParts();
    const [a, b, c] = mobiles(3);
    clicksend.on("POST", "/sms/send", {
      data: sendData([
        { to: a ?? "", message_id: "M-a", message_price: "0.0770" },
        { to: b ?? "", status: "INVALID_RECIPIENT", message_id: "M-b" },
      ]),
    });
    const { delivery } = await run(sms(mobiles(3), { schedule: "2030-01-01T00:00:00Z" }));

    expect(delivery.error).toBeNull();
    expect(
      delivery.results.map((result) => [result.status, result.message_id, result.price]),
    ).toEqual([
      ["Scheduled", "M-a", 0.077],
      ["INVALID_RECIPIENT", "M-b", 0.077],
      ["NOT_RETURNED", null, null],
    ]);
    expect(delivery.done.map((row) => row.recipient)).toEqual([a, b, c]);
    const sent = (clicksend.calls[0]?.body as { messages: Record<string, unknown>[] }).messages;
    expect(sent[0]).toEqual({
      to: a,
      body: "Hello",
      schedule: Date.parse("2030-01-01T00:00:00Z") / 1000,
      custom_string: "row-0",
      source: "ai-agents",
    });
  });

  it("sends each message's own reserved row id as custom_string when the caller gave none", async () => {
    reserveParts();
    clicksend.on("POST", "/sms/send", acceptEverySend);
    await run(sms(mobiles(1500)));
    const sent = clicksend.calls.flatMap(
      (call) => (call.body as { messages: { to: string; custom_string?: string }[] }).messages,
    );
    const reserved = rowsFor(mobiles(1500));
    expect(sent.map((message) => [message.to, message.custom_string])).toEqual(
      reserved.map((row) => [row.recipient, row.id]),
    );
    expect(new Set(sent.map((message) => message.custom_string)).size).toBe(1500);
  });

  it("sends the caller's custom_string unchanged to every recipient", async () => {
    reserveParts();
    clicksend.on("POST", "/sms/send", acceptEverySend);
    await run(sms(mobiles(3), { customString: "order-1042" }));
    const sent = (clicksend.calls[0]?.body as { messages: Record<string, unknown>[] }).messages;
    expect(sent.map((message) => message.custom_string)).toEqual([
      "order-1042",
      "order-1042",
      "order-1042",
    ]);
  });

  it("sends an MMS with its media and subject to /mms/send", async () => {
    reserveParts();
    clicksend.on("POST", "/mms/send", acceptEverySend);
    await run({
      channel: "mms",
      recipients: mobiles(1),
      body: "Look",
      subject: "Hi",
      mediaUrl: "https://example.com/a.jpg",
    });
    expect(clicksend.calls.map((call) => call.path)).toEqual(["/mms/send"]);
    expect(clicksend.calls[0]?.body).toEqual({
      media_file: "https://example.com/a.jpg",
      messages: [
        {
          to: mobiles(1)[0],
          body: "Look",
          subject: "Hi",
          custom_string: "row-0",
          source: "ai-agents",
        },
      ],
    });
  });
});
