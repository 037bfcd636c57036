// The PGlite worker thread: owns the one embedded database and answers requests from the
// gateway's thread (pglite-thread.ts) so WASM never runs on the thread that accepts connections.
// Started through pglite-worker-boot.mjs, which registers tsx first (Node 20 workers do not
// inherit tsx's loader for their entry file).
//
// One connection, so one unit of work at a time: exec, query, batch and whole transactions run
// through one queue. A transaction holds the queue from begin to txEnd; its statements arrive one
// message each (the caller runs code between them) and bypass the queue into the transaction's
// inbox, while every other request waits behind it.
import type { Transaction } from "@electric-sql/pglite";
import { parentPort, workerData } from "node:worker_threads";
import { z } from "zod";
import { openEmbedded } from "./embedded.ts";
import {
  openOptionsSchema,
  requestSchema,
  serializeError,
  type Reply,
  type Request,
  type Row,
} from "./pglite-protocol.ts";

type TxStep = Extract<Request, { op: "txQuery" | "txEnd" }>;

/** The steps of one open transaction, delivered in order to the loop running it. */
class Inbox {
  private readonly steps: TxStep[] = [];
  private waiter: ((step: TxStep) => void) | undefined;

  push(step: TxStep): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(step);
    } else {
      this.steps.push(step);
    }
  }

  /** Takes the steps that arrived but will never run (the transaction is over). */
  drain(): TxStep[] {
    return this.steps.splice(0);
  }

  next(): Promise<TxStep> {
    const step = this.steps.shift();
    if (step) return Promise.resolve(step);
    return new Promise((resolve) => (this.waiter = resolve));
  }
}

/** Thrown inside pg.transaction to make PGlite roll back; never reported as a failure. */
class RolledBack extends Error {}

const port = parentPort;
if (!port) throw new Error("pglite-worker.ts must run as a worker thread");

function reply(message: Reply): void {
  port?.postMessage(message);
}

function fail(id: number, error: unknown): void {
  reply({ kind: "error", id, error: serializeError(error) });
}

const db = await openEmbedded(openOptionsSchema.parse(workerData)).catch((error: unknown) => {
  reply({ kind: "openFailed", error: serializeError(error) });
  return undefined;
});

if (db) {
  const { pg } = db;
  let tail: Promise<unknown> = Promise.resolve();
  /** Runs work after everything queued before it, whatever that work's outcome. */
  const exclusive = (work: () => Promise<void>): void => {
    tail = tail.then(work, work).catch(() => undefined);
  };
  const inboxes = new Map<number, Inbox>();
  /** Batches waiting in the queue, and those of them whose caller went away meanwhile. */
  const queuedBatches = new Set<number>();
  const cancelled = new Set<number>();

  async function runTransaction(id: number, inbox: Inbox): Promise<void> {
    try {
      await pg.transaction(async (tx: Transaction) => {
        for (;;) {
          const step = await inbox.next();
          if (step.op === "txEnd") {
            if (!step.commit) throw new RolledBack();
            return;
          }
          try {
            reply({
              kind: "rows",
              id: step.id,
              rows: (await tx.query<Row>(step.sql, step.params)).rows,
            });
          } catch (error) {
            // The caller decides: usually it rethrows and sends txEnd without commit.
            fail(step.id, error);
          }
        }
      });
      reply({ kind: "done", id });
    } catch (error) {
      if (error instanceof RolledBack) reply({ kind: "done", id });
      else fail(id, error);
    } finally {
      inboxes.delete(id);
      // Steps left behind (BEGIN itself failed, or fn kept querying after txEnd) still get answers.
      for (const step of inbox.drain()) {
        if (step.op === "txQuery") fail(step.id, new Error("transaction has ended"));
      }
    }
  }

  /** Queues work whose result (or error) is the reply to request `id`. */
  const answer = (id: number, work: () => Promise<Reply>): void => {
    exclusive(async () => {
      try {
        reply(await work());
      } catch (error) {
        fail(id, error);
      }
    });
  };

  const handle = (request: Request): void => {
    switch (request.op) {
      case "exec":
        answer(request.id, async () => {
          await db.exec(request.script);
          return { kind: "done", id: request.id };
        });
        return;
      case "query":
        answer(request.id, async () => ({
          kind: "rows",
          id: request.id,
          rows: await db.query(request.sql, request.params),
        }));
        return;
      case "batch":
        queuedBatches.add(request.id);
        answer(request.id, async () => {
          // WASM holds this thread while earlier work runs: let messages that arrived meanwhile
          // (a cancel for this batch) be read before deciding to start it.
          await new Promise<void>((resolve) => setImmediate(resolve));
          queuedBatches.delete(request.id);
          if (cancelled.delete(request.id)) throw new Error("the batch was abandoned");
          return {
            kind: "batch",
            id: request.id,
            results: await db.batch(request.statements, { readOnly: request.readOnly }),
          };
        });
        return;
      case "cancel":
        // Only a batch still queued can be dropped; one already running finishes.
        if (queuedBatches.has(request.id)) cancelled.add(request.id);
        return;
      case "begin": {
        // The inbox exists from now on, so steps sent right after begin wait in it while the
        // transaction itself waits its turn in the queue.
        const inbox = new Inbox();
        inboxes.set(request.id, inbox);
        exclusive(() => runTransaction(request.id, inbox));
        return;
      }
      case "txQuery":
      case "txEnd": {
        const inbox = inboxes.get(request.txId);
        if (inbox) inbox.push(request);
        else if (request.op === "txQuery") fail(request.id, new Error("transaction has ended"));
        return;
      }
      case "close":
        answer(request.id, async () => {
          await pg.close();
          return { kind: "done", id: request.id };
        });
        return;
    }
  };

  port.on("message", (message: unknown) => {
    const parsed = requestSchema.safeParse(message);
    if (parsed.success) handle(parsed.data);
    else {
      // A malformed request is a bug on the caller's side; answer it if it has an id at all.
      const withId = z.object({ id: z.number() }).safeParse(message);
      if (withId.success) fail(withId.data.id, new Error(`bad request: ${parsed.error.message}`));
    }
  });
  reply({ kind: "ready" });
}
