// Agent webhooks as rules. A webhook URL is https to a host whose every address is public
// (http://127.0.0.1 only while ClickSend is the local sandbox), checked when it is set and before
// every attempt. Each event is POSTed as the exact JSON it was signed as (the signature checked
// here with node:crypto, independently of the module), attempted on the schedule until a 2xx,
// redirects not followed, every attempt recorded with its status or error; an agent without a
// webhook costs one lookup. Time is a fake clock that only the injected sleep moves: nothing
// waits, and the schedule is read from the sleeps asked for.
import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ATTEMPT_DELAYS_MS,
  changeAgentWebhook,
  deliverEvent,
  isNonPublicAddress,
  replyEvent,
  signatureHeader,
  SIGNATURE_HEADER,
  wakeAgents,
  webhookUrlProblem,
  type AgentEvent,
  type Resolver,
} from "./agent-webhooks.ts";
import type { FunctionEnv } from "./env.ts";
import { UNTRUSTED_REPLY_WARNING, type StoredReply } from "./inbound.ts";
import { fakeBackend, pgError, reply, type FakeBackend } from "./testing/fake-backend.ts";
import { AGENT, CONNECTION, rejection, testEnv, USER } from "./testing/fixtures.ts";

const PRODUCTION: FunctionEnv = testEnv("https://rest.clicksend.com/v3");
const SANDBOX: FunctionEnv = testEnv("http://127.0.0.1:54321/v3");
const HOOK = "https://hooks.example.com/agent";
const SECRET = "whsec_5f1d8a0e3c2b4e7f9a612b8c4d6e0f13";
const START = Date.parse("2026-04-01T03:08:47.250Z");
const EVENT_ID = "c0ffee00-1b2d-4f60-8e94-7a0b1c2d3e4f";
const OTHER_AGENT = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

/** A resolver answering `addresses` for every host, recording the hosts asked for. */
function resolver(addresses: string[] | (() => string[])): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = (host: string) => {
    asked.push(host);
    return Promise.resolve(typeof addresses === "function" ? addresses() : addresses);
  };
  return Object.assign(resolve, { asked });
}
const PUBLIC = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"];

// ---------------------------------------------------------------------------------------------
describe("isNonPublicAddress", () => {
  it.each([
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.1",
    "10.255.255.255",
    "127.0.0.1",
    "127.53.0.1",
    "100.64.0.1",
    "100.127.255.255",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "192.0.0.8",
    "198.18.0.1",
    "198.19.255.255",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "[::1]",
    "fc00::1",
    "fd12:3456:789a::1",
    "fe80::1",
    "FE80::1",
    "febf::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::FFFF:192.168.1.1",
    "[::ffff:169.254.169.254]",
    // The form a URL's host takes: new URL("https://[::ffff:127.0.0.1]/").hostname
    "::ffff:7f00:1",
    // IPv4 inside IPv6: IPv4-compatible (the URL form of [::127.0.0.1]), NAT64, 6to4.
    "::7f00:1",
    "::127.0.0.1",
    "::a00:1",
    "64:ff9b::a00:1",
    "64:ff9b::127.0.0.1",
    "2002:a9fe:a9fe::1",
    "2002:c0a8:101::1",
    "2001:db8::1",
    "100::1",
    // Not readable as an address: refused rather than guessed at.
    "1::2::3",
    "12345::1",
    "1:2:3:4:5:6:7:8:9",
  ])("refuses %s", (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "11.0.0.1",
    "100.63.255.255",
    "100.128.0.1",
    "126.255.255.255",
    "128.0.0.1",
    "169.253.0.1",
    "172.15.255.255",
    "172.32.0.1",
    "192.167.0.1",
    "192.169.0.1",
    "192.0.1.1",
    "198.17.255.255",
    "198.20.0.1",
    "223.255.255.255",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "[2a00:1450:4001:81c::200e]",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
    "1:2:3:4:5:6:7:8",
  ])("allows %s", (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
describe("webhookUrlProblem", () => {
  const PRIVATE = "url: must not point to a private or local address";

  it("allows https to a host whose every address is public, resolving the host itself", async () => {
    const resolve = resolver(PUBLIC);
    expect(await webhookUrlProblem(PRODUCTION, `${HOOK}?x=1`, resolve)).toBeNull();
    expect(resolve.asked).toEqual(["hooks.example.com"]);
  });

  it.each([
    ["plain http", "http://hooks.example.com/agent", "url: must start with https://"],
    ["another scheme", "ftp://hooks.example.com/agent", "url: must start with https://"],
    ["text that is no URL", "hooks.example.com/agent", "url: not a URL"],
    [
      "a user and password",
      "https://me:pw@hooks.example.com/agent",
      "url: must not contain a user or password",
    ],
    ["a private address", "https://10.0.0.5/hook", PRIVATE],
    ["loopback", "https://127.0.0.1/hook", PRIVATE],
    ["loopback written as a number", "https://2130706433/hook", PRIVATE],
    ["link-local (cloud metadata)", "https://169.254.169.254/latest/meta-data", PRIVATE],
    ["IPv6 loopback", "https://[::1]:8443/hook", PRIVATE],
    ["IPv6 link-local", "https://[fe80::1]/hook", PRIVATE],
    ["IPv6 unique-local", "https://[fd00::5]/hook", PRIVATE],
    ["v4-mapped loopback", "https://[::ffff:127.0.0.1]/hook", PRIVATE],
    ["localhost", "https://localhost/hook", PRIVATE],
    ["a .localhost name", "https://agent.localhost/hook", PRIVATE],
    ["a .local name", "https://printer.local/hook", PRIVATE],
  ])("refuses %s without resolving anything", async (_what, url, problem) => {
    const resolve = resolver(PUBLIC);
    expect(await webhookUrlProblem(PRODUCTION, url, resolve)).toBe(problem);
    expect(resolve.asked).toEqual([]);
  });

  it("allows a public address literal without resolving it", async () => {
    const resolve = resolver([]);
    expect(await webhookUrlProblem(PRODUCTION, "https://93.184.216.34/hook", resolve)).toBeNull();
    expect(await webhookUrlProblem(PRODUCTION, "https://[2606:4700::1111]/h", resolve)).toBeNull();
    expect(resolve.asked).toEqual([]);
  });

  it.each([
    ["private", ["10.1.2.3"]],
    ["loopback", ["127.0.0.1"]],
    ["link-local", ["169.254.169.254"]],
    ["IPv6 unique-local", ["fd00::1"]],
    ["v4-mapped private", ["::ffff:192.168.1.10"]],
    ["private among public ones", [...PUBLIC, "10.9.8.7"]],
  ])("refuses a name that resolves to a %s address", async (_what, addresses) => {
    expect(await webhookUrlProblem(PRODUCTION, HOOK, resolver(addresses))).toBe(PRIVATE);
  });

  it("refuses a name that does not resolve, or whose lookup fails", async () => {
    expect(await webhookUrlProblem(PRODUCTION, HOOK, resolver([]))).toBe(
      "url: hooks.example.com could not be resolved",
    );
    const failing: Resolver = () => Promise.reject(new Error("NXDOMAIN"));
    expect(await webhookUrlProblem(PRODUCTION, HOOK, failing)).toBe(
      "url: hooks.example.com could not be resolved",
    );
  });

  it("allows http://127.0.0.1 only while ClickSend is the local sandbox", async () => {
    const local = "http://127.0.0.1:8123/hook";
    const resolve = resolver(PUBLIC);
    expect(await webhookUrlProblem(SANDBOX, local, resolve)).toBeNull();
    expect(await webhookUrlProblem(PRODUCTION, local, resolve)).toBe(
      "url: must start with https://",
    );
    // Only that address: other local ones stay refused next to the sandbox too.
    expect(await webhookUrlProblem(SANDBOX, "http://localhost:8123/hook", resolve)).toBe(
      "url: must start with https://",
    );
    expect(await webhookUrlProblem(SANDBOX, "http://10.0.0.5/hook", resolve)).toBe(
      "url: must start with https://",
    );
    expect(resolve.asked).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
/** The HMAC the receiver computes: hex HMAC-SHA256(secret, "<t>.<body>"), by node:crypto. */
const expectedMac = (secret: string, t: string, body: string) =>
  createHmac("sha256", secret).update(`${t}.${body}`, "utf8").digest("hex");

/** The parts of a signature header, or a failed test. */
function signatureParts(header: string | null): { t: string; v1: string } {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? "");
  if (match?.[1] === undefined || match[2] === undefined)
    throw new Error(`not a signature header: ${String(header)}`);
  return { t: match[1], v1: match[2] };
}

describe("signatureHeader", () => {
  it("is t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'>, as node:crypto computes it", async () => {
    const body = JSON.stringify({ body: "Grüße 👋", n: 1 });
    const header = await signatureHeader(SECRET, 1775012927, body);
    expect(header).toBe(`t=1775012927,v1=${expectedMac(SECRET, "1775012927", body)}`);
  });

  it("changes with the body, the time and the secret", async () => {
    const base = await signatureHeader(SECRET, 1775012927, "{}");
    expect(await signatureHeader(SECRET, 1775012927, "{ }")).not.toBe(base);
    expect(await signatureHeader(SECRET, 1775012928, "{}")).not.toBe(base);
    expect(await signatureHeader(`${SECRET}x`, 1775012927, "{}")).not.toBe(base);
  });
});

// ---------------------------------------------------------------------------------------------
interface Attempt {
  url: string;
  method: string | undefined;
  redirect: RequestInit["redirect"];
  headers: Headers;
  body: string;
  signal: AbortSignal | null | undefined;
  /** The fake clock when the request was made. */
  at: number;
}

/** The agent's webhook: answers each attempt in turn (the last answer repeats). */
function webhook(answers: (number | Error)[]): { fetch: typeof fetch; attempts: Attempt[] } {
  const attempts: Attempt[] = [];
  const fetchImpl = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    attempts.push({
      url: input instanceof Request ? input.url : input.toString(),
      method: init?.method,
      redirect: init?.redirect,
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? init.body : "",
      signal: init?.signal,
      at: Date.now(),
    });
    const answer = answers[Math.min(attempts.length, answers.length) - 1] ?? 200;
    if (answer instanceof Error) return Promise.reject(answer);
    const headers: Record<string, string> =
      answer >= 300 && answer < 400 ? { location: "https://10.0.0.1/" } : {};
    const body = [204, 205, 304].includes(answer) ? null : "ok";
    return Promise.resolve(new Response(body, { status: answer, headers }));
  };
  return { fetch: fetchImpl, attempts };
}

const event: AgentEvent = {
  type: "reply",
  id: EVENT_ID,
  agent_id: AGENT,
  created_at: "2026-04-01T03:08:47.000Z",
  data: { from: "+61411111111", body: "Grüße, see you at 5 👋", reply_id: "r-1" },
};

describe("deliverEvent", () => {
  let backend: FakeBackend;
  let sleeps: number[];
  /** Waits no time: moves the fake clock by what was asked. */
  const sleep = (ms: number) => {
    sleeps.push(ms);
    vi.setSystemTime(Date.now() + ms);
    return Promise.resolve();
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(START);
    sleeps = [];
    backend = fakeBackend()
      .rpc("agent_webhook_target", reply([{ user_id: USER, url: HOOK, secret: SECRET }]))
      .table("POST", "agent_webhook_deliveries", { status: 201 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const deliver = (
    target: ReturnType<typeof webhook>,
    options: { delaysMs?: number[]; resolve?: Resolver } = {},
  ) =>
    deliverEvent(PRODUCTION, backend.db, event, {
      resolve: options.resolve ?? resolver(PUBLIC),
      fetch: target.fetch,
      sleep,
      ...(options.delaysMs === undefined ? {} : { delaysMs: options.delaysMs }),
    });
  const recorded = () => backend.calls("agent_webhook_deliveries").map((request) => request.body);
  const row = (attempt: number, statusCode: number | null, error: string | null) => ({
    user_id: USER,
    agent_id: AGENT,
    event_id: EVENT_ID,
    event_type: "reply",
    attempt,
    url: HOOK,
    status_code: statusCode,
    error,
    succeeded: error === null,
  });

  it("POSTs the event as the exact JSON it signed, stops after a 2xx, and records that attempt", async () => {
    const target = webhook([200]);
    expect(await deliver(target)).toEqual({ attempts: 1, delivered: true });

    expect(backend.rpcArgs("agent_webhook_target")).toEqual([{ p_agent_id: AGENT }]);
    expect(target.attempts).toHaveLength(1);
    const [sent] = target.attempts;
    expect(sent?.url).toBe(HOOK);
    expect(sent?.method).toBe("POST");
    expect(sent?.headers.get("content-type")).toBe("application/json");
    expect(sent?.body).toBe(JSON.stringify(event));
    expect(JSON.parse(sent?.body ?? "null")).toEqual(event);
    const { t, v1 } = signatureParts(sent?.headers.get(SIGNATURE_HEADER) ?? null);
    expect(t).toBe(String(Math.floor(START / 1000)));
    expect(v1).toBe(expectedMac(SECRET, t, sent?.body ?? ""));
    expect(v1).not.toBe(expectedMac("another secret", t, sent?.body ?? ""));
    expect(sent?.signal).toBeInstanceOf(AbortSignal);
    expect(sleeps).toEqual([]);
    expect(recorded()).toEqual([row(1, 200, null)]);
  });

  it("retries a 500 and a network failure at the schedule's times, each signed when sent and recorded", async () => {
    const target = webhook([500, new TypeError("fetch failed"), 204]);
    expect(await deliver(target)).toEqual({ attempts: 3, delivered: true });

    // Attempts at about 0, 2 and 10 s from the first.
    expect(sleeps).toEqual([2000, 8000]);
    expect(target.attempts.map((attempt) => attempt.at - START)).toEqual([0, 2000, 10_000]);
    for (const attempt of target.attempts) {
      expect(attempt.body).toBe(JSON.stringify(event));
      const { t, v1 } = signatureParts(attempt.headers.get(SIGNATURE_HEADER));
      expect(t).toBe(String(Math.floor(attempt.at / 1000)));
      expect(v1).toBe(expectedMac(SECRET, t, attempt.body));
    }
    expect(recorded()).toEqual([
      row(1, 500, "answered HTTP 500"),
      row(2, null, "could not connect"),
      row(3, 204, null),
    ]);
  });

  it("gives up after the schedule's last attempt, every one recorded as failed", async () => {
    const target = webhook([503]);
    expect(await deliver(target)).toEqual({ attempts: 5, delivered: false });
    expect(ATTEMPT_DELAYS_MS).toEqual([0, 2000, 10_000, 30_000, 60_000]);
    expect(sleeps).toEqual([2000, 8000, 20_000, 30_000]);
    expect(target.attempts).toHaveLength(5);
    expect(recorded()).toEqual([1, 2, 3, 4, 5].map((n) => row(n, 503, "answered HTTP 503")));
  });

  it("follows the schedule it is given", async () => {
    const target = webhook([500]);
    expect(await deliver(target, { delaysMs: [0, 100, 300] })).toEqual({
      attempts: 3,
      delivered: false,
    });
    expect(sleeps).toEqual([100, 200]);
  });

  it("records an attempt that was not answered in time as such", async () => {
    const target = webhook([new DOMException("The operation timed out.", "TimeoutError"), 200]);
    expect(await deliver(target)).toEqual({ attempts: 2, delivered: true });
    expect(recorded()).toEqual([row(1, null, "no answer within 10 s"), row(2, 200, null)]);
  });

  it("does not follow a redirect: a 3xx is a failed attempt", async () => {
    const target = webhook([302]);
    expect(await deliver(target, { delaysMs: [0] })).toEqual({ attempts: 1, delivered: false });
    expect(target.attempts.map((attempt) => [attempt.url, attempt.redirect])).toEqual([
      [HOOK, "manual"],
    ]);
    expect(recorded()).toEqual([row(1, 302, "answered HTTP 302")]);
  });

  it("checks the URL before every attempt: while its name resolves to a private address, nothing is sent", async () => {
    let addresses = ["10.0.0.5"];
    const resolve = resolver(() => addresses);
    const target = webhook([200]);
    const sleepThenFix = (ms: number) => {
      addresses = PUBLIC;
      return sleep(ms);
    };
    const result = await deliverEvent(PRODUCTION, backend.db, event, {
      resolve,
      fetch: target.fetch,
      sleep: sleepThenFix,
      delaysMs: [0, 100],
    });
    expect(result).toEqual({ attempts: 2, delivered: true });
    expect(resolve.asked).toEqual(["hooks.example.com", "hooks.example.com"]);
    expect(target.attempts.map((attempt) => attempt.at - START)).toEqual([100]);
    expect(recorded()).toEqual([
      row(1, null, "url: must not point to a private or local address"),
      row(2, 200, null),
    ]);
  });

  it("does nothing for an agent without a webhook, or when it cannot be looked up", async () => {
    for (const answer of [reply([]), reply(null), pgError(500, "XX000")]) {
      backend.rpc("agent_webhook_target", answer);
      const target = webhook([200]);
      expect(await deliver(target)).toEqual({ attempts: 0, delivered: false });
      expect(target.attempts).toEqual([]);
    }
    expect(recorded()).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it("still delivers when an attempt cannot be recorded", async () => {
    backend.table("POST", "agent_webhook_deliveries", pgError(500, "XX000"));
    expect(await deliver(webhook([200]))).toEqual({ attempts: 1, delivered: true });
  });
});

// ---------------------------------------------------------------------------------------------
const storedReply = (id: string, agentId: string | null): StoredReply => ({
  id,
  clicksend_message_id: `IN-${id.slice(0, 4)}`,
  from_number: "+61411111111",
  to_number: "+61477485926",
  body: "Yes please",
  consent: null,
  original_message_id: "M-1",
  custom_string: null,
  message_row_id: null,
  agent_id: agentId,
  received_at: "2026-04-01 03:08:47+00",
});
const REPLY_A = "3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b";
const REPLY_B = "4a3b2c1d-6e5f-4a70-9b8c-1d0e2f3a4b5c";
const REPLY_C = "5b4c3d2e-7f6a-4b81-8c9d-2e1f3a4b5c6d";

describe("replyEvent", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(START);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("makes a reply to an agent's message its event, warning that the text is untrusted", () => {
    const made = replyEvent(storedReply(REPLY_A, AGENT), CONNECTION);
    expect(made).toEqual({
      type: "reply",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      agent_id: AGENT,
      created_at: new Date(START).toISOString(),
      data: {
        untrusted_content_warning: UNTRUSTED_REPLY_WARNING,
        reply_id: REPLY_A,
        message_id: `IN-${REPLY_A.slice(0, 4)}`,
        connection_id: CONNECTION,
        from: "+61411111111",
        to: "+61477485926",
        body: "Yes please",
        received_at: "2026-04-01T03:08:47.000Z",
        original_message_id: "M-1",
      },
    });
    expect(Object.keys(made?.data ?? {})[0]).toBe("untrusted_content_warning");
    expect(replyEvent(storedReply(REPLY_A, AGENT), CONNECTION)?.id).not.toBe(made?.id);
  });

  it("makes no event for a reply no agent's message is answered by", () => {
    expect(replyEvent(storedReply(REPLY_A, null), CONNECTION)).toBeNull();
  });
});

describe("wakeAgents", () => {
  it("delivers each reply to its own agent's webhook and skips replies without an agent", async () => {
    const backend = fakeBackend()
      .rpc("agent_webhook_target", (request) => {
        const agent = (request.body as { p_agent_id: string }).p_agent_id;
        return reply([{ user_id: USER, url: `${HOOK}/${agent}`, secret: SECRET }]);
      })
      .table("POST", "agent_webhook_deliveries", { status: 201 });
    const target = webhook([200]);
    const results = await wakeAgents(
      PRODUCTION,
      backend.db,
      [storedReply(REPLY_A, AGENT), storedReply(REPLY_B, null), storedReply(REPLY_C, OTHER_AGENT)],
      CONNECTION,
      { fetch: target.fetch, resolve: resolver(PUBLIC), sleep: () => Promise.resolve() },
    );
    expect(results).toEqual([
      { attempts: 1, delivered: true },
      { attempts: 1, delivered: true },
    ]);
    expect(backend.rpcArgs("agent_webhook_target")).toEqual([
      { p_agent_id: AGENT },
      { p_agent_id: OTHER_AGENT },
    ]);
    const sent = target.attempts.map((attempt): unknown[] => {
      const body = JSON.parse(attempt.body) as AgentEvent;
      return [attempt.url, body.agent_id, body.data.reply_id];
    });
    expect(sent).toEqual([
      [`${HOOK}/${AGENT}`, AGENT, REPLY_A],
      [`${HOOK}/${OTHER_AGENT}`, OTHER_AGENT, REPLY_C],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
describe("changeAgentWebhook", () => {
  let backend: FakeBackend;
  const view = {
    agent_id: AGENT,
    url: HOOK,
    secret_hint: "0f13",
    secret_rotated_at: "2026-04-01T03:08:47+00:00",
    created_at: "2026-04-01T03:08:47+00:00",
    updated_at: "2026-04-01T03:08:47+00:00",
  };

  beforeEach(() => {
    backend = fakeBackend().rpc(
      "agent_webhook_set",
      reply({ outcome: "ok", secret: SECRET, webhook: view }),
    );
  });

  it("sets a webhook whose URL passes, answering its secret once", async () => {
    const resolve = resolver(PUBLIC);
    const result = await changeAgentWebhook(
      PRODUCTION,
      backend.db,
      USER,
      { action: "set", agent_id: AGENT, url: HOOK },
      resolve,
    );
    expect(result).toEqual({ webhook: view, secret: SECRET });
    expect(backend.rpcArgs("agent_webhook_set")).toEqual([
      { p_user_id: USER, p_agent_id: AGENT, p_url: HOOK, p_rotate: false },
    ]);
    expect(resolve.asked).toEqual(["hooks.example.com"]);
  });

  it("answers a changed URL of an existing webhook without a secret", async () => {
    backend.rpc("agent_webhook_set", reply({ outcome: "ok", secret: null, webhook: view }));
    expect(
      await changeAgentWebhook(
        PRODUCTION,
        backend.db,
        USER,
        { action: "set", agent_id: AGENT, url: HOOK },
        resolver(PUBLIC),
      ),
    ).toEqual({ webhook: view, secret: null });
  });

  it.each([
    ["http://hooks.example.com/agent", PUBLIC, "url: must start with https://"],
    [HOOK, ["192.168.1.20"], "url: must not point to a private or local address"],
    [HOOK, [], "url: hooks.example.com could not be resolved"],
  ])(
    "refuses to set %s (resolving to %j) with 400, saving nothing",
    async (url, addresses, message) => {
      const error = await rejection(
        changeAgentWebhook(
          PRODUCTION,
          backend.db,
          USER,
          { action: "set", agent_id: AGENT, url },
          resolver(addresses),
        ),
      );
      expect(error).toMatchObject({ status: 400, code: "invalid_request", message });
      expect(backend.requests).toEqual([]);
    },
  );

  it("rotates the secret without a URL and without resolving anything", async () => {
    const resolve = resolver([]);
    const result = await changeAgentWebhook(
      PRODUCTION,
      backend.db,
      USER,
      { action: "rotate_secret", agent_id: AGENT },
      resolve,
    );
    expect(result).toEqual({ webhook: view, secret: SECRET });
    expect(backend.rpcArgs("agent_webhook_set")).toEqual([
      { p_user_id: USER, p_agent_id: AGENT, p_rotate: true },
    ]);
    expect(resolve.asked).toEqual([]);
  });

  it.each([
    ["agent_not_found", 404, "agent_not_found"],
    ["webhook_not_found", 404, "webhook_not_found"],
  ])("answers the outcome %s as %i %s", async (outcome, status, code) => {
    backend.rpc("agent_webhook_set", reply({ outcome }));
    const error = await rejection(
      changeAgentWebhook(
        PRODUCTION,
        backend.db,
        USER,
        { action: "rotate_secret", agent_id: AGENT },
        resolver(PUBLIC),
      ),
    );
    expect(error).toMatchObject({ status, code });
  });

  it("answers 500 database_error when the webhook cannot be saved", async () => {
    backend.rpc("agent_webhook_set", pgError(500, "XX000"));
    const error = await rejection(
      changeAgentWebhook(
        PRODUCTION,
        backend.db,
        USER,
        { action: "set", agent_id: AGENT, url: HOOK },
        resolver(PUBLIC),
      ),
    );
    expect(error).toMatchObject({ status: 500, code: "database_error", retryable: true });
  });

  it("removes only the caller's agent's webhook, saying whether there was one", async () => {
    backend.table("DELETE", "agent_webhooks", reply([{ agent_id: AGENT }]));
    const remove = () =>
      changeAgentWebhook(
        PRODUCTION,
        backend.db,
        USER,
        { action: "remove", agent_id: AGENT },
        resolver([]),
      );
    expect(await remove()).toEqual({ removed: true });
    const [request] = backend.calls("agent_webhooks");
    expect(request?.query.get("agent_id")).toBe(`eq.${AGENT}`);
    expect(request?.query.get("user_id")).toBe(`eq.${USER}`);
    expect(backend.calls("agent_webhook_set")).toEqual([]);

    backend.table("DELETE", "agent_webhooks", reply([]));
    expect(await remove()).toEqual({ removed: false });
    backend.table("DELETE", "agent_webhooks", pgError(500, "XX000"));
    expect(await rejection(remove())).toMatchObject({ status: 500, code: "database_error" });
  });
});
