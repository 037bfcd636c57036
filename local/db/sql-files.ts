// The SQL that builds a database, in the order every runner applies it: the platform bootstrap
// (what Supabase provides), then supabase/migrations by version, then the seed.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const bootstrapPath = join(repoRoot, "local/db/bootstrap.sql");
const migrationsDir = join(repoRoot, "supabase/migrations");
export const seedPath = join(repoRoot, "supabase/seed.sql");
export const pgTapDir = join(repoRoot, "supabase/tests/database");

export interface Migration {
  /** The timestamp prefix, as the Supabase CLI records it in schema_migrations. */
  version: string;
  name: string;
  path: string;
}

const migrationFile = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export function listMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((file) => migrationFile.test(file))
    .sort()
    .map((file) => {
      const match = migrationFile.exec(file);
      if (!match?.[1] || !match[2]) throw new Error(`bad migration file name: ${file}`);
      return { version: match[1], name: match[2], path: join(migrationsDir, file) };
    });
}

export function readSql(path: string): string {
  return readFileSync(path, "utf8");
}
