// The embedded default: PostgreSQL compiled to WASM (PGlite) with pgcrypto, in memory or
// persisted in a git-ignored folder. PGlite has one connection, so work is serialised: each
// transaction runs alone (PGlite's own queue), never interleaved with another. This opens PGlite
// on the calling thread; the gateway reaches it through a worker thread (openPglite in
// database.ts, pglite-worker.ts) so WASM never blocks the event loop that accepts connections.
import { PGlite } from "@electric-sql/pglite";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { mkdirSync, rmSync } from "node:fs";
import type { SqlRunner } from "./apply.ts";
import type { Row, Statement } from "./pglite-protocol.ts";

export interface EmbeddedDatabase extends SqlRunner {
  pg: PGlite;
  /** Runs the statements in one transaction and returns each one's rows, in order. */
  batch(statements: readonly Statement[], options?: { readOnly?: boolean }): Promise<Row[][]>;
  close(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder to persist into; omit for an in-memory database. */
  dataDir?: string;
  /** Delete dataDir first. */
  reset?: boolean;
}

export async function openEmbedded(options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  if (options.dataDir !== undefined) {
    if (options.reset === true) rmSync(options.dataDir, { recursive: true, force: true });
    mkdirSync(options.dataDir, { recursive: true });
  }
  const pg = await PGlite.create({ dataDir: options.dataDir, extensions: { pgcrypto } });
  return {
    pg,
    async exec(script) {
      await pg.transaction(async (tx) => {
        await tx.exec(script);
      });
    },
    async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const result = await pg.query<Row>(sql, params);
      return result.rows;
    },
    async batch(statements, options = {}) {
      return pg.transaction(async (tx) => {
        if (options.readOnly === true) await tx.query("set transaction read only");
        const results: Row[][] = [];
        for (const statement of statements) {
          results.push((await tx.query<Row>(statement.sql, statement.params ?? [])).rows);
        }
        return results;
      });
    },
    async close() {
      await pg.close();
    },
  };
}
