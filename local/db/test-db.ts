// npm run test:db — pgTAP on a throwaway PostgreSQL 15 cluster.
// Applies the bootstrap and every migration twice (the second pass must change nothing), seeds,
// then runs supabase/tests/database with pg_prove; any `not ok` or plan mismatch fails the run.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { startCluster, type PgCluster } from "./pg-cluster.ts";
import { bootstrapPath, listMigrations, pgTapDir, seedPath } from "./sql-files.ts";

function applyAll(cluster: PgCluster): void {
  cluster.psql(["--single-transaction", "-f", bootstrapPath]);
  for (const migration of listMigrations()) {
    cluster.psql(["--single-transaction", "-f", migration.path]);
  }
}

/** Schema and catalogue data as text, to prove a second application changes nothing. */
function snapshot(cluster: PgCluster): string {
  const schema = spawnSync(
    "pg_dump",
    ["-h", cluster.host, "-p", String(cluster.port), "-U", cluster.user, "--schema-only", "--no-comments", cluster.database],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  if (schema.status !== 0) throw new Error(`pg_dump failed: ${schema.stderr}`);
  const data = cluster.psql([
    "-At",
    "-c",
    `select row_to_json(sp)::text from public.service_providers sp order by name;
     select row_to_json(ic)::text from public.integration_capabilities ic order by capability_key;`,
  ]);
  // pg_dump wraps its output in \restrict <random key> … \unrestrict <key>: not part of the schema.
  const schemaText = schema.stdout.replace(/^\\(un)?restrict .*$/gm, "");
  return `${schemaText}\n${data}`;
}

function firstDifference(a: string, b: string): string {
  const left = a.split("\n");
  const right = b.split("\n");
  const index = left.findIndex((line, i) => line !== right[i]);
  return `line ${String(index + 1)}:\n- ${left[index] ?? "(end)"}\n+ ${right[index] ?? "(end)"}`;
}

async function main(): Promise<void> {
  if (!existsSync("/usr/share/postgresql/15/extension/pgtap.control")) {
    throw new Error("pgTAP is not installed: apt-get install -y postgresql-15-pgtap");
  }
  const cluster = await startCluster();
  try {
    applyAll(cluster);
    const first = snapshot(cluster);
    applyAll(cluster);
    const second = snapshot(cluster);
    if (first !== second) {
      throw new Error(`applying the migrations a second time changed the database at ${firstDifference(first, second)}`);
    }
    const migrations = listMigrations().length;
    console.log(`test:db: bootstrap + ${String(migrations)} migrations applied twice on PostgreSQL 15; second pass changed nothing`);
    cluster.psql(["--single-transaction", "-f", seedPath]);

    const files = readdirSync(pgTapDir)
      .filter((file) => file.endsWith(".test.sql"))
      .sort()
      .map((file) => join(pgTapDir, file));
    const prove = spawnSync(
      "pg_prove",
      ["-h", cluster.host, "-p", String(cluster.port), "-U", cluster.user, "-d", cluster.database, "--failures", ...files],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    process.stdout.write(prove.stdout);
    process.stderr.write(prove.stderr);
    const summary = /Files=(\d+), Tests=(\d+)/.exec(prove.stdout);
    if (prove.status !== 0 || !summary) {
      throw new Error(`pgTAP failed (pg_prove exit ${String(prove.status)})`);
    }
    console.log(`test:db: ${summary[2] ?? "?"} pgTAP assertions in ${summary[1] ?? "?"} files passed`);
  } finally {
    cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
