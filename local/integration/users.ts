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
