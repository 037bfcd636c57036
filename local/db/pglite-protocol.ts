// The messages between the gateway's thread and the PGlite worker (pglite-worker.ts). Both sides
// parse what they receive with these schemas: the port is a process boundary in all but name.
// Values cross by structured clone, which keeps what PGlite takes and returns (numbers, strings,
// booleans, null, bigint, Dates, Uint8Array for bytea, plain objects and arrays for json and
// Postgres arrays); only errors need help (see SerializedError).
import { z } from "zod";

export type Row = Record<string, unknown>;

export interface Statement {
  sql: string;
  params?: unknown[];
}

const params = z.array(z.unknown());
const rows = z.array(z.record(z.string(), z.unknown()));

export const openOptionsSchema = z.object({
  dataDir: z.string().optional(),
  reset: z.boolean().optional(),
});

export const requestSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("exec"), id: z.number(), script: z.string() }),
  z.object({ op: z.literal("query"), id: z.number(), sql: z.string(), params }),
  z.object({
    op: z.literal("batch"),
    id: z.number(),
    statements: z.array(z.object({ sql: z.string(), params })),
    readOnly: z.boolean(),
  }),
  // Opens a transaction; `id` is also the transaction's id and receives its final outcome.
  z.object({ op: z.literal("begin"), id: z.number() }),
  z.object({ op: z.literal("txQuery"), id: z.number(), txId: z.number(), sql: z.string(), params }),
  // Ends transaction txId; the outcome is answered on the begin's id, so this has no id of its own.
  z.object({ op: z.literal("txEnd"), txId: z.number(), commit: z.boolean() }),
  z.object({ op: z.literal("close"), id: z.number() }),
  /** Drops a queued batch that has not started yet (its caller went away). */
  z.object({ op: z.literal("cancel"), id: z.number() }),
]);
export type Request = z.infer<typeof requestSchema>;

/**
 * An error as it crosses the port. Structured clone keeps only an Error's name and message, but
 * callers read Postgres's fields (code, detail, hint, constraint, ...), so every own primitive
 * field is carried explicitly and put back on an Error on the other side.
 */
const serializedErrorSchema = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type SerializedError = z.infer<typeof serializedErrorSchema>;

export const replySchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("ready") }),
  z.object({ kind: z.literal("openFailed"), error: serializedErrorSchema }),
  z.object({ kind: z.literal("done"), id: z.number() }),
  z.object({ kind: z.literal("rows"), id: z.number(), rows }),
  z.object({ kind: z.literal("batch"), id: z.number(), results: z.array(rows) }),
  z.object({ kind: z.literal("error"), id: z.number(), error: serializedErrorSchema }),
]);
export type Reply = z.infer<typeof replySchema>;

export function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) {
    return { name: "Error", message: String(error), fields: {} };
  }
  const fields: SerializedError["fields"] = {};
  // PGlite's DatabaseError also carries the statement's params and options: objects, left out.
  const entries: [string, unknown][] = Object.entries(error);
  for (const [key, value] of entries) {
    if (
      typeof value === "string" ||
      typeof value === "number" ||
      typeof value === "boolean" ||
      value === null
    ) {
      fields[key] = value;
    }
  }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    fields,
  };
}

/** A Postgres (or worker) error rebuilt on the caller's side with every field it carried. */
export class DatabaseError extends Error {
  // PGlite's DatabaseError fields; `declare` so no class field overwrites what the constructor
  // copies in. Only those Postgres sent are present.
  declare severity?: string;
  declare code?: string;
  declare detail?: string;
  declare hint?: string;
  declare position?: string;
  declare internalPosition?: string;
  declare internalQuery?: string;
  declare where?: string;
  declare schema?: string;
  declare table?: string;
  declare column?: string;
  declare dataType?: string;
  declare constraint?: string;
  declare file?: string;
  declare line?: string;
  declare routine?: string;
  /** The statement that failed, as PGlite attaches it. */
  declare query?: string;

  constructor(serialized: SerializedError) {
    super(serialized.message);
    Object.assign(this, serialized.fields);
    this.name = serialized.name;
    // The worker's stack shows where PGlite failed; the caller's own frames are lost across the
    // port either way, so keep the one that explains the failure.
    if (serialized.stack !== undefined) this.stack = serialized.stack;
  }
}

/** The error a batch rejects with when its signal aborted before it started. */
export function abandoned(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("the batch was abandoned");
}
