// Edge Functions on one machine: each supabase/functions/<name>/index.ts runs unchanged under
// real Deno (from the npm package `deno`) on its own port (DENO_SERVE_ADDRESS), with the
// environment Supabase gives a function. This module starts them, waits until each listens,
// prefixes their output with the function's name and stops them; proxy.ts routes requests to them.
//
// Each start makes a random secret and gives it to every function as FUNCTIONS_GATEWAY_SECRET;
// the gateway's handler puts it on every proxied request (see proxy.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Handler } from "../server.ts";
import { stopChild } from "../../child-process.ts";
import { freePort } from "../../net.ts";
import { discoverFunctions, verifyJwtSettings } from "./config.ts";
import { functionsHandler } from "./proxy.ts";

export interface FunctionsOptions {
  /** Folder holding one sub-folder per function (supabase/functions). */
  dir: string;
  /** supabase/config.toml, for [functions.<name>] verify_jwt. */
  configToml?: string;
  /** Environment every function receives (SUPABASE_URL, keys, CLICKSEND_API_BASE, …). */
  env: Record<string, string>;
  /** Where Deno caches npm packages; persisted between runs. */
  denoDir: string;
  denoBin: string;
  log: (line: string) => void;
  /** Aborted while starting: what was spawned is stopped and the start rejects with its reason. */
  signal?: AbortSignal;
}

interface RunningFunction {
  name: string;
  port: number;
  verifyJwt: boolean;
  process: ChildProcess;
}

export interface FunctionsRuntime {
  functions: Map<string, RunningFunction>;
  /** This start's FUNCTIONS_GATEWAY_SECRET (tests call a function's own port with it). */
  gatewaySecret: string;
  /** The gateway's /functions/v1 route, verifying JWTs with `jwtSecret`. */
  handler(jwtSecret: string): Handler;
  stop(): Promise<void>;
}

/** How long a function may take to listen; its first run may download npm packages. */
const START_TIMEOUT_MS = 120_000;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      resolve(false);
    });
  });
}

async function waitForPort(
  fn: RunningFunction,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (fn.process.exitCode !== null)
      throw new Error(
        `function ${fn.name} exited with code ${String(fn.process.exitCode)} while starting`,
      );
    if (await portOpen(fn.port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `function ${fn.name} did not listen on port ${String(fn.port)} within ${String(timeoutMs)} ms`,
  );
}

function prefixLines(
  stream: NodeJS.ReadableStream | null,
  prefix: string,
  log: (line: string) => void,
): void {
  if (!stream) return;
  createInterface({ input: stream }).on("line", (line) => {
    log(`${prefix} ${line}`);
  });
}

/** Machine settings Deno needs to fetch npm packages (proxies, extra CAs); nothing else leaks in. */
const PASS_THROUGH = [
  "PATH",
  "HOME",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "DENO_CERT",
  "SSL_CERT_FILE",
];

function denoEnv(options: FunctionsOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    NO_COLOR: "1",
    DENO_DIR: options.denoDir,
    DENO_NO_UPDATE_CHECK: "1",
    // Trust the machine's CA store too (a TLS-inspecting egress proxy has its own CA).
    DENO_TLS_CA_STORE: "system,mozilla",
  };
  for (const name of PASS_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Downloads every function's npm packages once, before the functions start in parallel. */
function cacheDependencies(options: FunctionsOptions, names: string[]): Promise<void> {
  if (names.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const child = spawn(
      options.denoBin,
      ["cache", ...names.map((name) => join(options.dir, name, "index.ts"))],
      {
        env: denoEnv(options),
        stdio: ["ignore", "ignore", "pipe"],
        // Aborting kills `deno cache`.
        signal: options.signal,
      },
    );
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on("error", (error) => {
      // Aborted: Node's AbortError; when the caller gave an Error as the reason, pass that on.
      const reason: unknown = options.signal?.reason;
      reject(options.signal?.aborted === true && reason instanceof Error ? reason : error);
    });
    child.on("exit", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`deno cache failed (exit ${String(code)}): ${errors.slice(-2000)}`));
    });
  });
}

export async function startFunctions(options: FunctionsOptions): Promise<FunctionsRuntime> {
  const verify = verifyJwtSettings(options.configToml);
  const functions = new Map<string, RunningFunction>();
  const names = discoverFunctions(options.dir);
  const gatewaySecret = randomBytes(32).toString("hex");
  await cacheDependencies(options, names);
  options.signal?.throwIfAborted();
  for (const name of names) {
    const port = await freePort();
    const child = spawn(
      options.denoBin,
      [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--no-prompt",
        join(options.dir, name, "index.ts"),
      ],
      {
        env: {
          ...denoEnv(options),
          DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${String(port)}`,
          SB_EXECUTION_ID: name,
          ...options.env,
          FUNCTIONS_GATEWAY_SECRET: gatewaySecret,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    prefixLines(child.stdout, `[fn:${name}]`, options.log);
    prefixLines(child.stderr, `[fn:${name}]`, options.log);
    functions.set(name, { name, port, verifyJwt: verify(name), process: child });
  }

  const stop = async (): Promise<void> => {
    await Promise.all([...functions.values()].map((fn) => stopChild(fn.process)));
  };

  try {
    await Promise.all(
      [...functions.values()].map((fn) => waitForPort(fn, START_TIMEOUT_MS, options.signal)),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    functions,
    gatewaySecret,
    stop,
    handler: (jwtSecret) => functionsHandler({ targets: functions, gatewaySecret, jwtSecret }),
  };
}
