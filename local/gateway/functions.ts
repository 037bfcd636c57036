// Edge Functions on one machine: each supabase/functions/<name>/index.ts runs unchanged under
// real Deno (from the npm package `deno`) on its own port (DENO_SERVE_ADDRESS), with the
// environment Supabase gives a function. The gateway checks the JWT as `verify_jwt` in
// supabase/config.toml says, then proxies /functions/v1/<name>/… to it.
//
// A function's own port is reachable by anything on this machine, past verify_jwt. So each start
// makes a random secret, gives it to every function as FUNCTIONS_GATEWAY_SECRET and puts it on
// every proxied request as x-gateway-secret; the functions refuse requests without it (`serve` in
// supabase/functions/_shared/http.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { socketAddress } from "./client-address.ts";
import { bearerToken, sendJson, watchClient } from "./http.ts";
import { verifyJwt } from "./jwt.ts";
import type { Handler } from "./server.ts";
import { freePort } from "../net.ts";

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
}

export interface RunningFunction {
  name: string;
  port: number;
  verifyJwt: boolean;
  process: ChildProcess;
}

export interface FunctionsRuntime {
  functions: Map<string, RunningFunction>;
  /** This start's FUNCTIONS_GATEWAY_SECRET (tests call a function's own port with it). */
  gatewaySecret: string;
  handler(jwtSecret: string): Handler;
  stop(): Promise<void>;
}

/** The header every proxied request carries the per-start secret in. */
export const GATEWAY_SECRET_HEADER = "x-gateway-secret";

const configSchema = z.object({
  functions: z
    .record(z.string(), z.object({ verify_jwt: z.boolean().optional() }).loose())
    .optional(),
});

/** Function names: folders with an index.ts, except shared ones (leading underscore). */
export function discoverFunctions(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        !entry.name.startsWith("_") &&
        existsSync(join(dir, entry.name, "index.ts")),
    )
    .map((entry) => entry.name)
    .sort();
}

/** verify_jwt per function from config.toml; Supabase's default is true. */
export function verifyJwtSettings(configToml: string | undefined): (name: string) => boolean {
  if (configToml === undefined || !existsSync(configToml)) return () => true;
  const config = configSchema.parse(parseToml(readFileSync(configToml, "utf8")));
  return (name) => config.functions?.[name]?.verify_jwt ?? true;
}

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

async function waitForPort(fn: RunningFunction, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
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
      },
    );
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    child.on("error", reject);
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
    await Promise.all(
      [...functions.values()].map(
        (fn) =>
          new Promise<void>((resolve) => {
            if (fn.process.exitCode !== null || fn.process.signalCode !== null) {
              resolve();
              return;
            }
            fn.process.once("exit", () => {
              resolve();
            });
            fn.process.kill("SIGTERM");
          }),
      ),
    );
  };

  try {
    // The first run of a function may download its npm packages into DENO_DIR.
    await Promise.all([...functions.values()].map((fn) => waitForPort(fn, 120_000)));
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    functions,
    gatewaySecret,
    stop,
    handler: (jwtSecret) => async (req, res, _url, path) => {
      const [, name = "", ...rest] = path.split("/");
      const fn = functions.get(name);
      if (!fn) {
        sendJson(res, 404, {
          code: "NOT_FOUND",
          message: `Function not found: ${name || "(none)"}`,
        });
        return;
      }
      if (fn.verifyJwt) {
        const token = bearerToken(req);
        if (token === undefined) {
          sendJson(res, 401, { code: 401, message: "Missing authorization header" });
          return;
        }
        if (!verifyJwt(token, jwtSecret).ok) {
          sendJson(res, 401, { code: 401, message: "Invalid JWT" });
          return;
        }
      }
      await proxy(req, res, fn.port, `/${[name, ...rest].join("/")}${_url.search}`, {
        [GATEWAY_SECRET_HEADER]: gatewaySecret,
        // Who connected, for per-client limits; nothing trusted sits in front of this gateway,
        // so what the client claimed is replaced.
        "x-forwarded-for": socketAddress(req),
      });
    },
  };
}

/**
 * Proxies one request to a function listening on 127.0.0.1:`port`, with `headers` set over the
 * client's (replacing any the client sent under those names). When the client goes away before
 * the answer is complete, the upstream request is destroyed too: the function sees its request
 * closed (Deno aborts `request.signal`) instead of working for nobody.
 */
export function proxy(
  req: IncomingMessage,
  res: ServerResponse,
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<void> {
  return new Promise((resolve) => {
    const client = watchClient(res);
    if (client.gone()) {
      resolve();
      return;
    }
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: req.method,
        path,
        headers: {
          ...req.headers,
          // Node gives the client's header names in lower case: set ours the same way to replace them.
          ...Object.fromEntries(
            Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
          ),
          host: `127.0.0.1:${String(port)}`,
        },
      },
      (response) => {
        if (client.gone()) return;
        for (const [key, value] of Object.entries(response.headers)) {
          if (value !== undefined) res.setHeader(key, value);
        }
        res.writeHead(response.statusCode ?? 502);
        response.pipe(res);
        response.on("end", resolve);
        response.on("error", () => {
          res.destroy();
          resolve();
        });
      },
    );
    const abandon = (): void => {
      upstream.destroy();
      resolve();
    };
    client.signal.addEventListener("abort", abandon, { once: true });
    upstream.on("close", () => {
      client.signal.removeEventListener("abort", abandon);
    });
    upstream.on("error", () => {
      if (client.gone()) {
        resolve();
        return;
      }
      if (!res.headersSent)
        sendJson(res, 502, { code: "BOOT_ERROR", message: "the function is not running" });
      else res.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}
