// What every /auth/v1 request goes through: Supabase's API gateway key check, GoTrue's JSON body
// decoding and GoTrue's bearer-token authentication (requireAuthentication).
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { Database } from "../../db/database.ts";
import { apiKey, bearerToken, HttpError, readBody } from "../http.ts";
import { verifyJwt, type Claims, type VerifyResult } from "../jwt.ts";
import { AuthError, badRequest, forbidden } from "./errors.ts";
import { findUserWithSession, type UserRow } from "./users.ts";

const MAX_AUTH_BODY_BYTES = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = "00000000-0000-0000-0000-000000000000";

/**
 * Supabase's API gateway (Kong) lets a request through only with the project's anon or
 * service_role key in the `apikey` header (or query parameter), answering 401 otherwise.
 */
export function requireApiKey(jwtSecret: string, req: IncomingMessage, url: URL): void {
  const key = apiKey(req, url);
  if (key === undefined || key === "") {
    throw new HttpError(401, {
      message: "No API key found in request",
      hint: "No `apikey` request header or url param was found.",
    });
  }
  const verified = verifyJwt(key, jwtSecret);
  if (!verified.ok || verified.claims.role === "authenticated") {
    throw new HttpError(401, {
      message: "Invalid API key",
      hint: "Double check your Supabase `anon` or `service_role` API key.",
    });
  }
}

/** A JSON value that must be a string when present (Go decodes null into ""). */
export const optionalString = z.string().nullish();
export const optionalObject = z.record(z.string(), z.unknown()).nullish();

/** GoTrue's retrieveRequestParams: the body must decode into the endpoint's parameter struct. */
export async function readParams<Schema extends z.ZodType>(
  req: IncomingMessage,
  schema: Schema,
): Promise<z.infer<Schema>> {
  let text: string;
  try {
    text = (await readBody(req, MAX_AUTH_BODY_BYTES)).toString("utf8");
  } catch (error) {
    if (error instanceof HttpError && error.status === 413) {
      throw new AuthError(
        413,
        "request_entity_too_large",
        `Request body too large (max ${String(MAX_AUTH_BODY_BYTES)} bytes)`,
      );
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : "invalid JSON";
    throw badRequest("bad_json", `Could not parse request body as JSON: ${reason}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join(".")})` : "";
    throw badRequest(
      "bad_json",
      `Could not parse request body as JSON: ${issue?.message ?? "unexpected shape"}${where}`,
    );
  }
  return parsed.data;
}

export function clientInfo(req: IncomingMessage): { userAgent: string | null; ip: string | null } {
  return {
    userAgent: req.headers["user-agent"] ?? null,
    ip: req.socket.remoteAddress ?? null,
  };
}

/** golang-jwt's wording for why a token was refused, as GoTrue puts it in its message. */
function goJwtReason(result: Extract<VerifyResult, { ok: false }>): string {
  switch (result.reason) {
    case "malformed":
      return `token is malformed: ${result.message}`;
    case "bad_signature":
      return "token signature is invalid: signature is invalid";
    case "expired":
      return "token has invalid claims: token is expired";
    case "bad_claims":
      return `token has invalid claims: ${result.message}`;
  }
}

export interface Authenticated {
  claims: Claims;
  user: UserRow;
  /** The session named by the session_id claim, when there is one. */
  sessionId: string | undefined;
}

/** GoTrue's requireAuthentication: bearer token, signature, subject user and session. */
export async function authenticate(
  db: Database,
  jwtSecret: string,
  req: IncomingMessage,
): Promise<Authenticated> {
  const token = bearerToken(req);
  if (token === undefined) {
    throw new AuthError(401, "no_authorization", "This endpoint requires a Bearer token");
  }
  const verified = verifyJwt(token, jwtSecret);
  if (!verified.ok) {
    throw forbidden(
      "bad_jwt",
      `invalid JWT: unable to parse or verify signature, ${goJwtReason(verified)}`,
    );
  }
  const { claims } = verified;
  if (claims.sub === undefined || claims.sub === "") {
    throw forbidden("bad_jwt", "invalid claim: missing sub claim");
  }
  if (!UUID.test(claims.sub)) {
    throw badRequest("bad_jwt", "invalid claim: sub claim must be a UUID");
  }
  const named =
    claims.session_id !== undefined && claims.session_id !== "" && claims.session_id !== NIL_UUID
      ? claims.session_id
      : undefined;
  if (named !== undefined && !UUID.test(named)) {
    // Checked before the lookup only so the statement never sees a malformed uuid; GoTrue
    // reports a missing user first, which the lookup below still does for well-formed claims.
    const user = await findUserWithSession(db, claims.sub, null);
    if (!user) throw forbidden("user_not_found", "User from sub claim in JWT does not exist");
    throw forbidden("bad_jwt", "invalid claim: session_id claim must be a UUID");
  }
  const found = await findUserWithSession(db, claims.sub, named ?? null);
  if (!found) throw forbidden("user_not_found", "User from sub claim in JWT does not exist");
  const { user } = found;
  if (named !== undefined && !found.sessionFound) {
    throw forbidden("session_not_found", "Session from session_id claim in JWT does not exist");
  }
  const sessionId = named;
  return { claims, user, sessionId };
}

/** GoTrue's UserGet audience check: the token's first audience must be the request's. */
export function requireAudience(claims: Claims, expected = "authenticated"): void {
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  if (aud !== expected) {
    throw badRequest("validation_failed", "Token audience doesn't match request audience");
  }
}
