// npm run bench — runs every benchmark suite, merges their figures into bench/results.json and
// prints one table (figure, value, goal, whether the goal is met).
//
//   npm run bench            all suites; results.json is rewritten from scratch
//   npm run bench -- db      only the named suites; their figures are merged into the existing
//                            results.json, other suites' figures are kept
//
// Suites: db (PostgreSQL 15), load, discovery, bulk (one shared full local stack), build.
//
// Exits non-zero when a suite fails (including its sanity checks). A missed goal is reported in the
// table, not as a failure: benchmarks never gate on timing.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSuite } from "./build.ts";
import { bulkSuite } from "./bulk.ts";
import { dbSuite } from "./db.ts";
import { discoverySuite } from "./discovery.ts";
import { loadSuite } from "./load.ts";
import { formatTable, goalMet, type Figure, type Suite } from "./report.ts";
import { stopSharedStack } from "./stack.ts";

// load, discovery and bulk share one full stack (started by the first of them, stopped below).
const suites: readonly Suite[] = [dbSuite, loadSuite, discoverySuite, bulkSuite, buildSuite];

const resultsPath = join(dirname(fileURLToPath(import.meta.url)), "results.json");

function readExisting(): Record<string, number> {
  if (!existsSync(resultsPath)) return {};
  const parsed: unknown = JSON.parse(readFileSync(resultsPath, "utf8"));
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === "number") out[key] = value;
  }
  return out;
}

async function runSuites(selected: readonly Suite[], figures: Figure[]): Promise<void> {
  for (const suite of selected) {
    console.log(`bench: running suite "${suite.name}"`);
    const started = process.hrtime.bigint();
    const produced = await suite.run();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`bench: suite "${suite.name}" done in ${seconds.toFixed(1)} s`);
    for (const figure of produced) {
      if (figures.some((f) => f.key === figure.key)) {
        throw new Error(`figure key "${figure.key}" reported twice`);
      }
      if (!Number.isFinite(figure.value)) {
        throw new Error(`figure "${figure.key}" is not a finite number: ${String(figure.value)}`);
      }
      figures.push(figure);
    }
  }
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !suites.some((suite) => suite.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown suite(s): ${unknown.join(", ")}; available: ${suites.map((s) => s.name).join(", ")}`,
    );
  }
  const selected =
    requested.length === 0 ? suites : suites.filter((suite) => requested.includes(suite.name));

  const figures: Figure[] = [];
  try {
    await runSuites(selected, figures);
  } finally {
    await stopSharedStack();
  }

  const results: Record<string, number> = requested.length === 0 ? {} : readExisting();
  for (const figure of figures) results[figure.key] = figure.value;
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);

  console.log("");
  console.log(formatTable(figures));
  console.log("");
  const missed = figures.filter((figure) => goalMet(figure) === false);
  const withGoal = figures.filter((figure) => figure.goal !== undefined);
  console.log(
    `bench: ${withGoal.length - missed.length}/${withGoal.length} goals met; figures written to bench/results.json`,
  );
  if (missed.length > 0) {
    console.log(`bench: goals missed: ${missed.map((figure) => figure.key).join(", ")}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
