// A small in-memory GoTrue for component tests: the endpoints supabase-js calls for password
// sign-in, sign-up, refresh, user and sign-out, with GoTrue's 2024-01-01 error bodies.
import { http, HttpResponse } from "msw";
import { z } from "zod";

import { authUrl } from "@/testing/msw/urls";

export type TestUser = { email: string; password: string };

/** The user `renderRoute` signs in by default; the same as the local stack's seeded demo user. */
export const DEMO_USER: TestUser = { email: "demo@example.com", password: "demo-password-123" };

type StoredUser = TestUser & { id: string; createdAt: string };

const users = new Map<string, StoredUser>();
/** refresh token -> user id */
const refreshTokens = new Map<string, string>();

/** Back to only the demo user and no sessions; run after every test. */
export function resetAuthDb() {
  users.clear();
  refreshTokens.clear();
  addUser(DEMO_USER);
}

function addUser({ email, password }: TestUser): StoredUser {
  const user = { email, password, id: crypto.randomUUID(), createdAt: new Date().toISOString() };
  users.set(email, user);
  return user;
}
resetAuthDb();

function goTrueUser(user: StoredUser) {
  return {
    id: user.id,
    aud: "authenticated",
    role: "authenticated",
    email: user.email,
    email_confirmed_at: user.createdAt,
    phone: "",
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: { email_verified: true },
    identities: [],
    created_at: user.createdAt,
    updated_at: user.createdAt,
    is_anonymous: false,
  };
}

const base64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

/** The user an `Authorization: Bearer <access token>` header names, if any. */
function userFromAuthorization(header: string | null): StoredUser | undefined {
  const payload = header?.replace(/^Bearer /, "").split(".")[1];
  if (!payload) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    return undefined;
  }
  const parsed = z.object({ sub: z.string() }).safeParse(claims);
  if (!parsed.success) return undefined;
  return [...users.values()].find((user) => user.id === parsed.data.sub);
}

function session(user: StoredUser) {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = 3600;
  const claims = { sub: user.id, email: user.email, role: "authenticated", aud: "authenticated" };
  const accessToken = [
    base64url({ alg: "HS256", typ: "JWT" }),
    base64url({ ...claims, iat: now, exp: now + expiresIn }),
    "test-signature",
  ].join(".");
  const refreshToken = crypto.randomUUID();
  refreshTokens.set(refreshToken, user.id);
  return {
    access_token: accessToken,
    token_type: "bearer",
    expires_in: expiresIn,
    expires_at: now + expiresIn,
    refresh_token: refreshToken,
    user: goTrueUser(user),
  };
}

/** GoTrue's error body for API version 2024-01-01, which supabase-js asks for. */
export function goTrueError(status: number, code: string, message: string, extra: object = {}) {
  return HttpResponse.json(
    { code, message, ...extra },
    { status, headers: { "x-supabase-api-version": "2024-01-01" } },
  );
}

const credentials = z.object({ email: z.string(), password: z.string() });
const refreshBody = z.object({ refresh_token: z.string() });

export const authHandlers = [
  http.post(authUrl("/token"), async ({ request }) => {
    const grantType = new URL(request.url).searchParams.get("grant_type");
    const body: unknown = await request.json();
    if (grantType === "password") {
      const { email, password } = credentials.parse(body);
      const user = users.get(email.toLowerCase());
      if (user?.password !== password) {
        return goTrueError(400, "invalid_credentials", "Invalid login credentials");
      }
      return HttpResponse.json(session(user));
    }
    const { refresh_token } = refreshBody.parse(body);
    const userId = refreshTokens.get(refresh_token);
    const user = [...users.values()].find((candidate) => candidate.id === userId);
    if (!user) {
      return goTrueError(
        400,
        "refresh_token_not_found",
        "Invalid Refresh Token: Refresh Token Not Found",
      );
    }
    refreshTokens.delete(refresh_token);
    return HttpResponse.json(session(user));
  }),

  http.post(authUrl("/signup"), async ({ request }) => {
    const { email, password } = credentials.parse(await request.json());
    if (password.length < 6) {
      return goTrueError(422, "weak_password", "Password should be at least 6 characters.", {
        weak_password: { reasons: ["length"] },
      });
    }
    if (users.has(email.toLowerCase())) {
      return goTrueError(422, "user_already_exists", "User already registered");
    }
    return HttpResponse.json(session(addUser({ email: email.toLowerCase(), password })));
  }),

  http.get(authUrl("/user"), ({ request }) => {
    const user = userFromAuthorization(request.headers.get("authorization"));
    if (!user)
      return goTrueError(403, "bad_jwt", "invalid JWT: unable to parse or verify signature");
    return HttpResponse.json(goTrueUser(user));
  }),

  http.post(authUrl("/logout"), () => new HttpResponse(null, { status: 204 })),
];
