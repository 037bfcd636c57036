// Database.batch on every engine: a fixed list of statements in one transaction, answering each
// statement's rows, or failing as a whole with the statement's Postgres error and nothing kept.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPgliteInProcess, openPostgres, type Database } from "./database.ts";
import { pgBin, startCluster, type PgCluster } from "./pg-cluster.ts";
import { openPgliteWorker } from "./pglite-thread.ts";

type Engine = "pglite worker" | "pglite in-process" | "postgres";

const engines: Engine[] = existsSync(join(pgBin, "initdb"))
  ? ["pglite worker", "pglite in-process", "postgres"]
  : ["pglite worker", "pglite in-process"];

describe.each(engines)("batch on %s", (engine) => {
  let db: Database;
  let cluster: PgCluster | undefined;

  beforeAll(async () => {
    if (engine === "postgres") {
      cluster = await startCluster();
      db = openPostgres(cluster.url);
    } else {
      db = engine === "pglite worker" ? await openPgliteWorker() : await openPgliteInProcess();
    }
    await db.exec(`
      create table public.events (seq serial primary key, label text not null);
      create table public.items (id int primary key, name text not null);
      insert into public.items values (1, 'one');`);
  });

  afterAll(async () => {
    await db.close();
    cluster?.stop();
  });

  async function labels(): Promise<string[]> {
    const rows = await db.query<{ label: string }>("select label from public.events order by seq");
    return rows.map((r) => r.label);
  }

  it("answers each statement's rows in order, from one transaction", async () => {
    const results = await db.batch([
      {
        sql: "insert into public.events (label) values ($1), ($2) returning label",
        params: ["x", "y"],
      },
      { sql: "select count(*)::int as n from public.events" },
      { sql: "select 1 where false" },
      // One transaction: two statements see the same transaction id.
      { sql: "select txid_current()::text as tx" },
      { sql: "select txid_current()::text as tx" },
    ]);
    expect(results.slice(0, 3)).toEqual([[{ label: "x" }, { label: "y" }], [{ n: 2 }], []]);
    expect(results[3]).toEqual(results[4]);
    expect(results[3]).toHaveLength(1);
    expect(await db.batch([])).toEqual([]);
  });

  it("keeps nothing when one statement fails, and rejects with its Postgres error", async () => {
    const failure = db.batch([
      { sql: "insert into public.events (label) values ('lost')" },
      { sql: "insert into public.items values ($1, $2)", params: [1, "again"] },
      { sql: "insert into public.events (label) values ('never run')" },
    ]);
    await expect(failure).rejects.toMatchObject({ code: "23505" });
    await expect(failure).rejects.toBeInstanceOf(Error);
    expect(await labels()).toEqual(["x", "y"]);
  });

  it("refuses writes in a read-only batch and allows reads", async () => {
    await expect(
      db.batch([{ sql: "delete from public.events" }], { readOnly: true }),
    ).rejects.toMatchObject({ code: "25006" });
    expect(
      await db.batch([{ sql: "select count(*)::int as n from public.events" }], { readOnly: true }),
    ).toEqual([[{ n: 2 }]]);
    expect(await labels()).toEqual(["x", "y"]);
  });
  it("abandons a batch whose caller went away before it started, and runs a batch that stays", async () => {
    const before = await labels();
    const gone = new AbortController();
    gone.abort(new Error("the client closed the connection"));
    await expect(
      db.batch([{ sql: "insert into public.events (label) values ('gone early')" }], {
        signal: gone.signal,
      }),
    ).rejects.toThrow("the client closed the connection");

    // Queued behind a slow statement (one connection for PGlite; a busy pool for Postgres, where
    // the batch is dropped once its transaction begins), then abandoned while it waits.
    const waiting = new AbortController();
    const slow = db.query("select pg_sleep(0.3)");
    const queued = db
      .batch([{ sql: "insert into public.events (label) values ('gone queued')" }], {
        signal: waiting.signal,
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    const stays = db.batch([{ sql: "insert into public.events (label) values ('stays')" }], {
      signal: new AbortController().signal,
    });
    waiting.abort(new Error("gone while queued"));
    await slow;
    expect(await queued).toEqual(new Error("gone while queued"));
    await stays;
    expect(await labels()).toEqual([...before, "stays"]);
  });
});
