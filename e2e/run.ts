// npm run test:e2e — the Playwright journeys in Debian's Chromium against a fresh local stack.
// Starts the stack (sandbox, PGlite, Deno functions, gateway, the built app) on free ports, runs
// Playwright with their addresses, then checks the stack's whole log for API keys.
// Extra arguments go to `playwright test` (e.g. `npm run test:e2e -- --project desktop -g rotate`).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SANDBOX_API_KEY } from "../local/clicksend-sandbox/accounts.ts";
import { repoRoot } from "../local/db/sql-files.ts";
import { startE2eStack } from "./stack.ts";

const chromium = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";

async function main(): Promise<number> {
  if (!existsSync(chromium)) {
    console.error(
      `test:e2e: ${chromium} not found; install it with \`apt-get install -y chromium\``,
    );
    return 1;
  }
  const started = performance.now();
  const stack = await startE2eStack();
  console.log(
    `test:e2e: stack ready in ${((performance.now() - started) / 1000).toFixed(1)} s (app ${stack.appUrl}, API ${stack.apiUrl})`,
  );
  const privateKeys = [randomUUID().toUpperCase(), randomUUID().toUpperCase()] as const;
  try {
    const code = await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(repoRoot, "node_modules/@playwright/test/cli.js"),
          "test",
          "--config",
          join(repoRoot, "e2e/playwright.config.ts"),
          ...process.argv.slice(2),
        ],
        {
          cwd: repoRoot,
          stdio: "inherit",
          env: {
            ...process.env,
            E2E_APP_URL: stack.appUrl,
            E2E_API_URL: stack.apiUrl,
            E2E_SANDBOX_ORIGIN: stack.sandboxOrigin,
            E2E_CONTROL_URL: stack.controlUrl,
            E2E_CHROMIUM: chromium,
            E2E_PRIVATE_USERNAME: "private_user",
            E2E_PRIVATE_KEY: privateKeys[0],
            E2E_PRIVATE_ROTATED_KEY: privateKeys[1],
          },
        },
      );
      child.on("exit", (exitCode) => {
        resolve(exitCode ?? 1);
      });
    });
    const log = stack.logs.join("\n");
    const leaked = [SANDBOX_API_KEY, ...privateKeys].filter((key) => log.includes(key));
    if (leaked.length > 0) {
      console.error(`test:e2e: ${String(leaked.length)} API key(s) appear in the stack's logs`);
      return 1;
    }
    console.log(
      `test:e2e: no API key in ${String(stack.logs.length)} stack log lines; screenshots in e2e/.artifacts/screenshots`,
    );
    return code;
  } finally {
    await stack.stop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
