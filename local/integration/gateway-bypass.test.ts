// A function's own port is no way around the gateway. Locally each Edge Function listens on its
// own 127.0.0.1 port, which anything on the machine can reach without the gateway's verify_jwt.
// The gateway hands every function a per-start secret and puts it on each request it proxies;
// every function refuses a request without it, whatever token it carries. Even with the secret, a
// token that merely claims service_role (unsigned, or signed with the wrong secret) is refused,
// and nothing is sent or stored. Every running function is covered, found at run time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_USERNAME } from "../clicksend-sandbox/server.ts";
import { GATEWAY_SECRET_HEADER } from "../gateway/functions.ts";
import { signJwt } from "../gateway/jwt.ts";
import { startFullStack, type FullStack } from "./full-stack.ts";
import { agentWithGrant, signUpUser } from "./users.ts";

let stack: FullStack;
let user: { id: string; token: string };
let connectionId: string;
let agentId: string;
/** A real agent token (agent-mcp's own credential), so its port is tried with one that works. */
let agentToken: string;

const PHONE = "+61411111111";

interface Attempt {
  method: string;
  /** Query string, e.g. "?token=…" for the receipt webhook. */
  search?: string;
  body?: string;
  contentType?: string;
}

/**
 * For each function, the request a forged service caller would most like to make: send, read or
 * connect on user A's account. A function this file does not know yet gets a bare POST.
 */
function attemptsFor(name: string): Attempt[] {
  const jsonBody = (body: unknown, method = "POST"): Attempt => ({
    method,
    body: JSON.stringify(body),
    contentType: "application/json",
  });
  switch (name) {
    case "execute-agent-tool":
      return [
        jsonBody({
          agent_id: agentId,
          tool: "clicksend_send_sms",
          arguments: { to: [PHONE], body: "Sent with a forged token" },
        }),
      ];
    case "get-agent-tools":
      return [jsonBody({ agent_id: agentId })];
    case "clicksend-api":
      return [
        jsonBody({
          connection_id: connectionId,
          action: "send_sms",
          params: { to: [PHONE], body: "Sent with a forged token" },
        }),
        jsonBody({ connection_id: connectionId, action: "get_balance" }),
      ];
    case "clicksend-connect":
      return [
        { method: "GET" },
        jsonBody({ username: SANDBOX_USERNAME, api_key: SANDBOX_API_KEY }),
        jsonBody({ connection_id: connectionId }, "DELETE"),
      ];
    case "clicksend-webhook":
      return [
        {
          method: "POST",
          body: new URLSearchParams({ messageid: "x", status: "Delivered" }).toString(),
          contentType: "application/x-www-form-urlencoded",
        },
      ];
    case "agent-tokens":
      return [{ method: "GET" }, jsonBody({ agent_id: agentId, name: "Forged" })];
    case "agent-mcp":
      return [
        jsonBody({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: {
            name: "clicksend_send_sms",
            arguments: { to: [PHONE], body: "Sent with a forged token" },
          },
        }),
      ];
    default:
      return [jsonBody({})];
  }
}

/** Straight to the function's own port, past the gateway. */
async function direct(
  name: string,
  attempt: Attempt,
  headers: Record<string, string>,
): Promise<number> {
  const fn = stack.functions.functions.get(name);
  if (!fn) throw new Error(`function ${name} is not running`);
  const response = await fetch(
    `http://127.0.0.1:${String(fn.port)}/${name}${attempt.search ?? ""}`,
    {
      method: attempt.method,
      headers: {
        ...headers,
        ...(attempt.contentType === undefined ? {} : { "content-type": attempt.contentType }),
      },
      body: attempt.body,
    },
  );
  await response.body?.cancel();
  return response.status;
}

function functionNames(): string[] {
  return [...stack.functions.functions.keys()];
}

const serviceClaims = { role: "service_role", iss: "supabase-demo", exp: 4102444800 };

function unsigned(claims: Record<string, unknown>): string {
  return [
    Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url"),
    Buffer.from(JSON.stringify(claims)).toString("base64url"),
    "",
  ].join(".");
}

async function rowCounts(): Promise<{ messages: number; connections: number; active: number }> {
  const [row] = await stack.db.query<{ messages: number; connections: number; active: number }>(
    `select (select count(*)::int from public.clicksend_messages) as messages,
            (select count(*)::int from public.user_oauth_connections) as connections,
            (select count(*)::int from public.user_oauth_connections
              where connection_status = 'active') as active`,
  );
  if (!row) throw new Error("no counts");
  return row;
}

async function viaGateway(
  token: string,
  name: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stack.url}/functions/v1/${name}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      apikey: stack.anonKey,
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : (JSON.parse(text) as unknown) };
}

beforeAll(async () => {
  stack = await startFullStack();
  const owner = await signUpUser(stack, "bypass-owner@example.com");
  user = { id: owner.id, token: owner.token };

  const connected = await viaGateway(user.token, "clicksend-connect", "POST", {
    username: SANDBOX_USERNAME,
    api_key: SANDBOX_API_KEY,
  });
  if (connected.status !== 201) throw new Error(`connect failed: ${String(connected.status)}`);
  connectionId = (connected.body as { connection: { id: string } }).connection.id;

  agentId = await agentWithGrant(
    owner,
    connectionId,
    ["sms", "balance", "history", "delivery_receipts"],
    "Bypass target",
  );
  const token = await viaGateway(user.token, "agent-tokens", "POST", {
    agent_id: agentId,
    name: "Bypass",
  });
  if (token.status !== 201) throw new Error(`agent token failed: ${String(token.status)}`);
  agentToken = (token.body as { token: string }).token;
}, 240_000);

afterAll(async () => {
  await stack.stop();
});

describe("a function's own port", () => {
  it("runs every function of supabase/functions, each on its own port", () => {
    expect(functionNames()).toEqual(
      expect.arrayContaining([
        "clicksend-api",
        "clicksend-connect",
        "clicksend-webhook",
        "execute-agent-tool",
        "get-agent-tools",
      ]),
    );
    expect(stack.functions.gatewaySecret).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses every request without the gateway's secret with 401, even with the real service_role key", async () => {
    const before = await rowCounts();
    const wrongSecret = stack.functions.gatewaySecret.replace(/^./, (c) => (c === "0" ? "1" : "0"));
    const withoutSecret: Record<string, string>[] = [
      { authorization: `Bearer ${stack.serviceRoleKey}`, apikey: stack.serviceRoleKey },
      { authorization: `Bearer ${user.token}`, apikey: stack.anonKey },
      { authorization: `Bearer ${agentToken}`, accept: "application/json, text/event-stream" },
      {},
      {
        authorization: `Bearer ${stack.serviceRoleKey}`,
        [GATEWAY_SECRET_HEADER]: wrongSecret,
      },
      { authorization: `Bearer ${stack.serviceRoleKey}`, [GATEWAY_SECRET_HEADER]: "" },
    ];
    for (const name of functionNames()) {
      for (const attempt of [...attemptsFor(name), { method: "OPTIONS" }]) {
        for (const headers of withoutSecret) {
          expect({
            name,
            method: attempt.method,
            status: await direct(name, attempt, headers),
          }).toEqual({ name, method: attempt.method, status: 401 });
        }
      }
    }
    // The refusal's body, once.
    const fn = stack.functions.functions.get("get-agent-tools");
    if (!fn) throw new Error("get-agent-tools is not running");
    const response = await fetch(`http://127.0.0.1:${String(fn.port)}/get-agent-tools`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${stack.serviceRoleKey}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ agent_id: agentId }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: {
        code: "unauthorized",
        message: "Call this function through the API gateway.",
        retryable: false,
      },
    });
    expect(await rowCounts()).toEqual(before);
  });

  it("with the secret, still refuses an alg:none or wrongly signed service_role token (401/403) and sends nothing", async () => {
    const before = await rowCounts();
    const forged = [
      unsigned(serviceClaims),
      signJwt(serviceClaims, "not-the-secret-not-the-secret-not-the-secret"),
    ];
    for (const name of functionNames()) {
      for (const attempt of attemptsFor(name)) {
        for (const token of forged) {
          const status = await direct(name, attempt, {
            authorization: `Bearer ${token}`,
            apikey: token,
            [GATEWAY_SECRET_HEADER]: stack.functions.gatewaySecret,
          });
          expect({
            name,
            method: attempt.method,
            refused: status === 401 || status === 403,
          }).toEqual({ name, method: attempt.method, refused: true });
        }
      }
    }
    expect(await rowCounts()).toEqual(before);
    // The owner's connection is untouched (the DELETE above was refused).
    const [connection] = await stack.db.query<{ connection_status: string }>(
      "select connection_status from public.user_oauth_connections where id = $1",
      [connectionId],
    );
    expect(connection?.connection_status).toBe("active");
  });

  it("serves the real service_role key when the secret is there", async () => {
    const status = await direct(
      "get-agent-tools",
      {
        method: "POST",
        body: JSON.stringify({ agent_id: agentId }),
        contentType: "application/json",
      },
      {
        authorization: `Bearer ${stack.serviceRoleKey}`,
        [GATEWAY_SECRET_HEADER]: stack.functions.gatewaySecret,
      },
    );
    expect(status).toBe(200);
  });
});

describe("through the gateway", () => {
  it("refuses the forged tokens before any function sees them", async () => {
    for (const token of [
      unsigned(serviceClaims),
      signJwt(serviceClaims, "not-the-secret-not-the-secret-not-the-secret"),
    ]) {
      const reply = await viaGateway(token, "get-agent-tools", "POST", { agent_id: agentId });
      expect(reply.status).toBe(401);
    }
  });

  it("still serves ordinary calls, and a send through it is recorded (so the checks above would see one)", async () => {
    const settings = await viaGateway(user.token, "clicksend-connect", "GET");
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ sandbox: true });

    const tools = await viaGateway(user.token, "get-agent-tools", "POST", { agent_id: agentId });
    expect(tools.status).toBe(200);

    const before = await rowCounts();
    const sent = await viaGateway(user.token, "execute-agent-tool", "POST", {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: [PHONE], body: "Sent through the gateway" },
    });
    expect(sent.status).toBe(200);
    expect((await rowCounts()).messages).toBe(before.messages + 1);
  });
});
