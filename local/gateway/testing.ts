// Test harness: the gateway alone (auth and REST, no functions and no sandbox) on a free port over
// a freshly migrated database, on either engine: startStack with the functions off. Contract
// suites run once per engine: embedded PGlite, and PostgreSQL 15 (throwaway cluster) reached
// through DATABASE_URL-style configuration, proving both.
import {
  createClient,
  type SupabaseClient,
  type SupabaseClientOptions,
} from "@supabase/supabase-js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import ws from "ws";
import type { Database as Schema } from "../../supabase/functions/_shared/contracts/database.types.ts";
import type { Database } from "../db/database.ts";
import { pgBin } from "../db/pg-cluster.ts";
import { startStack } from "../stack/start-stack.ts";
import type { Gateway, GatewayContext, Handler } from "./server.ts";

export type Engine = "pglite" | "postgres";

/** PGlite always; PostgreSQL 15 when its binaries are installed (CI installs them). */
export function engines(): Engine[] {
  return existsSync(join(pgBin, "initdb")) ? ["pglite", "postgres"] : ["pglite"];
}

export interface TestStack {
  engine: Engine;
  db: Database;
  gateway: Gateway;
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  logs: string[];
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** Extra routes (e.g. /functions/v1), or replacements (e.g. /auth/v1), built from the same context. */
  extraRoutes?: (ctx: GatewayContext) => Record<string, Handler>;
  seed?: boolean;
}

export async function startTestStack(
  engine: Engine,
  options: TestStackOptions = {},
): Promise<TestStack> {
  const stack = await startStack({
    functions: false,
    database: engine === "postgres" ? { engine: "postgres-cluster" } : { engine: "pglite" },
    seed: options.seed ?? false,
    routes: options.extraRoutes,
  });
  return {
    engine,
    db: stack.db,
    gateway: stack.gateway,
    url: stack.url,
    anonKey: stack.anonKey,
    serviceRoleKey: stack.serviceRoleKey,
    logs: stack.logs,
    stop: () => stack.stop(),
  };
}

/**
 * supabase-js as the app uses it, for Node 20: its realtime client needs a WebSocket
 * implementation there (Node 22 has one built in), and tests never persist sessions.
 */
export function createTestClient(
  url: string,
  key: string,
  options: SupabaseClientOptions<"public"> = {},
): SupabaseClient<Schema> {
  return createClient<Schema>(url, key, {
    ...options,
    auth: { persistSession: false, autoRefreshToken: false, ...options.auth },
    realtime: {
      transport: ws as unknown as NonNullable<
        SupabaseClientOptions<"public">["realtime"]
      >["transport"],
      ...options.realtime,
    },
  });
}
