// Starts the whole local backend: ClickSend sandbox, database (embedded PGlite by default, real
// PostgreSQL when DATABASE_URL is set), Edge Functions under Deno, the Supabase-compatible
// gateway, and optionally the Vite dev server. Ctrl-C stops everything it started.
// Ports: API_PORT, SANDBOX_PORT and APP_PORT override 54321, 54330 and 5173; a port already taken
// is reported by name with how to free it or pick another, before anything starts.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { SANDBOX_API_KEY, SANDBOX_USERNAME, startSandbox } from "./clicksend-sandbox/server.ts";
import { applyAll } from "./db/apply.ts";
import { openDatabase, type Database } from "./db/database.ts";
import { repoRoot } from "./db/sql-files.ts";
import { createAuthHandler } from "./gateway/auth.ts";
import {
  API_PORT,
  DEFAULT_JWT_SECRET,
  LOCAL_ANON_KEY,
  LOCAL_SERVICE_ROLE_KEY,
  SANDBOX_PORT,
} from "./gateway/config.ts";
import { startFunctions, type FunctionsRuntime } from "./gateway/functions.ts";
import { signJwt } from "./gateway/jwt.ts";
import { createRestHandler } from "./gateway/rest/index.ts";
import { defaultOrigins, startGateway, type Gateway } from "./gateway/server.ts";
import { addressInUsePort, freePort, portFromEnv, portInUse } from "./net.ts";

export interface StackOptions {
  withApp: boolean;
  reset: boolean;
  /**
   * Sign-ups and password sign-ins allowed per IP in 5 minutes; default: supabase/config.toml's
   * [auth.rate_limit] sign_in_sign_ups, as GoTrue would enforce.
   */
  signInSignUpsPerIp?: number;
}

/** Ports found taken before starting; its message already says which and what to do. */
class PortsTaken extends Error {}

interface StackPort {
  what: string;
  port: number;
  /** The environment variable that moves it. */
  env: string;
}

/** Another port to suggest: 100 above when that one is free, else any free one. */
async function alternative(port: number): Promise<number> {
  const near = port + 100;
  return near <= 65535 && !(await portInUse(near)) ? near : freePort();
}

/** Which ports are taken, what uses them here, and the two ways out: free them or move. */
async function portsTakenMessage(taken: StackPort[], command: string): Promise<string> {
  const moves: string[] = [];
  for (const entry of taken) moves.push(`${entry.env}=${String(await alternative(entry.port))}`);
  return [
    ...taken.map(
      (entry) =>
        `port ${String(entry.port)} (${entry.what}) is already in use on 127.0.0.1 (EADDRINUSE).`,
    ),
    "Another `npm start` or `npm run stack` may still be running: stop it (Ctrl-C in its terminal),",
    `or see what listens there: ${taken.map((entry) => `ss -ltnp 'sport = :${String(entry.port)}'`).join("; ")}`,
    `Or choose other ports: ${moves.join(" ")} ${command}`,
  ].join("\n");
}

/** The Vite dev server's port in vite.config.ts (and in APP_ORIGIN). */
const APP_PORT = 5173;

/** With a custom JWT secret the well-known keys no longer verify: sign equivalents. */
function apiKeys(secret: string): { anon: string; serviceRole: string } {
  if (secret === DEFAULT_JWT_SECRET)
    return { anon: LOCAL_ANON_KEY, serviceRole: LOCAL_SERVICE_ROLE_KEY };
  const exp = Math.floor(Date.now() / 1000) + 10 * 365 * 24 * 3600;
  return {
    anon: signJwt({ iss: "supabase-demo", role: "anon", exp }, secret),
    serviceRole: signJwt({ iss: "supabase-demo", role: "service_role", exp }, secret),
  };
}

function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const attempt = async (): Promise<void> => {
    try {
      await fetch(url);
    } catch {
      if (Date.now() > deadline)
        throw new Error(`${url} did not answer within ${String(timeoutMs)} ms`);
      await new Promise((resolve) => setTimeout(resolve, 150));
      await attempt();
    }
  };
  return attempt();
}

export async function runStack(options: StackOptions): Promise<void> {
  const started = performance.now();
  const log = (line: string): void => {
    console.log(line);
  };
  const jwtSecret = process.env.SUPABASE_JWT_SECRET ?? DEFAULT_JWT_SECRET;
  const keys = apiKeys(jwtSecret);
  const databaseUrl = process.env.DATABASE_URL;
  const clicksendBase = process.env.CLICKSEND_API_BASE;
  const command = options.withApp ? "npm start" : "npm run stack";

  const stoppers: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      for (const stop of stoppers.reverse()) {
        try {
          await stop();
        } catch {
          // keep stopping the rest
        }
      }
    }
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  let ports: StackPort[] = [];
  try {
    const apiPort = portFromEnv("API_PORT", API_PORT);
    const sandboxPort = portFromEnv("SANDBOX_PORT", SANDBOX_PORT);
    const appPort = portFromEnv("APP_PORT", APP_PORT);
    ports = [
      { what: "Supabase-compatible API", port: apiPort, env: "API_PORT" },
      ...(clicksendBase === undefined
        ? [{ what: "ClickSend sandbox", port: sandboxPort, env: "SANDBOX_PORT" }]
        : []),
      ...(options.withApp ? [{ what: "web app (Vite)", port: appPort, env: "APP_PORT" }] : []),
    ];
    // Before anything starts (Deno's first start can take a while): fail at once, by name.
    const taken: StackPort[] = [];
    for (const entry of ports) if (await portInUse(entry.port)) taken.push(entry);
    if (taken.length > 0) throw new PortsTaken(await portsTakenMessage(taken, command));
    const apiUrl = `http://127.0.0.1:${String(apiPort)}`;
    const appOrigin = `http://127.0.0.1:${String(appPort)}`;

    const sandbox =
      clicksendBase === undefined ? await startSandbox({ port: sandboxPort }) : undefined;
    if (sandbox) stoppers.push(() => sandbox.close());
    const clicksendApiBase = clicksendBase ?? sandbox?.url ?? "";

    const dbReady = (async (): Promise<Database> => {
      const db = await openDatabase({
        databaseUrl,
        dataDir: join(repoRoot, ".local-data/pglite"),
        reset: options.reset,
      });
      stoppers.push(() => db.close());
      const report = await applyAll(db, { seed: true });
      log(
        `database: ${databaseUrl ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite in .local-data/pglite"}${options.reset ? ", reset" : ""}; ` +
          `${String(report.applied.length)} migration(s) applied, ${String(report.skipped.length)} already applied; seed loaded`,
      );
      return db;
    })();
    const functionsReady: Promise<FunctionsRuntime> = startFunctions({
      dir: join(repoRoot, "supabase/functions"),
      configToml: join(repoRoot, "supabase/config.toml"),
      env: {
        SUPABASE_URL: apiUrl,
        SUPABASE_ANON_KEY: keys.anon,
        SUPABASE_SERVICE_ROLE_KEY: keys.serviceRole,
        CLICKSEND_API_BASE: clicksendApiBase,
        ...(sandbox
          ? {
              CLICKSEND_SANDBOX_USERNAME: SANDBOX_USERNAME,
              CLICKSEND_SANDBOX_API_KEY: SANDBOX_API_KEY,
            }
          : {}),
      },
      denoDir: join(repoRoot, ".local-data/deno"),
      denoBin: join(repoRoot, "node_modules/.bin/deno"),
      log,
    }).then((runtime) => {
      stoppers.push(() => runtime.stop());
      return runtime;
    });
    const [db, functions] = await Promise.all([dbReady, functionsReady]);

    const gateway: Gateway = await startGateway({
      db,
      port: apiPort,
      jwtSecret,
      allowedOrigins: [
        ...new Set([appOrigin, `http://localhost:${String(appPort)}`, ...defaultOrigins()]),
      ],
      log,
      routes: (ctx) => ({
        "/auth/v1": createAuthHandler(ctx, { signInSignUpsPerIp: options.signInSignUpsPerIp }),
        "/rest/v1": createRestHandler(ctx),
        "/functions/v1": functions.handler(ctx.jwtSecret),
      }),
    });
    stoppers.push(() => gateway.close());

    let vite: ChildProcess | undefined;
    if (options.withApp) {
      vite = spawn(
        process.execPath,
        [
          join(repoRoot, "node_modules/vite/bin/vite.js"),
          "--clearScreen",
          "false",
          "--port",
          String(appPort),
          "--strictPort",
        ],
        {
          cwd: repoRoot,
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, VITE_SUPABASE_URL: apiUrl, VITE_SUPABASE_ANON_KEY: keys.anon },
        },
      );
      const app = vite;
      stoppers.push(
        () =>
          new Promise<void>((resolve) => {
            if (app.exitCode !== null) {
              resolve();
              return;
            }
            app.once("exit", () => {
              resolve();
            });
            app.kill("SIGTERM");
          }),
      );
      app.once("exit", (code) => {
        if (!stopping) void stopAll(code ?? 1);
      });
      await waitForHttp(appOrigin, 30_000);
    }

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      [
        "",
        `ready in ${seconds} s`,
        options.withApp ? `  app:        ${appOrigin}` : undefined,
        `  API:        ${apiUrl}  (auth /auth/v1, REST /rest/v1, functions /functions/v1: ${[...functions.functions.keys()].join(", ") || "none yet"})`,
        `  ClickSend:  ${clicksendApiBase}${sandbox ? `  (sandbox: username ${SANDBOX_USERNAME}, API key ${SANDBOX_API_KEY})` : ""}`,
        `  anon key:   ${keys.anon}`,
        "  demo sign-in: demo@example.com / demo-password-123",
        "  Ctrl-C stops everything.",
      ]
        .filter((line) => line !== undefined)
        .join("\n"),
    );
  } catch (error) {
    // A port taken between the check and the listen: still named, never a bare EADDRINUSE.
    const port = addressInUsePort(error);
    const known = ports.find((entry) => entry.port === port);
    const message =
      error instanceof PortsTaken
        ? error.message
        : known !== undefined
          ? await portsTakenMessage([known], command)
          : error instanceof Error
            ? error.message
            : String(error);
    console.error(`stack: ${message}`);
    await stopAll(1);
  }
}
