// /functions/v1 under real Deno (functions/supervisor.ts and functions/proxy.ts together): JWT
// checked per verify_jwt, request proxied unchanged but for the per-start gateway secret and the
// client's address, the Supabase environment present, logs prefixed by function name. Discovery
// and config.toml parsing are tested in functions/config.test.ts.
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../db/sql-files.ts";
import { DEFAULT_JWT_SECRET } from "./config.ts";
import { startFunctions, type FunctionsRuntime } from "./functions.ts";
import { signJwt } from "./jwt.ts";
import { createTestClient, startTestStack, type TestStack } from "./testing.ts";

const fixtures = join(repoRoot, "local/gateway/fixtures");
const denoBin = join(repoRoot, "node_modules/.bin/deno");

let runtime: FunctionsRuntime;
let stack: TestStack;
const logs: string[] = [];

beforeAll(async () => {
  runtime = await startFunctions({
    dir: join(fixtures, "functions"),
    configToml: join(fixtures, "config.toml"),
    env: {
      SUPABASE_URL: "http://127.0.0.1:54321",
      SUPABASE_ANON_KEY: "anon-key-for-test",
      SUPABASE_SERVICE_ROLE_KEY: "service-key-for-test",
      CLICKSEND_API_BASE: "http://127.0.0.1:54330/v3",
    },
    denoDir: join(repoRoot, ".local-data/deno"),
    denoBin,
    log: (line) => logs.push(line),
  });
  stack = await startTestStack("pglite", {
    extraRoutes: (ctx) => ({ "/functions/v1": runtime.handler(ctx.jwtSecret) }),
  });
}, 180_000);

afterAll(async () => {
  await stack.stop();
  await runtime.stop();
});

/** A second start of the fixture functions beside the suite's own, its logs dropped. */
const startAgain = (extra: { signal?: AbortSignal } = {}): Promise<FunctionsRuntime> =>
  startFunctions({
    dir: join(fixtures, "functions"),
    configToml: join(fixtures, "config.toml"),
    env: { SUPABASE_URL: "http://127.0.0.1:54321" },
    denoDir: join(repoRoot, ".local-data/deno"),
    denoBin,
    log: () => undefined,
    ...extra,
  });

async function call(name: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${stack.url}/functions/v1/${name}`, init);
}

describe("/functions/v1 proxy", () => {
  it("rejects a verify_jwt function called without a token", async () => {
    const response = await call("echo");
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 401, message: "Missing authorization header" });
  });

  it("rejects a tampered or expired token", async () => {
    const tampered = `${stack.anonKey.slice(0, -2)}xx`;
    const expired = signJwt(
      { role: "authenticated", sub: "x", exp: Math.floor(Date.now() / 1000) - 10 },
      DEFAULT_JWT_SECRET,
    );
    for (const token of [tampered, expired]) {
      const response = await call("echo", { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(401);
    }
  });

  it("proxies method, path, query and body with a valid token, and gives the function Supabase's environment", async () => {
    const response = await call("echo/sub/path?x=1", {
      method: "POST",
      headers: { authorization: `Bearer ${stack.anonKey}`, "content-type": "application/json" },
      body: JSON.stringify({ hello: "world" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      method: "POST",
      path: "/echo/sub/path",
      search: "?x=1",
      body: '{"hello":"world"}',
      hasAuthorization: true,
      env: {
        SUPABASE_URL: "http://127.0.0.1:54321",
        CLICKSEND_API_BASE: "http://127.0.0.1:54330/v3",
        hasAnonKey: true,
        hasServiceRoleKey: true,
      },
    });
  });

  it("lets a verify_jwt = false function through without a token", async () => {
    const response = await call("open-hook", { method: "POST", body: "a=1" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("hook ok");
  });

  it("answers 404 for an unknown function", async () => {
    const response = await call("nope", { headers: { authorization: `Bearer ${stack.anonKey}` } });
    expect(response.status).toBe(404);
  });

  it("works through supabase-js functions.invoke", async () => {
    const client = createTestClient(stack.url, stack.anonKey);
    const result = await client.functions.invoke<{ method: string; body: string }>("echo", {
      body: { n: 1 },
    });
    expect(result.error).toBeNull();
    expect(result.data).toMatchObject({ method: "POST", body: '{"n":1}' });
  });

  it("gives every function this start's secret and puts it on every proxied request, over the client's", async () => {
    expect(runtime.gatewaySecret).toMatch(/^[0-9a-f]{64}$/);
    const response = await call("headers", {
      headers: {
        authorization: `Bearer ${stack.anonKey}`,
        "x-gateway-secret": "chosen-by-the-client",
        "x-forwarded-for": "203.0.113.9, 198.51.100.1",
      },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      gatewaySecretHeader: runtime.gatewaySecret,
      forwardedFor: "127.0.0.1",
      gatewaySecretEnv: runtime.gatewaySecret,
    });
  });

  it("sets x-forwarded-for to the address the client connected from", async () => {
    // All of 127/8 is loopback on Linux: a second client address without a second machine.
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        `${stack.url}/functions/v1/headers`,
        {
          localAddress: "127.0.0.2",
          headers: { authorization: `Bearer ${stack.anonKey}`, "x-forwarded-for": "10.0.0.1" },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => {
            resolve(text);
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({ forwardedFor: "127.0.0.2" });
  });

  it("makes a new secret on every start", async () => {
    const second = await startAgain();
    try {
      expect(second.gatewaySecret).toMatch(/^[0-9a-f]{64}$/);
      expect(second.gatewaySecret).not.toBe(runtime.gatewaySecret);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it("rejects a start that is aborted, with the abort's reason", async () => {
    const controller = new AbortController();
    const starting = startAgain({ signal: controller.signal });
    controller.abort(new Error("stopped by the test"));
    await expect(starting).rejects.toThrow("stopped by the test");
  });

  it("prefixes function logs with the function name", () => {
    expect(logs).toContain("[fn:echo] echo called with POST");
  });

  it("logs requests without tokens or query strings", () => {
    const joined = stack.logs.join("\n");
    expect(joined).toContain("POST /functions/v1/echo/sub/path 200");
    expect(joined).not.toContain(stack.anonKey);
    expect(joined).not.toContain("x=1");
  });
});
