// Signed-up users for the whole-stack tests: a user calls functions through the gateway with
// their JWT (optionally from another loopback source address, for per-address limits) and reads
// or writes REST as themselves.
import { request as httpRequest } from "node:http";
import { createTestClient } from "../gateway/testing.ts";

export interface FunctionReply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export interface TestUser {
  id: string;
  token: string;
  call(fn: string, method: string, body?: unknown): Promise<FunctionReply>;
  rest: ReturnType<typeof createTestClient>;
}

interface StackAddress {
  url: string;
  anonKey: string;
}

/**
 * One function call through the gateway. node:http rather than fetch, so a test can choose the
 * client's source address (all of 127/8 is loopback on Linux).
 */
export function callFunction(
  stack: StackAddress,
  token: string,
  fn: string,
  method: string,
  body?: unknown,
  localAddress?: string,
): Promise<FunctionReply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${stack.url}/functions/v1/${fn}`,
      {
        method,
        localAddress,
        headers: {
          authorization: `Bearer ${token}`,
          apikey: stack.anonKey,
          "content-type": "application/json",
          // Node sends no body for a DELETE without a length (no chunked encoding by default).
          ...(payload === undefined ? {} : { "content-length": Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          const headers = new Headers();
          for (const [key, value] of Object.entries(res.headers))
            if (typeof value === "string") headers.set(key, value);
          try {
            resolve({
              status: res.statusCode ?? 0,
              body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
              headers,
            });
          } catch (error) {
            reject(
              new Error(`${fn} answered ${String(res.statusCode)} with no JSON: ${text}`, {
                cause: error,
              }),
            );
          }
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Signs up a new user by email (GoTrue's public endpoint, as the app does). */
export async function signUpUser(stack: StackAddress, email: string): Promise<TestUser> {
  const client = createTestClient(stack.url, stack.anonKey);
  const { data, error } = await client.auth.signUp({ email, password: "correct-horse-battery" });
  if (error || !data.session || !data.user)
    throw new Error(`sign-up failed: ${error?.message ?? "no session"}`);
  const token = data.session.access_token;
  return {
    id: data.user.id,
    token,
    call: (fn, method, body) => callFunction(stack, token, fn, method, body),
    rest: createTestClient(stack.url, stack.anonKey, {
      global: { headers: { Authorization: `Bearer ${token}` } },
    }),
  };
}

/** A new agent of the user's with a grant of `scopes` on one of their connections. */
export async function agentWithGrant(
  user: TestUser,
  connectionId: string,
  scopes: string[],
  name = "Helper",
): Promise<string> {
  const { data: agent, error } = await user.rest
    .from("agents")
    .insert({ name })
    .select("id")
    .single();
  if (error) throw new Error(error.message);
  const { error: grantError } = await user.rest.from("agent_integration_permissions").insert({
    agent_id: agent.id,
    user_oauth_connection_id: connectionId,
    user_id: user.id,
    allowed_scopes: scopes,
  });
  if (grantError) throw new Error(grantError.message);
  return agent.id;
}

/** A signed-up user with a ClickSend account of their own, connected, and an agent granted on it. */
export interface UserWithAccount {
  user: TestUser;
  connectionId: string;
  agentId: string;
  agentName: string;
  /** The sandbox account's credentials, to ask ClickSend itself what it did. */
  username: string;
  apiKey: string;
}

interface SandboxStack extends StackAddress {
  sandbox: { origin: string };
}

/**
 * A new sandbox account `label` (balance 50), a user `label@example.com` who connects it, and an
 * agent of theirs (`agentName`) granted `scopes` on it. `label` must be unique in the stack.
 */
export async function userWithOwnAccount(
  stack: SandboxStack,
  label: string,
  scopes: string[],
  agentName = "Helper",
): Promise<UserWithAccount> {
  const username = label.replace(/[^A-Za-z0-9]/g, "_");
  const apiKey = `${username.toUpperCase()}-KEY-0000`;
  const created = await fetch(`${stack.sandbox.origin}/_sandbox/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, api_key: apiKey, balance: 50 }),
  });
  if (created.status !== 200)
    throw new Error(`sandbox account ${label}: ${String(created.status)}`);
  const user = await signUpUser(stack, `${label}@example.com`);
  const connected = await user.call("clicksend-connect", "POST", { username, api_key: apiKey });
  if (connected.status !== 201) {
    throw new Error(
      `connect ${label}: ${String(connected.status)} ${JSON.stringify(connected.body)}`,
    );
  }
  const connectionId = (connected.body.connection as { id: string }).id;
  const agentId = await agentWithGrant(user, connectionId, scopes, agentName);
  return { user, connectionId, agentId, agentName, username, apiKey };
}

/** How many SMS the account has sent, as ClickSend's own history API counts them. */
export async function sentCount(
  stack: SandboxStack,
  account: { username: string; apiKey: string },
): Promise<number> {
  const basic = Buffer.from(`${account.username}:${account.apiKey}`).toString("base64");
  const response = await fetch(`${stack.sandbox.origin}/v3/sms/history?limit=1`, {
    headers: { authorization: `Basic ${basic}` },
  });
  const envelope = (await response.json()) as { data: { total: number } };
  return envelope.data.total;
}
