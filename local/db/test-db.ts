// npm run test:db — pgTAP on a throwaway PostgreSQL 15 cluster.
// Applies the bootstrap and every migration twice (the second pass must change nothing), seeds,
// then runs supabase/tests/database with pg_prove; any `not ok` or plan mismatch fails the run.
import { spawnSync } from "node:child_process";
import { startCluster, type PgCluster } from "./pg-cluster.ts";
import { applyAllWithPsql, requirePgTap, runPgTap } from "./pgtap.ts";
import { listMigrations, seedPath } from "./sql-files.ts";

/** Schema and catalogue data as text, to prove a second application changes nothing. */
function snapshot(cluster: PgCluster): string {
  const schema = spawnSync(
    "pg_dump",
    [...cluster.connectionArgs, "--schema-only", "--no-comments", cluster.database],
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
  requirePgTap();
  const cluster = await startCluster();
  try {
    applyAllWithPsql(cluster);
    const first = snapshot(cluster);
    applyAllWithPsql(cluster);
    const second = snapshot(cluster);
    if (first !== second) {
      throw new Error(
        `applying the migrations a second time changed the database at ${firstDifference(first, second)}`,
      );
    }
    const migrations = listMigrations().length;
    console.log(
      `test:db: bootstrap + ${String(migrations)} migrations applied twice on PostgreSQL 15; second pass changed nothing`,
    );
    cluster.psql(["--single-transaction", "-f", seedPath]);

    const result = runPgTap(cluster);
    process.stdout.write(result.output);
    if (!result.ok) throw new Error("test:db: pgTAP failed");
    console.log(
      `test:db: ${String(result.tests)} pgTAP assertions in ${String(result.files)} files passed`,
    );
    console.log(`pgtap: ${String(result.tests)} passed, 0 failed`);
  } finally {
    cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
