// @ts-check
import js from "@eslint/js";
import boundaries from "eslint-plugin-boundaries";
import jsxA11y from "eslint-plugin-jsx-a11y";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Code every layer of the web app may use: it imports nothing above itself. */
const SHARED_TYPES = ["components", "hooks", "lib", "utils", "config", "types"];

/** Shared code may import other shared code and the backend's contracts (nothing else of it). */
const SHARED_TARGETS = [...SHARED_TYPES, "contracts"];

const importBoundaries = {
  files: [
    "src/**/*.{ts,tsx}",
    "supabase/functions/**/*.ts",
    "local/**/*.ts",
    "e2e/**/*.ts",
    "bench/**/*.ts",
  ],
  plugins: { boundaries },
  settings: {
    "import/resolver": {
      typescript: {
        project: ["./tsconfig.app.json", "./tsconfig.node.json", "./e2e/tsconfig.json"],
        noWarnOnMultipleProjects: true,
      },
    },
    "boundaries/elements": [
      { type: "app", pattern: "src/app", partialMatch: false },
      { type: "pages", pattern: "src/pages", partialMatch: false },
      { type: "features", pattern: "src/features/*", capture: ["feature"], partialMatch: false },
      ...SHARED_TYPES.map((type) => ({ type, pattern: `src/${type}`, partialMatch: false })),
      { type: "testing", pattern: "src/testing", partialMatch: false },
      // What the app and the functions share: pure schemas, catalogs, helpers, generated types.
      { type: "contracts", pattern: "supabase/functions/_shared/contracts", partialMatch: false },
      // Fakes for the functions' unit tests: tests only.
      {
        type: "backend-testing",
        pattern: "supabase/functions/_shared/testing",
        partialMatch: false,
      },
      // Server-only code of the functions (service-role client, ClickSend client, executor).
      { type: "backend-shared", pattern: "supabase/functions/_shared", partialMatch: false },
      { type: "function", pattern: "supabase/functions/*", capture: ["name"], partialMatch: false },
      // Development only: the local stack, the end-to-end suite and the benchmarks.
      { type: "local", pattern: "local", partialMatch: false },
      { type: "e2e", pattern: "e2e", partialMatch: false },
      { type: "bench", pattern: "bench", partialMatch: false },
    ],
    "boundaries/files": [{ category: "test", pattern: "**/*.test.{ts,tsx}" }],
  },
  rules: {
    // One-way flow: shared -> features -> pages -> app. Files inside one element
    // (one page folder, one feature) may import each other freely. Production code (the app and
    // the functions) never imports the local stack; the app reaches the backend only through
    // its contracts.
    "boundaries/dependencies": [
      "error",
      {
        default: "disallow",
        message:
          "{{from.element.type}} may not import {{to.element.type}}: the app flows one way (components, hooks, lib, utils -> features -> pages -> app) and reaches the backend only through supabase/functions/_shared/contracts; production code never imports local/, e2e/ or bench/.",
        policies: [
          {
            from: { element: { type: "app" } },
            allow: { to: { element: { types: ["pages", "features", ...SHARED_TARGETS] } } },
          },
          {
            from: { element: { type: "pages" } },
            allow: { to: { element: { types: ["features", ...SHARED_TARGETS] } } },
          },
          {
            from: { element: { type: "features" } },
            allow: { to: { element: { types: SHARED_TARGETS } } },
          },
          {
            from: { element: { types: SHARED_TYPES } },
            allow: { to: { element: { types: SHARED_TARGETS } } },
          },
          {
            from: { element: { type: "contracts" } },
            allow: { to: { element: { type: "contracts" } } },
          },
          {
            from: { element: { type: "backend-shared" } },
            allow: { to: { element: { types: ["backend-shared", "contracts"] } } },
          },
          {
            from: { element: { type: "backend-testing" } },
            allow: {
              to: { element: { types: ["backend-testing", "backend-shared", "contracts"] } },
            },
          },
          {
            from: { element: { type: "function" } },
            allow: { to: { element: { types: ["backend-shared", "contracts"] } } },
          },
          // Development code may use anything but the app's internals.
          {
            from: { element: { types: ["local", "e2e", "bench"] } },
            allow: {
              to: {
                element: {
                  types: ["local", "e2e", "bench", "contracts", "backend-shared", "function"],
                },
              },
            },
          },
          // Test helpers may reach anything, and only tests may reach test helpers.
          {
            from: { element: { type: "testing" } },
            allow: { to: { element: { types: ["*"] } } },
          },
          {
            from: { file: { categories: "test" } },
            allow: { to: { element: { types: ["testing", "local", "backend-testing"] } } },
          },
        ],
      },
    ],
  },
};

export default defineConfig([
  globalIgnores([
    "dist/",
    "node_modules/",
    "coverage/",
    ".local-data/",
    "test-results/",
    "playwright-report/",
    "supabase/functions/_shared/contracts/database.types.ts",
  ]),
  { linterOptions: { reportUnusedDisableDirectives: "error" } },

  js.configs.recommended,
  {
    files: ["**/*.{js,mjs,cjs}"],
    languageOptions: { globals: globals.node },
  },

  {
    files: ["**/*.{ts,tsx,mts,cts}"],
    extends: [tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-import-type-side-effects": "error",
      // Zod-inferred types are aliases anyway; allow both spellings.
      "@typescript-eslint/consistent-type-definitions": "off",
      // Conflicts with strict's no-non-null-assertion (each flags the other's fix); narrow instead.
      "@typescript-eslint/non-nullable-type-assertion-style": "off",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_" },
      ],
    },
  },

  // The browser app.
  {
    files: ["src/**/*.{ts,tsx}"],
    extends: [jsxA11y.flatConfigs.recommended, reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },

  // Edge Functions run on Deno and import `npm:`/`jsr:` specifiers that tsc cannot
  // resolve, so only supabase/functions/_shared (pure, covered by tsconfig.node.json)
  // gets type-aware rules.
  {
    files: ["supabase/functions/**/*.ts", "local/gateway/fixtures/functions/**/*.ts"],
    languageOptions: { globals: { ...globals.denoBuiltin } },
  },
  {
    files: ["supabase/functions/**/*.ts", "local/gateway/fixtures/functions/**/*.ts"],
    ignores: ["supabase/functions/_shared/**"],
    extends: [tseslint.configs.disableTypeChecked],
  },

  importBoundaries,
]);
