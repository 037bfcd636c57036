// Timing and statistics for the benchmarks: a seeded PRNG (so argument order is random but
// reproducible), per-call timing with process.hrtime.bigint, percentiles, and an interleaved
// measurement loop with warm-up.

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates shuffle into a new array. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

/** Runs `fn` and returns its result with the elapsed wall time in nanoseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ns: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  const ns = Number(process.hrtime.bigint() - start);
  return { value, ns };
}

/**
 * The p-th percentile (0 < p <= 100) of ascending `sorted` by linear interpolation between the
 * closest ranks (the same definition as PostgreSQL's percentile_cont and numpy's default).
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error("percentile of no samples");
  if (!(p > 0 && p <= 100)) throw new Error(`percentile out of range: ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  const highValue = sorted[high] as number;
  return lowValue + (highValue - lowValue) * (rank - low);
}

export interface Summary {
  samples: number;
  /** Unrounded nanoseconds, for ratios. */
  p50Ns: number;
  p95Ns: number;
  p99Ns: number;
  /** Milliseconds, rounded to the microsecond. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** Rounds milliseconds to microsecond precision. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Rounds a ratio to three decimals. */
export function roundRatio(ratio: number): number {
  return Math.round(ratio * 1000) / 1000;
}

export function summarize(samplesNs: readonly number[]): Summary {
  const sorted = [...samplesNs].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, ns) => sum + ns, 0) / sorted.length;
  const p50Ns = percentile(sorted, 50);
  const p95Ns = percentile(sorted, 95);
  const p99Ns = percentile(sorted, 99);
  return {
    samples: sorted.length,
    p50Ns,
    p95Ns,
    p99Ns,
    p50Ms: roundMs(p50Ns / 1e6),
    p95Ms: roundMs(p95Ns / 1e6),
    p99Ms: roundMs(p99Ns / 1e6),
    meanMs: roundMs(mean / 1e6),
  };
}

/**
 * One measured operation. `run(i)` performs iteration i (i < warmup are warm-up calls, whose
 * results are discarded) and returns the nanoseconds of the part being measured, so an operation
 * can exclude its own setup (a transaction's BEGIN and role switch) from the figure.
 */
export interface Case {
  name: string;
  run(iteration: number): Promise<number>;
}

export interface LoopOptions {
  warmup: number;
  iterations: number;
  /** Seed for the order in which the cases run within each round. */
  seed: number;
}

/**
 * Runs every case `warmup + iterations` times, interleaved: each round runs each case once, in a
 * fresh random order, so drift on a busy machine (other processes, cache state, autovacuum)
 * affects every case alike and ratios between them stay meaningful.
 */
export async function measureInterleaved(
  cases: readonly Case[],
  options: LoopOptions,
): Promise<Map<string, Summary>> {
  const random = seededRandom(options.seed);
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const total = options.warmup + options.iterations;
  for (let i = 0; i < total; i++) {
    for (const c of shuffled(cases, random)) {
      const ns = await c.run(i);
      if (i >= options.warmup) samples.get(c.name)?.push(ns);
    }
  }
  return new Map([...samples].map(([name, ns]) => [name, summarize(ns)]));
}

/** An iteration count from the environment (e.g. BENCH_DB_ITERATIONS), or the fallback. */
export function positiveInt(text: string | undefined, fallback: number): number {
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`not a positive integer: ${text}`);
  return value;
}
