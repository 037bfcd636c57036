// Rate limits (clicksend-api.md §4): x-ratelimit-limit / x-ratelimit-remaining / ratelimit-reset on
// answers, 429 HTTP_TOO_MANY_REQUESTS with Retry-After; GET /account 20 per 60 s by default.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_USERNAME, startSandbox, type Sandbox } from "./server.ts";
import { basic, client, control } from "./testing.ts";

let clock = Date.UTC(2026, 10, 24, 12, 0, 0);
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => clock });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

const api = () => client(sandbox);
const TOO_MANY = {
  http_code: 429,
  response_code: "HTTP_TOO_MANY_REQUESTS",
  response_msg: "Too many attempts.",
  data: null,
};

describe("rate limits", () => {
  it("allows 20 GET /account per minute with counting-down headers, then 429", async () => {
    for (let i = 1; i <= 20; i += 1) {
      const response = await api().get("/account");
      expect(response.status).toBe(200);
      expect(response.headers.get("x-ratelimit-limit")).toBe("20");
      expect(response.headers.get("x-ratelimit-remaining")).toBe(String(20 - i));
      expect(response.headers.get("ratelimit-reset")).toBe(String(60 - (i - 1)));
      clock += 1000;
    }
    const refused = await api().get("/account");
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(TOO_MANY);
    expect(refused.headers.get("retry-after")).toBe("40");
    expect(refused.headers.get("ratelimit-reset")).toBe("40");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(refused.headers.get("x-ratelimit-limit")).toBe("20");

    clock += 40_000; // the window has passed
    const again = await api().get("/account");
    expect(again.status).toBe(200);
    expect(again.headers.get("x-ratelimit-remaining")).toBe("19");
  });

  it("counts wrong-key calls too and puts the headers on 401s", async () => {
    const response = await fetch(`${sandbox.url}/account`, {
      headers: { authorization: basic(SANDBOX_USERNAME, "WRONG") },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("x-ratelimit-remaining")).toBe("19");
    expect((await api().get("/account")).headers.get("x-ratelimit-remaining")).toBe("18");
  });

  it("keeps separate windows per endpoint and per username", async () => {
    await api().get("/account");
    const history = await api().get("/sms/history");
    expect(history.headers.get("x-ratelimit-limit")).toBe("6000");
    expect(history.headers.get("x-ratelimit-remaining")).toBe("5999");
    const other = await client(sandbox, "nocredit", "D83DED51-9E35-4D42-9BB9-0E34B7CA85AE").get(
      "/account",
    );
    expect(other.headers.get("x-ratelimit-remaining")).toBe("19");
  });

  it("does not process a refused request", async () => {
    await control(sandbox, "POST", "rate-limit", { limit: 1, endpoint: "POST /sms/send" });
    const send = () => api().post("/sms/send", { messages: [{ to: "+61411111111", body: "x" }] });
    expect((await send()).status).toBe(200);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual(TOO_MANY);
    expect(sandbox.state.messages).toHaveLength(1);
    expect(sandbox.state.accounts.get(SANDBOX_USERNAME)?.smsSent).toBe(1);
  });

  it("takes one limit for every endpoint from POST /_sandbox/rate-limit and resets to defaults", async () => {
    const set = await control(sandbox, "POST", "rate-limit", { limit: 2, windowMs: 10_000 });
    expect(set.rate_limit).toEqual({ limit: 2, windowMs: 10_000, endpoints: {} });
    await api().get("/sms/history");
    await api().get("/sms/history");
    const refused = await api().get("/sms/history");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("10");
    await control(sandbox, "POST", "rate-limit", { defaults: true });
    expect((await api().get("/sms/history")).headers.get("x-ratelimit-limit")).toBe("6000");
    const invalid = await fetch(`${sandbox.origin}/_sandbox/rate-limit`, {
      method: "POST",
      body: JSON.stringify({ limit: 0 }),
    });
    expect(invalid.status).toBe(400);
  });

  it("takes a uniform limit from startSandbox({ rateLimit })", async () => {
    const limited = await startSandbox({ port: 0, rateLimit: { limit: 1, windowMs: 60_000 } });
    try {
      expect((await client(limited).get("/sms/history")).status).toBe(200);
      expect((await client(limited).get("/sms/history")).status).toBe(429);
      expect((await client(limited).get("/account")).headers.get("x-ratelimit-limit")).toBe("1");
    } finally {
      await limited.close();
    }
  });
});
