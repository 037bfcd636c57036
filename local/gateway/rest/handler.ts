// One PostgREST request: authenticate, parse, plan against the schema cache, run the statement in
// one transaction as the caller's role with request.jwt.claims set, and answer with PostgREST's
// statuses and headers (Content-Range, Preference-Applied, Location) or its error body.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { Database, Row, Tx } from "../../db/database.ts";
import { HttpError, readBody, watchClient, type ClientWatch } from "../http.ts";
import type { GatewayContext, Handler } from "../server.ts";
import { loadCatalog, SchemaCache, type Catalog } from "./catalog.ts";
import { authenticate, type Caller } from "./credentials.ts";
import { fromDatabaseError, RestError, singularFailure, type ApiRole } from "./errors.ts";
import { buildPlan, ESTIMATED_COUNT_EXACT_UP_TO, STALE_CACHE_CODES, type Plan } from "./plan.ts";
import type { CountQuery } from "./sql.ts";
import { parseJsonBody, parseRequest, type JsonPayload, type RestRequest } from "./request.ts";

const JSON_TYPE = "application/json; charset=utf-8";
const OBJECT_TYPE = "application/vnd.pgrst.object+json; charset=utf-8";

const resultSchema = z.object({
  body: z.string().nullable(),
  page_rows: z.coerce.number().int(),
  total: z.coerce.number().int().nullable(),
  /** Only a merge-duplicates upsert reports how many of its rows were new. */
  inserted: z.coerce.number().int().nullable().optional(),
});
type StatementResult = z.infer<typeof resultSchema>;

/** Thrown inside the transaction when the client has gone: nobody would learn its outcome. */
class ClientGone extends Error {
  constructor() {
    super("the client closed the connection; the transaction was rolled back");
  }
}

/** Thrown inside the transaction to roll it back (Prefer: tx=rollback) while keeping the result. */
class Rollback extends Error {
  constructor(readonly result: StatementResult) {
    super("rolled back as requested (Prefer: tx=rollback)");
  }
}

export function createRestHandler(ctx: GatewayContext): Handler {
  const cache = new SchemaCache(() => loadCatalog(ctx.db));
  return async (req, res, url, path) => {
    const client = watchClient(res);
    let role: ApiRole = "anon";
    try {
      const caller = authenticate(req, url, ctx.jwtSecret);
      role = caller.role;
      // A raw "#" would end the query string here, silently dropping the filters after it (a
      // DELETE would then match every row): a request target cannot hold one, so refuse it.
      if ((req.url ?? "").includes("#")) {
        throw new RestError(
          400,
          "PGRST100",
          "The request target contains a raw '#'",
          null,
          "Encode '#' in filters and values as %23.",
        );
      }
      const request = parseRequest(req.method, req.headers, url, path);
      const payload = await readPayload(req, request);
      const plan = await withCatalog(cache, (catalog) => buildPlan(catalog, request, payload));
      // Abandoned while parsing or planning: the statement is never started.
      if (client.gone()) return;
      const result = await execute(ctx.db, caller, request, path, req, plan, client);
      if (client.gone()) return;
      respond(res, request, plan, result);
    } catch (error) {
      if (error instanceof ClientGone || client.gone()) return;
      // Postgres itself reports an object the cache still lists (dropped since): reload soon.
      if (isUndefinedObject(error)) void cache.refresh().catch(() => undefined);
      respondError(res, error, role, ctx.log, `${req.method ?? "?"} ${url.pathname}`);
    }
  };
}

const undefinedObjectSchema = z.object({ code: z.enum(["42P01", "42703", "42883"]) });

function isUndefinedObject(error: unknown): boolean {
  return !(error instanceof RestError) && undefinedObjectSchema.safeParse(error).success;
}

async function readPayload(
  req: IncomingMessage,
  request: RestRequest,
): Promise<JsonPayload | null> {
  if (request.method !== "POST" && request.method !== "PATCH") return null;
  const raw = await readBody(req);
  if (request.target.kind === "rpc" && raw.length === 0) return null;
  return parseJsonBody(req.headers["content-type"], raw);
}

/** Plans against the cached catalog; a name that looks stale triggers one reload and retry. */
async function withCatalog<T>(cache: SchemaCache, build: (catalog: Catalog) => T): Promise<T> {
  const catalog = await cache.get();
  try {
    return build(catalog);
  } catch (error) {
    if (!(error instanceof RestError) || !STALE_CACHE_CODES.has(error.body.code)) throw error;
    const fresh = await cache.refresh();
    if (fresh === catalog) throw error;
    return build(fresh);
  }
}

function requestHeadersJson(req: IncomingMessage): string {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return JSON.stringify(headers);
}

const CLAIMS_SQL = `select set_config('role', $1::text, true),
                set_config('request.jwt.claims', $2::text, true),
                set_config('request.method', $3::text, true),
                set_config('request.path', $4::text, true),
                set_config('request.headers', $5::text, true)`;

function maxAffectedFailure(rows: number): RestError {
  return new RestError(
    400,
    "PGRST124",
    "Query result exceeds max-affected preference constraint",
    `The query affects ${String(rows)} rows`,
  );
}

/**
 * True when nothing must be decided between the statement and the commit: the request's fixed
 * statements can then go to the database as one batch (with PGlite, one message to its worker
 * instead of one per statement). A read may be checked after it committed, since committing a
 * read changes nothing.
 */
function batchable(plan: Plan): boolean {
  if (plan.countQuery !== null) return false;
  return plan.readOnly || (!plan.singular && plan.maxAffected === null && !plan.rollback);
}

async function execute(
  db: Database,
  caller: Caller,
  request: RestRequest,
  path: string,
  req: IncomingMessage,
  plan: Plan,
  client: ClientWatch,
): Promise<StatementResult> {
  // The role is one of the three API roles (validated with the JWT) and is a bind parameter.
  const claims = [
    caller.role,
    JSON.stringify(caller.claims),
    request.method,
    path,
    requestHeadersJson(req),
  ];
  if (batchable(plan)) {
    // A client that leaves while the batch waits for the connection abandons it unrun; once it
    // runs, it commits (the client is gone before any answer could reach it either way).
    let rows: Row[][];
    try {
      rows = await db.batch(
        [
          { sql: CLAIMS_SQL, params: claims },
          { sql: plan.sql, params: plan.params },
        ],
        { readOnly: plan.readOnly, signal: client.signal },
      );
    } catch (error) {
      if (client.gone()) throw new ClientGone();
      throw error;
    }
    const result = resultSchema.parse(rows[1]?.[0]);
    if (plan.singular && result.page_rows !== 1) throw singularFailure(result.page_rows);
    if (plan.maxAffected !== null && result.page_rows > plan.maxAffected)
      throw maxAffectedFailure(result.page_rows);
    return result;
  }
  try {
    return await db.transaction(async (tx) => {
      // The wait for a connection (PGlite has one) can outlast the client: run nothing then.
      if (client.gone()) throw new ClientGone();
      if (plan.readOnly) await tx.query("set transaction read only");
      await tx.query(CLAIMS_SQL, claims);
      const rows = await tx.query(plan.sql, plan.params);
      const result = resultSchema.parse(rows[0]);
      if (plan.countQuery !== null) result.total = await estimatedTotal(tx, plan, result.total);
      if (plan.singular && result.page_rows !== 1) throw singularFailure(result.page_rows);
      if (plan.maxAffected !== null && result.page_rows > plan.maxAffected)
        throw maxAffectedFailure(result.page_rows);
      if (plan.rollback) throw new Rollback(result);
      // Gone while the statement ran: roll back rather than commit what no one will hear about.
      if (client.gone()) throw new ClientGone();
      return result;
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result;
    throw error;
  }
}

// EXPLAIN (FORMAT JSON): PGlite and postgres.js may hand the json column back parsed or as text.
const explainSchema = z.preprocess(
  (value) => (typeof value === "string" ? (JSON.parse(value) as unknown) : value),
  z
    .tuple([z.object({ Plan: z.object({ "Plan Rows": z.number().nonnegative() }) })])
    .rest(z.unknown()),
);

/** The planner's row estimate for the count query, as PostgREST reads it from EXPLAIN. */
async function plannedRows(tx: Tx, query: CountQuery): Promise<number> {
  const rows = await tx.query(`explain (format json) ${query.sql}`, query.params);
  const plan = explainSchema.parse(Object.values(rows[0] ?? {})[0]);
  return Math.round(plan[0].Plan["Plan Rows"]);
}

/**
 * PostgREST's planned and estimated counts: planned is the planner's estimate; estimated is the
 * exact count while it stays within the cap, else the larger of the capped count and the estimate.
 */
async function estimatedTotal(tx: Tx, plan: Plan, counted: number | null): Promise<number | null> {
  if (plan.countQuery === null) return counted;
  switch (plan.count) {
    case "planned":
      return plannedRows(tx, plan.countQuery);
    case "estimated":
      if (counted === null || counted <= ESTIMATED_COUNT_EXACT_UP_TO) return counted;
      return Math.max(counted, await plannedRows(tx, plan.countQuery));
    case "exact":
    case null:
      return counted;
  }
}

function respond(
  res: ServerResponse,
  request: RestRequest,
  plan: Plan,
  result: StatementResult,
): void {
  const headers: Record<string, string> = {};
  if (plan.applied.length > 0) headers["preference-applied"] = plan.applied.join(", ");
  const contentType = plan.singular ? OBJECT_TYPE : JSON_TYPE;
  const total = plan.counted ? result.total : null;

  switch (plan.kind) {
    case "read": {
      const lower = plan.offset;
      const upper = lower + result.page_rows - 1;
      headers["content-range"] =
        `${result.page_rows > 0 ? `${String(lower)}-${String(upper)}` : "*"}/${total === null ? "*" : String(total)}`;
      let status = 200;
      if (total !== null && !plan.singular) {
        if (lower > total) {
          throw new RestError(
            416,
            "PGRST103",
            "Requested range not satisfiable",
            `An offset of ${String(lower)} was requested, but there are only ${String(total)} rows.`,
          );
        }
        if (result.page_rows < total) status = 206;
      }
      send(res, status, plan.withBody ? (result.body ?? "null") : null, contentType, headers);
      return;
    }
    case "insert":
    case "update":
    case "delete": {
      headers["content-range"] = `*/${plan.counted ? String(result.page_rows) : "*"}`;
      if (plan.location !== null && result.body !== null) {
        const location = locationOf(plan.location, result.body);
        if (location !== null) headers.location = location;
      }
      const created = plan.kind === "insert";
      // PostgREST 12: an upsert that merged into existing rows only (nothing new) is 200, not 201.
      const createdStatus = plan.mergeUpsert && result.inserted === 0 ? 200 : 201;
      if (!plan.withBody) {
        send(res, created ? createdStatus : 204, null, contentType, headers);
        return;
      }
      send(
        res,
        created ? createdStatus : 200,
        result.body ?? (plan.singular ? "null" : "[]"),
        contentType,
        headers,
      );
      return;
    }
    // One value is one row to PostgREST: Content-Range 0-0/1 when counted, 0-0/* otherwise.
    case "value":
      headers["content-range"] = `0-0/${plan.counted ? "1" : "*"}`;
      send(
        res,
        200,
        request.method === "HEAD" ? null : (result.body ?? "null"),
        JSON_TYPE,
        headers,
      );
      return;
    case "void":
      headers["content-range"] = `0-0/${plan.counted ? "1" : "*"}`;
      send(res, 204, null, JSON_TYPE, headers);
      return;
  }
}

const keyRowsSchema = z.array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])));

function locationOf(location: NonNullable<Plan["location"]>, body: string): string | null {
  const parsed = keyRowsSchema.safeParse(JSON.parse(body));
  const first = parsed.success ? parsed.data[0] : undefined;
  if (first === undefined) return null;
  const query = location.keys
    .map((key) => `${encodeURIComponent(key)}=eq.${encodeURIComponent(String(first[key]))}`)
    .join("&");
  return `/${encodeURIComponent(location.table)}?${query}`;
}

function send(
  res: ServerResponse,
  status: number,
  body: string | null,
  contentType: string,
  headers: Record<string, string>,
): void {
  if (res.destroyed) return;
  if (status === 204) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": contentType, ...headers });
  res.end(body ?? undefined);
}

function respondError(
  res: ServerResponse,
  error: unknown,
  role: ApiRole,
  log: (line: string) => void,
  where: string,
): void {
  if (res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const known =
    error instanceof RestError
      ? error
      : error instanceof HttpError
        ? error
        : fromDatabaseError(error, role);
  if (known !== undefined) {
    res.writeHead(known.status, { "content-type": JSON_TYPE, ...known.headers });
    res.end(JSON.stringify(known.body));
    return;
  }
  // A bug, not a request error: log what it was (never the query string) and answer generically.
  log(
    `rest error on ${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
  res.writeHead(500, { "content-type": JSON_TYPE });
  res.end(
    JSON.stringify({
      code: "PGRSTX00",
      details: null,
      hint: null,
      message: "Internal error in the local gateway's REST API",
    }),
  );
}
