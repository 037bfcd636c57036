// Test harness: the gateway on a free port over a freshly migrated database, on either engine.
// Contract suites run once per engine: embedded PGlite, and PostgreSQL 15 (throwaway cluster)
// reached through DATABASE_URL-style configuration, proving both.
import {
  createClient,
  type SupabaseClient,
  type SupabaseClientOptions,
} from "@supabase/supabase-js";
import { existsSync } from "node:fs";
import ws from "ws";
import type { Database as Schema } from "../../supabase/functions/_shared/contracts/database.types.ts";
import { join } from "node:path";
import { applyAll } from "../db/apply.ts";
import { openPglite, openPostgres, type Database } from "../db/database.ts";
import { pgBin, startCluster, type PgCluster } from "../db/pg-cluster.ts";
import { createAuthHandler } from "./auth.ts";
import { LOCAL_ANON_KEY, LOCAL_SERVICE_ROLE_KEY } from "./config.ts";
import { createRestHandler } from "./rest/index.ts";
import { startGateway, type Gateway, type Handler, type GatewayContext } from "./server.ts";

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
  /** Extra routes (e.g. /functions/v1) built from the same context. */
  extraRoutes?: (ctx: GatewayContext) => Record<string, Handler>;
  seed?: boolean;
}

export async function startTestStack(
  engine: Engine,
  options: TestStackOptions = {},
): Promise<TestStack> {
  let cluster: PgCluster | undefined;
  let db: Database;
  if (engine === "postgres") {
    cluster = await startCluster();
    db = openPostgres(cluster.url);
  } else {
    db = await openPglite();
  }
  await applyAll(db, { seed: options.seed ?? false });
  const logs: string[] = [];
  const gateway = await startGateway({
    db,
    port: 0,
    log: (line) => logs.push(line),
    routes: (ctx) => ({
      "/auth/v1": createAuthHandler(ctx),
      "/rest/v1": createRestHandler(ctx),
      ...options.extraRoutes?.(ctx),
    }),
  });
  return {
    engine,
    db,
    gateway,
    url: gateway.url,
    anonKey: LOCAL_ANON_KEY,
    serviceRoleKey: LOCAL_SERVICE_ROLE_KEY,
    logs,
    async stop() {
      await gateway.close();
      await db.close();
      cluster?.stop();
    },
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
