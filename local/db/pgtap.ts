// Building the test database and running the pgTAP suite on a PgCluster; shared by
// `npm run test:db` and the mutation check.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { PgCluster } from "./pg-cluster.ts";
import { bootstrapPath, listMigrations, pgTapDir } from "./sql-files.ts";

export function requirePgTap(): void {
  if (!existsSync("/usr/share/postgresql/15/extension/pgtap.control")) {
    throw new Error("pgTAP is not installed: apt-get install -y postgresql-15-pgtap");
  }
}

export function applyAllWithPsql(cluster: PgCluster, database = cluster.database): void {
  cluster.psql(["-d", database, "--single-transaction", "-f", bootstrapPath]);
  for (const migration of listMigrations()) {
    cluster.psql(["-d", database, "--single-transaction", "-f", migration.path]);
  }
}

export interface ProveResult {
  ok: boolean;
  files: number;
  tests: number;
  output: string;
}

export function runPgTap(cluster: PgCluster, database = cluster.database): ProveResult {
  const files = readdirSync(pgTapDir)
    .filter((file) => file.endsWith(".test.sql"))
    .sort()
    .map((file) => join(pgTapDir, file));
  const prove = spawnSync(
    "pg_prove",
    [...cluster.connectionArgs, "-d", database, "--failures", ...files],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const summary = /Files=(\d+), Tests=(\d+)/.exec(prove.stdout);
  return {
    ok: prove.status === 0 && summary !== null && prove.stdout.includes("Result: PASS"),
    files: Number(summary?.[1] ?? 0),
    tests: Number(summary?.[2] ?? 0),
    output: prove.stdout + prove.stderr,
  };
}
