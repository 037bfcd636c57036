// The caller's end of the PGlite worker (pglite-worker.ts): the Database interface, each call one
// message to the worker and one reply back. PGlite runs in the worker so the gateway's event loop
// keeps accepting connections while WASM executes a query.
import { Worker } from "node:worker_threads";
import type { Database, Tx } from "./database.ts";
import type { EmbeddedOptions } from "./embedded.ts";
import {
  abandoned,
  DatabaseError,
  replySchema,
  type Reply,
  type Request,
  type Row,
} from "./pglite-protocol.ts";

interface Pending {
  resolve: (reply: Reply) => void;
  reject: (error: Error) => void;
}

/** Requests whose reply is the outcome, keyed by the id the worker answers on. */
type Call = Exclude<Request, { op: "txEnd" }>;

function unexpected(reply: Reply): Error {
  return new Error(`PGlite worker answered ${reply.kind} unexpectedly`);
}

function rowsOf(reply: Reply): Row[] {
  if (reply.kind !== "rows") throw unexpected(reply);
  return reply.rows;
}

function doneOf(reply: Reply): undefined {
  if (reply.kind !== "done") throw unexpected(reply);
  return undefined;
}

export async function openPgliteWorker(options: EmbeddedOptions = {}): Promise<Database> {
  const worker = new Worker(new URL("./pglite-worker-boot.mjs", import.meta.url), {
    workerData: { dataDir: options.dataDir, reset: options.reset },
  });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  /** Set once the worker can take no more requests; every later call rejects with it. */
  let broken: Error | undefined;
  let opened: Pending | undefined;

  // Referenced only while a reply is awaited: an idle database never keeps the process alive (a
  // forgotten close() does not hang a test run), a pending query always does.
  const settle = (id: number): Pending | undefined => {
    const entry = pending.get(id);
    pending.delete(id);
    if (pending.size === 0 && broken === undefined) worker.unref();
    return entry;
  };

  /** The worker is gone or the protocol is broken: nothing pending will ever be answered. */
  const breakDown = (error: Error): void => {
    broken ??= error;
    opened?.reject(error);
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };

  worker.on("message", (message: unknown) => {
    const parsed = replySchema.safeParse(message);
    if (!parsed.success) {
      breakDown(new Error(`PGlite worker sent a malformed reply: ${parsed.error.message}`));
      void worker.terminate();
      return;
    }
    const reply = parsed.data;
    switch (reply.kind) {
      case "ready":
        opened?.resolve(reply);
        return;
      case "openFailed":
        opened?.reject(new DatabaseError(reply.error));
        return;
      case "error":
        settle(reply.id)?.reject(new DatabaseError(reply.error));
        return;
      default:
        settle(reply.id)?.resolve(reply);
    }
  });
  // Structured clone failed on a reply: it cannot be matched to its request, so nothing is safe.
  worker.on("messageerror", (error) => {
    breakDown(error);
    void worker.terminate();
  });
  worker.on("error", breakDown);
  worker.on("exit", (code) => {
    breakDown(new Error(`PGlite worker exited (code ${String(code)})`));
  });

  try {
    await new Promise<Reply>((resolve, reject) => (opened = { resolve, reject }));
  } catch (error) {
    await worker.terminate();
    throw error;
  } finally {
    opened = undefined;
  }
  worker.unref();

  const post = (request: Request): void => {
    worker.postMessage(request);
  };

  let closing: Promise<void> | undefined;

  const call = (make: (id: number) => Call): Promise<Reply> => {
    if (broken) return Promise.reject(broken);
    const id = nextId++;
    const request = make(id);
    // After close() only the statements of transactions already open may still run.
    if (closing && request.op !== "txQuery" && request.op !== "close") {
      return Promise.reject(new Error("database is closed"));
    }
    return new Promise<Reply>((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve, reject });
      try {
        post(request);
      } catch (error) {
        // Parameters structured clone cannot copy (a function, a symbol): this call fails alone.
        settle(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  };

  return {
    kind: "pglite",
    exec: async (script) => {
      doneOf(await call((id) => ({ op: "exec", id, script })));
    },
    query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      // Rows are typed by the caller, as with every engine: the driver cannot check them.
      rowsOf(await call((id) => ({ op: "query", id, sql, params }))) as R[],
    async batch(statements, batchOptions = {}) {
      const { signal } = batchOptions;
      if (signal?.aborted) throw abandoned(signal);
      let batchId = 0;
      const cancel = (): void => {
        if (!broken) post({ op: "cancel", id: batchId });
      };
      const replied = call((id) => {
        batchId = id;
        return {
          op: "batch",
          id,
          statements: statements.map((s) => ({ sql: s.sql, params: s.params ?? [] })),
          readOnly: batchOptions.readOnly ?? false,
        };
      });
      signal?.addEventListener("abort", cancel, { once: true });
      try {
        const reply = await replied;
        if (reply.kind !== "batch") throw unexpected(reply);
        return reply.results;
      } catch (error) {
        throw signal?.aborted ? abandoned(signal) : error;
      } finally {
        signal?.removeEventListener("abort", cancel);
      }
    },
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      if (broken) throw broken;
      if (closing) throw new Error("database is closed");
      let txId = 0;
      // The begin's reply is the transaction's outcome (committed, rolled back or failed).
      const outcome = call((id) => {
        txId = id;
        return { op: "begin", id };
      });
      // Observed now so a worker crash while fn runs is not an unhandled rejection; awaited below.
      outcome.catch(() => undefined);
      const end = (commit: boolean): void => {
        if (!broken) post({ op: "txEnd", txId, commit });
      };
      let result: T;
      try {
        result = await fn({
          query: async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
            rowsOf(await call((id) => ({ op: "txQuery", id, txId, sql, params }))) as R[],
        });
      } catch (error) {
        end(false);
        // fn's own error is the answer; a failed rollback has nothing to add to it.
        await outcome.catch(() => undefined);
        throw error;
      }
      end(true);
      doneOf(await outcome);
      return result;
    },
    close() {
      closing ??= (async () => {
        try {
          if (!broken) doneOf(await call((id) => ({ op: "close", id })));
        } finally {
          broken ??= new Error("database is closed");
          await worker.terminate();
        }
      })();
      return closing;
    },
  };
}
