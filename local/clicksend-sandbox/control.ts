// /_sandbox/*: controls for tests and the local stack, outside the ClickSend API (no auth, no
// rate limit, no faults). Plain JSON bodies, not ClickSend envelopes.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { formatBalance } from "./accounts.ts";
import type { SandboxContext } from "./context.ts";
import { addFault, faultSchema } from "./faults.ts";
import { inboundRequestSchema, receiveInbound } from "./inbound.ts";
import { rateLimitRequestSchema, type RateLimiter } from "./rate-limit.ts";
import { addAccount, stateSummary } from "./state.ts";

export interface ControlDeps {
  ctx: SandboxContext;
  rateLimiter: RateLimiter;
  reset: () => void;
}

export interface ControlReply {
  status: number;
  body: unknown;
}

const accountSchema = z.object({
  username: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, "letters, digits and _ . @ - only"),
  api_key: z.string().min(1).max(128),
  /** AUD, e.g. 25 or 0. */
  balance: z.number().optional(),
  active: z.boolean().optional(),
  banned: z.boolean().optional(),
});

const drainSchema = z
  .object({
    /** How long to wait for pending pushes and due events; default 30 s. */
    timeout_ms: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();

const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
/** Drain re-checks this often too, since due events can appear while pushes are idle. */
const DRAIN_POLL_MS = 50;

function parse<T>(schema: z.ZodType<T>, body: unknown): T | ControlReply {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  return { status: 400, body: { error: z.prettifyError(result.error) } };
}

function isReply(value: unknown): value is ControlReply {
  return typeof value === "object" && value !== null && "status" in value && "body" in value;
}

function pendingWork(ctx: SandboxContext): Record<string, unknown> {
  return {
    webhooks: ctx.webhooks.stats,
    due_events: ctx.scheduler.due,
    pending_events: ctx.scheduler.pending,
  };
}

/**
 * Drops the work that would otherwise spill into the next test: pushes (queued, in flight,
 * waiting for a retry), timed events (scheduled sends, delayed receipts) and faults. Accounts,
 * messages, receipts and rules stay, so a test can still inspect what the previous one did.
 */
function clearPending(ctx: SandboxContext): ControlReply {
  const pushes = ctx.webhooks.stats.pending;
  const events = ctx.scheduler.pending;
  const faults = ctx.state.faults.length;
  ctx.scheduler.clear();
  ctx.webhooks.clear();
  ctx.state.faults.length = 0;
  return {
    status: 200,
    body: { dropped: { pushes, events, faults }, ...pendingWork(ctx) },
  };
}

/** Runs due events and waits until every pending push is delivered or failed, up to a timeout. */
async function drain(ctx: SandboxContext, timeoutMs: number): Promise<ControlReply> {
  const started = performance.now();
  for (;;) {
    ctx.scheduler.tick();
    const waitedMs = Math.round(performance.now() - started);
    if (ctx.scheduler.due === 0 && ctx.webhooks.stats.pending === 0) {
      return { status: 200, body: { waited_ms: waitedMs, ...pendingWork(ctx) } };
    }
    const left = timeoutMs - waitedMs;
    if (left <= 0) {
      return {
        status: 504,
        body: {
          error: `sandbox work still pending after ${String(waitedMs)} ms`,
          waited_ms: waitedMs,
          ...pendingWork(ctx),
        },
      };
    }
    await Promise.race([ctx.webhooks.idle(), sleep(Math.min(left, DRAIN_POLL_MS))]);
  }
}

export async function handleControl(
  deps: ControlDeps,
  method: string,
  path: string,
  body: unknown,
): Promise<ControlReply> {
  const { ctx, rateLimiter } = deps;
  const route = `${method} ${path.replace(/\/+$/, "")}`;
  switch (route) {
    case "POST /_sandbox/reset":
      deps.reset();
      return { status: 200, body: { ok: true } };
    case "GET /_sandbox/state":
      return {
        status: 200,
        body: {
          ...stateSummary(ctx.state),
          rate_limit: rateLimiter.config,
          webhooks: ctx.webhooks.stats,
          webhooks_by_kind: ctx.webhooks.statsByKind,
          pending_events: ctx.scheduler.pending,
        },
      };
    case "POST /_sandbox/clear-pending":
      return clearPending(ctx);
    case "POST /_sandbox/drain": {
      const request = parse(drainSchema, body);
      if (isReply(request)) return request;
      return drain(ctx, request.timeout_ms ?? DEFAULT_DRAIN_TIMEOUT_MS);
    }
    case "POST /_sandbox/faults": {
      const request = parse(faultSchema, body);
      if (isReply(request)) return request;
      addFault(ctx.state.faults, request);
      return { status: 200, body: { faults: ctx.state.faults } };
    }
    case "DELETE /_sandbox/faults":
      ctx.state.faults.length = 0;
      return { status: 200, body: { faults: [] } };
    case "POST /_sandbox/inbound": {
      const request = parse(inboundRequestSchema, body);
      if (isReply(request)) return request;
      return receiveInbound(ctx, request);
    }
    case "POST /_sandbox/rate-limit": {
      const request = parse(rateLimitRequestSchema, body);
      if (isReply(request)) return request;
      rateLimiter.configure(request);
      return { status: 200, body: { rate_limit: rateLimiter.config } };
    }
    case "POST /_sandbox/accounts": {
      const request = parse(accountSchema, body);
      if (isReply(request)) return request;
      const balanceMicros =
        request.balance === undefined ? undefined : Math.round(request.balance * 1_000_000);
      const account =
        ctx.state.accounts.get(request.username) ??
        addAccount(ctx.state, {
          username: request.username,
          apiKey: request.api_key,
          balanceMicros: balanceMicros ?? 25_000_000,
        });
      account.apiKey = request.api_key;
      account.balanceMicros = balanceMicros ?? account.balanceMicros;
      account.active = request.active ?? account.active;
      account.banned = request.banned ?? account.banned;
      return {
        status: 200,
        body: {
          username: account.username,
          balance: formatBalance(account.balanceMicros),
          active: account.active,
          banned: account.banned,
        },
      };
    }
    default:
      return { status: 404, body: { error: `no sandbox control ${route}` } };
  }
}
