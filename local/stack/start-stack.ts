// The one assembly of the local backend. `npm start` and `npm run stack` (stack-runner.ts), the
// integration tests, e2e and the benchmarks (integration/full-stack.ts) and the gateway's contract
// tests (gateway/testing.ts) all start it here:
//
//   ClickSend sandbox    unless the functions are off or `clicksendApiBase` names another ClickSend
//   database             embedded PGlite (in memory, or persisted in a folder), a PostgreSQL the
//                        caller owns, or a throwaway PostgreSQL 15 cluster; platform bootstrap and
//                        supabase/migrations applied, supabase/seed.sql when asked
//   Edge Functions       supabase/functions under real Deno, with Supabase's environment
//   gateway              /auth/v1, /rest/v1, /functions/v1 on 127.0.0.1
//
// The database and the functions start in parallel (Deno's first start can take a while).
// Whatever has started is stopped in reverse order when a later step fails, when the caller's
// `signal` aborts the start, and on stop(): gateway, functions, database (then its cluster),
// sandbox, each one even when stopping an earlier one fails.
import { join } from "node:path";
import {
  SANDBOX_API_KEY,
  SANDBOX_USERNAME,
  startSandbox,
  type Sandbox,
} from "../clicksend-sandbox/server.ts";
import { applyAll, type ApplyReport } from "../db/apply.ts";
import { openPglite, openPostgres, type Database } from "../db/database.ts";
import { startCluster, type PgCluster } from "../db/pg-cluster.ts";
import { repoRoot } from "../db/sql-files.ts";
import { createAuthHandler } from "../gateway/auth.ts";
import { DEFAULT_JWT_SECRET, LOCAL_ANON_KEY, LOCAL_SERVICE_ROLE_KEY } from "../gateway/config.ts";
import { startFunctions, type FunctionsRuntime } from "../gateway/functions.ts";
import { signJwt } from "../gateway/jwt.ts";
import { createRestHandler } from "../gateway/rest/index.ts";
import {
  startGateway,
  type Gateway,
  type GatewayContext,
  type Handler,
} from "../gateway/server.ts";
import { freePort } from "../net.ts";

/** Which database the gateway and the functions use. */
type DatabaseChoice =
  /** Embedded PGlite (in a worker thread): in memory, or persisted in `dataDir` (`reset` empties it first). */
  | { engine: "pglite"; dataDir?: string; reset?: boolean }
  /** A PostgreSQL the caller owns, by postgres:// URL; stop() only closes the connections. */
  | { engine: "postgres"; url: string }
  /** A throwaway PostgreSQL 15 cluster (local/db/pg-cluster.ts), started here, removed on stop(). */
  | { engine: "postgres-cluster" };

interface SandboxSettings {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Time between a message's 200 and its final receipt; default the sandbox's (2000 ms). */
  receiptDelayMs?: number;
  /** How long the sandbox holds a `timeout` fault before dropping the connection. */
  faultTimeoutMs?: number;
  /** Keep the sandbox's own lines (requests, receipt pushes) out of the log; default false. */
  quiet?: boolean;
}

export interface StackInstrument {
  /** Wraps the Database handed to the gateway (Stack.db stays the unwrapped one). */
  database?: (db: Database) => Database;
  /** Wraps each gateway route handler, by prefix ("/auth/v1", "/rest/v1", "/functions/v1"). */
  route?: (prefix: string, handler: Handler) => Handler;
  /** Called with every log line (sandbox, functions, gateway) as it is written. */
  log?: (line: string) => void;
}

export interface StackOptions {
  /** The gateway's port; 0 (default) picks a free one. */
  apiPort?: number;
  /** Default: embedded PGlite in memory. */
  database?: DatabaseChoice;
  /** Load supabase/seed.sql (the demo user) after the migrations; default false. */
  seed?: boolean;
  /**
   * Whether the Edge Functions run (default true). Without them the gateway serves /auth/v1 and
   * /rest/v1 only, and neither Deno nor the sandbox starts (the gateway's contract tests).
   */
  functions?: boolean;
  /** Another ClickSend for the functions (e.g. https://rest.clicksend.com/v3): no sandbox starts. */
  clicksendApiBase?: string;
  sandbox?: SandboxSettings;
  /** Extra environment for the functions, over the stack's own (e.g. CLICKSEND_TIMEOUT_MS). */
  functionsEnv?: Record<string, string>;
  /** HS256 secret of the gateway's JWTs; default the Supabase CLI's, so the well-known keys work. */
  jwtSecret?: string;
  /** Browser origins the gateway answers CORS for; default the gateway's defaultOrigins(). */
  allowedOrigins?: string[];
  /**
   * Sign-ups and password sign-ins allowed per IP in 5 minutes; default supabase/config.toml's
   * [auth.rate_limit] sign_in_sign_ups, as GoTrue would enforce.
   */
  signInSignUpsPerIp?: number;
  /** More gateway routes, by prefix, built from the gateway's context; they replace ours on the same prefix. */
  routes?: (ctx: GatewayContext) => Record<string, Handler>;
  /** Observation hooks for benchmarks; nothing is wrapped when omitted. */
  instrument?: StackInstrument;
  /** Called with every log line (sandbox, functions, gateway) as it is written. */
  log?: (line: string) => void;
  /** Keep every log line in Stack.logs (tests read them); default true. */
  keepLogs?: boolean;
  /** Aborting it while starting stops what has started and rejects with the abort reason. */
  signal?: AbortSignal;
}

export interface Stack {
  /** The gateway, e.g. http://127.0.0.1:54321 */
  url: string;
  anonKey: string;
  serviceRoleKey: string;
  jwtSecret: string;
  /** The database itself (never the instrumented wrapper): the caller's own queries. */
  db: Database;
  /** Which migrations this start applied and which were already there. */
  migrations: ApplyReport;
  /** Where the functions reach ClickSend; undefined when the functions are off. */
  clicksendApiBase: string | undefined;
  /** Undefined when the functions are off or another ClickSend was given. */
  sandbox: Sandbox | undefined;
  /** Undefined when the functions are off. */
  functions: FunctionsRuntime | undefined;
  gateway: Gateway;
  /** Every log line so far (empty with keepLogs: false). */
  logs: string[];
  /** Stops everything this start started; rejects naming each part that failed to stop. */
  stop(): Promise<void>;
}

/** The anon and service_role keys for `secret`: the well-known ones, or equivalents signed with it. */
function apiKeys(secret: string): { anon: string; serviceRole: string } {
  if (secret === DEFAULT_JWT_SECRET)
    return { anon: LOCAL_ANON_KEY, serviceRole: LOCAL_SERVICE_ROLE_KEY };
  const exp = Math.floor(Date.now() / 1000) + 10 * 365 * 24 * 3600;
  return {
    anon: signJwt({ iss: "supabase-demo", role: "anon", exp }, secret),
    serviceRole: signJwt({ iss: "supabase-demo", role: "service_role", exp }, secret),
  };
}

interface Part {
  name: string;
  stop: () => Promise<void>;
}

/** Stops the parts in reverse order, every one even when another fails; then throws what failed. */
async function stopParts(parts: Part[]): Promise<void> {
  const errors: unknown[] = [];
  for (const part of parts.splice(0).reverse()) {
    try {
      await part.stop();
    } catch (error) {
      errors.push(new Error(`stopping the ${part.name} failed`, { cause: error }));
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, "stopping the stack failed");
}

interface OpenedDatabase {
  db: Database;
  cluster: PgCluster | undefined;
  migrations: ApplyReport;
}

/** Opens the chosen database and builds it; on failure closes what it opened before throwing. */
async function openAndMigrate(choice: DatabaseChoice, seed: boolean): Promise<OpenedDatabase> {
  let cluster: PgCluster | undefined;
  let db: Database;
  switch (choice.engine) {
    case "pglite":
      db = await openPglite({ dataDir: choice.dataDir, reset: choice.reset });
      break;
    case "postgres":
      db = openPostgres(choice.url);
      break;
    case "postgres-cluster":
      cluster = await startCluster();
      db = openPostgres(cluster.url);
      break;
  }
  try {
    const migrations = await applyAll(db, { seed });
    return { db, cluster, migrations };
  } catch (error) {
    await db.close().catch(() => undefined);
    cluster?.stop();
    throw error;
  }
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { signal } = options;
  signal?.throwIfAborted();
  const logs: string[] = [];
  const keepLogs = options.keepLogs ?? true;
  const log = (line: string): void => {
    if (keepLogs) logs.push(line);
    options.log?.(line);
    options.instrument?.log?.(line);
  };
  const jwtSecret = options.jwtSecret ?? DEFAULT_JWT_SECRET;
  const keys = apiKeys(jwtSecret);
  const withFunctions = options.functions ?? true;

  const started: Part[] = [];
  try {
    let sandbox: Sandbox | undefined;
    if (withFunctions && options.clicksendApiBase === undefined) {
      const settings = options.sandbox ?? {};
      const running = await startSandbox({
        port: settings.port ?? 0,
        receiptDelayMs: settings.receiptDelayMs,
        faultTimeoutMs: settings.faultTimeoutMs,
        log: settings.quiet === true ? undefined : log,
      });
      sandbox = running;
      started.push({ name: "sandbox", stop: () => running.close() });
      signal?.throwIfAborted();
    }
    const clicksendApiBase = withFunctions ? (options.clicksendApiBase ?? sandbox?.url) : undefined;

    // The functions need the gateway's address before it listens: choose a free port now.
    const requestedPort = options.apiPort ?? 0;
    const port = requestedPort === 0 && withFunctions ? await freePort() : requestedPort;
    const functionsUrl = `http://127.0.0.1:${String(port)}`;

    const [opened, running] = await Promise.allSettled([
      openAndMigrate(options.database ?? { engine: "pglite" }, options.seed ?? false),
      withFunctions
        ? startFunctions({
            dir: join(repoRoot, "supabase/functions"),
            configToml: join(repoRoot, "supabase/config.toml"),
            env: {
              SUPABASE_URL: functionsUrl,
              SUPABASE_ANON_KEY: keys.anon,
              SUPABASE_SERVICE_ROLE_KEY: keys.serviceRole,
              CLICKSEND_API_BASE: clicksendApiBase ?? "",
              // Only the local sandbox's demo account is named to the functions (the connect
              // dialog's hint); never with another ClickSend.
              ...(sandbox
                ? {
                    CLICKSEND_SANDBOX_USERNAME: SANDBOX_USERNAME,
                    CLICKSEND_SANDBOX_API_KEY: SANDBOX_API_KEY,
                  }
                : {}),
              ...options.functionsEnv,
            },
            denoDir: join(repoRoot, ".local-data/deno"),
            denoBin: join(repoRoot, "node_modules/.bin/deno"),
            log,
            signal,
          })
        : Promise.resolve(undefined),
    ]);
    if (opened.status === "fulfilled") {
      const { db, cluster } = opened.value;
      if (cluster !== undefined)
        started.push({
          name: "PostgreSQL cluster",
          stop: () => {
            cluster.stop();
            return Promise.resolve();
          },
        });
      started.push({ name: "database", stop: () => db.close() });
    }
    if (running.status === "fulfilled" && running.value !== undefined) {
      const runtime = running.value;
      started.push({ name: "functions", stop: () => runtime.stop() });
    }
    if (opened.status === "rejected") throw opened.reason;
    if (running.status === "rejected") throw running.reason;
    signal?.throwIfAborted();
    const { db, migrations } = opened.value;
    const functions = running.value;

    const wrapRoute = options.instrument?.route ?? ((_prefix: string, handler: Handler) => handler);
    const gateway = await startGateway({
      db: options.instrument?.database?.(db) ?? db,
      port,
      jwtSecret,
      log,
      allowedOrigins: options.allowedOrigins,
      routes: (ctx) => {
        const routes: Record<string, Handler> = {
          "/auth/v1": createAuthHandler(ctx, { signInSignUpsPerIp: options.signInSignUpsPerIp }),
          "/rest/v1": createRestHandler(ctx),
          ...(functions === undefined ? {} : { "/functions/v1": functions.handler(ctx.jwtSecret) }),
          ...options.routes?.(ctx),
        };
        return Object.fromEntries(
          Object.entries(routes).map(([prefix, handler]) => [prefix, wrapRoute(prefix, handler)]),
        );
      },
    });
    started.push({ name: "gateway", stop: () => gateway.close() });
    signal?.throwIfAborted();

    return {
      url: gateway.url,
      anonKey: keys.anon,
      serviceRoleKey: keys.serviceRole,
      jwtSecret,
      db,
      migrations,
      clicksendApiBase,
      sandbox,
      functions,
      gateway,
      logs,
      stop: () => stopParts(started),
    };
  } catch (error) {
    await stopParts(started).catch(() => undefined);
    throw error;
  }
}
