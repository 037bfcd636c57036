// A faithful fake of ClickSend's REST v3 API (clicksend-api.md) on plain node:http, in memory.
// Request pipeline for /v3: due timed events → fault injection → route (404/405) → rate limit
// (headers on every routed answer) → HTTP Basic auth (401/403) → JSON body → handler.
// /_sandbox/* holds the test controls and /uploads/* serves uploaded files.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authenticate, parseBasicAuth } from "./accounts.ts";
import type { SandboxContext } from "./context.ts";
import { handleControl } from "./control.ts";
import { ApiError, internalError, methodNotAllowed, notFound, type Reply } from "./envelope.ts";
import { MALFORMED_BODY, takeFault, truncate, type Fault } from "./faults.ts";
import { parseJsonBody, readBody } from "./http.ts";
import { defaultRateLimit, RateLimiter, type RateLimitConfig } from "./rate-limit.ts";
import { matchRoute, type Method } from "./router.ts";
import { ROUTES } from "./routes.ts";
import { Scheduler } from "./scheduler.ts";
import { createState, resetState, type SandboxState } from "./state.ts";
import { findUpload, UPLOADS_PATH } from "./uploads.ts";
import { WebhookDispatcher, type WebhookOptions } from "./webhooks.ts";

export { SANDBOX_API_KEY, SANDBOX_USERNAME, TEST_ACCOUNT_API_KEY } from "./accounts.ts";

export const DEFAULT_PORT = 54330;
export const DEFAULT_RECEIPT_DELAY_MS = 2000;

export interface SandboxOptions {
  /** 0 picks a free port (tests); default 54330. */
  port?: number;
  host?: string;
  /** Time between the 200 and the final receipt of a message; default 2000. */
  receiptDelayMs?: number;
  /** One limit for every endpoint; default 20/60 s on GET /account and 6000/60 s elsewhere. */
  rateLimit?: { limit: number; windowMs: number };
  /** The sandbox clock in milliseconds; default Date.now. */
  now?: () => number;
  /** Receipt pushes: concurrency per destination, attempts, backoff, per-attempt timeout. */
  webhook?: Partial<WebhookOptions>;
  /** How long a "timeout" fault holds a request before dropping the connection; default 120 s. */
  faultTimeoutMs?: number;
  /** One line per request (method, path without query, status, time); default silent. */
  log?: (line: string) => void;
}

export interface Sandbox {
  /** The API base, e.g. http://127.0.0.1:54330/v3 */
  url: string;
  /** http://127.0.0.1:<port>, where /_sandbox and /uploads live. */
  origin: string;
  port: number;
  state: SandboxState;
  /** Back to the initial accounts and balances; drops messages, receipts, rules, faults, limits. */
  reset(): void;
  close(): Promise<void>;
}

const METHODS: readonly string[] = ["GET", "POST", "PUT", "DELETE"];

function writeJson(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, {
    "content-type": "application/json",
    ...reply.headers,
  });
  res.end(JSON.stringify(reply.body));
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? Date.now;
  const log =
    options.log ??
    (() => {
      /* silent */
    });
  const faultTimeoutMs = options.faultTimeoutMs ?? 120_000;
  const initialRateLimit = (): RateLimitConfig =>
    options.rateLimit ? { ...options.rateLimit, endpoints: {} } : defaultRateLimit();

  const state = createState();
  const scheduler = new Scheduler(now);
  const webhooks = new WebhookDispatcher(options.webhook ?? {}, log);
  const rateLimiter = new RateLimiter(now, initialRateLimit);
  const ctx: SandboxContext = {
    state,
    now,
    origin: "",
    apiBase: "",
    receiptDelayMs: options.receiptDelayMs ?? DEFAULT_RECEIPT_DELAY_MS,
    scheduler,
    webhooks,
  };
  const held = new Set<ServerResponse>();

  const reset = (): void => {
    scheduler.clear();
    webhooks.clear();
    webhooks.resetCounters();
    rateLimiter.reset();
    resetState(state);
  };

  /** A "timeout" fault: no answer until the client gives up or faultTimeoutMs passes. */
  const hold = (res: ServerResponse): void => {
    held.add(res);
    const timer = setTimeout(() => res.destroy(), faultTimeoutMs);
    res.on("close", () => {
      clearTimeout(timer);
      held.delete(res);
    });
  };

  const applyFault = (res: ServerResponse, fault: Fault, reply: Reply | undefined): number => {
    if (fault.mode === "timeout") {
      hold(res);
      return 0;
    }
    if (fault.mode === "error500") {
      writeJson(res, internalError().toReply());
      return 500;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(reply ? truncate(JSON.stringify(reply.body)) : MALFORMED_BODY);
    return 200;
  };

  const apiReply = async (req: IncomingMessage, url: URL, path: string): Promise<Reply> => {
    const method = req.method ?? "GET";
    const match = matchRoute(ROUTES, method, path);
    if (match.kind === "none") return notFound("The requested resource was not found.").toReply();
    if (match.kind === "method") return methodNotAllowed(match.allow).toReply();

    const endpoint = `${match.route.method} ${match.route.pattern}`;
    const header = req.headers.authorization;
    const limit = rateLimiter.hit(endpoint, parseBasicAuth(header)?.username ?? "");
    if (limit.error) return limit.error.toReply();

    let reply: Reply;
    try {
      const account = authenticate(state.accounts, header);
      account.requests += 1;
      account.requestsByEndpoint[endpoint] = (account.requestsByEndpoint[endpoint] ?? 0) + 1;
      const contentType = (req.headers["content-type"] ?? "").toLowerCase();
      const raw = method === "GET" ? Buffer.alloc(0) : await readBody(req);
      const body = contentType.startsWith("multipart/") ? undefined : parseJsonBody(raw);
      reply = await match.route.handler(ctx, {
        method: method as Method,
        path,
        params: match.params,
        query: url.searchParams,
        body,
        contentType,
        account,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      reply = error.toReply();
    }
    return { ...reply, headers: { ...limit.headers, ...reply.headers } };
  };

  const serveUpload = (res: ServerResponse, method: string, fileName: string): number => {
    const stored = findUpload(ctx, fileName);
    if (!stored || (method !== "GET" && method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("Not found");
      return 404;
    }
    res.writeHead(200, {
      "content-type": stored.contentType,
      "content-length": stored.bytes.length,
    });
    res.end(method === "HEAD" ? undefined : stored.bytes);
    return 200;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    scheduler.tick();
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", ctx.origin);
    const path = url.pathname;

    if (path === "/_sandbox" || path.startsWith("/_sandbox/")) {
      const raw = await readBody(req);
      const reply = await handleControl(
        { ctx, rateLimiter, reset },
        method,
        path,
        parseJsonBody(raw),
      );
      writeJson(res, reply);
      return reply.status;
    }
    if (path.startsWith(UPLOADS_PATH)) {
      return serveUpload(res, method, decodeURIComponent(path.slice(UPLOADS_PATH.length)));
    }
    if (path !== "/v3" && !path.startsWith("/v3/")) {
      const reply = notFound("The requested resource was not found.").toReply();
      writeJson(res, reply);
      return reply.status;
    }

    const apiPath = path.slice("/v3".length).replace(/\/+$/, "") || "/";
    const fault = METHODS.includes(method) ? takeFault(state.faults, method, apiPath) : undefined;
    if (fault?.when === "before") return applyFault(res, fault, undefined);
    const reply = await apiReply(req, url, apiPath);
    if (fault) return applyFault(res, fault, reply);
    writeJson(res, reply);
    return reply.status;
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    handle(req, res)
      .then((status) => {
        const path = (req.url ?? "/").split("?")[0] ?? "/";
        const ms = Math.round(performance.now() - started);
        log(`${req.method ?? "?"} ${path} ${status === 0 ? "held" : String(status)} ${ms}ms`);
      })
      .catch((error: unknown) => {
        if (error instanceof ApiError) {
          if (!res.headersSent) writeJson(res, error.toReply());
          return;
        }
        log(`sandbox error: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) writeJson(res, internalError().toReply());
        else res.destroy();
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  ctx.origin = `http://${host}:${port}`;
  ctx.apiBase = `${ctx.origin}/v3`;

  return {
    url: ctx.apiBase,
    origin: ctx.origin,
    port,
    state,
    reset,
    close: async () => {
      scheduler.clear();
      webhooks.clear();
      for (const res of held) res.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
}
