// GoTrue's error responses, byte for byte where supabase-js looks at them.
//
// GoTrue answers an error in one of two shapes, chosen by the request's X-Supabase-Api-Version
// header (supabase-js always sends 2024-01-01):
//   >= 2024-01-01: {"code": "<error_code>", "message": "..."} and the header echoed back;
//   otherwise:     {"code": <http status>, "error_code": "<error_code>", "msg": "..."}.
// A weak password adds {"weak_password": {"reasons": [...]}} to either shape. OAuth-style errors
// (only "refresh_token required" here) are {"error": "...", "error_description": "..."} with 400.
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../http.ts";

const API_VERSION_HEADER = "x-supabase-api-version";
const API_VERSION_2024 = "2024-01-01";

/** A GoTrue HTTPError: status, machine-readable error_code and human message. */
export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly weakPasswordReasons: string[] = [],
    /** Extra response headers, e.g. Retry-After on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** GoTrue's OAuthError: always 400, `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }
}

export const badRequest = (code: string, message: string): AuthError =>
  new AuthError(400, code, message);
export const forbidden = (code: string, message: string): AuthError =>
  new AuthError(403, code, message);
export const unprocessable = (code: string, message: string): AuthError =>
  new AuthError(422, code, message);

export const INVALID_LOGIN = "Invalid login credentials";

/** GoTrue's answer when an IP has used up its sign-in and sign-up requests for the window. */
export function overRequestRateLimit(retryAfterSeconds: number): AuthError {
  return new AuthError(429, "over_request_rate_limit", "Request rate limit reached", [], {
    "retry-after": String(retryAfterSeconds),
  });
}

/** Features GoTrue has that this local gateway does not: a clear 501 naming them. */
export function notImplemented(what: string): AuthError {
  return new AuthError(
    501,
    "not_implemented",
    `${what} is not implemented by the local gateway; /auth/v1 supports GET /health, GET /settings, POST /signup, POST /token?grant_type=password|refresh_token, GET /user, PUT /user (data, password) and POST /logout`,
  );
}

/** GoTrue's DetermineClosestAPIVersion: true for a valid YYYY-MM-DD on or after 2024-01-01. */
function requestsApiVersion2024(req: IncomingMessage): boolean {
  const raw = req.headers[API_VERSION_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) return false;
  return value >= API_VERSION_2024;
}

export function sendAuthError(
  req: IncomingMessage,
  res: ServerResponse,
  error: AuthError | OAuthError,
): void {
  const modern = requestsApiVersion2024(req);
  const headers: Record<string, string> = {
    ...(modern ? { [API_VERSION_HEADER]: API_VERSION_2024 } : {}),
    ...(error instanceof AuthError ? error.headers : {}),
  };
  if (error instanceof OAuthError) {
    sendJson(res, 400, { error: error.error, error_description: error.description }, headers);
    return;
  }
  const weak =
    error.weakPasswordReasons.length > 0
      ? { weak_password: { reasons: error.weakPasswordReasons } }
      : {};
  const body = modern
    ? { code: error.errorCode, message: error.message, ...weak }
    : { code: error.status, error_code: error.errorCode, msg: error.message, ...weak };
  sendJson(res, error.status, body, headers);
}
