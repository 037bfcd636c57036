// The db suite's database: a throwaway PostgreSQL 15 cluster built like a Supabase project
// (bootstrap, every migration), the seed design's function installed side by side in
// seed_scratch, then 10k users, 50k agents, 100k ClickSend connections and 200k permission rows,
// vacuumed and analysed, and the counts checked.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PgCluster } from "../local/db/pg-cluster.ts";
import { bootstrapPath, listMigrations } from "../local/db/sql-files.ts";
import { log, type Sql } from "./db-operations.ts";

const here = dirname(fileURLToPath(import.meta.url));
const seedDataPath = join(here, "db-seed.sql");
const seedScratchPath = join(here, "seed-scratch.sql");

export const SIZES = {
  users: 10_000,
  agentsPerUser: 5,
  connectionsPerUser: 10,
  grantsPerAgent: 4,
} as const;

/** Bootstrap, every migration and seed_scratch (the seed design's function), each in one transaction. */
export function buildSchema(cluster: PgCluster): void {
  cluster.psql(["--single-transaction", "-f", bootstrapPath]);
  for (const migration of listMigrations())
    cluster.psql(["--single-transaction", "-f", migration.path]);
  cluster.psql(["--single-transaction", "-f", seedScratchPath]);
  log(
    `PostgreSQL 15 on port ${cluster.port}: bootstrap, ${listMigrations().length} migrations and seed_scratch applied`,
  );
}

/** Loads the rows (db-seed.sql), vacuums and analyses, checks the counts; returns the seconds it took. */
export async function seedDatabase(admin: Sql, psql: (args: string[]) => string): Promise<number> {
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
