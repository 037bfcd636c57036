// npm start and npm run stack: the whole local backend (startStack in stack/start-stack.ts) on the
// fixed ports of the local stack contract, the embedded database persisted in .local-data/pglite
// (real PostgreSQL when DATABASE_URL is set) with the seed, and optionally the Vite dev server.
// Ctrl-C stops everything it started.
// Ports: API_PORT, SANDBOX_PORT and APP_PORT override 54321, 54330 and 5173; a port already taken
// is reported by name with how to free it or pick another, before anything starts.
// Environment: SUPABASE_JWT_SECRET (default the Supabase CLI's), CLICKSEND_API_BASE (another
// ClickSend instead of the sandbox), DATABASE_URL.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { stopChild } from "./child-process.ts";
import { SANDBOX_API_KEY, SANDBOX_USERNAME } from "./clicksend-sandbox/server.ts";
import { repoRoot } from "./db/sql-files.ts";
import { API_PORT, DEFAULT_JWT_SECRET, SANDBOX_PORT } from "./gateway/config.ts";
import { defaultOrigins } from "./gateway/server.ts";
import { addressInUsePort, freePort, portFromEnv, portInUse } from "./net.ts";
import { startStack, type Stack } from "./stack/start-stack.ts";

export interface RunOptions {
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

/** Vite's dev server on `port`, pointed at the API; Ctrl-C reaches it through its process group. */
function startVite(port: number, apiUrl: string, anonKey: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      join(repoRoot, "node_modules/vite/bin/vite.js"),
      "--clearScreen",
      "false",
      "--port",
      String(port),
      "--strictPort",
    ],
    {
      cwd: repoRoot,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, VITE_SUPABASE_URL: apiUrl, VITE_SUPABASE_ANON_KEY: anonKey },
    },
  );
}

export async function runStack(options: RunOptions): Promise<void> {
  const started = performance.now();
  const log = (line: string): void => {
    console.log(line);
  };
  const databaseUrl = process.env.DATABASE_URL;
  const clicksendBase = process.env.CLICKSEND_API_BASE;
  const command = options.withApp ? "npm start" : "npm run stack";

  // Ctrl-C while starting aborts the start (startStack stops what it started); once up, it stops
  // Vite and then the stack. A second signal exits at once.
  const aborting = new AbortController();
  let starting: Promise<Stack> | undefined;
  let vite: ChildProcess | undefined;
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      aborting.abort();
      if (vite) await stopChild(vite);
      try {
        await (await starting)?.stop();
      } catch {
        // a start that failed or was aborted has stopped itself; keep going to exit
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
    const appOrigin = `http://127.0.0.1:${String(appPort)}`;

    starting = startStack({
      apiPort,
      database:
        databaseUrl === undefined
          ? {
              engine: "pglite",
              dataDir: join(repoRoot, ".local-data/pglite"),
              reset: options.reset,
            }
          : { engine: "postgres", url: databaseUrl },
      seed: true,
      clicksendApiBase: clicksendBase,
      // The sandbox's own request lines would drown the API's in this terminal.
      sandbox: { port: sandboxPort, quiet: true },
      jwtSecret: process.env.SUPABASE_JWT_SECRET ?? DEFAULT_JWT_SECRET,
      allowedOrigins: [
        ...new Set([appOrigin, `http://localhost:${String(appPort)}`, ...defaultOrigins()]),
      ],
      signInSignUpsPerIp: options.signInSignUpsPerIp,
      log,
      // Lines go to the terminal; a long-running stack does not keep them all in memory too.
      keepLogs: false,
      signal: aborting.signal,
    });
    const stack = await starting;
    const { migrations } = stack;
    log(
      `database: ${databaseUrl ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite in .local-data/pglite"}${options.reset ? ", reset" : ""}; ` +
        `${String(migrations.applied.length)} migration(s) applied, ${String(migrations.skipped.length)} already applied; seed loaded`,
    );

    if (options.withApp) {
      const app = startVite(appPort, stack.url, stack.anonKey);
      vite = app;
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
        `  API:        ${stack.url}  (auth /auth/v1, REST /rest/v1, functions /functions/v1: ${[...(stack.functions?.functions.keys() ?? [])].join(", ") || "none yet"})`,
        `  ClickSend:  ${stack.clicksendApiBase ?? ""}${stack.sandbox ? `  (sandbox: username ${SANDBOX_USERNAME}, API key ${SANDBOX_API_KEY})` : ""}`,
        `  anon key:   ${stack.anonKey}`,
        "  demo sign-in: demo@example.com / demo-password-123",
        "  Ctrl-C stops everything.",
      ]
        .filter((line) => line !== undefined)
        .join("\n"),
    );
  } catch (error) {
    // A signal is already stopping everything (an aborted start rejects here): nothing to report.
    if (aborting.signal.aborted) return;
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
