// PGlite in its worker thread behaves as it did on the calling thread (values, errors,
// transactions) while the calling thread's event loop keeps running during a query.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromDatabaseError } from "../gateway/rest/errors.ts";
import { openPgliteInProcess, type Database } from "./database.ts";
// Directly, not through openPglite: these tests are about the worker even when PGLITE_IN_PROCESS=1.
import { openPgliteWorker as openPglite } from "./pglite-thread.ts";

let db: Database;
const scratch = mkdtempSync(join(tmpdir(), "pglite-worker-test-"));

beforeAll(async () => {
  db = await openPglite();
  await db.exec(`
    create table public.events (seq serial primary key, label text not null);
    create table public.items (id int primary key, name text not null unique);
    create function public.refuse() returns void language plpgsql as $$
    begin
      raise exception 'refused' using detail = 'the detail', hint = 'the hint';
    end $$;`);
});

afterAll(async () => {
  await db.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return { ...(error as Record<string, unknown>), message: (error as Error).message };
  }
  throw new Error("expected a failure");
}

async function labels(): Promise<string[]> {
  const rows = await db.query<{ label: string }>("select label from public.events order by seq");
  return rows.map((r) => r.label);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("PGlite in a worker thread", () => {
  it("round-trips parameters and rows as PGlite returns them", async () => {
    const when = new Date("2024-05-06T07:08:09.123Z");
    const [row] = await db.query(
      `select $1::int as n, $2::float8 as f, $3::text as s, $4::boolean as b, $5::text as nothing,
              $6::jsonb as doc, $7::text[] as tags, $8::timestamptz as at, $9::bytea as bytes,
              9007199254740993::int8 as big, 42::int8 as small, '{"k":[1,null]}'::json as j,
              array[1, 2]::int[] as ints`,
      [
        7,
        1.5,
        "é ✓",
        true,
        null,
        { a: { b: [1, "x"] } },
        ["sms", "mms"],
        when,
        new Uint8Array([0, 255]),
      ],
    );
    expect(row).toEqual({
      n: 7,
      f: 1.5,
      s: "é ✓",
      b: true,
      nothing: null,
      doc: { a: { b: [1, "x"] } },
      tags: ["sms", "mms"],
      at: when,
      bytes: new Uint8Array([0, 255]),
      big: 9007199254740993n,
      small: 42,
      j: { k: [1, null] },
      ints: [1, 2],
    });
    expect(row?.at).toBeInstanceOf(Date);
    expect(row?.bytes).toBeInstanceOf(Uint8Array);
  });

  it("keeps Postgres's error fields, which the REST gateway maps to statuses", async () => {
    await db.query("insert into public.items values (1, 'one')");
    const duplicate = await failure(db.query("insert into public.items values (2, 'one')"));
    expect(duplicate).toMatchObject({
      code: "23505",
      constraint: "items_name_key",
      detail: "Key (name)=(one) already exists.",
      table: "items",
      severity: "ERROR",
    });
    expect(fromDatabaseError(duplicate, "authenticated")?.status).toBe(409);

    const raised = await failure(db.query("select public.refuse()"));
    expect(raised).toMatchObject({
      code: "P0001",
      message: "refused",
      detail: "the detail",
      hint: "the hint",
    });
    expect(fromDatabaseError(raised, "authenticated")?.body).toEqual({
      code: "P0001",
      message: "refused",
      details: "the detail",
      hint: "the hint",
    });

    expect(await failure(db.query("select * from public.missing"))).toMatchObject({
      code: "42P01",
    });
  });

  it("rolls back a transaction whose callback throws, and commits one that resolves", async () => {
    const thrown = new Error("changed my mind");
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into public.events (label) values ('discarded')");
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    const kept = await db.transaction(async (tx) => {
      await tx.query("insert into public.events (label) values ('kept')");
      return (await tx.query<{ n: number }>("select count(*)::int as n from public.events"))[0];
    });
    expect(kept).toEqual({ n: 1 });
    expect(await labels()).toEqual(["kept"]);
    await db.query("delete from public.events");
  });

  it("rejects a failed statement inside a transaction with its code and rolls back", async () => {
    const error = await failure(
      db.transaction(async (tx) => {
        await tx.query("insert into public.events (label) values ('before the error')");
        await tx.query("insert into public.items values (1, 'duplicate id')");
      }),
    );
    expect(error).toMatchObject({ code: "23505", constraint: "items_pkey" });
    expect(await labels()).toEqual([]);
  });

  it("never interleaves two concurrent transactions, nor a query with either", async () => {
    const writer = (prefix: string) =>
      db.transaction(async (tx) => {
        for (const n of [1, 2, 3]) {
          await tx.query("insert into public.events (label) values ($1)", [`${prefix}${n}`]);
          // Other requests arrive while this one is open between statements.
          await pause(5);
        }
      });
    const first = writer("a");
    const plain = db.query("insert into public.events (label) values ('q')");
    const second = writer("b");
    await Promise.all([first, plain, second]);
    expect(await labels()).toEqual(["a1", "a2", "a3", "q", "b1", "b2", "b3"]);
    await db.query("delete from public.events");
  });

  it("fails only the call whose parameters cannot be copied to the worker", async () => {
    await expect(db.query("select $1::text", [() => "a function"])).rejects.toThrow();
    expect(await db.query("select 1 as ok")).toEqual([{ ok: 1 }]);
  });

  it("keeps the calling thread's event loop running during a long query", async () => {
    const heavy = "select count(*)::int as n from generate_series(1, 5e6)";
    const ticksDuring = async (database: Database): Promise<number> => {
      let ticks = 0;
      const timer = setInterval(() => {
        ticks += 1;
      }, 1);
      try {
        expect(await database.query(heavy)).toEqual([{ n: 5_000_000 }]);
      } finally {
        clearInterval(timer);
      }
      return ticks;
    };
    const inWorker = await ticksDuring(db);
    // The same query on this thread: WASM holds the event loop, so no timer can fire.
    const inProcess = await openPgliteInProcess();
    let onThisThread: number;
    try {
      onThisThread = await ticksDuring(inProcess);
    } finally {
      await inProcess.close();
    }
    expect(inWorker).toBeGreaterThan(0);
    expect(inWorker).toBeGreaterThan(onThisThread);
  });

  it("persists to its data folder across worker restarts, and refuses calls once closed", async () => {
    const dataDir = join(scratch, "data");
    const first = await openPglite({ dataDir, reset: true });
    try {
      await first.exec(
        "create table public.kept (v text); insert into public.kept values ('still here');",
      );
    } finally {
      await first.close();
    }
    await expect(first.query("select 1")).rejects.toThrow("database is closed");
    await expect(first.transaction(() => Promise.resolve())).rejects.toThrow("database is closed");
    await first.close();
    const second = await openPglite({ dataDir });
    try {
      expect(await second.query("select v from public.kept")).toEqual([{ v: "still here" }]);
    } finally {
      await second.close();
    }
  });

  it("rejects opening when the data folder cannot be used", async () => {
    const notAFolder = join(scratch, "file");
    writeFileSync(notAFolder, "");
    await expect(openPglite({ dataDir: notAFolder })).rejects.toThrow();
  });

  it("lets the process exit after close(), and when close() is forgotten", async () => {
    const databaseUrl = pathToFileURL(fileURLToPath(new URL("./database.ts", import.meta.url)));
    const script = join(scratch, "exit.mts");
    // A top-level await on a query also proves the worker keeps the process alive while a reply
    // is pending: exiting early would leave the await unsettled (exit code 13, no output).
    writeFileSync(
      script,
      `import { openPglite } from ${JSON.stringify(databaseUrl.href)};
const db = await openPglite();
const [row] = await db.query("select 41 + 1 as n");
if (process.argv[2] === "close") await db.close();
console.log(JSON.stringify(row));
`,
    );
    const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
    const env = { ...process.env };
    delete env.PGLITE_IN_PROCESS;
    const run = (mode: string) =>
      promisify(execFile)(tsx, [script, mode], { timeout: 50_000, env });
    const [closed, forgotten] = await Promise.all([run("close"), run("forget")]);
    expect(closed.stdout.trim()).toBe('{"n":42}');
    expect(forgotten.stdout.trim()).toBe('{"n":42}');
  });
});
