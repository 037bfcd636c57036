// GoTrue (Supabase Auth) surface used by supabase-js: sign-up (no email confirmation locally),
// password sign-in, refresh-token grant with rotation, get/update user, sign-out, health.
// Users, sessions and refresh tokens live in auth.users / auth.sessions / auth.refresh_tokens
// (local/db/bootstrap.sql); errors are GoTrue's bodies and statuses (auth/errors.ts), and every
// endpoint but /health first passes Supabase's API-key check. Sign-ups and password sign-ins are
// limited per client IP as GoTrue limits them (auth/rate-limit.ts). Passwords and tokens are never
// logged.
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import {
  getUser,
  health,
  publicSettings,
  signOut,
  signup,
  token,
  updateUser,
  type Endpoint,
  type EndpointContext,
} from "./auth/endpoints.ts";
import {
  AuthError,
  notImplemented,
  OAuthError,
  overRequestRateLimit,
  sendAuthError,
} from "./auth/errors.ts";
import {
  SIGN_IN_SIGN_UPS_WINDOW_MS,
  signInSignUpsFromConfig,
  WindowLimiter,
} from "./auth/rate-limit.ts";
import { requireApiKey } from "./auth/request.ts";
import type { TokenSettings } from "./auth/sessions.ts";
import { repoRoot } from "../db/sql-files.ts";
import { socketAddress } from "./client-address.ts";
import { API_PORT } from "./config.ts";
import { HttpError } from "./http.ts";
import type { GatewayContext, Handler } from "./server.ts";

export interface AuthOptions {
  /**
   * GoTrue's refresh_token_reuse_interval in seconds. 0 (the default) refuses every replay of a
   * rotated refresh token; above 0, the immediate parent of the live token may be replayed within
   * that many seconds and gets the live token back (the Supabase CLI uses 10).
   */
  refreshTokenReuseIntervalSeconds?: number;
  /** The iss claim of access tokens; default: this gateway's own /auth/v1 URL. */
  issuer?: string;
  /**
   * Sign-up and password sign-in requests allowed per client IP in 5 minutes (GoTrue's
   * sign_in_sign_ups); default: [auth.rate_limit] sign_in_sign_ups in `configToml`, else 30.
   */
  signInSignUpsPerIp?: number;
  /** The config.toml to read defaults from; default: this repository's supabase/config.toml. */
  configToml?: string;
  /** The rate limit's clock, in milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/** Whether GoTrue counts this request under sign_in_sign_ups. */
function isSignInOrSignUp(path: string, method: string, url: URL): boolean {
  if (method !== "POST") return false;
  return (
    path === "/signup" || (path === "/token" && url.searchParams.get("grant_type") === "password")
  );
}

const ROUTES: Record<string, Partial<Record<string, Endpoint>>> = {
  "/health": { GET: health },
  "/settings": { GET: publicSettings },
  "/signup": { POST: signup },
  "/token": { POST: token },
  "/user": { GET: getUser, PUT: updateUser },
  "/logout": { POST: signOut },
};

/** GoTrue endpoints this gateway knows about but does not implement (answered with 501). */
const GOTRUE_ONLY = [
  "/otp",
  "/magiclink",
  "/recover",
  "/verify",
  "/resend",
  "/reauthenticate",
  "/invite",
  "/factors",
  "/admin",
  "/authorize",
  "/callback",
  "/sso",
  "/saml",
  "/user/identities",
  "/jwks",
  "/.well-known",
];

function route(path: string, method: string): Endpoint {
  const methods = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (methods) {
    const endpoint = Object.hasOwn(methods, method) ? methods[method] : undefined;
    if (endpoint) return endpoint;
    throw new AuthError(
      405,
      "method_not_allowed",
      `${method} /auth/v1${path} is not supported; use ${Object.keys(methods).join(" or ")}`,
    );
  }
  if (GOTRUE_ONLY.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
    throw notImplemented(`${method} /auth/v1${path}`);
  }
  throw new AuthError(404, "not_found", `no GoTrue endpoint at /auth/v1${path}`);
}

export function createAuthHandler(ctx: GatewayContext, options: AuthOptions = {}): Handler {
  const reuseIntervalSeconds = Math.max(0, options.refreshTokenReuseIntervalSeconds ?? 0);
  const signInSignUps = new WindowLimiter({
    limit:
      options.signInSignUpsPerIp ??
      signInSignUpsFromConfig(options.configToml ?? join(repoRoot, "supabase/config.toml")),
    windowMs: SIGN_IN_SIGN_UPS_WINDOW_MS,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const endpointContext: EndpointContext = {
    db: ctx.db,
    jwtSecret: ctx.jwtSecret,
    settings: (req: IncomingMessage): TokenSettings => ({
      jwtSecret: ctx.jwtSecret,
      issuer:
        options.issuer ?? `http://127.0.0.1:${String(req.socket.localPort ?? API_PORT)}/auth/v1`,
      reuseIntervalSeconds,
    }),
  };

  return async (req: IncomingMessage, res: ServerResponse, url: URL, path: string) => {
    const method = req.method ?? "GET";
    try {
      // Supabase's gateway checks the key before GoTrue sees the request; /health is open here.
      if (!(path === "/health" && method === "GET")) requireApiKey(ctx.jwtSecret, req, url);
      if (isSignInOrSignUp(path, method, url)) {
        const decision = signInSignUps.hit(socketAddress(req));
        if (!decision.allowed) throw overRequestRateLimit(decision.retryAfterSeconds);
      }
      await route(path, method)(endpointContext, req, res, url);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof AuthError || error instanceof OAuthError) {
        sendAuthError(req, res, error);
        return;
      }
      if (error instanceof HttpError || !(error instanceof Error)) throw error;
      // The message only: request values (passwords, tokens) are never part of it.
      ctx.log(`auth: unexpected failure on ${method} /auth/v1${path}: ${error.message}`);
      sendAuthError(
        req,
        res,
        new AuthError(
          500,
          "unexpected_failure",
          "Unexpected failure, please check server logs for more information",
        ),
      );
    }
  };
}
