import { fileURLToPath, URL } from "node:url";

import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const srcDir = fileURLToPath(new URL("./src", import.meta.url));
/** What the app may import from the backend: pure schemas, catalogs and helpers (no server code). */
const contractsDir = fileURLToPath(
  new URL("./supabase/functions/_shared/contracts", import.meta.url),
);

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: {
    alias: { "@": srcDir, "@contracts": contractsDir },
  },
  // Fixed by the local stack contract in ARCHITECTURE.md; fail rather than drift to another port.
  server: { host: "127.0.0.1", port: 5173, strictPort: true },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true },
  test: {
    // The node project may legitimately have no files yet; an empty run is not a failure.
    passWithNoTests: true,
    projects: [
      {
        extends: true,
        test: {
          name: "app",
          environment: "jsdom",
          include: ["src/**/*.test.{ts,tsx}"],
          setupFiles: ["./src/testing/setup-tests.ts"],
          css: false,
          // Route tests render whole pages in jsdom; on a two-core machine running the node
          // project beside them, some take well over Vitest's default 5 s. A guard, not a goal.
          testTimeout: 30_000,
        },
        // Vitest would pick react-router's CJS build, whose react-router/dom then require()s the
        // ESM build (Node 20.19+ honours "module-sync"): two copies, two router contexts, and
        // "useRouteError must be used within a data router". Choosing the ESM build keeps one.
        resolve: { conditions: ["module-sync"] },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["local/**/*.test.ts", "supabase/**/*.test.ts", "bench/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
