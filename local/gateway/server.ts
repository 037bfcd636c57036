// The Supabase-compatible API on one port: /auth/v1 (GoTrue), /rest/v1 (PostgREST) and
// /functions/v1 (Edge Functions under Deno). CORS for the app's origins; one log line per
// request with method, path (no query string: filters can hold phone numbers), status and time.
// Under a storm it sheds load instead of stalling: a deep accept queue, and above `maxInFlight`
// requests an immediate 503 with Retry-After, so callers back off instead of timing out.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "../db/database.ts";
import { AuthError, sendAuthError } from "./auth/errors.ts";
import { APP_ORIGIN, DEFAULT_JWT_SECRET } from "./config.ts";
import { HttpError, sendJson, watchClient } from "./http.ts";

export interface GatewayContext {
  db: Database;
  jwtSecret: string;
  log: (line: string) => void;
}

/** Handles a request below its prefix; `path` is what follows the prefix ("/token", "/agents"). */
export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
) => Promise<void>;

export interface GatewayOptions {
  db: Database;
  /** 0 picks a free port (tests). */
  port?: number;
  jwtSecret?: string;
  allowedOrigins?: string[];
  log?: (line: string) => void;
  /** Handlers by prefix, e.g. { "/auth/v1": auth, "/rest/v1": rest }. Built from the context. */
  routes: (ctx: GatewayContext) => Record<string, Handler>;
  /**
   * Requests in flight (arrived, response not yet finished, client still there) above which new
   * requests are answered 503 at once. CORS preflights are never refused.
   */
  maxInFlight?: number;
  /** listen(2) backlog; the kernel caps it at net.core.somaxconn. */
  backlog?: number;
}

interface GatewayStats {
  /** Requests in flight now. */
  inFlight: number;
  /** Requests answered 503 because maxInFlight were already in flight, since start. */
  shed: number;
  maxInFlight: number;
}

export interface Gateway {
  url: string;
  port: number;
  server: Server;
  stats(): GatewayStats;
  close(): Promise<void>;
}

const DEFAULT_MAX_IN_FLIGHT = 256;
/** The code of the gateway's own 503s, like the REST API's LOCAL_UNSUPPORTED for 501s. */
export const OVERLOADED_CODE = "LOCAL_OVERLOADED";
// Node's default (511) filled within a second of a receipt-webhook storm; connections then sat in
// the SYN-retransmit ladder until callers' connect timeouts fired. A deep queue plus shedding
// answers them quickly instead.
const DEFAULT_BACKLOG = 4096;

const CORS_ALLOW_HEADERS =
  "authorization, apikey, content-type, x-client-info, prefer, range, range-unit, accept, accept-profile, content-profile, x-supabase-api-version, x-retry-count";
const CORS_EXPOSE_HEADERS =
  "content-range, content-location, x-supabase-api-version, retry-after, x-ratelimit-limit, x-ratelimit-remaining";

export function defaultOrigins(): string[] {
  return [APP_ORIGIN, "http://localhost:5173", "http://127.0.0.1:4173", "http://localhost:4173"];
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const ctx: GatewayContext = {
    db: options.db,
    jwtSecret: options.jwtSecret ?? DEFAULT_JWT_SECRET,
    log:
      options.log ??
      ((line) => {
        console.log(line);
      }),
  };
  const routes = Object.entries(options.routes(ctx)).sort(([a], [b]) => b.length - a.length);
  const origins = new Set(options.allowedOrigins ?? defaultOrigins());
  const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) {
    throw new Error(`maxInFlight must be a positive integer, not ${String(maxInFlight)}`);
  }
  let inFlight = 0;
  let shed = 0;

  const server = createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const origin = req.headers.origin;
    if (origin !== undefined && origins.has(origin)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "origin");
      res.setHeader("access-control-expose-headers", CORS_EXPOSE_HEADERS);
    }
    const elapsed = (): string => `${(performance.now() - started).toFixed(0)}ms`;
    res.on("finish", () => {
      ctx.log(`${req.method ?? "?"} ${url.pathname} ${String(res.statusCode)} ${elapsed()}`);
    });
    // Watched from arrival, so handlers see the client leave even while they wait on the database.
    const client = watchClient(res);
    client.signal.addEventListener("abort", () => {
      ctx.log(`${req.method ?? "?"} ${url.pathname} abandoned by the client after ${elapsed()}`);
    });
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
        "access-control-allow-headers": CORS_ALLOW_HEADERS,
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }
    const route = routes.find(
      ([prefix]) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`),
    );
    if (inFlight >= maxInFlight) {
      shed += 1;
      sendOverloaded(req, res, route?.[0], inFlight, maxInFlight);
      return;
    }
    inFlight += 1;
    let counted = true;
    const done = (): void => {
      if (!counted) return;
      counted = false;
      inFlight -= 1;
    };
    // 'finish' when the answer is handed to the OS; 'close' also when the client left first.
    res.once("finish", done);
    res.once("close", done);
    if (!route) {
      sendJson(res, 404, {
        message: `no API at ${url.pathname}: this gateway serves /auth/v1, /rest/v1 and /functions/v1`,
      });
      return;
    }
    const [prefix, handler] = route;
    handler(req, res, url, url.pathname.slice(prefix.length) || "/").catch((error: unknown) => {
      if (client.gone()) return;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, error.body, error.headers);
        return;
      }
      ctx.log(
        `gateway error on ${req.method ?? "?"} ${url.pathname}: ${error instanceof Error ? error.message : String(error)}`,
      );
      sendJson(res, 500, { message: "internal gateway error" });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(
      { port: options.port ?? 0, host: "127.0.0.1", backlog: options.backlog ?? DEFAULT_BACKLOG },
      () => {
        server.off("error", reject);
        resolve();
      },
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    port,
    server,
    stats: () => ({ inFlight, shed, maxInFlight }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/**
 * 503 with Retry-After, in the error shape of the API the request was for (PostgREST's
 * {code, message, details, hint}, GoTrue's, or the Edge Functions' {code, message}).
 */
function sendOverloaded(
  req: IncomingMessage,
  res: ServerResponse,
  prefix: string | undefined,
  inFlight: number,
  maxInFlight: number,
): void {
  const message = `The local gateway is overloaded: ${String(inFlight)} requests are in flight (limit ${String(maxInFlight)}); retry after 1 second`;
  const headers = { "retry-after": "1" };
  switch (prefix) {
    case "/rest/v1":
      sendJson(
        res,
        503,
        { code: OVERLOADED_CODE, message, details: null, hint: "Retry after 1 second" },
        headers,
      );
      return;
    case "/auth/v1":
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      sendAuthError(req, res, new AuthError(503, "over_request_rate_limit", message));
      return;
    default:
      sendJson(res, 503, { code: OVERLOADED_CODE, message }, headers);
  }
}
