// The full local stack for the HTTP suites (calls, concurrent, discovery, load, bulk, storm):
// ClickSend sandbox, a database with every migration, the real Edge Functions under Deno and the
// gateway in front. run.ts starts one per engine in turn (embedded PGlite, then PostgreSQL 15 in
// a throwaway cluster), runs every selected HTTP suite on it and stops it before the next one:
// never two stacks at once. Each suite creates its own users, sandbox accounts, connections and
// agents, so suites never depend on each other. The gateway is instrumented (probe.ts) so a
// suite can count what one request costs inside the stack.
//
// Everything here talks to the stack the way a client would: plain fetch to /auth/v1, /rest/v1
// and /functions/v1, and the sandbox's /_sandbox controls. Every answer is checked with zod.
import { z } from "zod";
import { pgBin } from "../local/db/pg-cluster.ts";
import { startFullStack, type FullStack } from "../local/integration/full-stack.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Probe } from "./probe.ts";
import type { Figure } from "./report.ts";

/** Time from a message's "sent" receipt to its final one; receipts are pushed to the webhook. */
const RECEIPT_DELAY_MS = 1000;

export type Engine = "pglite" | "postgres";
const ENGINES: readonly Engine[] = ["pglite", "postgres"];

/** BENCH_ENGINES=pglite (or postgres, or both comma-separated); default both. */
export function selectedEngines(text = process.env.BENCH_ENGINES): Engine[] {
  if (text === undefined || text.trim() === "") return [...ENGINES];
  const names = text.split(",").map((name) => name.trim());
  const unknown = names.filter((name) => !ENGINES.includes(name as Engine));
  if (unknown.length > 0)
    throw new Error(`BENCH_ENGINES: unknown engine(s) ${unknown.join(", ")}; use pglite,postgres`);
  return ENGINES.filter((engine) => names.includes(engine));
}

export interface BenchStack {
  engine: Engine;
  stack: FullStack;
  probe: Probe;
  /** Drops pending sandbox work, then stops the stack (and with it the PostgreSQL cluster, if any). */
  stop(): Promise<void>;
}

/** A suite that runs once per engine on that engine's stack; run.ts suffixes keys with it. */
export interface StackSuite {
  name: string;
  run(bench: BenchStack): Promise<Figure[]>;
}

export async function startBenchStack(engine: Engine): Promise<BenchStack> {
  if (engine === "postgres" && !existsSync(join(pgBin, "initdb")))
    throw new Error(
      `PostgreSQL 15 binaries not found in ${pgBin}: install postgresql-15, set PG_BIN, or run BENCH_ENGINES=pglite`,
    );
  const probe = new Probe();
  const stack = await startFullStack({
    sandbox: { receiptDelayMs: RECEIPT_DELAY_MS },
    instrument: probe.instrument,
    // PostgreSQL: a throwaway cluster that the stack starts, and removes when it stops.
    database: engine === "postgres" ? { engine: "postgres-cluster" } : { engine: "pglite" },
  });
  return {
    engine,
    stack,
    probe,
    async stop() {
      // Pushes still queued would go to a gateway that is closing: drop them first.
      await clearPending(stack).catch(() => undefined);
      await stack.stop();
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function readReply(response: Response): Promise<Reply> {
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

/** The sandbox's push dispatcher and timed events (GET /_sandbox/state). */
export async function sandboxState(
  stack: FullStack,
): Promise<{ webhooks: WebhookStats; pendingEvents: number }> {
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/state`);
  const state = sandboxStateSchema.parse(await response.json());
  return { webhooks: state.webhooks, pendingEvents: state.pending_events };
}

const clearedSchema = z.object({
  dropped: z.object({ pushes: z.number(), events: z.number(), faults: z.number() }),
});

/**
 * POST /_sandbox/clear-pending: drops queued and in-flight receipt pushes and timed receipts, so
 * the next measurement does not run inside this one's webhook storm. Returns what was dropped.
 */
export async function clearPending(
  stack: FullStack,
): Promise<{ pushes: number; events: number; faults: number }> {
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/clear-pending`, {
    method: "POST",
  });
  const reply = await readReply(response);
  expectStatus("clear-pending", reply, 200);
  return clearedSchema.parse(reply.body).dropped;
}

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

/** ClickSend's Australian test numbers: accepted, free, never given a receipt (so no pushes). */
export const AU_TEST_NUMBERS = ["+61411111111", "+61422222222", "+61433333333", "+61444444444"];

/** A 200 answer of execute-agent-tool for a one-recipient send that ClickSend accepted. */
export const oneSendReplySchema = z.object({
  ok: z.literal(true),
  result: z.object({
    idempotent_replay: z.boolean(),
    recipients: z.literal(1),
    accepted: z.literal(1),
    rejected: z.literal(0),
    messages: z
      .array(
        z.object({ to: z.string(), message_id: z.string().min(1), status: z.literal("SUCCESS") }),
      )
      .length(1),
  }),
});

/** One clicksend_send_sms call to one number; throws unless it answers 200 with the message. */
export async function sendOne(
  stack: FullStack,
  token: string,
  agentId: string,
  key: string,
  to: string,
): Promise<Reply> {
  const reply = await callFunction(stack, token, "execute-agent-tool", {
    agent_id: agentId,
    tool: "clicksend_send_sms",
    arguments: { to: [to], body: "Bench message", custom_string: key },
    idempotency_key: key,
  });
  if (reply.status !== 200)
    throw new Error(
      `send ${key}: HTTP ${String(reply.status)} ${JSON.stringify(reply.body).slice(0, 300)}`,
    );
  const parsed = oneSendReplySchema.parse(reply.body);
  if (parsed.result.messages[0]?.to !== to || parsed.result.idempotent_replay)
    throw new Error(`send ${key}: unexpected answer ${JSON.stringify(reply.body).slice(0, 300)}`);
  return reply;
}

export interface Tenant {
  user: BenchUser;
  username: string;
  connectionId: string;
  agentIds: string[];
}

/**
 * A signed-up user with a sandbox account of their own (balance in AUD), that account connected,
 * and `agents` agents each granted `scopes` on the connection.
 */
export async function tenant(
  stack: FullStack,
  tag: string,
  agents: number,
  balance: number,
  scopes: readonly string[] = ["sms"],
): Promise<Tenant> {
  const runId = `${tag}_${Date.now().toString(36)}`;
  const username = `bench_${runId}`;
  const apiKey = `BENCH-${runId.toUpperCase()}-KEY`;
  await sandboxAccount(stack, username, apiKey, balance);
  const user = await signUp(stack, `${runId.replace(/_/g, "-")}@example.com`);
  const connectionId = await connectClickSend(stack, user, username, apiKey);
  const agentIds: string[] = [];
  for (let a = 0; a < agents; a++) {
    agentIds.push(await agentWithGrant(stack, user, connectionId, `${tag} ${String(a)}`, scopes));
  }
  return { user, username, connectionId, agentIds };
}
