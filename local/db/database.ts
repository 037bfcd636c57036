// One interface over the two engines the local stack runs on: embedded PGlite (the default) and a
// real PostgreSQL reached through DATABASE_URL with the `postgres` package.
import postgres from "postgres";
import type { SqlRunner } from "./apply.ts";
import { openEmbedded, type EmbeddedOptions } from "./embedded.ts";
import { abandoned, type Row, type Statement } from "./pglite-protocol.ts";
import { openPgliteWorker } from "./pglite-thread.ts";

export type { Row, Statement } from "./pglite-protocol.ts";
export { abandoned, DatabaseError } from "./pglite-protocol.ts";

export interface BatchOptions {
  /** Runs the batch as a read-only transaction. */
  readOnly?: boolean;
  /**
   * Abandons the batch if it aborts before the batch starts (e.g. the HTTP client went away
   * while the batch waited for PGlite's one connection); the promise rejects with the reason.
   */
  signal?: AbortSignal;
}

export interface Tx {
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

export interface Database extends SqlRunner {
  kind: "pglite" | "postgres";
  /** Runs fn in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs a fixed list of statements in one transaction and returns each one's rows, in order;
   * any failure rolls back all of them. With PGlite this is one message to its worker, where
   * transaction() needs one per statement.
   */
  batch(statements: readonly Statement[], options?: BatchOptions): Promise<Row[][]>;
  close(): Promise<void>;
}

/** A promise-chain mutex: PGlite has one connection, so one transaction at a time. */
function serial(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * PGlite in a worker thread (pglite-thread.ts), so a query never blocks the event loop of the
 * thread that called this. PGLITE_IN_PROCESS=1 runs it on the calling thread instead, as before
 * the worker existed: for debugging (one thread to step through, stacks that reach PGlite) and to
 * compare the two.
 */
export async function openPglite(options: EmbeddedOptions = {}): Promise<Database> {
  return process.env.PGLITE_IN_PROCESS === "1"
    ? openPgliteInProcess(options)
    : openPgliteWorker(options);
}

export async function openPgliteInProcess(options: EmbeddedOptions = {}): Promise<Database> {
  const embedded = await openEmbedded(options);
  const { pg } = embedded;
  const exclusive = serial();
  return {
    kind: "pglite",
    exec: (script) => exclusive(() => embedded.exec(script)),
    query: (sql, params) => exclusive(() => embedded.query(sql, params)),
    transaction: (fn) =>
      exclusive(() =>
        pg.transaction((tx) =>
          fn({
            async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
              return (await tx.query<Row>(sql, params)).rows;
            },
          }),
        ),
      ),
    batch: (statements, batchOptions = {}) =>
      exclusive(() => {
        const { signal } = batchOptions;
        if (signal?.aborted) return Promise.reject(abandoned(signal));
        return embedded.batch(statements, batchOptions);
      }),
    close: () => exclusive(() => embedded.close()),
  };
}

export function openPostgres(url: string): Database {
  // Types are left as Postgres text where it matters: callers that answer HTTP requests build
  // their JSON inside Postgres (json_agg), so both engines produce identical bodies.
  const sql = postgres(url, { max: 10, onnotice: () => undefined, idle_timeout: 20 });
  const toTx = (runner: postgres.Sql | postgres.TransactionSql): Tx => ({
    async query<Row extends Record<string, unknown>>(text: string, params: unknown[] = []) {
      const rows = await runner.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return rows as unknown as Row[];
    },
  });
  return {
    kind: "postgres",
    async exec(script) {
      await sql.begin(async (tx) => {
        await tx.unsafe(script);
      });
    },
    query: (text, params) => toTx(sql).query(text, params),
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return (await sql.begin((tx) => fn(toTx(tx)))) as T;
    },
    async batch(statements, batchOptions = {}) {
      const { signal } = batchOptions;
      const run = async (tx: postgres.TransactionSql): Promise<Row[][]> => {
        // Started once a pooled connection was free: abandoned work runs nothing.
        if (signal?.aborted) throw abandoned(signal);
        const results: Row[][] = [];
        for (const statement of statements) {
          results.push(await toTx(tx).query(statement.sql, statement.params));
        }
        return results;
      };
      return batchOptions.readOnly === true ? sql.begin("read only", run) : sql.begin(run);
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

export interface OpenOptions extends EmbeddedOptions {
  /** A postgres:// URL; when set, the real Postgres is used instead of PGlite. */
  databaseUrl?: string;
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options);
}
