// Who is calling: the `apikey` (required, as Supabase's API gateway requires it) and the role and
// claims of the request, from `Authorization: Bearer <jwt>` when present, else from the apikey.
import type { IncomingMessage } from "node:http";
import { apiKey, bearerToken, HttpError } from "../http.ts";
import { verifyJwt, type Claims } from "../jwt.ts";
import { RestError, type ApiRole } from "./errors.ts";

export interface Caller {
  role: ApiRole;
  /** The verified JWT payload, set as request.jwt.claims. */
  claims: Claims;
}

export function authenticate(
  req: IncomingMessage,
  url: URL,
  secret: string,
  now = Date.now(),
): Caller {
  const key = apiKey(req, url);
  if (key === undefined || key === "") {
    throw new HttpError(401, {
      message: "No API key found in request",
      hint: "No `apikey` request header or url param was found.",
    });
  }
  const keyResult = verifyJwt(key, secret, now);
  if (!keyResult.ok) {
    throw new HttpError(401, {
      message: "Invalid API key",
      hint: "Double check your Supabase `anon` or `service_role` API key.",
    });
  }
  if (req.headers.authorization === undefined) {
    return { role: keyResult.claims.role, claims: keyResult.claims };
  }
  const token = bearerToken(req);
  if (token === undefined) {
    throw jwtError("PGRST301", "The Authorization header must be of the form: Bearer <jwt>");
  }
  const result = verifyJwt(token, secret, now);
  if (result.ok) return { role: result.claims.role, claims: result.claims };
  switch (result.reason) {
    case "expired":
      throw jwtError("PGRST303", "JWT expired");
    case "bad_claims":
      throw jwtError("PGRST303", result.message);
    case "bad_signature":
    case "malformed":
      throw jwtError("PGRST301", result.message);
  }
}

function jwtError(code: string, message: string): RestError {
  return new RestError(401, code, message, null, null, {
    "www-authenticate": `Bearer error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
  });
}
