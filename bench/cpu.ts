// Where the CPU went during a phase, for explaining a figure (never a figure's goal): the Node
// process's main thread (gateway, sandbox, the bench's own client), the whole Node process (adds
// the PGlite worker thread), each Deno function process, and PostgreSQL's processes when the
// engine is postgres. Linux only (/proc); elsewhere the Deno and PostgreSQL parts read 0.
import { existsSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import type { BenchStack } from "./stack.ts";

/** Clock ticks per second of /proc/<pid>/stat utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  atMs: number;
  elu: EventLoopUtilization;
  process: NodeJS.CpuUsage;
  /** CPU ms per Deno function process. */
  deno: Map<string, number>;
  /** CPU ms per PostgreSQL process (pid), when the engine is postgres. */
  postgres: Map<number, number>;
  /** CPU ms the whole machine spent busy (all processes, all cores), from /proc/stat. */
  machineMs: number | undefined;
}

/** Busy CPU time of the whole machine (everything but idle and iowait), in ms. */
function machineBusyMs(): number | undefined {
  if (!existsSync("/proc/stat")) return undefined;
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [label, ...values] = line.trim().split(/\s+/);
  if (label !== "cpu") return undefined;
  const ticks = values.map(Number);
  const total = ticks.slice(0, 8).reduce((sum, n) => sum + n, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return ((total - idle) * 1000) / TICKS_PER_SECOND;
}

function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const path = `/proc/${String(pid)}/stat`;
  if (!existsSync(path)) return undefined;
  try {
    // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
    const text = readFileSync(path, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

export async function cpuSample(bench: BenchStack): Promise<CpuSample> {
  const deno = new Map<string, number>();
  for (const fn of bench.stack.functions.functions.values()) {
    const ms = processCpuMs(fn.process.pid);
    if (ms !== undefined) deno.set(fn.name, ms);
  }
  const postgres = new Map<number, number>();
  if (bench.engine === "postgres") {
    const rows = await bench.stack.db.query<{ pid: number }>(
      "select pid from pg_stat_activity where pid <> pg_backend_pid()",
    );
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms !== undefined) postgres.set(pid, ms);
    }
  }
  return {
    atMs: performance.now(),
    elu: performance.eventLoopUtilization(),
    process: process.cpuUsage(),
    deno,
    postgres,
    machineMs: machineBusyMs(),
  };
}

export interface CpuUse {
  wallMs: number;
  /** Share of the wall time the Node main thread was busy (0..1). */
  nodeMainBusy: number;
  /** CPU time of the Node process (all threads) / wall time: cores in use. */
  nodeCores: number;
  /** Per Deno function: cores in use. */
  deno: Map<string, number>;
  /** PostgreSQL processes together: cores in use. */
  postgresCores: number;
  /** The whole machine, every process: cores in use. */
  machineCores: number;
}

/** Accumulates CPU use over several phases (e.g. the timed rounds of a suite). */
export class CpuMeter {
  private wallMs = 0;
  private busyMs = 0;
  private nodeMs = 0;
  private readonly denoMs = new Map<string, number>();
  private postgresMs = 0;
  private machineMs = 0;

  add(before: CpuSample, after: CpuSample): void {
    const wall = after.atMs - before.atMs;
    if (before.machineMs !== undefined && after.machineMs !== undefined)
      this.machineMs += after.machineMs - before.machineMs;
    this.wallMs += wall;
    this.busyMs += performance.eventLoopUtilization(after.elu, before.elu).utilization * wall;
    this.nodeMs +=
      (after.process.user - before.process.user + after.process.system - before.process.system) /
      1000;
    for (const [name, ms] of after.deno) {
      const start = before.deno.get(name);
      if (start !== undefined) this.denoMs.set(name, (this.denoMs.get(name) ?? 0) + ms - start);
    }
    // Only processes seen at both ends: a backend that started or ended within the phase is
    // left out (its lifetime CPU cannot be split), so this can only undercount.
    for (const [pid, ms] of after.postgres) {
      const start = before.postgres.get(pid);
      if (start !== undefined) this.postgresMs += ms - start;
    }
  }

  use(): CpuUse {
    const wall = Math.max(this.wallMs, 1e-9);
    return {
      wallMs: this.wallMs,
      nodeMainBusy: this.busyMs / wall,
      nodeCores: this.nodeMs / wall,
      deno: new Map([...this.denoMs].map(([name, ms]) => [name, ms / wall])),
      postgresCores: this.postgresMs / wall,
      machineCores: this.machineMs / wall,
    };
  }

  describe(): string {
    const use = this.use();
    const deno = [...use.deno]
      .filter(([, cores]) => cores >= 0.01)
      .map(([name, cores]) => `Deno ${name} ${cores.toFixed(2)}`)
      .join(", ");
    const ours =
      use.nodeCores + [...use.deno.values()].reduce((a, b) => a + b, 0) + use.postgresCores;
    return `over ${use.wallMs.toFixed(0)} ms: Node main thread (gateway, sandbox, bench client) busy ${(use.nodeMainBusy * 100).toFixed(0)}%; cores in use: Node process ${use.nodeCores.toFixed(2)} (main thread + PGlite worker)${deno === "" ? "" : `, ${deno}`}${use.postgresCores > 0 ? `, PostgreSQL ${use.postgresCores.toFixed(2)}` : ""}; the stack ${ours.toFixed(2)} of the machine's ${use.machineCores.toFixed(2)} busy (${String(cpus().length)} cores)`;
  }
}
