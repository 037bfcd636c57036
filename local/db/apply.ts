// Builds a database the way a Supabase project is built: the platform bootstrap, then each
// migration in version order (each in its own transaction, recorded in
// supabase_migrations.schema_migrations as the Supabase CLI does), then optionally the seed.
import { bootstrapPath, listMigrations, readSql, seedPath } from "./sql-files.ts";

/** The little a database engine must offer to be built: run a script in one transaction. */
export interface SqlRunner {
  /** Runs a multi-statement script inside one transaction. */
  exec(script: string): Promise<void>;
  /** Runs one parameterised query and returns its rows. */
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface ApplyOptions {
  /** Re-run migrations even if recorded (proves idempotency). Default false. */
  force?: boolean;
  seed?: boolean;
}

export interface ApplyReport {
  applied: string[];
  skipped: string[];
}

const historyDdl = `
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
  version text primary key,
  statements text[],
  name text
);`;

export async function applyAll(db: SqlRunner, options: ApplyOptions = {}): Promise<ApplyReport> {
  await db.exec(readSql(bootstrapPath));
  await db.exec(historyDdl);
  const recorded = new Set(
    (
      await db.query<{ version: string }>(
        "select version from supabase_migrations.schema_migrations",
      )
    ).map((row) => row.version),
  );
  const report: ApplyReport = { applied: [], skipped: [] };
  for (const migration of listMigrations()) {
    if (recorded.has(migration.version) && options.force !== true) {
      report.skipped.push(migration.version);
      continue;
    }
    const sql = readSql(migration.path);
    try {
      await db.exec(sql);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`migration ${migration.version}_${migration.name} failed: ${reason}`, {
        cause: error,
      });
    }
    await db.query(
      `insert into supabase_migrations.schema_migrations (version, name, statements)
       values ($1, $2, array[$3]) on conflict (version) do nothing`,
      [migration.version, migration.name, sql],
    );
    report.applied.push(migration.version);
  }
  if (options.seed === true) await db.exec(readSql(seedPath));
  return report;
}
