// /functions/v1 in the gateway: checks the caller's JWT where the function's `verify_jwt` asks
// for it, then proxies /functions/v1/<name>/… to that function's own port.
//
// A function's own port is reachable by anything on this machine, past verify_jwt. So every
// proxied request carries the per-start secret (FUNCTIONS_GATEWAY_SECRET, made by the supervisor)
// as x-gateway-secret; the functions refuse requests without it (`serve` in
// supabase/functions/_shared/http.ts).
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { socketAddress } from "../client-address.ts";
import { bearerToken, sendJson, watchClient } from "../http.ts";
import { verifyJwt } from "../jwt.ts";
import type { Handler } from "../server.ts";

/** The header every proxied request carries the per-start secret in. */
export const GATEWAY_SECRET_HEADER = "x-gateway-secret";

/** Where a function listens and whether the gateway checks the JWT before calling it. */
interface ProxyTarget {
  port: number;
  verifyJwt: boolean;
}

interface FunctionsHandlerOptions {
  /** The functions by name. */
  targets: ReadonlyMap<string, ProxyTarget>;
  /** This start's FUNCTIONS_GATEWAY_SECRET, put on every proxied request. */
  gatewaySecret: string;
  /** The secret JWTs are verified with (the gateway's). */
  jwtSecret: string;
}

/** The /functions/v1 route: 404 for an unknown function, 401 as verify_jwt says, else proxied. */
export function functionsHandler(options: FunctionsHandlerOptions): Handler {
  return async (req, res, url, path) => {
    const [, name = "", ...rest] = path.split("/");
    const target = options.targets.get(name);
    if (!target) {
      sendJson(res, 404, {
        code: "NOT_FOUND",
        message: `Function not found: ${name || "(none)"}`,
      });
      return;
    }
    if (target.verifyJwt) {
      const token = bearerToken(req);
      if (token === undefined) {
        sendJson(res, 401, { code: 401, message: "Missing authorization header" });
        return;
      }
      if (!verifyJwt(token, options.jwtSecret).ok) {
        sendJson(res, 401, { code: 401, message: "Invalid JWT" });
        return;
      }
    }
    await proxy(req, res, target.port, `/${[name, ...rest].join("/")}${url.search}`, {
      [GATEWAY_SECRET_HEADER]: options.gatewaySecret,
      // Who connected, for per-client limits; nothing trusted sits in front of this gateway,
      // so what the client claimed is replaced.
      "x-forwarded-for": socketAddress(req),
    });
  };
}

/**
 * Proxies one request to a function listening on 127.0.0.1:`port`, with `headers` set over the
 * client's (replacing any the client sent under those names). When the client goes away before
 * the answer is complete, the upstream request is destroyed too: the function sees its request
 * closed (Deno aborts `request.signal`) instead of working for nobody.
 */
export function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<void> {
  return new Promise((resolve) => {
    const client = watchClient(res);
    if (client.gone()) {
      resolve();
      return;
    }
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: req.method,
        path,
        headers: {
          ...req.headers,
          // Node gives the client's header names in lower case: set ours the same way to replace them.
          ...Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
          ),
          host: `127.0.0.1:${String(port)}`,
        },
      },
      (response) => {
        if (client.gone()) return;
        for (const [key, value] of Object.entries(response.headers)) {
          if (value !== undefined) res.setHeader(key, value);
        }
        res.writeHead(response.statusCode ?? 502);
        response.pipe(res);
        response.on("end", resolve);
        response.on("error", () => {
          res.destroy();
          resolve();
        });
      },
    );
    const abandon = (): void => {
      upstream.destroy();
      resolve();
    };
    client.signal.addEventListener("abort", abandon, { once: true });
    upstream.on("close", () => {
      client.signal.removeEventListener("abort", abandon);
    });
    upstream.on("error", () => {
      if (client.gone()) {
        resolve();
        return;
      }
      if (!res.headersSent)
        sendJson(res, 502, { code: "BOOT_ERROR", message: "the function is not running" });
      else res.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}
