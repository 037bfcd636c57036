import { describe, expect, it } from "vitest";
import { clientAddress, GATEWAY_SECRET_HEADER, json, sameSecret, serve } from "./http.ts";

const SECRET = "a".repeat(64);
const REFUSED = {
  error: {
    code: "unauthorized",
    message: "Call this function through the API gateway.",
    retryable: false,
  },
};

function request(method: string, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1:9999/some-function", { method, headers });
}

describe("serve with a gateway secret", () => {
  const logs: string[] = [];
  let calls = 0;
  const handler = serve(
    {
      POST: () => {
        calls += 1;
        return Promise.resolve(json(200, { ok: true }));
      },
    },
    (line) => logs.push(line),
    { gatewaySecret: SECRET },
  );

  it("refuses a request without the header, before any route runs", async () => {
    const before = calls;
    const response = await handler(request("POST"));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(REFUSED);
    expect(calls).toBe(before);
  });

  it("refuses a wrong, a longer, a shorter and an empty secret", async () => {
    const before = calls;
    for (const given of [`b${SECRET.slice(1)}`, `${SECRET}a`, SECRET.slice(1), ""]) {
      const response = await handler(request("POST", { [GATEWAY_SECRET_HEADER]: given }));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(REFUSED);
    }
    expect(calls).toBe(before);
  });

  it("refuses a CORS preflight and an unknown method without it too", async () => {
    for (const method of ["OPTIONS", "PUT"]) {
      const response = await handler(request(method));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(REFUSED);
    }
  });

  it("serves a request that carries the exact secret", async () => {
    const before = calls;
    const response = await handler(request("POST", { [GATEWAY_SECRET_HEADER]: SECRET }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(calls).toBe(before + 1);
    const preflight = await handler(request("OPTIONS", { [GATEWAY_SECRET_HEADER]: SECRET }));
    expect(preflight.status).toBe(204);
  });
});

describe("serve without a gateway secret (deployed on Supabase)", () => {
  it("serves requests with no header", async () => {
    const unset = serve({ POST: () => Promise.resolve(json(200, { ok: true })) }, () => undefined, {
      gatewaySecret: undefined,
    });
    expect((await unset(request("POST"))).status).toBe(200);
  });
});

describe("sameSecret", () => {
  it("is true only for equal strings", () => {
    expect(sameSecret(SECRET, SECRET)).toBe(true);
    expect(sameSecret(SECRET, `${SECRET}a`)).toBe(false);
    expect(sameSecret(`${SECRET.slice(0, -1)}b`, SECRET)).toBe(false);
    expect(sameSecret("", SECRET)).toBe(false);
    expect(sameSecret("é", "e\u0301")).toBe(false);
  });
});

describe("clientAddress", () => {
  const withForwarded = (value?: string): Request =>
    request("GET", value === undefined ? {} : { "x-forwarded-for": value });

  it("is the first entry of x-forwarded-for, trimmed", () => {
    expect(clientAddress(withForwarded("203.0.113.9"))).toBe("203.0.113.9");
    expect(clientAddress(withForwarded("  203.0.113.9 , 10.0.0.1, 10.0.0.2"))).toBe("203.0.113.9");
    expect(clientAddress(withForwarded("2001:db8::1"))).toBe("2001:db8::1");
  });

  it("is null without the header or with an empty first entry", () => {
    expect(clientAddress(withForwarded())).toBeNull();
    expect(clientAddress(withForwarded(""))).toBeNull();
    expect(clientAddress(withForwarded("   "))).toBeNull();
    expect(clientAddress(withForwarded(" , 10.0.0.1"))).toBeNull();
  });
});
