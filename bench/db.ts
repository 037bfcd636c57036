// Database suite: real PostgreSQL 15 with 10k users, 50k agents, 100k ClickSend connections and
// 200k permission rows. Measures p50/p99 of
//   * our public.validate_agent_clicksend_permissions (authenticated caller, own agent);
//   * the seed design's definition of it, installed side by side in seed_scratch (bench only);
//   * a primary-key lookup on public.agents (as service_role);
//   * one user's RLS-filtered connection list (authenticated) versus the same rows fetched as
//     service_role with an explicit `where user_id = … and oauth_provider_id = …` (index scan).
//
// Every operation is called the way the API calls it: the client logs in as `authenticator`, and
// each call is one transaction that first switches role and sets request.jwt.claims with
// set_config(…, true), exactly as PostgREST does, then runs the statement under test (a prepared
// statement). Only that statement's round trip is timed; BEGIN, the role switch and COMMIT are
// not. All five operations are interleaved in random order, on the same randomly ordered
// arguments, so machine noise hits them alike.
//
// Before timing, sanity checks (not timing assertions) prove each path returns what it should:
// our function must agree with an independent SQL oracle on every pair that will be timed, the
// seed's on the pairs where it should, and the RLS list must equal the explicit one.
//
// Layout: db-seed.ts builds and fills the database, db-operations.ts holds the timed statements
// and the PostgREST-style request around them, db-pairs.ts picks the arguments with their
// oracles' answers, db-checks.ts proves every path right before timing; this file times them.
import postgres from "postgres";
import { startCluster } from "../local/db/pg-cluster.ts";
import { checkFunctions, checkIdentity, checkLists } from "./db-checks.ts";
import {
  claimsFor,
  describe,
  explicitList,
  log,
  ours,
  pkLookup,
  request,
  rlsList,
  seeds,
  SERVICE_CLAIMS,
  type Pair,
  type Sql,
} from "./db-operations.ts";
import { candidatePairs, timingPairs } from "./db-pairs.ts";
import { buildSchema, seedDatabase, SIZES } from "./db-seed.ts";
import type { Figure, Suite } from "./report.ts";
import {
  measureInterleaved,
  positiveInt,
  roundRatio,
  seededRandom,
  type Case,
  type Summary,
} from "./stats.ts";

/** Measured iterations per operation (override with BENCH_DB_ITERATIONS), after the warm-up. */
const ITERATIONS = positiveInt(process.env.BENCH_DB_ITERATIONS, 3000);
const WARMUP = Math.max(200, Math.round(ITERATIONS / 10));
/** Fixed seed: argument choice and order are random but the same on every run. */
const RANDOM_SEED = 20250911;

/**
 * The five operations as timed cases, each on the i-th pair. Every timed call still checks its
 * answer: a wrong answer aborts the run.
 */
function timedCases(api: Sql, pairs: readonly Pair[], providerId: string): Case[] {
  const pairAt = (i: number): Pair => {
    const pair = pairs[i % pairs.length];
    if (pair === undefined) throw new Error("no pairs");
    return pair;
  };
  return [
    {
      name: "ours",
      run: async (i) => {
        const pair = pairAt(i);
        const { value, ns } = await request(api, "authenticated", claimsFor(pair.userId), (tx) =>
          ours(tx, pair),
        );
        if (value !== pair.expected)
          throw new Error(`ours changed its answer for ${describe(pair)}`);
        return ns;
      },
    },
    {
      name: "seed",
      run: async (i) => {
        const pair = pairAt(i);
        const { value, ns } = await request(api, "authenticated", claimsFor(pair.userId), (tx) =>
          seeds(tx, pair),
        );
        if (value !== pair.seedExpected)
          throw new Error(`seed's changed its answer for ${describe(pair)}`);
        return ns;
      },
    },
    {
      name: "pk",
      run: async (i) => {
        const pair = pairAt(i);
        const { value, ns } = await request(api, "service_role", SERVICE_CLAIMS, (tx) =>
          pkLookup(tx, pair.agentId),
        );
        if (value !== 1) throw new Error(`PK lookup of ${pair.agentId} found ${value} rows`);
        return ns;
      },
    },
    {
      name: "rls",
      run: async (i) => {
        const pair = pairAt(i);
        const { value, ns } = await request(api, "authenticated", claimsFor(pair.userId), rlsList);
        if (value.length !== SIZES.connectionsPerUser)
          throw new Error(`RLS list of ${pair.userId} has ${value.length} rows`);
        return ns;
      },
    },
    {
      name: "explicit",
      run: async (i) => {
        const pair = pairAt(i);
        const { value, ns } = await request(api, "service_role", SERVICE_CLAIMS, (tx) =>
          explicitList(tx, pair.userId, providerId),
        );
        if (value.length !== SIZES.connectionsPerUser)
          throw new Error(`explicit list of ${pair.userId} has ${value.length} rows`);
        return ns;
      },
    },
  ];
}

function summaryOf(results: Map<string, Summary>, name: string): Summary {
  const summary = results.get(name);
  if (summary === undefined) throw new Error(`no measurements for ${name}`);
  return summary;
}

/** The suite's figures from the measurements (and how long seeding took). */
function dbFigures(results: Map<string, Summary>, seedSeconds: number): Figure[] {
  const o = summaryOf(results, "ours");
  const s = summaryOf(results, "seed");
  const pk = summaryOf(results, "pk");
  const rls = summaryOf(results, "rls");
  const ex = summaryOf(results, "explicit");
  return [
    {
      key: "db_seed_seconds",
      label: "db: seeding 10k users/50k agents/100k conns/200k grants",
      value: Math.round(seedSeconds * 10) / 10,
      unit: "s",
    },
    {
      key: "db_iterations",
      label: "db: timed iterations per operation",
      value: ITERATIONS,
      unit: "count",
    },
    {
      key: "permission_check_p50_ms",
      label: "validate_agent_clicksend_permissions p50 (ours)",
      value: o.p50Ms,
      unit: "ms",
    },
    {
      key: "permission_check_p99_ms",
      label: "validate_agent_clicksend_permissions p99 (ours)",
      value: o.p99Ms,
      unit: "ms",
    },
    {
      key: "permission_check_seed_p50_ms",
      label: "validate_agent_clicksend_permissions p50 (seed's)",
      value: s.p50Ms,
      unit: "ms",
    },
    {
      key: "permission_check_seed_p99_ms",
      label: "validate_agent_clicksend_permissions p99 (seed's)",
      value: s.p99Ms,
      unit: "ms",
    },
    {
      key: "pk_lookup_p50_ms",
      label: "agents primary-key lookup p50 (service_role)",
      value: pk.p50Ms,
      unit: "ms",
    },
    {
      key: "pk_lookup_p99_ms",
      label: "agents primary-key lookup p99 (service_role)",
      value: pk.p99Ms,
      unit: "ms",
    },
    {
      key: "rls_list_p50_ms",
      label: "own connections via RLS p50 (authenticated)",
      value: rls.p50Ms,
      unit: "ms",
    },
    {
      key: "rls_list_p99_ms",
      label: "own connections via RLS p99 (authenticated)",
      value: rls.p99Ms,
      unit: "ms",
    },
    {
      key: "explicit_list_p50_ms",
      label: "connections by explicit where p50 (service_role)",
      value: ex.p50Ms,
      unit: "ms",
    },
    {
      key: "explicit_list_p99_ms",
      label: "connections by explicit where p99 (service_role)",
      value: ex.p99Ms,
      unit: "ms",
    },
    {
      key: "permission_check_vs_pk_lookup",
      label: "permission check / PK lookup (p50)",
      value: roundRatio(o.p50Ns / pk.p50Ns),
      unit: "ratio",
      goal: { max: 2, text: "<= 2x" },
    },
    {
      key: "permission_check_vs_seed",
      label: "permission check ours / seed's (p50)",
      value: roundRatio(o.p50Ns / s.p50Ns),
      unit: "ratio",
      goal: { max: 1, text: "<= 1x" },
    },
    {
      key: "rls_list_overhead_vs_index_scan",
      label: "RLS list / explicit index scan (p50)",
      value: roundRatio(rls.p50Ns / ex.p50Ns),
      unit: "ratio",
      goal: { max: 1.5, text: "<= 1.5x" },
    },
  ];
}

async function runDbSuite(): Promise<Figure[]> {
  const cluster = await startCluster();
  const noNotices = { onnotice: () => undefined };
  const admin = postgres(cluster.url, { max: 1, ...noNotices });
  // The API's own login role; it may only act by switching to anon/authenticated/service_role.
  const api = postgres(
    `postgres://authenticator@${cluster.host}:${cluster.port}/${cluster.database}`,
    { max: 1, ...noNotices },
  );
  try {
    buildSchema(cluster);
    const seedSeconds = await seedDatabase(admin, (args) => cluster.psql(args));

    const [provider] = await admin<{ id: string }[]>`
      select id from public.service_providers where name = 'clicksend_sms'`;
    if (provider === undefined) throw new Error("the ClickSend provider row is missing");
    const providerId = provider.id;

    const random = seededRandom(RANDOM_SEED);
    const total = WARMUP + ITERATIONS;
    const candidates = await candidatePairs(
      admin,
      Math.min(SIZES.users * SIZES.agentsPerUser, total * 3),
      random,
    );
    const pairs = timingPairs(candidates, total, random);
    // Every timed pair, plus every candidate on which the seed's logic differs from ours.
    await checkFunctions(api, [
      ...pairs,
      ...candidates.filter((pair) => pair.expected !== pair.seedExpected),
    ]);
    await checkIdentity(api, pairs);
    await checkLists(api, pairs, providerId);

    const cases = timedCases(api, pairs, providerId);
    log(
      `timing ${cases.length} operations x ${ITERATIONS} iterations (after ${WARMUP} warm-up), interleaved`,
    );
    const started = process.hrtime.bigint();
    const results = await measureInterleaved(cases, {
      warmup: WARMUP,
      iterations: ITERATIONS,
      seed: RANDOM_SEED,
    });
    log(`timing took ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
    return dbFigures(results, seedSeconds);
  } finally {
    await Promise.allSettled([api.end({ timeout: 5 }), admin.end({ timeout: 5 })]);
    cluster.stop();
  }
}

export const dbSuite: Suite = { name: "db", run: runDbSuite };
