// HS256 JSON Web Tokens as GoTrue issues them and PostgREST verifies them.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

const claimsSchema = z
  .object({
    role: z.enum(["anon", "authenticated", "service_role"]),
    sub: z.string().optional(),
    exp: z.number().optional(),
    iat: z.number().optional(),
    aud: z.union([z.string(), z.array(z.string())]).optional(),
    email: z.string().optional(),
    session_id: z.string().optional(),
  })
  .loose();

export type Claims = z.infer<typeof claimsSchema>;

const base64url = (input: Buffer | string): string => Buffer.from(input).toString("base64url");

export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(JSON.stringify(claims));
  const signature = createHmac("sha256", secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

export type VerifyResult =
  | { ok: true; claims: Claims }
  | {
      ok: false;
      reason: "malformed" | "bad_signature" | "expired" | "bad_claims";
      message: string;
    };

/** Verifies signature, algorithm, expiry and the claims this stack relies on. */
export function verifyJwt(token: string, secret: string, now = Date.now()): VerifyResult {
  const parts = token.split(".");
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || !header || !payload || !signature) {
    return { ok: false, reason: "malformed", message: "JWT is not three base64url parts" };
  }
  let parsedHeader: unknown;
  let parsedPayload: unknown;
  try {
    parsedHeader = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    parsedPayload = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed", message: "JWT header or payload is not JSON" };
  }
  if (!z.object({ alg: z.literal("HS256") }).safeParse(parsedHeader).success) {
    return { ok: false, reason: "malformed", message: "JWT algorithm must be HS256" };
  }
  const expected = createHmac("sha256", secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad_signature", message: "JWT signature does not match" };
  }
  const claims = claimsSchema.safeParse(parsedPayload);
  if (!claims.success) {
    return {
      ok: false,
      reason: "bad_claims",
      message: "JWT claims are invalid (role must be anon, authenticated or service_role)",
    };
  }
  if (claims.data.exp !== undefined && claims.data.exp * 1000 <= now) {
    return { ok: false, reason: "expired", message: "JWT expired" };
  }
  return { ok: true, claims: claims.data };
}
