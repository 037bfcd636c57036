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
import postgres from "postgres";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startCluster } from "../local/db/pg-cluster.ts";
import { bootstrapPath, listMigrations } from "../local/db/sql-files.ts";
import type { Figure, Suite } from "./report.ts";
import {
  measureInterleaved,
  positiveInt,
  roundRatio,
  seededRandom,
  shuffled,
  timed,
  type Case,
  type Summary,
} from "./stats.ts";

const here = dirname(fileURLToPath(import.meta.url));
const seedDataPath = join(here, "db-seed.sql");
const seedScratchPath = join(here, "seed-scratch.sql");

const SIZES = {
  users: 10_000,
  agentsPerUser: 5,
  connectionsPerUser: 10,
  grantsPerAgent: 4,
} as const;

/** Measured iterations per operation (override with BENCH_DB_ITERATIONS), after the warm-up. */
const ITERATIONS = positiveInt(process.env.BENCH_DB_ITERATIONS, 3000);
const WARMUP = Math.max(200, Math.round(ITERATIONS / 10));
/** Share of timed permission checks whose answer is true (the rest are denials). */
const ALLOWED_SHARE = 0.75;
/** Fixed seed: argument choice and order are random but the same on every run. */
const RANDOM_SEED = 20250911;

const SCOPES = ["sms", "mms", "balance", "history", "delivery_receipts"] as const;

type Sql = postgres.Sql;
type Tx = postgres.TransactionSql;

interface Pair {
  agentId: string;
  userId: string;
  scopes: string[];
  /** What our function must return (independent oracle). */
  expected: boolean;
  /** What the seed's function must return given its own (weaker) logic. */
  seedExpected: boolean;
}

function log(message: string): void {
  console.log(`bench db: ${message}`);
}

function claimsFor(userId: string): string {
  return JSON.stringify({ sub: userId, role: "authenticated", aud: "authenticated" });
}

const SERVICE_CLAIMS = JSON.stringify({ role: "service_role" });

/**
 * One API request: a transaction that switches role and sets the JWT claims the way PostgREST
 * does, then runs `statement`. Returns the statement's result and its time (setup excluded).
 */
async function request<T>(
  api: Sql,
  role: "authenticated" | "service_role",
  claims: string,
  statement: (tx: Tx) => Promise<T>,
): Promise<{ value: T; ns: number }> {
  let result: { value: T; ns: number } | undefined;
  await api.begin(async (tx) => {
    await tx`select set_config('role', ${role}, true), set_config('request.jwt.claims', ${claims}, true)`;
    result = await timed(() => statement(tx));
  });
  if (result === undefined) throw new Error("transaction ended without running its statement");
  return result;
}

// The statements under test. Each is a tagged template, so postgres.js prepares it once per
// connection and then only binds and executes, like PostgREST's prepared statements.
async function ours(tx: Tx, pair: Pair): Promise<boolean> {
  const rows = await tx<{ ok: boolean }[]>`
    select public.validate_agent_clicksend_permissions(${pair.agentId}::uuid, ${pair.userId}::uuid, ${pair.scopes}::text[]) as ok`;
  return rows[0]?.ok === true;
}

async function seeds(tx: Tx, pair: Pair): Promise<boolean> {
  const rows = await tx<{ ok: boolean }[]>`
    select seed_scratch.validate_agent_clicksend_permissions(${pair.agentId}::uuid, ${pair.userId}::uuid, ${pair.scopes}::text[]) as ok`;
  return rows[0]?.ok === true;
}

async function pkLookup(tx: Tx, agentId: string): Promise<number> {
  const rows = await tx`select * from public.agents where id = ${agentId}::uuid`;
  return rows.length;
}

async function rlsList(tx: Tx): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`select * from public.user_oauth_connections`;
  return rows.map((row) => row.id);
}

async function explicitList(tx: Tx, userId: string, providerId: string): Promise<string[]> {
  const rows = await tx<{ id: string }[]>`
    select * from public.user_oauth_connections where user_id = ${userId}::uuid and oauth_provider_id = ${providerId}::uuid`;
  return rows.map((row) => row.id);
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedB = [...b].sort();
  return [...a].sort().every((id, i) => id === sortedB[i]);
}

/** Candidate (agent, own user, required scopes) pairs with both oracles' answers. */
async function candidatePairs(admin: Sql, count: number, random: () => number): Promise<Pair[]> {
  const agents = await admin<{ id: string; user_id: string }[]>`
    select id, user_id from public.agents order by id`;
  const picked = shuffled(agents, random).slice(0, count);
  const scopeCsv = picked.map(() => {
    const first = SCOPES[Math.floor(random() * SCOPES.length)] ?? "sms";
    if (random() < 0.7) return first;
    const second = SCOPES[Math.floor(random() * SCOPES.length)] ?? "sms";
    return second === first ? first : `${first},${second}`;
  });
  // The oracles, written independently of both functions: one `?` test per required scope.
  const rows = await admin<{ ord: string; expected: boolean; seed_expected: boolean }[]>`
    with c as (
      select ord, agent_id, user_id, string_to_array(scopes_csv, ',') as scopes
      from unnest(${picked.map((a) => a.id)}::uuid[], ${picked.map((a) => a.user_id)}::uuid[], ${scopeCsv}::text[])
        with ordinality as t (agent_id, user_id, scopes_csv, ord)
    )
    select
      c.ord::text as ord,
      exists (
        select 1
        from public.agent_integration_permissions g
        join public.user_oauth_connections uc on uc.id = g.user_oauth_connection_id
        join public.service_providers p on p.id = uc.oauth_provider_id
        where g.agent_id = c.agent_id and g.user_id = c.user_id
          and g.is_active and coalesce(g.expires_at > now(), true)
          and uc.connection_status = 'active' and p.name = 'clicksend_sms' and p.is_enabled
          and (select bool_and(g.allowed_scopes ? s) from unnest(c.scopes) s)
      ) as expected,
      exists (
        select 1
        from public.user_oauth_connections uc
        join public.service_providers p on p.id = uc.oauth_provider_id
        where uc.user_id = c.user_id and p.name = 'clicksend_sms' and uc.connection_status = 'active'
      ) and exists (
        select 1
        from public.agent_integration_permissions g
        join public.user_oauth_connections uc on uc.id = g.user_oauth_connection_id
        join public.service_providers p on p.id = uc.oauth_provider_id
        where g.agent_id = c.agent_id and uc.user_id = c.user_id and p.name = 'clicksend_sms'
          and g.is_active
          and (select bool_and(g.allowed_scopes ? s) from unnest(c.scopes) s)
      ) as seed_expected
    from c
    order by c.ord`;
  return rows.map((row) => {
    const index = Number(row.ord) - 1;
    const agent = picked[index];
    const csv = scopeCsv[index];
    if (agent === undefined || csv === undefined)
      throw new Error(`oracle row ${row.ord} has no pair`);
    return {
      agentId: agent.id,
      userId: agent.user_id,
      scopes: csv.split(","),
      expected: row.expected,
      seedExpected: row.seed_expected,
    };
  });
}

function describe(pair: Pair): string {
  return `agent ${pair.agentId} of user ${pair.userId}, scopes [${pair.scopes.join(", ")}]`;
}

/** Runs both functions on every pair (untimed) and fails loudly on any wrong answer. */
async function checkFunctions(api: Sql, pairs: readonly Pair[]): Promise<void> {
  const oursWrong: string[] = [];
  const seedWrong: string[] = [];
  let seedLooser = 0;
  for (const pair of pairs) {
    const claims = claimsFor(pair.userId);
    const mine = (await request(api, "authenticated", claims, (tx) => ours(tx, pair))).value;
    const theirs = (await request(api, "authenticated", claims, (tx) => seeds(tx, pair))).value;
    if (mine !== pair.expected)
      oursWrong.push(`${describe(pair)}: got ${mine}, expected ${pair.expected}`);
    if (theirs !== pair.seedExpected) {
      seedWrong.push(`${describe(pair)}: got ${theirs}, seed logic gives ${pair.seedExpected}`);
    }
    if (pair.expected && !theirs) {
      seedWrong.push(
        `${describe(pair)}: seed denies a grant that is active, unexpired and on an active connection`,
      );
    }
    if (theirs && !pair.expected) seedLooser++;
  }
  if (oursWrong.length > 0) {
    throw new Error(
      `SANITY FAILURE: public.validate_agent_clicksend_permissions gave ${oursWrong.length} wrong answers of ${pairs.length}; not timing a broken path:\n  ${oursWrong.slice(0, 10).join("\n  ")}`,
    );
  }
  if (seedWrong.length > 0) {
    throw new Error(
      `SANITY FAILURE: seed_scratch.validate_agent_clicksend_permissions disagrees with the seed's logic on ${seedWrong.length} pairs:\n  ${seedWrong.slice(0, 10).join("\n  ")}`,
    );
  }
  const allowed = pairs.filter((pair) => pair.expected).length;
  log(
    `sanity: ours matches the oracle on all ${pairs.length} pairs (${allowed} allowed, ${pairs.length - allowed} denied); ` +
      `the seed's agrees wherever access is due, and also allows ${seedLooser} of the denied ones (expired grants or grants on inactive connections: seed defects; never timed)`,
  );
}

/** An authenticated caller asking about someone else's agent must be refused by ours. */
async function checkIdentity(api: Sql, pairs: readonly Pair[]): Promise<void> {
  const allowed = pairs.filter((pair) => pair.expected).slice(0, 50);
  let seedLeaks = 0;
  for (const [i, pair] of allowed.entries()) {
    const other = allowed[(i + 1) % allowed.length];
    if (other === undefined || other.userId === pair.userId) continue;
    const claims = claimsFor(other.userId);
    const mine = (await request(api, "authenticated", claims, (tx) => ours(tx, pair))).value;
    if (mine) {
      throw new Error(`SANITY FAILURE: ours lets user ${other.userId} ask about ${describe(pair)}`);
    }
    if ((await request(api, "authenticated", claims, (tx) => seeds(tx, pair))).value) seedLeaks++;
    const asService = (await request(api, "service_role", SERVICE_CLAIMS, (tx) => ours(tx, pair)))
      .value;
    if (!asService) {
      throw new Error(`SANITY FAILURE: ours denies the service role for ${describe(pair)}`);
    }
  }
  log(
    `sanity: ours refuses ${allowed.length} cross-user questions and answers them for service_role; the seed's answers ${seedLeaks} of them (defect 4)`,
  );
}

/** The RLS list must be exactly the explicit list, and the PK lookup must find the agent. */
async function checkLists(api: Sql, pairs: readonly Pair[], providerId: string): Promise<void> {
  for (const pair of pairs.slice(0, 200)) {
    const viaRls = (await request(api, "authenticated", claimsFor(pair.userId), rlsList)).value;
    const explicit = (
      await request(api, "service_role", SERVICE_CLAIMS, (tx) =>
        explicitList(tx, pair.userId, providerId),
      )
    ).value;
    if (explicit.length !== SIZES.connectionsPerUser || !sameIds(viaRls, explicit)) {
      throw new Error(
        `SANITY FAILURE: user ${pair.userId} sees ${viaRls.length} connections through RLS, explicit query finds ${explicit.length} (expected ${SIZES.connectionsPerUser}, same ids)`,
      );
    }
    const found = (
      await request(api, "service_role", SERVICE_CLAIMS, (tx) => pkLookup(tx, pair.agentId))
    ).value;
    if (found !== 1)
      throw new Error(`SANITY FAILURE: PK lookup of agent ${pair.agentId} found ${found} rows`);
  }
  log(
    "sanity: RLS list equals the explicit service-role list for 200 users; PK lookups find their agent",
  );
}

/** Timed pairs: both functions agree on them, ALLOWED_SHARE allowed, the rest denied. */
function timingPairs(candidates: readonly Pair[], count: number, random: () => number): Pair[] {
  const agreeing = candidates.filter((pair) => pair.expected === pair.seedExpected);
  const allowed = agreeing.filter((pair) => pair.expected);
  const denied = agreeing.filter((pair) => !pair.expected);
  const wantAllowed = Math.round(count * ALLOWED_SHARE);
  const wantDenied = count - wantAllowed;
  if (allowed.length < wantAllowed || denied.length < wantDenied) {
    throw new Error(
      `not enough candidate pairs: ${allowed.length} allowed (need ${wantAllowed}), ${denied.length} denied (need ${wantDenied})`,
    );
  }
  return shuffled([...allowed.slice(0, wantAllowed), ...denied.slice(0, wantDenied)], random);
}

async function seedDatabase(admin: Sql, psql: (args: string[]) => string): Promise<number> {
  const started = process.hrtime.bigint();
  psql([
    "--single-transaction",
    "-v",
    `users=${SIZES.users}`,
    "-v",
    `agents_per_user=${SIZES.agentsPerUser}`,
    "-v",
    `connections_per_user=${SIZES.connectionsPerUser}`,
    "-v",
    `grants_per_agent=${SIZES.grantsPerAgent}`,
    "-f",
    seedDataPath,
  ]);
  // Plain ANALYZE would do for the statistics; VACUUM also sets the visibility map, as autovacuum
  // would have long since done on a production table.
  psql([
    "-c",
    "vacuum (analyze) auth.users, public.user_oauth_connections, public.agents, public.agent_integration_permissions",
  ]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const [counts] = await admin<
    { users: number; agents: number; connections: number; grants: number }[]
  >`
    select
      (select count(*) from auth.users)::int as users,
      (select count(*) from public.agents)::int as agents,
      (select count(*) from public.user_oauth_connections)::int as connections,
      (select count(*) from public.agent_integration_permissions)::int as grants`;
  const want = {
    users: SIZES.users,
    agents: SIZES.users * SIZES.agentsPerUser,
    connections: SIZES.users * SIZES.connectionsPerUser,
    grants: SIZES.users * SIZES.agentsPerUser * SIZES.grantsPerAgent,
  };
  if (
    counts?.users !== want.users ||
    counts.agents !== want.agents ||
    counts.connections !== want.connections ||
    counts.grants !== want.grants
  ) {
    throw new Error(`seeding produced ${JSON.stringify(counts)}, expected ${JSON.stringify(want)}`);
  }
  log(
    `seeded ${want.users} users, ${want.agents} agents, ${want.connections} connections, ${want.grants} permission rows in ${seconds.toFixed(1)} s (incl. vacuum analyze)`,
  );
  return seconds;
}

function summaryOf(results: Map<string, Summary>, name: string): Summary {
  const summary = results.get(name);
  if (summary === undefined) throw new Error(`no measurements for ${name}`);
  return summary;
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
    const psql = (args: string[]): string => cluster.psql(args);
    psql(["--single-transaction", "-f", bootstrapPath]);
    for (const migration of listMigrations()) psql(["--single-transaction", "-f", migration.path]);
    psql(["--single-transaction", "-f", seedScratchPath]);
    log(
      `PostgreSQL 15 on port ${cluster.port}: bootstrap, ${listMigrations().length} migrations and seed_scratch applied`,
    );

    const seedSeconds = await seedDatabase(admin, psql);

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

    const pairAt = (i: number): Pair => {
      const pair = pairs[i % pairs.length];
      if (pair === undefined) throw new Error("no pairs");
      return pair;
    };
    // Timed calls still check their answers: a wrong answer aborts the run.
    const cases: Case[] = [
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
          const { value, ns } = await request(
            api,
            "authenticated",
            claimsFor(pair.userId),
            rlsList,
          );
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
  } finally {
    await Promise.allSettled([api.end({ timeout: 5 }), admin.end({ timeout: 5 })]);
    cluster.stop();
  }
}

export const dbSuite: Suite = { name: "db", run: runDbSuite };
