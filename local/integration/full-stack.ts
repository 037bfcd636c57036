// The whole backend for integration tests, on free ports: ClickSend sandbox, PGlite with the
// migrations, the real Edge Functions under Deno, and the gateway in front.
import { join } from "node:path";
import { startSandbox, type Sandbox } from "../clicksend-sandbox/server.ts";
import { applyAll } from "../db/apply.ts";
import { openPglite, type Database } from "../db/database.ts";
import { repoRoot } from "../db/sql-files.ts";
import { createAuthHandler } from "../gateway/auth.ts";
import { LOCAL_ANON_KEY, LOCAL_SERVICE_ROLE_KEY } from "../gateway/config.ts";
import { startFunctions, type FunctionsRuntime } from "../gateway/functions.ts";
import { createRestHandler } from "../gateway/rest/index.ts";
import { startGateway, type Gateway } from "../gateway/server.ts";
import { freePort } from "../net.ts";

export interface FullStack {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  db: Database;
  sandbox: Sandbox;
  gateway: Gateway;
  functions: FunctionsRuntime;
  logs: string[];
  stop(): Promise<void>;
}

export interface FullStackOptions {
  receiptDelayMs?: number;
  /** How long the sandbox holds a `timeout` fault before dropping the connection. */
  faultTimeoutMs?: number;
  /** Browser origins the gateway answers CORS for (the e2e app server). */
  allowedOrigins?: string[];
  /** Extra environment for the Edge Functions, e.g. CLICKSEND_TIMEOUT_MS. */
  functionsEnv?: Record<string, string>;
}

export async function startFullStack(options: FullStackOptions = {}): Promise<FullStack> {
  const logs: string[] = [];
  const log = (line: string): void => {
    logs.push(line);
  };
  const sandbox = await startSandbox({
    port: 0,
    receiptDelayMs: options.receiptDelayMs ?? 200,
    ...(options.faultTimeoutMs === undefined ? {} : { faultTimeoutMs: options.faultTimeoutMs }),
    log,
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  const [db, functions] = await Promise.all([
    (async () => {
      const database = await openPglite();
      await applyAll(database);
      return database;
    })(),
    startFunctions({
      dir: join(repoRoot, "supabase/functions"),
      configToml: join(repoRoot, "supabase/config.toml"),
      env: {
        SUPABASE_URL: url,
        SUPABASE_ANON_KEY: LOCAL_ANON_KEY,
        SUPABASE_SERVICE_ROLE_KEY: LOCAL_SERVICE_ROLE_KEY,
        CLICKSEND_API_BASE: sandbox.url,
        ...options.functionsEnv,
      },
      denoDir: join(repoRoot, ".local-data/deno"),
      denoBin: join(repoRoot, "node_modules/.bin/deno"),
      log,
    }),
  ]);
  const gateway = await startGateway({
    db,
    port,
    log,
    ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
    routes: (ctx) => ({
      "/auth/v1": createAuthHandler(ctx),
      "/rest/v1": createRestHandler(ctx),
      "/functions/v1": functions.handler(ctx.jwtSecret),
    }),
  });
  return {
    url,
    anonKey: LOCAL_ANON_KEY,
    serviceRoleKey: LOCAL_SERVICE_ROLE_KEY,
    db,
    sandbox,
    gateway,
    functions,
    logs,
    async stop() {
      await gateway.close();
      await functions.stop();
      await db.close();
      await sandbox.close();
    },
  };
}
