// Supabase clients for Edge Functions. The caller's client carries their JWT, so RLS decides
// what it sees; the service-role client exists only here and is used only for Vault and
// executor bookkeeping RPCs.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";
import type { Database } from "./database.types.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";

export type Db = SupabaseClient<Database>;

const clientOptions = {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
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
 * Who is calling. The platform has already verified the JWT's signature (verify_jwt), so its role
 * claim can be read; a user token is also checked with the auth server, which rejects signed-out
 * sessions.
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
  const role = jwtRole(token);
  if (role === "service_role") {
    if (!options.allowService)
      throw new ApiError(403, "forbidden", "This function acts for a signed-in user only.");
    return { kind: "service" };
  }
  if (role !== "authenticated")
    throw new ApiError(401, "unauthorized", "Sign in first: this needs a user's access token.");
  const db = createClient<Database>(env.SUPABASE_URL, env.SUPABASE_ANON_KEY, {
    ...clientOptions,
    global: { headers: { Authorization: `Bearer ${token}` } },
  });
  const { data, error } = await db.auth.getUser(token);
  if (error) throw new ApiError(401, "unauthorized", "Your session has ended; sign in again.");
  return { kind: "user", userId: data.user.id, db };
}
