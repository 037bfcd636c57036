// PostgREST's error body ({code, details, hint, message}) and its mapping of SQLSTATEs to HTTP
// statuses (docs.postgrest.org, references/errors). Pure: no I/O, no database.
import { z } from "zod";

export interface ErrorBody {
  code: string;
  details: string | null;
  hint: string | null;
  message: string;
}

export type ApiRole = "anon" | "authenticated" | "service_role";

/** An error answered as PostgREST would: a status, its JSON body and optional headers. */
export class RestError extends Error {
  readonly body: ErrorBody;

  constructor(
    readonly status: number,
    code: string,
    message: string,
    details: string | null = null,
    hint: string | null = null,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.body = { code, details, hint, message };
  }
}

/** The code of our own 501s: a PostgREST feature this local gateway does not implement. */
export const UNSUPPORTED_CODE = "LOCAL_UNSUPPORTED";

const UNSUPPORTED_HINT =
  "The local gateway implements the PostgREST subset listed in ARCHITECTURE.md (select with columns, eq/neq/gt/gte/lt/lte/like/ilike/in/is filters, order, limit/offset/Range, count=exact, single objects, insert/upsert/update/delete, RPC).";

/** 501: a real PostgREST feature that this gateway refuses rather than answering wrongly. */
export function unsupported(feature: string, what: string): RestError {
  return new RestError(
    501,
    UNSUPPORTED_CODE,
    `${feature} is not supported by the local gateway: ${what}`,
    null,
    UNSUPPORTED_HINT,
  );
}

/** 400 PGRST100: the query string could not be parsed. */
export function parseFailure(message: string, details: string | null = null): RestError {
  return new RestError(400, "PGRST100", message, details);
}

/** 406 PGRST116: a single object was requested and the result had another number of rows. */
export function singularFailure(rows: number): RestError {
  return new RestError(
    406,
    "PGRST116",
    "JSON object requested, multiple (or no) rows returned",
    `The result contains ${rows} rows`,
  );
}

/** Status for a PostgreSQL SQLSTATE, per PostgREST's table; 42501 depends on the caller's role. */
export function statusForSqlState(code: string, role: ApiRole): number {
  const exact: Record<string, number> = {
    "23503": 409,
    "23505": 409,
    "25006": 405,
    "53400": 500,
    P0001: 400,
    "42883": 404,
    "42P01": 404,
    "42P17": 500,
  };
  if (code === "42501") return role === "anon" ? 401 : 403;
  const direct = exact[code];
  if (direct !== undefined) return direct;
  if (/^PT\d{3}$/.test(code)) return Number(code.slice(2));
  const byClass: [string, number][] = [
    ["08", 503],
    ["09", 500],
    ["0L", 403],
    ["0P", 403],
    ["25", 500],
    ["28", 403],
    ["2D", 500],
    ["38", 500],
    ["39", 500],
    ["3B", 500],
    ["40", 500],
    ["53", 503],
    ["54", 500],
    ["55", 500],
    ["57", 500],
    ["58", 500],
    ["F0", 500],
    ["HV", 500],
    ["P0", 500],
    ["XX", 500],
  ];
  const match = byClass.find(([prefix]) => code.startsWith(prefix));
  return match ? match[1] : 400;
}

// Both engines' driver errors (PGlite's DatabaseError, postgres' PostgresError) carry these fields.
// Only these four are ever answered: never the query, its parameters, a position or a stack.
const databaseErrorSchema = z.object({
  code: z.string().regex(/^[0-9A-Z]{5}$/),
  message: z.string(),
  detail: z.string().nullish(),
  hint: z.string().nullish(),
});

/** A PostgreSQL error as PostgREST answers it, or undefined when `error` is not one. */
export function fromDatabaseError(error: unknown, role: ApiRole): RestError | undefined {
  const parsed = databaseErrorSchema.safeParse(error);
  if (!parsed.success) return undefined;
  const { code, message, detail, hint } = parsed.data;
  const status = statusForSqlState(code, role);
  const headers: Record<string, string> = status === 401 ? { "www-authenticate": "Bearer" } : {};
  return new RestError(status, code, message, detail ?? null, hint ?? null, headers);
}

/** Closest candidate by edit distance, for "Perhaps you meant ..." hints; undefined if none is close. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3))
    ? best
    : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
