// What the gateway does for a request, seen from inside the local stack (startStack's
// `instrument` hooks): every call on the Database the gateway was given, every request its route
// handlers serve (with start and end times), and every log line with the time it was written.
// A suite opens a window, does one thing, closes the window and reads what happened inside it.
//
// Counting is exact, not sampled. Attribution is by time: everything that happens between open
// and close is counted, so a suite measures with the stack otherwise quiet (no receipt pushes,
// no other client) and checks that only the requests it expects arrived. Database calls are
// also attributed to the gateway request whose handler made them (AsyncLocalStorage), so a
// suite can say which request cost what.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Database, Tx } from "../local/db/database.ts";
import type { Handler } from "../local/gateway/server.ts";
import type { StackInstrument } from "../local/stack/start-stack.ts";
import { summarize } from "./stats.ts";

/** Calls on the Database: each transaction/query/exec/batch call is one database transaction. */
export interface DbCounts {
  transaction: number;
  query: number;
  exec: number;
  batch: number;
  /** SQL statements sent: queries inside transactions, batch statements, plain queries, scripts. */
  statements: number;
}

/** One request a gateway route handler served. */
export interface RequestRecord {
  prefix: string;
  method: string;
  /** Full path without the query string, e.g. /rest/v1/rpc/clicksend_prepare_call. */
  path: string;
  /** performance.now() at arrival in the handler, and when the response closed (NaN until then). */
  startMs: number;
  endMs: number;
  status: number;
  /** The database calls its handler made. */
  db: DbCounts;
}

export interface LogLine {
  atMs: number;
  line: string;
}

export interface Recording {
  db: DbCounts;
  requests: RequestRecord[];
  lines: LogLine[];
  startMs: number;
  endMs: number;
}

export interface Window {
  /** Stops recording; request records may still be completing (endMs NaN) if any are open. */
  close(): Recording;
}

function zeroCounts(): DbCounts {
  return { transaction: 0, query: 0, exec: 0, batch: 0, statements: 0 };
}

export function transactions(counts: DbCounts): number {
  return counts.transaction + counts.query + counts.exec + counts.batch;
}

function diff(after: DbCounts, before: DbCounts): DbCounts {
  return {
    transaction: after.transaction - before.transaction,
    query: after.query - before.query,
    exec: after.exec - before.exec,
    batch: after.batch - before.batch,
    statements: after.statements - before.statements,
  };
}

interface OpenWindow {
  requests: RequestRecord[];
  lines: LogLine[];
}

export class Probe {
  private readonly counts = zeroCounts();
  private readonly current = new AsyncLocalStorage<RequestRecord>();
  private readonly open = new Set<OpenWindow>();

  /** The hooks to pass as startStack's (or startFullStack's) `instrument`. */
  readonly instrument: StackInstrument = {
    database: (db) => this.wrapDatabase(db),
    route: (prefix, handler) => this.wrapRoute(prefix, handler),
    log: (line) => {
      if (this.open.size === 0) return;
      const entry = { atMs: performance.now(), line };
      for (const window of this.open) window.lines.push(entry);
    },
  };

  window(): Window {
    const window: OpenWindow = { requests: [], lines: [] };
    const before = { ...this.counts };
    const startMs = performance.now();
    this.open.add(window);
    return {
      close: () => {
        this.open.delete(window);
        return {
          db: diff(this.counts, before),
          requests: window.requests,
          lines: window.lines,
          startMs,
          endMs: performance.now(),
        };
      },
    };
  }

  private wrapDatabase(db: Database): Database {
    /** Adds to the totals and to the request being served, if any. */
    const count = (kind: keyof DbCounts | null, statements: number): void => {
      const request = this.current.getStore()?.db;
      for (const counts of request === undefined ? [this.counts] : [this.counts, request]) {
        if (kind !== null) counts[kind] += 1;
        counts.statements += statements;
      }
    };
    const countingTx = (tx: Tx): Tx => ({
      query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]) {
        count(null, 1);
        return tx.query<Row>(sql, params);
      },
    });
    return {
      kind: db.kind,
      exec(script) {
        count("exec", 1);
        return db.exec(script);
      },
      query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]) {
        count("query", 1);
        return db.query<Row>(sql, params);
      },
      transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
        count("transaction", 0);
        return db.transaction((tx) => fn(countingTx(tx)));
      },
      batch(statements, options) {
        count("batch", statements.length);
        return db.batch(statements, options);
      },
      close: () => db.close(),
    };
  }

  private wrapRoute(prefix: string, handler: Handler): Handler {
    return (req, res, url, path) => {
      if (this.open.size > 0) {
        const record: RequestRecord = {
          prefix,
          method: req.method ?? "?",
          path: url.pathname,
          startMs: performance.now(),
          endMs: Number.NaN,
          status: 0,
          db: zeroCounts(),
        };
        res.once("close", () => {
          record.endMs = performance.now();
          record.status = res.statusCode;
        });
        for (const window of this.open) window.requests.push(record);
        return this.current.run(record, () => handler(req, res, url, path));
      }
      return handler(req, res, url, path);
    };
  }
}

/** A request log line: "POST /v3/sms/send 200 224ms" (sandbox) or a gateway line alike. */
const REQUEST_LINE = /^([A-Z]+) (\/\S*) (\d{3}) (\d+)ms$/;

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  /** Derived from the time the line was written and the duration it states. */
  startMs: number;
  endMs: number;
}

/** The logged requests whose path starts with `pathPrefix` (e.g. "/v3/" for the sandbox). */
export function loggedRequests(lines: readonly LogLine[], pathPrefix: string): LoggedRequest[] {
  const out: LoggedRequest[] = [];
  for (const { atMs, line } of lines) {
    const match = REQUEST_LINE.exec(line);
    if (!match) continue;
    const [, method = "", path = "", status = "0", ms = "0"] = match;
    if (!path.startsWith(pathPrefix)) continue;
    out.push({ method, path, status: Number(status), startMs: atMs - Number(ms), endMs: atMs });
  }
  return out;
}

/** Total length of the union of [start, end] intervals, in ms (overlaps counted once). */
export function unionMs(intervals: readonly { startMs: number; endMs: number }[]): number {
  const sorted = intervals
    .filter((i) => Number.isFinite(i.startMs) && Number.isFinite(i.endMs))
    .map((i) => [i.startMs, i.endMs] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let currentStart = Number.NaN;
  let currentEnd = Number.NaN;
  for (const [start, end] of sorted) {
    if (Number.isNaN(currentStart) || start > currentEnd) {
      if (!Number.isNaN(currentStart)) total += currentEnd - currentStart;
      currentStart = start;
      currentEnd = end;
    } else if (end > currentEnd) currentEnd = end;
  }
  if (!Number.isNaN(currentStart)) total += currentEnd - currentStart;
  return total;
}

/** "GET /auth/v1/user" for a record. */
export function describe(record: { method: string; path: string }): string {
  return `${record.method} ${record.path}`;
}

/**
 * p50 / p99 of each kind of request in a recording (gateway requests by method and path, ClickSend
 * requests from the sandbox's log lines), for the log: where a suite's time went.
 */
export function breakdown(recording: Recording, minSamples = 5): string {
  const parts = new Map<string, number[]>();
  const add = (name: string, ms: number): void => {
    if (!Number.isFinite(ms)) return;
    const list = parts.get(name) ?? [];
    list.push(ms * 1e6);
    parts.set(name, list);
  };
  for (const request of recording.requests) add(describe(request), request.endMs - request.startMs);
  for (const request of loggedRequests(recording.lines, "/v3/"))
    add(`ClickSend ${request.method} ${request.path}`, request.endMs - request.startMs);
  return [...parts]
    .filter(([, samples]) => samples.length >= minSamples)
    .map(([name, samples]) => {
      const s = summarize(samples);
      return `${name}: n=${String(s.samples)} p50 ${s.p50Ms.toFixed(1)} ms, p99 ${s.p99Ms.toFixed(1)} ms`;
    })
    .join("; ");
}
