// The Supabase-compatible API on one port: /auth/v1 (GoTrue), /rest/v1 (PostgREST) and
// /functions/v1 (Edge Functions under Deno). CORS for the app's origins; one log line per
// request with method, path (no query string: filters can hold phone numbers), status and time.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "../db/database.ts";
import { APP_ORIGIN, DEFAULT_JWT_SECRET } from "./config.ts";
import { HttpError, sendJson } from "./http.ts";

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
}

export interface Gateway {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

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

  const server = createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const origin = req.headers.origin;
    if (origin !== undefined && origins.has(origin)) {
      res.setHeader("access-control-allow-origin", origin);
      res.setHeader("vary", "origin");
      res.setHeader("access-control-expose-headers", CORS_EXPOSE_HEADERS);
    }
    res.on("finish", () => {
      ctx.log(
        `${req.method ?? "?"} ${url.pathname} ${String(res.statusCode)} ${(performance.now() - started).toFixed(0)}ms`,
      );
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
    if (!route) {
      sendJson(res, 404, {
        message: `no API at ${url.pathname}: this gateway serves /auth/v1, /rest/v1 and /functions/v1`,
      });
      return;
    }
    const [prefix, handler] = route;
    handler(req, res, url, url.pathname.slice(prefix.length) || "/").catch((error: unknown) => {
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
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
