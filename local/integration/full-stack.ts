// The whole backend for integration tests, on free ports: ClickSend sandbox, PGlite (or a
// PostgreSQL given by `databaseUrl`) with the migrations, the real Edge Functions under Deno, and
// the gateway in front. `instrument` lets a benchmark see what the gateway does (its database
// calls, the requests it serves, every log line as it is written) without changing it.
import { join } from "node:path";
import {
  SANDBOX_API_KEY,
  SANDBOX_USERNAME,
  startSandbox,
  type Sandbox,
} from "../clicksend-sandbox/server.ts";
import { applyAll } from "../db/apply.ts";
import { openPglite, openPostgres, type Database } from "../db/database.ts";
import { repoRoot } from "../db/sql-files.ts";
import { createAuthHandler } from "../gateway/auth.ts";
import { LOCAL_ANON_KEY, LOCAL_SERVICE_ROLE_KEY } from "../gateway/config.ts";
import { startFunctions, type FunctionsRuntime } from "../gateway/functions.ts";
import { createRestHandler } from "../gateway/rest/index.ts";
import { startGateway, type Gateway, type Handler } from "../gateway/server.ts";
import { freePort } from "../net.ts";

export interface FullStack {
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  /** The database itself (never the instrumented wrapper): the caller's own queries. */
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
  /**
   * A postgres:// URL of an empty PostgreSQL (e.g. local/db/pg-cluster.ts): bootstrap and
   * migrations are applied to it and the gateway uses it instead of PGlite. The caller owns the
   * server; stop() only closes the connections.
   */
  databaseUrl?: string;
  /** Observation hooks for benchmarks; nothing is wrapped when omitted. */
  instrument?: StackInstrument;
  /** Sign-ups and password sign-ins allowed per IP in 5 minutes; default TEST_SIGN_IN_SIGN_UPS. */
  signInSignUpsPerIp?: number;
}

/**
 * Tests, e2e and benchmarks sign up and sign in many users, all from 127.0.0.1: far more than
 * supabase/config.toml's per-IP limit, which is meant for people.
 */
export const TEST_SIGN_IN_SIGN_UPS = 100_000;

export interface StackInstrument {
  /** Wraps the Database handed to the gateway (FullStack.db stays the unwrapped one). */
  database?: (db: Database) => Database;
  /** Wraps each gateway route handler, by prefix ("/auth/v1", "/rest/v1", "/functions/v1"). */
  route?: (prefix: string, handler: Handler) => Handler;
  /** Called with every log line (sandbox, functions, gateway) as it is written. */
  log?: (line: string) => void;
}

export async function startFullStack(options: FullStackOptions = {}): Promise<FullStack> {
  const logs: string[] = [];
  const observe = options.instrument?.log;
  const log = (line: string): void => {
    logs.push(line);
    observe?.(line);
  };
  // What has started so far, stopped in reverse order when a later step fails or on stop(): a
  // failed start must not leave a sandbox, a PGlite worker or Deno processes behind.
  const started: { name: string; stop: () => Promise<void> }[] = [];
  const stopAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const part of started.splice(0).reverse()) {
      try {
        await part.stop();
      } catch (error) {
        errors.push(new Error(`stopping the ${part.name} failed`, { cause: error }));
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "stopping the full stack failed");
  };
  try {
    const sandbox = await startSandbox({
      port: 0,
      receiptDelayMs: options.receiptDelayMs ?? 200,
      ...(options.faultTimeoutMs === undefined ? {} : { faultTimeoutMs: options.faultTimeoutMs }),
      log,
    });
    started.push({ name: "sandbox", stop: () => sandbox.close() });
    const port = await freePort();
    const url = `http://127.0.0.1:${String(port)}`;
    const [opened, running] = await Promise.allSettled([
      (async () => {
        const database =
          options.databaseUrl === undefined
            ? await openPglite()
            : openPostgres(options.databaseUrl);
        try {
          await applyAll(database);
        } catch (error) {
          await database.close().catch(() => undefined);
          throw error;
        }
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
          CLICKSEND_SANDBOX_USERNAME: SANDBOX_USERNAME,
          CLICKSEND_SANDBOX_API_KEY: SANDBOX_API_KEY,
          ...options.functionsEnv,
        },
        denoDir: join(repoRoot, ".local-data/deno"),
        denoBin: join(repoRoot, "node_modules/.bin/deno"),
        log,
      }),
    ]);
    if (opened.status === "fulfilled")
      started.push({ name: "database", stop: () => opened.value.close() });
    if (running.status === "fulfilled")
      started.push({ name: "functions", stop: () => running.value.stop() });
    if (opened.status === "rejected") throw opened.reason;
    if (running.status === "rejected") throw running.reason;
    const db = opened.value;
    const functions = running.value;
    const wrapRoute = options.instrument?.route ?? ((_prefix: string, handler: Handler) => handler);
    const gateway = await startGateway({
      db: options.instrument?.database?.(db) ?? db,
      port,
      log,
      ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
      routes: (ctx) => ({
        "/auth/v1": wrapRoute(
          "/auth/v1",
          createAuthHandler(ctx, {
            signInSignUpsPerIp: options.signInSignUpsPerIp ?? TEST_SIGN_IN_SIGN_UPS,
          }),
        ),
        "/rest/v1": wrapRoute("/rest/v1", createRestHandler(ctx)),
        "/functions/v1": wrapRoute("/functions/v1", functions.handler(ctx.jwtSecret)),
      }),
    });
    started.push({ name: "gateway", stop: () => gateway.close() });
    return {
      url,
      anonKey: LOCAL_ANON_KEY,
      serviceRoleKey: LOCAL_SERVICE_ROLE_KEY,
      db,
      sandbox,
      gateway,
      functions,
      logs,
      // Gateway, functions, database, sandbox: each is stopped even when an earlier one fails.
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}
