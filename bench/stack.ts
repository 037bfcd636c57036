// The full local stack for the HTTP suites (load, discovery, bulk): ClickSend sandbox, PGlite with
// every migration, the real Edge Functions under Deno and the gateway in front, started once per
// `npm run bench` and shared by those suites (run.ts stops it at the end). Each suite creates its
// own users, sandbox accounts, connections and agents, so suites never depend on each other.
//
// Everything here talks to the stack the way a client would: plain fetch to /auth/v1, /rest/v1
// and /functions/v1, and the sandbox's /_sandbox controls. Every answer is checked with zod.
import { z } from "zod";
import { startFullStack, type FullStack } from "../local/integration/full-stack.ts";

/** Time from a message's "sent" receipt to its final one; receipts are pushed to the webhook. */
export const RECEIPT_DELAY_MS = 1000;

let shared: Promise<FullStack> | undefined;

/** The stack, started on first use. */
export function sharedStack(): Promise<FullStack> {
  shared ??= startFullStack({ receiptDelayMs: RECEIPT_DELAY_MS });
  return shared;
}

/** Stops the shared stack if a suite started it. */
export async function stopSharedStack(): Promise<void> {
  if (shared === undefined) return;
  const pending = shared;
  shared = undefined;
  const stack = await pending.catch(() => undefined);
  await stack?.stop();
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

async function readReply(response: Response): Promise<Reply> {
  const text = await response.text();
  let body: unknown = null;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: response.headers, body };
}

function expectStatus(what: string, reply: Reply, status: number): void {
  if (reply.status !== status) {
    throw new Error(
      `${what}: expected HTTP ${String(status)}, got ${String(reply.status)}: ${JSON.stringify(reply.body).slice(0, 500)}`,
    );
  }
}

/** POST to an Edge Function through the gateway with a user's token. */
export async function callFunction(
  stack: FullStack,
  token: string,
  name: string,
  body: unknown,
): Promise<Reply> {
  const response = await fetch(`${stack.url}/functions/v1/${name}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      apikey: stack.anonKey,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return readReply(response);
}

export interface BenchUser {
  id: string;
  email: string;
  token: string;
}

const sessionSchema = z.object({
  access_token: z.string().min(1),
  user: z.object({ id: z.uuid() }),
});

export async function signUp(stack: FullStack, email: string): Promise<BenchUser> {
  const response = await fetch(`${stack.url}/auth/v1/signup`, {
    method: "POST",
    headers: { apikey: stack.anonKey, "content-type": "application/json" },
    body: JSON.stringify({ email, password: "bench-password-123" }),
  });
  const reply = await readReply(response);
  expectStatus(`sign-up of ${email}`, reply, 200);
  const session = sessionSchema.parse(reply.body);
  return { id: session.user.id, email, token: session.access_token };
}

/** Adds (or resets) a sandbox account with its own rate-limit buckets and balance (AUD). */
export async function sandboxAccount(
  stack: FullStack,
  username: string,
  apiKey: string,
  balance: number,
): Promise<void> {
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, api_key: apiKey, balance }),
  });
  expectStatus(`sandbox account ${username}`, await readReply(response), 200);
}

const connectReplySchema = z.object({
  connection: z.object({ id: z.uuid(), connection_status: z.literal("active") }),
});

/** Connects the user's ClickSend account (clicksend-connect verifies it with the sandbox). */
export async function connectClickSend(
  stack: FullStack,
  user: BenchUser,
  username: string,
  apiKey: string,
): Promise<string> {
  const reply = await callFunction(stack, user.token, "clicksend-connect", {
    username,
    api_key: apiKey,
    connection_name: "Bench",
  });
  expectStatus(`connecting ${username}`, reply, 201);
  return connectReplySchema.parse(reply.body).connection.id;
}

const insertedSchema = z.array(z.object({ id: z.uuid() })).length(1);

async function restInsert(
  stack: FullStack,
  token: string,
  table: string,
  row: Record<string, unknown>,
): Promise<string> {
  const response = await fetch(`${stack.url}/rest/v1/${table}?select=id`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      apikey: stack.anonKey,
      "content-type": "application/json",
      prefer: "return=representation",
    },
    body: JSON.stringify(row),
  });
  const reply = await readReply(response);
  expectStatus(`insert into ${table}`, reply, 201);
  const [inserted] = insertedSchema.parse(reply.body);
  if (inserted === undefined) throw new Error(`insert into ${table} returned no row`);
  return inserted.id;
}

/** An agent of the user with one grant on the connection, created through /rest/v1 (RLS). */
export async function agentWithGrant(
  stack: FullStack,
  user: BenchUser,
  connectionId: string,
  name: string,
  scopes: readonly string[],
): Promise<string> {
  const agentId = await restInsert(stack, user.token, "agents", { name });
  await restInsert(stack, user.token, "agent_integration_permissions", {
    agent_id: agentId,
    user_oauth_connection_id: connectionId,
    user_id: user.id,
    allowed_scopes: scopes,
  });
  return agentId;
}

const sandboxStateSchema = z.object({
  webhooks: z.object({
    queued: z.number(),
    in_flight: z.number(),
    waiting_retry: z.number(),
    attempts: z.number(),
    delivered: z.number(),
    failed: z.number(),
    pending: z.number(),
  }),
  pending_events: z.number(),
});

export type WebhookStats = z.infer<typeof sandboxStateSchema>["webhooks"];

/**
 * Waits until the sandbox has no timed receipts left and no receipt push in flight, so work from
 * one phase (delivery receipts pushed to clicksend-webhook) does not run during the next one's
 * measurements. Gives up quietly after `timeoutMs` and says how much was left.
 */
export async function waitForQuiet(
  stack: FullStack,
  timeoutMs: number,
): Promise<{ quiet: boolean; waitedMs: number; webhooks: WebhookStats }> {
  const started = Date.now();
  for (;;) {
    const response = await fetch(`${stack.sandbox.origin}/_sandbox/state`);
    const state = sandboxStateSchema.parse(await response.json());
    const waitedMs = Date.now() - started;
    if (state.webhooks.pending === 0 && state.pending_events === 0)
      return { quiet: true, waitedMs, webhooks: state.webhooks };
    if (waitedMs > timeoutMs) {
      console.log(
        `bench: stack still busy after ${String(waitedMs)} ms (${String(state.pending_events)} timed receipts; pushes: ${String(state.webhooks.queued)} queued, ${String(state.webhooks.in_flight)} in flight, ${String(state.webhooks.waiting_retry)} waiting to retry); going on`,
      );
      return { quiet: false, waitedMs, webhooks: state.webhooks };
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A distinct, valid Australian mobile number (+61 412 xxx xxx), charged and given receipts. */
export function mobileNumber(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 999_999)
    throw new Error(`no bench number for index ${String(index)}`);
  return `+61412${String(index).padStart(6, "0")}`;
}

/** Runs `worker` over `items` with at most `concurrency` in flight. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await worker(item);
    }
  });
  await Promise.all(lanes);
}
