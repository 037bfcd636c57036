// Receipt pushes to URL rules (clicksend-api.md §2.16–2.17): form-encoded POSTs with the legacy
// duplicate keys, match_type respected, retried on anything but 200. Then the dispatcher's
// manners (bounded concurrency per destination, fair turns per account, timeout from the send,
// capped retries) and the controls that leave no pending work between tests (clear-pending,
// drain). Real HTTP receivers on 127.0.0.1; assertions count things, never durations.
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_USERNAME, startSandbox, type Sandbox } from "./server.ts";
import {
  client,
  control,
  eventually,
  messagesOf,
  obj,
  rowsOf,
  startRecorder,
  str,
  type JsonObject,
} from "./testing.ts";
import { retryDelayMs, WebhookDispatcher, type WebhookOptions } from "./webhooks.ts";

interface Push {
  contentType: string;
  form: URLSearchParams;
}

/** A push receiver that records what arrives and can answer late, badly or not at all. */
interface Receiver {
  url: string;
  /** Every request, recorded when its body has arrived (held ones included). */
  pushes: Push[];
  /** Status codes to answer, in turn, at once; afterwards 200 (or held, see `holding`). */
  answers: number[];
  /** Hold requests unanswered until release(). */
  holding: boolean;
  /** Answer this much later (ms). */
  delayMs: number;
  /** Requests open right now, and the most there ever were. */
  active: number;
  maxActive: number;
  held: ServerResponse[];
  release(): void;
  clear(): void;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = {
    url: "",
    pushes: [],
    answers: [],
    holding: false,
    delayMs: 0,
    active: 0,
    maxActive: 0,
    held: [],
    release: () => {
      const held = receiver.held;
      receiver.held = [];
      for (const res of held) res.writeHead(200).end("ok");
    },
    clear: () => {
      receiver.release();
      Object.assign(receiver, { pushes: [], answers: [], holding: false, delayMs: 0 });
      receiver.maxActive = receiver.active;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
  const server = createServer((req, res) => {
    receiver.active += 1;
    receiver.maxActive = Math.max(receiver.maxActive, receiver.active);
    // Closed once answered ("finish", before the sender can see it) or aborted ("close").
    let open = true;
    const done = (): void => {
      if (open) receiver.active -= 1;
      open = false;
    };
    res.on("finish", done);
    res.on("close", done);
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      receiver.pushes.push({
        contentType: req.headers["content-type"] ?? "",
        form: new URLSearchParams(Buffer.concat(chunks).toString("utf8")),
      });
      const status = receiver.answers.shift();
      if (status !== undefined) res.writeHead(status).end("no");
      else if (receiver.holding) receiver.held.push(res);
      else if (receiver.delayMs > 0)
        setTimeout(() => res.writeHead(200).end("ok"), receiver.delayMs);
      else res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/hooks/receipts?token=s3cret`;
  return receiver;
}

let hook: Receiver;
let other: Receiver;
let sandbox: Sandbox;
/** Long receipt delay, backoff and timeout: what is pending stays so until a control acts. */
let slow: Sandbox;

beforeAll(async () => {
  hook = await startReceiver();
  other = await startReceiver();
  sandbox = await startSandbox({
    port: 0,
    receiptDelayMs: 30,
    webhook: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 20, timeoutMs: 1000 },
  });
  slow = await startSandbox({
    port: 0,
    receiptDelayMs: 60_000,
    webhook: {
      concurrency: 2,
      maxAttempts: 3,
      baseDelayMs: 60_000,
      maxDelayMs: 60_000,
      timeoutMs: 60_000,
    },
  });
});
afterAll(async () => {
  await sandbox.close();
  await slow.close();
  await hook.close();
  await other.close();
});
beforeEach(() => {
  sandbox.reset();
  slow.reset();
  hook.clear();
  other.clear();
});

async function urlRule(target: Sandbox, matchType: number, enabled = 1): Promise<void> {
  const response = await client(target).post("/automations/sms/receipts", {
    rule_name: "Push receipts",
    match_type: matchType,
    action: "URL",
    action_address: hook.url,
    enabled,
  });
  expect(response.status).toBe(200);
}

async function send(to: string, target: Sandbox = sandbox): Promise<string> {
  const response = await client(target).post("/sms/send", {
    messages: [{ to, body: "hi", custom_string: "order-1042" }],
  });
  return str(messagesOf(response)[0]?.message_id);
}

async function webhookState(target: Sandbox): Promise<JsonObject> {
  return obj((await control(target, "GET", "state")).webhooks);
}

const PUSH_KEYS = [
  "timestamp_send",
  "timestamp",
  "message_id",
  "messageid",
  "status",
  "status_code",
  "status_text",
  "error_code",
  "error_text",
  "custom_string",
  "customstring",
  "user_id",
  "subaccount_id",
  "message_type",
];

describe("receipt pushes", () => {
  const api = () => client(sandbox);

  it("POSTs each receipt form-encoded with the legacy duplicate keys", async () => {
    await urlRule(sandbox, 0);
    const id = await send("+61412345678");
    await eventually(() => {
      expect(hook.pushes.map((push) => push.form.get("status_code"))).toEqual(["200", "201"]);
    });
    const account = obj((await api().get("/account")).body.data);
    for (const push of hook.pushes) {
      expect(push.contentType).toBe("application/x-www-form-urlencoded");
      expect([...push.form.keys()]).toEqual(PUSH_KEYS);
      expect(push.form.get("message_id")).toBe(id);
      expect(push.form.get("messageid")).toBe(id);
      expect(push.form.get("custom_string")).toBe("order-1042");
      expect(push.form.get("customstring")).toBe("order-1042");
      expect(push.form.get("user_id")).toBe(str(account.user_id));
      expect(push.form.get("subaccount_id")).toBe(str(obj(account._subaccount).subaccount_id));
      expect(push.form.get("message_type")).toBe("sms");
      expect(push.form.get("status")).toBe("Sent");
      expect(push.form.get("error_code")).toBe("");
      expect(push.form.get("error_text")).toBe("");
      expect(push.form.get("timestamp_send")).toMatch(/^\d{10}$/);
      expect(push.form.get("timestamp")).toMatch(/^\d{10}$/);
    }
    expect(hook.pushes[1]?.form.get("status_text")).toBe("Success: Message received on handset.");
  });

  it("pushes failures with their error code and text", async () => {
    await urlRule(sandbox, 0);
    await send("+61400000301");
    await eventually(() => {
      expect(hook.pushes).toHaveLength(2);
    });
    const failed = hook.pushes[1]?.form;
    expect(failed?.get("status")).toBe("Failed");
    expect(failed?.get("status_code")).toBe("301");
    expect(failed?.get("error_code")).toBe("8");
    expect(failed?.get("error_text")).not.toBe("");
  });

  it("respects match_type 1 (failed only) and 2 (successful only)", async () => {
    await urlRule(sandbox, 1);
    await send("+61412345678");
    await send("+61400000301");
    await eventually(() => {
      expect(hook.pushes.map((push) => push.form.get("status_code"))).toEqual(["301"]);
    });

    sandbox.reset();
    hook.pushes = [];
    await urlRule(sandbox, 2);
    await send("+61400000301");
    await eventually(() => {
      expect(sandbox.state.receipts).toHaveLength(2);
    });
    await eventually(() => {
      expect(hook.pushes.map((push) => push.form.get("status_code"))).toEqual(["200"]);
    });
  });

  it("pushes nothing for a disabled rule or a test number", async () => {
    await urlRule(sandbox, 0, 0);
    await send("+61412345678");
    await eventually(() => {
      expect(sandbox.state.receipts).toHaveLength(2);
    });
    await urlRule(sandbox, 0, 1);
    await send("+61411111111");
    await sleep(100);
    expect(hook.pushes).toEqual([]);
  });

  it("retries a push that is not answered with 200", async () => {
    hook.answers = [500, 404];
    await urlRule(sandbox, 2);
    await send("+61400000200"); // only a 200 receipt
    await eventually(() => {
      expect(hook.pushes).toHaveLength(3);
    });
    await eventually(async () => {
      expect(await webhookState(sandbox)).toMatchObject({ attempts: 3, delivered: 1, failed: 0 });
    });
  });

  it("gives up after the configured attempts", async () => {
    hook.answers = [503, 503, 503, 503];
    await urlRule(sandbox, 0);
    await send("+61400000200");
    await eventually(async () => {
      expect(await webhookState(sandbox)).toMatchObject({
        attempts: 3,
        delivered: 0,
        failed: 1,
        pending: 0,
        waiting_retry: 0,
      });
    });
    expect(hook.pushes).toHaveLength(3);
  });

  it("POST /sms/receipts pushes a test receipt to the URL given", async () => {
    const response = await api().post("/sms/receipts", { url: hook.url });
    const id = obj(response.body.data).message_id;
    await eventually(() => {
      expect(hook.pushes.map((push) => push.form.get("messageid"))).toEqual([id]);
    });
  });

  it("shows the dispatcher's state under webhooks in GET /_sandbox/state", async () => {
    expect(await webhookState(sandbox)).toEqual({
      queued: 0,
      in_flight: 0,
      waiting_retry: 0,
      attempts: 0,
      delivered: 0,
      failed: 0,
      dropped: 0,
      pending: 0,
    });
  });
});

describe("the push dispatcher", () => {
  const dispatchers: WebhookDispatcher[] = [];
  const dispatcher = (options: Partial<WebhookOptions>): WebhookDispatcher => {
    const created = new WebhookDispatcher(options, () => {
      /* quiet */
    });
    dispatchers.push(created);
    return created;
  };
  afterEach(() => {
    for (const created of dispatchers.splice(0)) created.clear();
  });
  const form = (fields: Record<string, string>): [string, string][] => Object.entries(fields);

  it("never has more than `concurrency` requests in flight per destination", async () => {
    hook.holding = true;
    other.holding = true;
    const pushes = dispatcher({ concurrency: 3 });
    for (let n = 0; n < 10; n += 1) {
      pushes.push(hook.url, form({ n: String(n) }), "alice");
      pushes.push(other.url, form({ n: String(n) }), "alice");
    }
    // Each destination has its own budget: 3 open at each receiver, the rest queued.
    await eventually(() => {
      expect([hook.held.length, other.held.length]).toEqual([3, 3]);
    });
    await sleep(100);
    expect([hook.pushes.length, other.pushes.length]).toEqual([3, 3]);
    expect(pushes.stats).toMatchObject({ queued: 14, in_flight: 6, pending: 20 });

    hook.holding = false;
    other.holding = false;
    hook.delayMs = 10;
    other.delayMs = 10;
    hook.release();
    other.release();
    await pushes.idle();
    expect(pushes.stats).toMatchObject({ delivered: 20, attempts: 20, failed: 0, pending: 0 });
    expect([hook.maxActive, other.maxActive]).toEqual([3, 3]);
  });

  it("serves accounts in turn: a second account's push does not wait for a backlog", async () => {
    hook.holding = true;
    const pushes = dispatcher({ concurrency: 1 });
    for (let n = 0; n < 20; n += 1) pushes.push(hook.url, form({ who: "bulk" }), "bulk");
    await eventually(() => {
      expect(hook.held).toHaveLength(1);
    });
    pushes.push(hook.url, form({ who: "single" }), "single");
    expect(pushes.stats).toMatchObject({ queued: 20, in_flight: 1 });

    hook.holding = false;
    hook.release();
    await pushes.idle();
    const order = hook.pushes.map((push) => push.form.get("who"));
    expect(order).toHaveLength(21);
    // At most one more bulk push goes before it (the turn already in progress), not 19.
    expect(order.indexOf("single")).toBeLessThanOrEqual(2);
    expect(order.at(-1)).toBe("bulk");
  });

  it("starts the timeout when an attempt is sent, not while it is queued", async () => {
    // 15 pushes, one at a time, each answered ≥ 100 ms later: the last waits well over the
    // 1000 ms timeout in the queue, yet none may time out.
    hook.delayMs = 100;
    const pushes = dispatcher({ concurrency: 1, timeoutMs: 1000, maxAttempts: 1 });
    for (let n = 0; n < 15; n += 1) pushes.push(hook.url, form({ n: String(n) }), "alice");
    await pushes.idle();
    expect(pushes.stats).toMatchObject({ attempts: 15, delivered: 15, failed: 0 });
    expect(hook.pushes).toHaveLength(15);
  });

  it("retries up to maxAttempts, then counts the push as failed", async () => {
    hook.answers = Array.from({ length: 10 }, () => 503);
    const pushes = dispatcher({ maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 });
    pushes.push(hook.url, form({ n: "1" }), "alice");
    pushes.push(hook.url, form({ n: "2" }), "alice");
    await pushes.idle();
    expect(pushes.stats).toMatchObject({
      attempts: 6,
      delivered: 0,
      failed: 2,
      waiting_retry: 0,
      pending: 0,
    });
    expect(hook.pushes).toHaveLength(6);
  });

  it("lets a push wait for its retry outside the in-flight budget", async () => {
    hook.answers = [503];
    const pushes = dispatcher({ concurrency: 1, maxAttempts: 2, baseDelayMs: 60_000 });
    for (const n of ["x", "y", "z"]) pushes.push(hook.url, form({ n }), "alice");
    await eventually(() => {
      expect(pushes.stats).toMatchObject({ delivered: 2, waiting_retry: 1, in_flight: 0 });
    });
    expect(hook.pushes.map((push) => push.form.get("n"))).toEqual(["x", "y", "z"]);
    pushes.clear();
    expect(pushes.stats).toMatchObject({ waiting_retry: 0, pending: 0, dropped: 1 });
    await pushes.idle();
  });

  it("backs off exponentially with jitter, up to the cap", () => {
    const options = { baseDelayMs: 500, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4].map((retry) => retryDelayMs(retry, options, () => 1))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3].map((retry) => retryDelayMs(retry, options, () => 0))).toEqual([
      250, 500, 1000,
    ]);
    expect(retryDelayMs(20, options, () => 1)).toBe(10_000);
    expect(retryDelayMs(20, options, () => 0)).toBe(5000);
  });
});

describe("push formats", () => {
  const quiet = (): void => {
    /* quiet */
  };

  it("sends a form POST, a GET with the fields after the URL's own query, or a JSON POST", async () => {
    const recorder = await startRecorder();
    const pushes = new WebhookDispatcher({}, quiet);
    try {
      const fields: [string, string][] = [
        ["a", "1 2"],
        ["b", "+61411111111"],
        ["b", "&"],
      ];
      pushes.push(recorder.url, fields, "alice");
      await pushes.idle();
      pushes.push(recorder.url, { format: "query", fields }, "alice", "inbound");
      await pushes.idle();
      pushes.push(recorder.url, { format: "json", value: { a: "x", n: 7 } }, "alice", "inbound");
      await pushes.idle();
      pushes.push(recorder.url, { format: "form", fields }, "alice", "inbound");
      await pushes.idle();

      const [form, query, json, explicit] = recorder.requests;
      expect(form).toMatchObject({
        method: "POST",
        url: "/hooks?token=s3cret",
        contentType: "application/x-www-form-urlencoded",
        body: "a=1+2&b=%2B61411111111&b=%26",
      });
      expect(query).toMatchObject({
        method: "GET",
        url: "/hooks?token=s3cret&a=1+2&b=%2B61411111111&b=%26",
        contentType: "",
        body: "",
      });
      expect(json).toMatchObject({
        method: "POST",
        url: "/hooks?token=s3cret",
        contentType: "application/json",
        body: '{"a":"x","n":7}',
      });
      expect(explicit).toEqual({ ...form, query: explicit?.query });
    } finally {
      pushes.clear();
      await recorder.close();
    }
  });

  it("counts receipt and inbound pushes apart, and together in stats", async () => {
    const recorder = await startRecorder();
    const pushes = new WebhookDispatcher({ maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 5 }, quiet);
    try {
      recorder.answers = [503]; // the receipt's first attempt
      pushes.push(recorder.url, [["n", "1"]], "alice");
      await pushes.idle();
      pushes.push(recorder.url, { format: "json", value: { n: 2 } }, "alice", "inbound");
      pushes.push(recorder.url, { format: "query", fields: [["n", "3"]] }, "alice", "inbound");
      pushes.push("not a url", { format: "json", value: {} }, "alice", "inbound");
      await pushes.idle();
      const { receipt, inbound } = pushes.statsByKind;
      expect(receipt).toMatchObject({ attempts: 2, delivered: 1, failed: 0, pending: 0 });
      expect(inbound).toMatchObject({ attempts: 2, delivered: 2, failed: 1, pending: 0 });
      expect(pushes.stats).toMatchObject({ attempts: 4, delivered: 3, failed: 1, pending: 0 });
    } finally {
      pushes.clear();
      await recorder.close();
    }
  });
});

describe("POST /_sandbox/clear-pending", () => {
  it("drops pushes, timed events and faults, keeps accounts, messages, receipts and rules", async () => {
    hook.answers = [503]; // the first push will wait for a retry (60 s here)
    hook.holding = true; // the next two stay in flight, the rest queued
    await urlRule(slow, 0);
    for (let n = 0; n < 6; n += 1) await send(`+6141234567${String(n)}`, slow);
    const later = Math.floor(Date.now() / 1000) + 3600;
    await client(slow).post("/sms/send", {
      messages: [{ to: "+61412345670", body: "later", schedule: later }],
    });
    await control(slow, "POST", "faults", { mode: "error500", count: 5 });
    await eventually(async () => {
      expect(await webhookState(slow)).toMatchObject({
        waiting_retry: 1,
        in_flight: 2,
        queued: 3,
        pending: 6,
      });
    });
    const before = await control(slow, "GET", "state");
    expect(before.pending_events).toBe(7); // six final receipts and one scheduled send
    const receipts = slow.state.receipts.length;

    const response = await fetch(`${slow.origin}/_sandbox/clear-pending`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      dropped: { pushes: 6, events: 7, faults: 1 },
      pending_events: 0,
    });

    const after = await control(slow, "GET", "state");
    expect(after.webhooks).toMatchObject({
      queued: 0,
      in_flight: 0,
      waiting_retry: 0,
      pending: 0,
      dropped: 6,
    });
    expect(after.pending_events).toBe(0);
    expect(after.faults).toEqual([]);
    expect(after.accounts).toEqual(before.accounts);
    expect(slow.state.receipts).toHaveLength(receipts);
    expect(rowsOf(await client(slow).get("/sms/history"))).toHaveLength(7);
    const rules = rowsOf(await client(slow).get("/automations/sms/receipts"));
    expect(rules.map((rule) => rule.action)).toEqual(["POLL", "URL"]);

    // The two held attempts were aborted: their connections are gone.
    await eventually(() => {
      expect(hook.active).toBe(0);
    });
    // Freeing the receiver would let queued pushes through; after clear-pending none come.
    const seen = hook.pushes.length;
    hook.holding = false;
    hook.release();
    await sleep(300);
    expect(hook.pushes).toHaveLength(seen);
    expect((await webhookState(slow)).attempts).toBe(seen);
  });

  it("is also part of POST /_sandbox/reset, which zeroes the counters too", async () => {
    hook.holding = true;
    await urlRule(slow, 0);
    for (let n = 0; n < 4; n += 1) await send(`+6141234567${String(n)}`, slow);
    await eventually(async () => {
      expect(await webhookState(slow)).toMatchObject({ in_flight: 2, queued: 2 });
    });
    await control(slow, "POST", "reset");
    const state = await control(slow, "GET", "state");
    expect(state.webhooks).toMatchObject({ pending: 0, attempts: 0, dropped: 0 });
    expect(state.pending_events).toBe(0);
    expect(obj(obj(state.accounts)[SANDBOX_USERNAME]).sms_sent).toBe(0);
  });
});

describe("POST /_sandbox/drain", () => {
  async function drain(
    target: Sandbox,
    body?: unknown,
  ): Promise<{ status: number; body: JsonObject }> {
    const response = await fetch(`${target.origin}/_sandbox/drain`, {
      method: "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as JsonObject };
  }

  it("answers once due receipts are pushed and delivered", async () => {
    hook.delayMs = 30;
    await urlRule(slow, 0);
    const ids: string[] = [];
    for (let n = 0; n < 8; n += 1) ids.push(await send(`+6141234567${String(n)}`, slow));

    const drained = await drain(slow, { timeout_ms: 20_000 });
    expect(drained.status).toBe(200);
    expect(obj(drained.body.webhooks)).toMatchObject({ pending: 0, delivered: 8, failed: 0 });
    expect(drained.body.due_events).toBe(0);
    // The final receipts are a minute away: not due, so drain does not wait for them.
    expect(drained.body.pending_events).toBe(8);
    expect(hook.pushes.map((push) => push.form.get("message_id")).sort()).toEqual(ids.sort());
  });

  it("answers 504 with what is still pending when the timeout passes", async () => {
    hook.holding = true;
    await urlRule(slow, 0);
    await send("+61412345670", slow);
    const drained = await drain(slow, { timeout_ms: 200 });
    expect(drained.status).toBe(504);
    expect(obj(drained.body.webhooks)).toMatchObject({ in_flight: 1, pending: 1 });
    expect(drained.body.pending_events).toBe(1);
    expect(str(drained.body.error)).toContain("pending");
  });

  it("refuses a body that is not {timeout_ms}", async () => {
    expect((await drain(slow, { timeout_ms: "soon" })).status).toBe(400);
    expect((await drain(slow, { wait: 5 })).status).toBe(400);
    expect((await drain(slow)).status).toBe(200);
  });
});
