// Build suite: the production bundle's initial JavaScript, gzipped. Runs `vite build` (the bundle
// `npm run build` produces, without its `tsc -b` type check, which is `npm run typecheck`'s job),
// then:
// - initial_js_gzip_kb: every .js file Chromium actually fetches to show the first page a visitor
//   gets (/ → /sign-in, no session), each gzipped at level 9 from dist/; measured, not inferred;
// - entry_js_gzip_kb and initial_js_with_entry_imports_gzip_kb: the static view of
//   scripts/build-size.ts (entry + modulepreload; plus the chunks the entry import()s at start).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { repoRoot } from "../local/db/sql-files.ts";
import { freePort } from "../local/net.ts";
import { serveStatic } from "../local/static-server.ts";
import { formatSizeTable, GZIP_LEVEL, initialJsSize } from "../scripts/build-size.ts";
import type { Figure, Suite } from "./report.ts";

const CHROMIUM = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";

/** The JS files Chromium loads for the first page, with their gzip -9 sizes from dist/. */
async function firstPageJs(distDir: string): Promise<{ files: string[]; gzipBytes: number }> {
  const port = await freePort();
  const server = await serveStatic(resolve(distDir), port);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage();
    const scripts = new Set<string>();
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (url.port === String(port) && url.pathname.endsWith(".js")) scripts.add(url.pathname);
    });
    await page.goto(`http://127.0.0.1:${String(port)}/`);
    await page.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
    await page.waitForLoadState("networkidle");
    const files = [...scripts].sort();
    if (files.length === 0) throw new Error("Chromium loaded no JavaScript from the build");
    const gzipBytes = files.reduce(
      (sum, file) =>
        sum + gzipSync(readFileSync(join(distDir, file)), { level: GZIP_LEVEL }).length,
      0,
    );
    return { files, gzipBytes };
  } finally {
    await browser.close();
    await new Promise<void>((done) =>
      server.close(() => {
        done();
      }),
    );
  }
}

function viteBuild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(repoRoot, "node_modules/.bin/vite"), ["build"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`vite build exited with ${String(code)}:\n${output}`));
    });
  });
}

export const buildSuite: Suite = {
  name: "build",
  async run(): Promise<Figure[]> {
    await viteBuild();
    const distDir = join(repoRoot, "dist");
    const size = initialJsSize(distDir);
    console.log(formatSizeTable(size));
    if (size.initial.gzipBytes <= 0) throw new Error("the initial JavaScript is empty");
    const loaded = await firstPageJs(distDir);
    console.log(
      `first page (/sign-in) loads ${String(loaded.files.length)} JS files: ${loaded.files.join(", ")}`,
    );
    return [
      {
        key: "initial_js_gzip_kb",
        label: "JS loaded for the first page, gzip -9 (Chromium)",
        value: Math.round(loaded.gzipBytes / 100) / 10,
        unit: "kB",
        goal: { max: 200, text: "<= 200 kB" },
      },
      {
        key: "entry_js_gzip_kb",
        label: "entry + modulepreload only, gzip -9",
        value: size.initial.gzipKb,
        unit: "kB",
      },
      {
        key: "initial_js_with_entry_imports_gzip_kb",
        label: "same + chunks the entry import()s at start",
        value: size.withEntryImports.gzipKb,
        unit: "kB",
      },
    ];
  },
};
