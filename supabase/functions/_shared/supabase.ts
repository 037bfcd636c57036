// Supabase clients for Edge Functions. The caller's client carries their JWT, so RLS decides
// what it sees; the service-role client exists only here and is used only for Vault and
// executor bookkeeping RPCs.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "./contracts/database.types.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError, sameSecret } from "./http.ts";

export type Db = SupabaseClient<Database>;

/** Attempts for a read the backend shed with 503 (it ran nothing); writes are never repeated. */
const READ_ATTEMPTS = 3;
const MAX_RETRY_WAIT_MS = 2000;

function isRead(input: string | URL | Request, init: RequestInit | undefined): boolean {
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  return method === "GET" || method === "HEAD";
}

/** fetch for our own backend: a 503 to a read is retried after its Retry-After (capped). */
async function backendFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const attempts = isRead(input, init) ? READ_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(input, init);
    if (response.status !== 503 || attempt >= attempts) return response;
    const seconds = Number(response.headers.get("retry-after"));
    const wait = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 250 * attempt;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, MAX_RETRY_WAIT_MS)));
  }
}

const clientOptions = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  global: { fetch: backendFetch },
};

export function serviceClient(env: FunctionEnv): Db {
  return createClient<Database>(env.SUPABASE_URL, env.SUPABASE_SERVICE_ROLE_KEY, clientOptions);
}

export type Caller = { kind: "service" } | { kind: "user"; userId: string; db: Db };

function jwtRole(token: string): string | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    return typeof claims === "object" &&
      claims !== null &&
      "role" in claims &&
      typeof claims.role === "string"
      ? claims.role
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Who is calling. The service is a caller holding exactly the service-role key: a token that
 * merely claims the role is not trusted, since nothing here checks its signature (the gateway's
 * verify_jwt may be off, or the function reached on its own port). Anyone else must be a user
 * whose token the auth server accepts, which also rejects signed-out sessions.
 */
export async function identifyCaller(
  req: Request,
  env: FunctionEnv,
  options: { allowService: boolean },
): Promise<Caller> {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
  const token = match?.[1];
  if (!token)
    throw new ApiError(401, "unauthorized", "Sign in first: the request has no access token.");
  if (sameSecret(token, env.SUPABASE_SERVICE_ROLE_KEY)) {
    if (!options.allowService)
      throw new ApiError(403, "forbidden", "This function acts for a signed-in user only.");
    return { kind: "service" };
  }
  // A cheap first look (the claim is unverified): only a user token is worth asking about.
  if (jwtRole(token) !== "authenticated")
    throw new ApiError(401, "unauthorized", "Sign in first: this needs a user's access token.");
  const db = createClient<Database>(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, {
    ...clientOptions,
    global: { ...clientOptions.global, headers: { Authorization: `Bearer ${token}` } },
  });
  const { data, error } = await db.auth.getUser(token);
  if (error) throw new ApiError(401, "unauthorized", "Your session has ended; sign in again.");
  return { kind: "user", userId: data.user.id, db };
}
