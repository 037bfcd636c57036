// What the end-to-end run needs, on free ports: the whole backend (startFullStack, the test preset
// of local/stack/start-stack.ts: sandbox, PGlite, Deno functions, gateway), the production build of the app served statically, and a control
// server the specs call to reset state between tests.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../local/db/sql-files.ts";
import { startFullStack, type FullStack } from "../local/integration/full-stack.ts";
import { freePort } from "../local/net.ts";
import { serveStatic } from "../local/static-server.ts";

const run = promisify(execFile);

export interface E2eStack {
  appUrl: string;
  apiUrl: string;
  sandboxOrigin: string;
  controlUrl: string;
  anonKey: string;
  /** Every line the backend logged (gateway, functions, sandbox). */
  logs: string[];
  stop(): Promise<void>;
}

/** Deletes every user (and so everything users own) and puts the sandbox back to its start. */
async function resetState(stack: FullStack): Promise<void> {
  await stack.db.exec("truncate auth.users, vault.secrets cascade");
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/reset`, { method: "POST" });
  if (!response.ok) throw new Error(`sandbox reset failed: ${String(response.status)}`);
}

function startControl(stack: FullStack, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const answer = (status: number, body: unknown): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "POST" && req.url === "/reset") {
      resetState(stack).then(
        () => {
          answer(200, { reset: true });
        },
        (error: unknown) => {
          answer(500, { error: error instanceof Error ? error.message : String(error) });
        },
      );
      return;
    }
    if (req.method === "GET" && req.url === "/logs") {
      answer(200, { logs: stack.logs });
      return;
    }
    answer(404, { error: "unknown control request" });
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      resolve(server);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => {
      resolve();
    });
  });
}

export async function startE2eStack(): Promise<E2eStack> {
  const [appPort, controlPort] = [await freePort(), await freePort()];
  const appUrl = `http://127.0.0.1:${String(appPort)}`;
  const stack = await startFullStack({
    sandbox: {
      receiptDelayMs: 500,
      // A `timeout` fault hangs longer than the functions wait, so the functions see a timeout.
      faultTimeoutMs: 15_000,
    },
    allowedOrigins: [appUrl],
    functionsEnv: { CLICKSEND_TIMEOUT_MS: "2000" },
  });
  const outDir = await mkdtemp(join(tmpdir(), "e2e-app-"));
  try {
    await run(
      process.execPath,
      [
        join(repoRoot, "node_modules/vite/bin/vite.js"),
        "build",
        "--outDir",
        outDir,
        "--emptyOutDir",
      ],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          VITE_SUPABASE_URL: stack.url,
          VITE_SUPABASE_ANON_KEY: stack.anonKey,
        },
      },
    );
  } catch (error) {
    await stack.stop();
    throw error;
  }
  const app = await serveStatic(outDir, appPort);
  const control = await startControl(stack, controlPort);
  return {
    appUrl,
    apiUrl: stack.url,
    sandboxOrigin: stack.sandbox.origin,
    controlUrl: `http://127.0.0.1:${String(controlPort)}`,
    anonKey: stack.anonKey,
    logs: stack.logs,
    async stop() {
      await close(control);
      await close(app);
      await stack.stop();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
