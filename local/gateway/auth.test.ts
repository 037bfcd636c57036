// Contract tests for the gateway's /auth/v1 (GoTrue surface), driven by the official supabase-js,
// with raw fetch where the wire matters (error bodies, headers, statuses supabase-js hides). The
// suite runs once per engine: embedded PGlite and PostgreSQL 15. Then GoTrue's per-IP limit on
// sign-ups and password sign-ins, and unit tests for jwt.ts.
import {
  isAuthApiError,
  isAuthSessionMissingError,
  isAuthWeakPasswordError,
  type Session,
  type SupabaseClient,
} from "@supabase/supabase-js";
import { randomUUID } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { repoRoot } from "../db/sql-files.ts";
import { createAuthHandler } from "./auth.ts";
import {
  DEFAULT_SIGN_IN_SIGN_UPS,
  signInSignUpsFromConfig,
  WindowLimiter,
} from "./auth/rate-limit.ts";
import { DEFAULT_JWT_SECRET, LOCAL_ANON_KEY, LOCAL_SERVICE_ROLE_KEY } from "./config.ts";
import { signJwt, verifyJwt } from "./jwt.ts";
import { startGateway } from "./server.ts";
import { createTestClient, engines, startTestStack, type TestStack } from "./testing.ts";

const PASSWORD = "correct-horse-battery";
const MODERN = { "x-supabase-api-version": "2024-01-01" };
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const newEmail = (): string => `user-${randomUUID()}@example.test`;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function clientFor(url: string, key: string): SupabaseClient {
  return createTestClient(url, key, { auth: { detectSessionInUrl: false } });
}

const objectSchema = z.record(z.string(), z.unknown());

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  return objectSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

interface RawInit {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** The apikey header; the anon key unless given, none when null. */
  apikey?: string | null;
}

async function raw(url: string, path: string, init: RawInit = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...init.headers };
  const key = init.apikey === undefined ? LOCAL_ANON_KEY : init.apikey;
  if (key !== null) headers.apikey = key;
  let body: string | undefined;
  if (init.body !== undefined) {
    headers["content-type"] = "application/json";
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  }
  const response = await fetch(`${url}/auth/v1${path}`, {
    method: init.method ?? "GET",
    headers,
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === "" ? undefined : (JSON.parse(text) as unknown),
  };
}

interface SignedUp {
  client: SupabaseClient;
  session: Session;
  email: string;
}

async function signUp(
  url: string,
  email = newEmail(),
  password = PASSWORD,
  data: Record<string, unknown> = {},
): Promise<SignedUp> {
  const client = clientFor(url, LOCAL_ANON_KEY);
  const result = await client.auth.signUp({ email, password, options: { data } });
  expect(result.error).toBeNull();
  const session = result.data.session;
  if (!session) throw new Error("sign-up returned no session");
  return { client, session, email: email.toLowerCase() };
}

async function signIn(url: string, email: string, password = PASSWORD): Promise<SignedUp> {
  const client = clientFor(url, LOCAL_ANON_KEY);
  const result = await client.auth.signInWithPassword({ email, password });
  expect(result.error).toBeNull();
  const session = result.data.session;
  if (!session) throw new Error("sign-in returned no session");
  return { client, session, email };
}

describe.each(engines())("auth contract on %s", (engine) => {
  let stack: TestStack;
  let url: string;

  beforeAll(async () => {
    stack = await startTestStack(engine, {
      seed: true,
      // This suite signs up and in far more than 30 times from 127.0.0.1; the limit has its own tests.
      extraRoutes: (ctx) => ({
        "/auth/v1": createAuthHandler(ctx, { signInSignUpsPerIp: 10_000 }),
      }),
    });
    url = stack.url;
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
  });

  async function count(sql: string, params: unknown[]): Promise<number> {
    const rows = await stack.db.query(`select count(*)::int as n from (${sql}) q`, params);
    return z.array(z.object({ n: z.number() })).parse(rows)[0]?.n ?? -1;
  }

  describe("health, settings and the API key", () => {
    it("answers GET /health without an API key", async () => {
      const response = await raw(url, "/health", { apikey: null });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ name: "GoTrue" });
    });

    it("answers GET /settings with email sign-up and autoconfirm on", async () => {
      const response = await raw(url, "/settings");
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        external: { email: true, phone: false },
        disable_signup: false,
        mailer_autoconfirm: true,
      });
    });

    it("refuses a request without an API key with 401 like Supabase's gateway", async () => {
      const response = await raw(url, "/token?grant_type=password", {
        method: "POST",
        apikey: null,
        body: { email: "demo@example.com", password: "demo-password-123" },
      });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ message: "No API key found in request" });
      expect((await raw(url, "/settings", { apikey: null })).status).toBe(401);
    });

    it("refuses a malformed, foreign or user-token API key with 401 Invalid API key", async () => {
      const { session } = await signUp(url);
      const foreign = signJwt({ role: "anon", iss: "supabase-demo" }, "another-secret-".repeat(3));
      for (const key of ["not-a-key", foreign, session.access_token]) {
        const response = await raw(url, "/settings", { apikey: key });
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({ message: "Invalid API key" });
      }
      const client = clientFor(url, "not-a-valid-key");
      const { error } = await client.auth.signInWithPassword({
        email: "demo@example.com",
        password: "demo-password-123",
      });
      expect(error?.status).toBe(401);
      expect(error?.message).toBe("Invalid API key");
    });

    it("accepts the anon key, the service_role key and the apikey query parameter", async () => {
      expect((await raw(url, "/settings", { apikey: LOCAL_SERVICE_ROLE_KEY })).status).toBe(200);
      const viaQuery = await raw(url, `/settings?apikey=${LOCAL_ANON_KEY}`, { apikey: null });
      expect(viaQuery.status).toBe(200);
    });

    it("names what it does not implement instead of answering wrongly", async () => {
      const otp = await raw(url, "/otp", { method: "POST", body: {}, headers: MODERN });
      expect(otp.status).toBe(501);
      expect(otp.body).toMatchObject({ code: "not_implemented" });
      const pkce = await raw(url, "/token?grant_type=pkce", { method: "POST", body: {} });
      expect(pkce.status).toBe(501);
      const bogus = await raw(url, "/token?grant_type=bogus", { method: "POST", body: {} });
      expect(bogus.status).toBe(400);
      expect(bogus.body).toMatchObject({
        error_code: "invalid_credentials",
        msg: "unsupported_grant_type",
      });
      expect((await raw(url, "/nothing-here")).status).toBe(404);
      expect((await raw(url, "/signup")).status).toBe(405);
    });
  });

  describe("sign-up", () => {
    it("creates a confirmed user and answers with a session (confirmations are off)", async () => {
      const mixedCase = `New.User-${randomUUID()}@Example.TEST`;
      const client = clientFor(url, LOCAL_ANON_KEY);
      const { data, error } = await client.auth.signUp({
        email: mixedCase,
        password: PASSWORD,
        options: { data: { display_name: "New user" } },
      });
      expect(error).toBeNull();
      const session = data.session;
      if (!session) throw new Error("no session");
      expect(session.token_type).toBe("bearer");
      expect(session.expires_in).toBe(3600);
      expect(session.expires_at).toBeGreaterThanOrEqual(nowSeconds() + 3590);
      expect(session.expires_at).toBeLessThanOrEqual(nowSeconds() + 3610);
      expect(session.refresh_token.length).toBeGreaterThanOrEqual(20);

      const user = session.user;
      expect(user.id).toMatch(UUID);
      expect(user).toMatchObject({
        aud: "authenticated",
        role: "authenticated",
        email: mixedCase.toLowerCase(),
        phone: "",
        app_metadata: { provider: "email", providers: ["email"] },
        user_metadata: { display_name: "New user", email_verified: true },
        is_anonymous: false,
      });
      for (const at of [user.email_confirmed_at, user.confirmed_at, user.last_sign_in_at]) {
        expect(at).toMatch(RFC3339);
      }
      expect(user.created_at).toMatch(RFC3339);
      expect(user.identities).toHaveLength(1);
      expect(user.identities?.[0]).toMatchObject({
        id: user.id,
        user_id: user.id,
        provider: "email",
        email: mixedCase.toLowerCase(),
        identity_data: { sub: user.id, email: mixedCase.toLowerCase(), email_verified: false },
      });
      expect(data.user?.id).toBe(user.id);
    });

    it("issues an HS256 access token with Supabase's claims", async () => {
      const { session } = await signUp(url, newEmail(), PASSWORD, { plan: "free" });
      const verified = verifyJwt(session.access_token, DEFAULT_JWT_SECRET);
      expect(verified.ok).toBe(true);
      const claims = claimsOf(session.access_token);
      expect(claims).toMatchObject({
        iss: `${url}/auth/v1`,
        sub: session.user.id,
        aud: "authenticated",
        role: "authenticated",
        email: session.user.email,
        phone: "",
        app_metadata: { provider: "email", providers: ["email"] },
        user_metadata: { plan: "free", email_verified: true },
        aal: "aal1",
        is_anonymous: false,
      });
      expect(claims.session_id).toMatch(UUID);
      expect(claims.exp).toBe(session.expires_at);
      expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
      const amr = z
        .array(z.object({ method: z.string(), timestamp: z.number() }))
        .parse(claims.amr);
      expect(amr.map((entry) => entry.method)).toEqual(["password"]);
      expect(Math.abs((amr[0]?.timestamp ?? 0) - nowSeconds())).toBeLessThan(60);
    });

    it("stores the password bcrypt-hashed in auth.users, readable by pgcrypto's crypt()", async () => {
      const { email, session } = await signUp(url);
      const rows = z
        .array(z.object({ encrypted_password: z.string(), pgcrypto_agrees: z.boolean() }))
        .parse(
          await stack.db.query(
            `select encrypted_password,
                    encrypted_password = extensions.crypt($2, encrypted_password) as pgcrypto_agrees
               from auth.users where email = $1`,
            [email, PASSWORD],
          ),
        );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.encrypted_password).toMatch(/^\$2a\$10\$.{53}$/);
      expect(rows[0]?.encrypted_password).not.toContain(PASSWORD);
      expect(rows[0]?.pgcrypto_agrees).toBe(true);
      const sessionId = String(claimsOf(session.access_token).session_id);
      expect(await count("select 1 from auth.sessions where id = $1", [sessionId])).toBe(1);
      expect(
        await count("select 1 from auth.refresh_tokens where session_id = $1 and not revoked", [
          sessionId,
        ]),
      ).toBe(1);
    });

    it("refuses a second sign-up for the same email (any case) with GoTrue's 422", async () => {
      const { email } = await signUp(url);
      const client = clientFor(url, LOCAL_ANON_KEY);
      const { data, error } = await client.auth.signUp({
        email: email.toUpperCase(),
        password: "another-password",
      });
      expect(isAuthApiError(error)).toBe(true);
      expect(error?.message).toBe("User already registered");
      expect(error?.status).toBe(422);
      expect(error?.code).toBe("user_already_exists");
      expect(data.session).toBeNull();
      expect(await count("select 1 from auth.users where lower(email) = $1", [email])).toBe(1);
    });

    it("refuses a short password as weak_password (422) with its reasons", async () => {
      const client = clientFor(url, LOCAL_ANON_KEY);
      const { error } = await client.auth.signUp({ email: newEmail(), password: "12345" });
      expect(isAuthWeakPasswordError(error)).toBe(true);
      expect(error?.status).toBe(422);
      expect(error?.code).toBe("weak_password");
      expect(error?.message).toBe("Password should be at least 6 characters.");
      if (isAuthWeakPasswordError(error)) expect(error.reasons).toEqual(["length"]);

      const legacy = await raw(url, "/signup", {
        method: "POST",
        body: { email: newEmail(), password: "12345" },
      });
      expect(legacy.status).toBe(422);
      expect(legacy.body).toEqual({
        code: 422,
        error_code: "weak_password",
        msg: "Password should be at least 6 characters.",
        weak_password: { reasons: ["length"] },
      });
    });

    it("refuses an invalid email, a missing password and a password over 72 bytes", async () => {
      const client = clientFor(url, LOCAL_ANON_KEY);
      const invalid = await client.auth.signUp({ email: "not-an-email", password: PASSWORD });
      expect(invalid.error?.status).toBe(400);
      expect(invalid.error?.code).toBe("validation_failed");
      expect(invalid.error?.message).toBe("Unable to validate email address: invalid format");

      const missing = await client.auth.signUp({ email: newEmail(), password: "" });
      expect(missing.error?.status).toBe(400);
      expect(missing.error?.message).toBe("Signup requires a valid password");

      const long = await client.auth.signUp({ email: newEmail(), password: "x".repeat(73) });
      expect(long.error?.status).toBe(400);
      expect(long.error?.message).toBe("Password cannot be longer than 72 characters");
    });

    it("answers a body that is not the expected JSON with 400 bad_json", async () => {
      const broken = await raw(url, "/signup", {
        method: "POST",
        body: "{not json",
        headers: MODERN,
      });
      expect(broken.status).toBe(400);
      expect(broken.body).toMatchObject({ code: "bad_json" });
      const wrongType = await raw(url, "/signup", {
        method: "POST",
        body: { email: 42, password: PASSWORD },
        headers: MODERN,
      });
      expect(wrongType.status).toBe(400);
      expect(wrongType.body).toMatchObject({ code: "bad_json" });
    });
  });

  describe("password sign-in", () => {
    it("signs in case-insensitively and starts a new session", async () => {
      const { email, session: first } = await signUp(url);
      const client = clientFor(url, LOCAL_ANON_KEY);
      const { data, error } = await client.auth.signInWithPassword({
        email: email.toUpperCase(),
        password: PASSWORD,
      });
      expect(error).toBeNull();
      expect(data.user?.id).toBe(first.user.id);
      expect(data.session?.user.last_sign_in_at).toMatch(RFC3339);
      expect(data.weakPassword).toBeUndefined();
      const second = claimsOf(data.session?.access_token ?? "");
      expect(second.session_id).not.toBe(claimsOf(first.access_token).session_id);
    });

    it("answers a wrong password and an unknown email alike: 400 Invalid login credentials", async () => {
      const { email } = await signUp(url);
      const client = clientFor(url, LOCAL_ANON_KEY);
      for (const credentials of [
        { email, password: "wrong-password" },
        { email: newEmail(), password: PASSWORD },
        { email, password: "" },
      ]) {
        const { data, error } = await client.auth.signInWithPassword(credentials);
        expect(isAuthApiError(error)).toBe(true);
        expect(error?.status).toBe(400);
        expect(error?.code).toBe("invalid_credentials");
        expect(error?.message).toBe("Invalid login credentials");
        expect(data.session).toBeNull();
      }
    });

    it("sends GoTrue's legacy error body unless the request asks for API version 2024-01-01", async () => {
      const body = { email: newEmail(), password: PASSWORD };
      const legacy = await raw(url, "/token?grant_type=password", { method: "POST", body });
      expect(legacy.status).toBe(400);
      expect(legacy.body).toEqual({
        code: 400,
        error_code: "invalid_credentials",
        msg: "Invalid login credentials",
      });
      expect(legacy.headers.get("x-supabase-api-version")).toBeNull();

      const modern = await raw(url, "/token?grant_type=password", {
        method: "POST",
        body,
        headers: MODERN,
      });
      expect(modern.status).toBe(400);
      expect(modern.body).toEqual({
        code: "invalid_credentials",
        message: "Invalid login credentials",
      });
      expect(modern.headers.get("x-supabase-api-version")).toBe("2024-01-01");
    });

    it("refuses an unconfirmed email and a banned user with GoTrue's codes", async () => {
      const [unconfirmed, banned] = [newEmail(), newEmail()];
      await stack.db.query(
        `insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, banned_until)
         values (gen_random_uuid(), 'authenticated', 'authenticated', $1,
                 extensions.crypt($3, extensions.gen_salt('bf', 4)), null, null),
                (gen_random_uuid(), 'authenticated', 'authenticated', $2,
                 extensions.crypt($3, extensions.gen_salt('bf', 4)), now(), now() + interval '1 day')`,
        [unconfirmed, banned, PASSWORD],
      );
      const client = clientFor(url, LOCAL_ANON_KEY);
      const notConfirmed = await client.auth.signInWithPassword({
        email: unconfirmed,
        password: PASSWORD,
      });
      expect(notConfirmed.error?.status).toBe(400);
      expect(notConfirmed.error?.code).toBe("email_not_confirmed");
      expect(notConfirmed.error?.message).toBe("Email not confirmed");
      const isBanned = await client.auth.signInWithPassword({ email: banned, password: PASSWORD });
      expect(isBanned.error?.status).toBe(400);
      expect(isBanned.error?.code).toBe("user_banned");
      expect(isBanned.error?.message).toBe("User is banned");
    });

    it("signs in the seeded demo user, whose hash pgcrypto wrote", async () => {
      const { session } = await signIn(url, "demo@example.com", "demo-password-123");
      expect(session.user.email).toBe("demo@example.com");
      expect(session.user.user_metadata).toMatchObject({ display_name: "Demo user" });
      const rows = z
        .array(z.object({ encrypted_password: z.string() }))
        .parse(
          await stack.db.query(
            "select encrypted_password from auth.users where email = 'demo@example.com'",
          ),
        );
      expect(rows[0]?.encrypted_password).toMatch(/^\$2a\$10\$/);
    });
  });

  describe("get user", () => {
    it("returns the user for a valid access token", async () => {
      const { client, session } = await signUp(url);
      const byToken = await client.auth.getUser(session.access_token);
      expect(byToken.error).toBeNull();
      expect(byToken.data.user).toEqual(session.user);
      const bySession = await client.auth.getUser();
      expect(bySession.data.user?.id).toBe(session.user.id);
    });

    it("refuses an expired token with 403 bad_jwt", async () => {
      const { client, session } = await signUp(url);
      const claims = claimsOf(session.access_token);
      const expired = signJwt(
        { ...claims, iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 },
        DEFAULT_JWT_SECRET,
      );
      const { data, error } = await client.auth.getUser(expired);
      expect(data.user).toBeNull();
      expect(isAuthApiError(error)).toBe(true);
      expect(error?.status).toBe(403);
      expect(error?.code).toBe("bad_jwt");
      expect(error?.message).toBe(
        "invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired",
      );
    });

    it("refuses a tampered signature, a tampered payload and a foreign secret", async () => {
      const { client, session } = await signUp(url);
      const [header = "", payload = "", signature = ""] = session.access_token.split(".");
      const flipped = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
      const elevated = base64url({ ...claimsOf(session.access_token), role: "service_role" });
      const foreign = signJwt(claimsOf(session.access_token), "not-the-secret-".repeat(3));
      for (const token of [
        `${header}.${payload}.${flipped}`,
        `${header}.${elevated}.${signature}`,
        foreign,
      ]) {
        const { data, error } = await client.auth.getUser(token);
        expect(data.user).toBeNull();
        expect(error?.status).toBe(403);
        expect(error?.code).toBe("bad_jwt");
        expect(error?.message).toContain("signature is invalid");
      }
    });

    it("refuses alg none and garbage tokens", async () => {
      const { client, session } = await signUp(url);
      const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claimsOf(session.access_token))}.`;
      for (const token of [unsigned, "garbage"]) {
        const { error } = await client.auth.getUser(token);
        expect(error?.status).toBe(403);
        expect(error?.code).toBe("bad_jwt");
      }
    });

    it("asks for a bearer token when none is sent (401 no_authorization)", async () => {
      const response = await raw(url, "/user", { headers: MODERN });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({
        code: "no_authorization",
        message: "This endpoint requires a Bearer token",
      });
      const signedOut = clientFor(url, LOCAL_ANON_KEY);
      const { data, error } = await signedOut.auth.getUser();
      expect(data.user).toBeNull();
      expect(isAuthSessionMissingError(error)).toBe(true);
    });

    it("refuses API keys as user tokens and a wrong audience", async () => {
      const { client, session } = await signUp(url);
      for (const key of [LOCAL_ANON_KEY, LOCAL_SERVICE_ROLE_KEY]) {
        const { error } = await client.auth.getUser(key);
        expect(error?.status).toBe(403);
        expect(error?.message).toBe("invalid claim: missing sub claim");
      }
      const otherAudience = signJwt(
        { ...claimsOf(session.access_token), aud: "somebody-else" },
        DEFAULT_JWT_SECRET,
      );
      const { error } = await client.auth.getUser(otherAudience);
      expect(error?.status).toBe(400);
      expect(error?.message).toBe("Token audience doesn't match request audience");
    });

    it("refuses the token of a deleted user with 403 user_not_found", async () => {
      const { client, session } = await signUp(url);
      await stack.db.query("delete from auth.users where id = $1", [session.user.id]);
      const { error } = await client.auth.getUser(session.access_token);
      expect(error?.status).toBe(403);
      expect(error?.code).toBe("user_not_found");
      const refresh = await client.auth.refreshSession({ refresh_token: session.refresh_token });
      expect(refresh.error?.code).toBe("refresh_token_not_found");
    });
  });

  describe("update user", () => {
    it("merges user_metadata and removes keys set to null", async () => {
      const { client } = await signUp(url, newEmail(), PASSWORD, { display_name: "A", temp: 1 });
      const { data, error } = await client.auth.updateUser({
        data: { display_name: "B", temp: null },
      });
      expect(error).toBeNull();
      expect(data.user?.user_metadata).toEqual({ display_name: "B", email_verified: true });
    });

    it("changes the password, ends the user's other sessions and refuses the same password", async () => {
      const { client, email, session } = await signUp(url);
      const other = await signIn(url, email);
      const same = await client.auth.updateUser({ password: PASSWORD });
      expect(same.error?.status).toBe(422);
      expect(same.error?.code).toBe("same_password");
      const weak = await client.auth.updateUser({ password: "short" });
      expect(isAuthWeakPasswordError(weak.error)).toBe(true);

      const changed = await client.auth.updateUser({ password: "a-brand-new-password" });
      expect(changed.error).toBeNull();
      expect((await client.auth.getUser(session.access_token)).error).toBeNull();
      const ended = await other.client.auth.getUser(other.session.access_token);
      expect(isAuthSessionMissingError(ended.error)).toBe(true);

      const old = await clientFor(url, LOCAL_ANON_KEY).auth.signInWithPassword({
        email,
        password: PASSWORD,
      });
      expect(old.error?.message).toBe("Invalid login credentials");
      await signIn(url, email, "a-brand-new-password");
    });

    it("refuses app_metadata from a user (403 not_admin)", async () => {
      const { session } = await signUp(url);
      const response = await raw(url, "/user", {
        method: "PUT",
        headers: { ...MODERN, authorization: `Bearer ${session.access_token}` },
        body: { app_metadata: { role: "admin" } },
      });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: "not_admin" });
    });
  });

  describe("refresh-token grant", () => {
    it("rotates: a new refresh token in the same session, the old one revoked", async () => {
      const { session } = await signUp(url);
      const client = clientFor(url, LOCAL_ANON_KEY);
      const { data, error } = await client.auth.refreshSession({
        refresh_token: session.refresh_token,
      });
      expect(error).toBeNull();
      const next = data.session;
      if (!next) throw new Error("no session");
      expect(next.refresh_token).not.toBe(session.refresh_token);
      expect(verifyJwt(next.access_token, DEFAULT_JWT_SECRET).ok).toBe(true);
      expect(claimsOf(next.access_token).session_id).toBe(
        claimsOf(session.access_token).session_id,
      );
      expect(next.user.id).toBe(session.user.id);
      expect(
        await count("select 1 from auth.refresh_tokens where token = $1 and revoked", [
          session.refresh_token,
        ]),
      ).toBe(1);
      expect(
        await count("select 1 from auth.refresh_tokens where token = $1 and parent = $2", [
          next.refresh_token,
          session.refresh_token,
        ]),
      ).toBe(1);
    });

    it("refuses a replayed refresh token and revokes the whole session's tokens", async () => {
      const { session } = await signUp(url);
      const client = clientFor(url, LOCAL_ANON_KEY);
      const first = await client.auth.refreshSession({ refresh_token: session.refresh_token });
      const rotated = first.data.session?.refresh_token ?? "";
      expect(first.error).toBeNull();

      const replay = await client.auth.refreshSession({ refresh_token: session.refresh_token });
      expect(isAuthApiError(replay.error)).toBe(true);
      expect(replay.error?.status).toBe(400);
      expect(replay.error?.code).toBe("refresh_token_already_used");
      expect(replay.error?.message).toBe("Invalid Refresh Token: Already Used");
      expect(replay.data.session).toBeNull();

      const afterAbuse = await client.auth.refreshSession({ refresh_token: rotated });
      expect(afterAbuse.error?.code).toBe("refresh_token_already_used");
    });

    it("lets exactly one of two concurrent refreshes of the same token win", async () => {
      const { session } = await signUp(url);
      const results = await Promise.all(
        [0, 1].map(() =>
          clientFor(url, LOCAL_ANON_KEY).auth.refreshSession({
            refresh_token: session.refresh_token,
          }),
        ),
      );
      expect(results.filter((result) => result.error === null)).toHaveLength(1);
      expect(results.map((result) => result.error?.code ?? "ok").sort()).toEqual([
        "ok",
        "refresh_token_already_used",
      ]);
    });

    it("refuses an unknown and a missing refresh token", async () => {
      const client = clientFor(url, LOCAL_ANON_KEY);
      const unknown = await client.auth.refreshSession({ refresh_token: "no-such-token" });
      expect(unknown.error?.status).toBe(400);
      expect(unknown.error?.code).toBe("refresh_token_not_found");
      expect(unknown.error?.message).toBe("Invalid Refresh Token: Refresh Token Not Found");

      const missing = await raw(url, "/token?grant_type=refresh_token", {
        method: "POST",
        body: {},
      });
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({
        error: "invalid_request",
        error_description: "refresh_token required",
      });
    });

    it("with a reuse interval, hands the live token back to a replay of its parent", async () => {
      const gateway = await startGateway({
        db: stack.db,
        port: 0,
        log: () => undefined,
        routes: (ctx) => ({
          "/auth/v1": createAuthHandler(ctx, { refreshTokenReuseIntervalSeconds: 10 }),
        }),
      });
      try {
        const { session } = await signUp(gateway.url);
        const client = clientFor(gateway.url, LOCAL_ANON_KEY);
        const first = await client.auth.refreshSession({ refresh_token: session.refresh_token });
        const replay = await client.auth.refreshSession({ refresh_token: session.refresh_token });
        expect(replay.error).toBeNull();
        expect(replay.data.session?.refresh_token).toBe(first.data.session?.refresh_token);

        const second = await client.auth.refreshSession({
          refresh_token: first.data.session?.refresh_token ?? "",
        });
        expect(second.error).toBeNull();
        const stale = await client.auth.refreshSession({ refresh_token: session.refresh_token });
        expect(stale.error?.code).toBe("refresh_token_already_used");
      } finally {
        await gateway.close();
      }
    });
  });

  describe("sign-out", () => {
    it("revokes the refresh token and ends the session the access token names", async () => {
      const { client, session } = await signUp(url);
      const { error } = await client.auth.signOut();
      expect(error).toBeNull();

      const refresh = await client.auth.refreshSession({ refresh_token: session.refresh_token });
      expect(refresh.error?.status).toBe(400);
      expect(refresh.error?.message).toBe("Invalid Refresh Token: Refresh Token Not Found");

      const { data, error: userError } = await client.auth.getUser(session.access_token);
      expect(data.user).toBeNull();
      expect(isAuthSessionMissingError(userError)).toBe(true);
      const wire = await raw(url, "/user", {
        headers: { ...MODERN, authorization: `Bearer ${session.access_token}` },
      });
      expect(wire.status).toBe(403);
      expect(wire.body).toEqual({
        code: "session_not_found",
        message: "Session from session_id claim in JWT does not exist",
      });
      expect(await count("select 1 from auth.sessions where user_id = $1", [session.user.id])).toBe(
        0,
      );
      expect(
        await count("select 1 from auth.refresh_tokens where user_id = $1", [session.user.id]),
      ).toBe(0);
    });

    it("honours the local, others and global scopes", async () => {
      const a = await signUp(url);
      const b = await signIn(url, a.email);
      const c = await signIn(url, a.email);
      const alive = async (s: SignedUp): Promise<boolean> =>
        (await s.client.auth.getUser(s.session.access_token)).error === null;

      expect((await b.client.auth.signOut({ scope: "local" })).error).toBeNull();
      expect([await alive(a), await alive(b), await alive(c)]).toEqual([true, false, true]);

      expect((await c.client.auth.signOut({ scope: "others" })).error).toBeNull();
      expect([await alive(a), await alive(c)]).toEqual([false, true]);

      expect((await c.client.auth.signOut()).error).toBeNull();
      expect(await alive(c)).toBe(false);

      const d = await signIn(url, a.email);
      const bogus = await raw(url, "/logout?scope=bogus", {
        method: "POST",
        headers: { ...MODERN, authorization: `Bearer ${d.session.access_token}` },
      });
      expect(bogus.status).toBe(400);
      expect(bogus.body).toEqual({
        code: "validation_failed",
        message: 'Unsupported logout scope "bogus"',
      });
    });

    it("answers 204 with no body", async () => {
      const { session } = await signUp(url);
      const response = await raw(url, "/logout", {
        method: "POST",
        headers: { authorization: `Bearer ${session.access_token}` },
      });
      expect(response.status).toBe(204);
      expect(response.body).toBeUndefined();
    });
  });

  it("never logs passwords, JWTs or refresh tokens", async () => {
    const { session } = await signUp(url, newEmail(), "a-password-to-find-in-logs");
    await clientFor(url, LOCAL_ANON_KEY).auth.refreshSession({
      refresh_token: session.refresh_token,
    });
    const logs = stack.logs.join("\n");
    expect(stack.logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain("a-password-to-find-in-logs");
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain("eyJ");
    expect(logs).not.toContain(session.refresh_token);
    expect(logs).not.toContain("grant_type");
  });
});

interface FromReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A raw /auth/v1 request from a chosen loopback address (all of 127/8 is loopback on Linux), so
 * one machine can be several clients.
 */
function authFrom(
  localAddress: string,
  baseUrl: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<FromReply> {
  return new Promise((resolve, reject) => {
    const text =
      init.body === undefined
        ? undefined
        : typeof init.body === "string"
          ? init.body
          : JSON.stringify(init.body);
    const req = httpRequest(
      `${baseUrl}/auth/v1${path}`,
      {
        method: init.method ?? "POST",
        localAddress,
        headers: {
          apikey: LOCAL_ANON_KEY,
          ...(text === undefined ? {} : { "content-type": "application/json" }),
          ...init.headers,
        },
      },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (data += chunk));
        res.on("error", reject);
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: data === "" ? undefined : (JSON.parse(data) as unknown),
          });
        });
      },
    );
    req.on("error", reject);
    req.end(text);
  });
}

const LEGACY_429 = {
  code: 429,
  error_code: "over_request_rate_limit",
  msg: "Request rate limit reached",
};

describe("sign-in and sign-up limit per IP (GoTrue's sign_in_sign_ups)", () => {
  let stack: TestStack;
  let clock = Date.parse("2025-01-01T00:00:00Z");

  /** `count` counted requests that cost nothing: sign-ups whose body is not JSON (400). */
  async function useUp(address: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const reply = await authFrom(address, stack.url, "/signup", { body: "not json" });
      expect(reply.status).toBe(400);
    }
  }

  beforeAll(async () => {
    stack = await startTestStack("pglite", {
      // The limit as configured (no override): supabase/config.toml's 30, on a clock we move.
      extraRoutes: (ctx) => ({ "/auth/v1": createAuthHandler(ctx, { now: () => clock }) }),
    });
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
  });

  it("reads 30 from supabase/config.toml, GoTrue's default when unset", () => {
    expect(signInSignUpsFromConfig(join(repoRoot, "supabase/config.toml"))).toBe(30);
    expect(signInSignUpsFromConfig(join(repoRoot, "no-such-config.toml"))).toBe(
      DEFAULT_SIGN_IN_SIGN_UPS,
    );
  });

  it("answers the 31st sign-up or password sign-in from one IP in 5 minutes with 429 and Retry-After", async () => {
    const ip = "127.0.0.3";
    const emails = [newEmail(), newEmail(), newEmail()];
    for (const email of emails) {
      const reply = await authFrom(ip, stack.url, "/signup", {
        body: { email, password: PASSWORD },
      });
      expect(reply.status).toBe(200);
    }
    const [first = ""] = emails;
    for (const password of [PASSWORD, PASSWORD, "wrong-password"]) {
      const reply = await authFrom(ip, stack.url, "/token?grant_type=password", {
        body: { email: first, password },
      });
      expect(reply.status).toBe(password === PASSWORD ? 200 : 400);
    }
    await useUp(ip, 30 - 6);

    const refusedEmail = newEmail();
    const signUp31 = await authFrom(ip, stack.url, "/signup", {
      body: { email: refusedEmail, password: PASSWORD },
    });
    expect(signUp31.status).toBe(429);
    expect(signUp31.body).toEqual(LEGACY_429);
    expect(signUp31.headers["retry-after"]).toBe("300");

    const signIn = await authFrom(ip, stack.url, "/token?grant_type=password", {
      body: { email: first, password: PASSWORD },
      headers: MODERN,
    });
    expect(signIn.status).toBe(429);
    expect(signIn.body).toEqual({
      code: "over_request_rate_limit",
      message: "Request rate limit reached",
    });
    expect(signIn.headers["retry-after"]).toBe("300");
    expect(signIn.headers["x-supabase-api-version"]).toBe("2024-01-01");

    // Refused before anything was done: no user for the 31st sign-up.
    const rows = await stack.db.query("select 1 from auth.users where email = $1", [refusedEmail]);
    expect(rows).toEqual([]);
  });

  it("says when to try again, counting down, and opens a new window when the old one ends", async () => {
    const ip = "127.0.0.4";
    await useUp(ip, 30);
    clock += 100_000;
    const later = await authFrom(ip, stack.url, "/signup", { body: "not json" });
    expect(later.status).toBe(429);
    expect(later.headers["retry-after"]).toBe("200");
    clock += 199_500;
    const lastMoment = await authFrom(ip, stack.url, "/signup", { body: "not json" });
    expect(lastMoment.headers["retry-after"]).toBe("1");

    clock += 500;
    await useUp(ip, 30);
    const again = await authFrom(ip, stack.url, "/signup", { body: "not json" });
    expect(again.status).toBe(429);
    expect(again.headers["retry-after"]).toBe("300");
  });

  it("keeps each IP's count apart", async () => {
    await useUp("127.0.0.5", 30);
    expect((await authFrom("127.0.0.5", stack.url, "/signup", { body: "not json" })).status).toBe(
      429,
    );
    const other = await authFrom("127.0.0.6", stack.url, "/signup", {
      body: { email: newEmail(), password: PASSWORD },
    });
    expect(other.status).toBe(200);
    expect((await authFrom("127.0.0.5", stack.url, "/signup", { body: "not json" })).status).toBe(
      429,
    );
  });

  it("limits neither refresh-token grants nor other endpoints, and counts nothing without an API key", async () => {
    const ip = "127.0.0.7";
    const signedUp = await authFrom(ip, stack.url, "/signup", {
      body: { email: newEmail(), password: PASSWORD },
    });
    const refreshToken = z.object({ refresh_token: z.string() }).parse(signedUp.body).refresh_token;
    for (let i = 0; i < 40; i++) {
      const unknown = await authFrom(ip, stack.url, "/token?grant_type=refresh_token", {
        body: { refresh_token: `unknown-${String(i)}` },
      });
      expect(unknown.status).toBe(400);
      const noKey = await authFrom(ip, stack.url, "/signup", {
        body: "not json",
        headers: { apikey: "" },
      });
      expect(noKey.status).toBe(401);
    }
    // 1 sign-up so far: 29 more are allowed.
    await useUp(ip, 29);
    expect((await authFrom(ip, stack.url, "/signup", { body: "not json" })).status).toBe(429);

    const refreshed = await authFrom(ip, stack.url, "/token?grant_type=refresh_token", {
      body: { refresh_token: refreshToken },
    });
    expect(refreshed.status).toBe(200);
    const settings = await authFrom(ip, stack.url, "/settings", { method: "GET" });
    expect(settings.status).toBe(200);
  });

  it("reaches supabase-js as an AuthApiError with status 429 and code over_request_rate_limit", async () => {
    // fetch connects from 127.0.0.1.
    await useUp("127.0.0.1", 30);
    const client = clientFor(stack.url, LOCAL_ANON_KEY);
    const signUpResult = await client.auth.signUp({ email: newEmail(), password: PASSWORD });
    const signInResult = await client.auth.signInWithPassword({
      email: "demo@example.com",
      password: "demo-password-123",
    });
    for (const { error } of [signUpResult, signInResult]) {
      expect(isAuthApiError(error)).toBe(true);
      expect(error).toMatchObject({ status: 429, code: "over_request_rate_limit" });
    }
  });
});

describe("WindowLimiter", () => {
  it("allows `limit` hits per key per window, then refuses until the window ends", () => {
    let now = 0;
    const limiter = new WindowLimiter({ limit: 2, windowMs: 10_000, now: () => now });
    expect(limiter.hit("a")).toEqual({ allowed: true });
    now = 1_000;
    expect(limiter.hit("a")).toEqual({ allowed: true });
    expect(limiter.hit("a")).toEqual({ allowed: false, retryAfterSeconds: 9 });
    expect(limiter.hit("b")).toEqual({ allowed: true });
    now = 9_999;
    expect(limiter.hit("a")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now = 10_000;
    expect(limiter.hit("a")).toEqual({ allowed: true });
  });

  it("forgets keys whose window ended, so memory holds only current windows", () => {
    let now = 0;
    const limiter = new WindowLimiter({ limit: 5, windowMs: 1_000, now: () => now });
    for (let i = 0; i < 1_000; i++) limiter.hit(`10.0.${String(i >> 8)}.${String(i & 255)}`);
    expect(limiter.size()).toBe(1_000);
    now = 500;
    limiter.hit("late");
    expect(limiter.size()).toBe(1_001);
    now = 1_000;
    limiter.hit("another");
    expect(limiter.size()).toBe(2);
  });

  it("never remembers more than maxKeys, forgetting the oldest window first", () => {
    let now = 0;
    const limiter = new WindowLimiter({ limit: 1, windowMs: 60_000, now: () => now, maxKeys: 3 });
    for (const key of ["a", "b", "c", "d"]) {
      now += 1;
      limiter.hit(key);
    }
    expect(limiter.size()).toBe(3);
    expect(limiter.hit("a")).toEqual({ allowed: true });
    expect(limiter.hit("d")).toMatchObject({ allowed: false });
  });
});

describe("jwt.ts", () => {
  const secret = DEFAULT_JWT_SECRET;

  it("round-trips signJwt through verifyJwt", () => {
    const claims = { role: "authenticated", sub: randomUUID(), exp: nowSeconds() + 60, extra: [1] };
    const result = verifyJwt(signJwt(claims, secret), secret);
    expect(result).toEqual({ ok: true, claims });
  });

  it("rejects alg none and any algorithm but HS256", () => {
    const payload = base64url({ role: "service_role" });
    const none = `${base64url({ alg: "none", typ: "JWT" })}.${payload}.`;
    expect(verifyJwt(none, secret)).toMatchObject({ ok: false, reason: "malformed" });
    const noneSigned = `${base64url({ alg: "none", typ: "JWT" })}.${payload}.c2lnbmF0dXJl`;
    expect(verifyJwt(noneSigned, secret)).toMatchObject({ ok: false, reason: "malformed" });
    const [, , hs256Signature = ""] = signJwt({ role: "service_role" }, secret).split(".");
    const hs512 = `${base64url({ alg: "HS512", typ: "JWT" })}.${payload}.${hs256Signature}`;
    expect(verifyJwt(hs512, secret).ok).toBe(false);
  });

  it("rejects an expired token and accepts it before its exp", () => {
    const exp = nowSeconds() - 10;
    const token = signJwt({ role: "authenticated", exp }, secret);
    expect(verifyJwt(token, secret)).toMatchObject({ ok: false, reason: "expired" });
    expect(verifyJwt(token, secret, (exp - 5) * 1000).ok).toBe(true);
  });

  it("rejects a wrong secret and a role outside anon, authenticated, service_role", () => {
    expect(verifyJwt(signJwt({ role: "anon" }, secret), "x".repeat(40))).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
    expect(verifyJwt(signJwt({ role: "postgres" }, secret), secret)).toMatchObject({
      ok: false,
      reason: "bad_claims",
    });
  });

  it("verifies the Supabase CLI's well-known anon and service_role keys with the default secret", () => {
    expect(verifyJwt(LOCAL_ANON_KEY, DEFAULT_JWT_SECRET)).toMatchObject({
      ok: true,
      claims: { role: "anon", iss: "supabase-demo" },
    });
    expect(verifyJwt(LOCAL_SERVICE_ROLE_KEY, DEFAULT_JWT_SECRET)).toMatchObject({
      ok: true,
      claims: { role: "service_role", iss: "supabase-demo" },
    });
    expect(verifyJwt(LOCAL_ANON_KEY, "some-other-secret-of-at-least-32-chars")).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
  });
});
