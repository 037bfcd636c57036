// npm start — prepares the embedded database (bootstrap, migrations, seed) in .local-data/ and
// runs the web app on http://127.0.0.1:5173. `npm start -- --reset` starts from an empty database.
// The Supabase-compatible API, Edge Functions and ClickSend sandbox join this command with the
// local stack (issue 3); until then the app runs without a backend.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { applyAll } from "./db/apply.ts";
import { openEmbedded } from "./db/embedded.ts";
import { repoRoot } from "./db/sql-files.ts";

const reset = process.argv.includes("--reset");
const dataDir = join(repoRoot, ".local-data/pglite");

const db = await openEmbedded({ dataDir, reset });
try {
  const report = await applyAll(db, { seed: true });
  console.log(
    `database: embedded PGlite in ${dataDir}${reset ? " (reset)" : ""}; ` +
      `${String(report.applied.length)} migration(s) applied, ${String(report.skipped.length)} already applied; seed loaded`,
  );
} finally {
  await db.close();
}

console.log(
  "app:      http://127.0.0.1:5173  (demo sign-in, once the local API runs: demo@example.com / demo-password-123)",
);
const vite = spawn(process.execPath, [join(repoRoot, "node_modules/vite/bin/vite.js")], {
  cwd: repoRoot,
  stdio: "inherit",
});
const stop = (): void => {
  vite.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
vite.on("exit", (code) => process.exit(code ?? 0));
