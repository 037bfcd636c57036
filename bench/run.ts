// npm run bench — runs every benchmark suite, merges their figures into bench/results.json and
// prints the tables (figure, value, goal, whether the goal is met).
//
//   npm run bench              all suites; results.json is rewritten from scratch
//   npm run bench -- load bulk only the named suites; their figures are merged into the existing
//                              results.json, other figures are kept
//   BENCH_ENGINES=pglite npm run bench -- load    the HTTP suites on one engine only
//
// Order: db (PostgreSQL 15), then for each engine (pglite, then postgres) one full local stack
// running calls, policy, mcp, concurrent, discovery, load, bulk, storm and inbound (embedded
// only), stopped before the next engine starts (never two stacks at once), then build. Figures of the
// per-engine suites get the engine as a key suffix (load_p50_ms_pglite, load_p50_ms_postgres).
//
// A suite that fails (including its sanity checks) is reported and the run goes on with the
// next one; the figures of the others are written and the run exits non-zero at the end. A
// missed goal is reported in the table, not as a failure: benchmarks never gate on timing.
//
// Open file descriptors are printed before, during (peak) and after every suite (fd.ts).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSuite } from "./build.ts";
import { bulkSuite } from "./bulk.ts";
import { callsSuite } from "./calls.ts";
import { concurrentSuite } from "./concurrent.ts";
import { dbSuite } from "./db.ts";
import { discoverySuite } from "./discovery.ts";
import { inboundSuite } from "./inbound.ts";
import { formatDescriptors, openDescriptors, watchPeak, type Descriptors } from "./fd.ts";
import { loadSuite } from "./load.ts";
import { mcpSuite } from "./mcp.ts";
import { policySuite } from "./policy.ts";
import { formatEngineTable, formatTable, goalMet, type Figure, type Suite } from "./report.ts";
import {
  clearPending,
  selectedEngines,
  startBenchStack,
  type BenchStack,
  type Engine,
  type StackSuite,
} from "./stack.ts";
import { stormSuite } from "./storm.ts";

const before: readonly Suite[] = [dbSuite];
const perEngine: readonly StackSuite[] = [
  callsSuite,
  policySuite,
  mcpSuite,
  concurrentSuite,
  discoverySuite,
  loadSuite,
  bulkSuite,
  stormSuite,
  inboundSuite,
];
const after: readonly Suite[] = [buildSuite];
const allNames = [...before, ...perEngine, ...after].map((suite) => suite.name);

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

interface DescriptorRow {
  suite: string;
  before: Descriptors;
  peak: Descriptors;
  after: Descriptors;
}

class Runner {
  readonly figures: Figure[] = [];
  readonly failures: string[] = [];
  readonly descriptors: DescriptorRow[] = [];

  /** Runs one suite, records its figures (or its failure) and the descriptors around it. */
  async run(name: string, work: () => Promise<Figure[]>, engine?: Engine): Promise<boolean> {
    const title = engine === undefined ? name : `${name} [${engine}]`;
    const fdBefore = openDescriptors();
    console.log(
      `bench: running suite "${title}"; load average ${loadavg()[0]?.toFixed(2) ?? "?"}; descriptors: ${formatDescriptors(fdBefore)}`,
    );
    const watch = watchPeak();
    const started = process.hrtime.bigint();
    let ok = true;
    try {
      for (const produced of await work()) this.add(produced, engine);
    } catch (error) {
      ok = false;
      this.failures.push(title);
      console.error(
        `bench: suite "${title}" FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { at: peak } = watch.stop();
    const fdAfter = openDescriptors();
    this.descriptors.push({ suite: title, before: fdBefore, peak, after: fdAfter });
    console.log(
      `bench: suite "${title}" ${ok ? "done" : "failed"} in ${seconds.toFixed(1)} s; load average ${loadavg()[0]?.toFixed(2) ?? "?"}; descriptors peak ${formatDescriptors(peak)}; after ${formatDescriptors(fdAfter)}`,
    );
    return ok;
  }

  private add(figure: Figure, engine: Engine | undefined): void {
    const entry: Figure =
      engine === undefined
        ? figure
        : { ...figure, key: `${figure.key}_${engine}`, baseKey: figure.key, engine };
    if (this.figures.some((f) => f.key === entry.key))
      throw new Error(`figure key "${entry.key}" reported twice`);
    if (!Number.isFinite(entry.value))
      throw new Error(`figure "${entry.key}" is not a finite number: ${String(entry.value)}`);
    this.figures.push(entry);
  }
}

async function runEngine(runner: Runner, engine: Engine, suites: readonly StackSuite[]) {
  let bench: BenchStack | undefined;
  const ok = await runner.run(
    "stack start",
    async () => {
      bench = await startBenchStack(engine);
      return [];
    },
    engine,
  );
  if (!ok || bench === undefined) {
    for (const suite of suites) runner.failures.push(`${suite.name} [${engine}] (not run)`);
    return;
  }
  const current = bench;
  try {
    for (const suite of suites) {
      const passed = await runner.run(suite.name, () => suite.run(current), engine);
      // A failed suite may leave a receipt storm behind: never let it spill into the next one.
      if (!passed) await clearPending(current.stack).catch(() => undefined);
    }
  } finally {
    await runner.run(
      "stack stop",
      async () => {
        await current.stop();
        return [];
      },
      engine,
    );
  }
}

function descriptorTable(rows: readonly DescriptorRow[]): string {
  const header = ["suite", "before", "peak", "after"];
  const cells = rows.map((row) => [
    row.suite,
    String(row.before.total),
    String(row.peak.total),
    String(row.after.total),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}

async function main(): Promise<void> {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !allNames.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown suite(s): ${unknown.join(", ")}; available: ${allNames.join(", ")}`);
  }
  const wanted = <T extends { name: string }>(suites: readonly T[]): T[] =>
    requested.length === 0 ? [...suites] : suites.filter((suite) => requested.includes(suite.name));
  const engines = selectedEngines();

  const runner = new Runner();
  for (const suite of wanted(before)) await runner.run(suite.name, () => suite.run());
  const stackSuites = wanted(perEngine);
  if (stackSuites.length > 0) {
    for (const engine of engines) await runEngine(runner, engine, stackSuites);
  }
  for (const suite of wanted(after)) await runner.run(suite.name, () => suite.run());

  const { figures } = runner;
  const results: Record<string, number> = requested.length === 0 ? {} : readExisting();
  for (const figure of figures) results[figure.key] = figure.value;
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);

  const plain = figures.filter((figure) => figure.engine === undefined);
  const engineFigures = figures.filter((figure) => figure.engine !== undefined);
  console.log("");
  if (engineFigures.length > 0) {
    console.log(formatEngineTable(engineFigures, engines));
    console.log("");
  }
  if (plain.length > 0) {
    console.log(formatTable(plain));
    console.log("");
  }
  console.log("open file descriptors of this process, by suite:");
  console.log(descriptorTable(runner.descriptors));
  console.log("");
  const missed = figures.filter((figure) => goalMet(figure) === false);
  const withGoal = figures.filter((figure) => figure.goal !== undefined);
  console.log(
    `bench: ${String(withGoal.length - missed.length)}/${String(withGoal.length)} goals met; figures written to bench/results.json`,
  );
  if (missed.length > 0) {
    console.log(`bench: goals missed: ${missed.map((figure) => figure.key).join(", ")}`);
  }
  if (runner.failures.length > 0) {
    console.error(`bench: suites failed: ${runner.failures.join(", ")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
