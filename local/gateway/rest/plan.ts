// From a parsed request and a catalog snapshot to one SQL statement and how to answer its result.
// Pure: resolving names may throw PostgREST's schema-cache errors (PGRST202/204/205, 42703), which
// the handler retries once against a reloaded catalog.
import type { Catalog, FunctionInfo, RelationInfo } from "./catalog.ts";
import { EXPOSED_SCHEMA } from "./catalog.ts";
import { closest, RestError, unsupported } from "./errors.ts";
import { parseQuery, RESERVED_PARAMS, type ParsedQuery } from "./query-parser.ts";
import {
  objectOf,
  rowsOf,
  type JsonPayload,
  type Preferences,
  type RestRequest,
} from "./request.ts";
import {
  columnOf,
  deleteStatement,
  emptyStatement,
  functionCall,
  functionSource,
  insertStatement,
  Params,
  readStatement,
  relationSource,
  scalarCallStatement,
  scalarSetStatement,
  updateStatement,
  type BodyShape,
  type CountQuery,
  type Returning,
  type TotalCount,
} from "./sql.ts";

type ResponseKind =
  /** GET/HEAD on a relation or a set-returning function: Content-Range, 206 when partial. */
  | "read"
  | "insert"
  | "update"
  | "delete"
  /** A function returning one value. */
  | "value"
  /** A function returning void: 204. */
  | "void";

export interface Plan {
  sql: string;
  params: string[];
  kind: ResponseKind;
  readOnly: boolean;
  singular: boolean;
  /** False for HEAD and for mutations answered with return=minimal/headers-only. */
  withBody: boolean;
  /** The first row of the page (for Content-Range). */
  offset: number;
  counted: boolean;
  /** The count asked for and honoured (Prefer: count=...), or null. */
  count: Preferences["count"];
  /** For a planned (or large estimated) count of a read: the query EXPLAIN estimates. */
  countQuery: CountQuery | null;
  /** Preferences honoured, for Preference-Applied. */
  applied: string[];
  maxAffected: number | null;
  rollback: boolean;
  /** headers-only insert: build Location from these primary-key columns of the first row. */
  location: { table: string; keys: readonly string[] } | null;
  /** Upsert with merge-duplicates: the statement also reports how many rows were new. */
  mergeUpsert: boolean;
}

/**
 * `count=estimated` counts exactly up to this many rows and asks the planner beyond it, as
 * PostgREST does with its max-rows setting: supabase/config.toml's `max_rows` (1000).
 */
export const ESTIMATED_COUNT_EXACT_UP_TO = 1000;

/** Names whose absence may only mean the schema cache is stale: worth one reload. */
export const STALE_CACHE_CODES = new Set(["PGRST202", "PGRST204", "PGRST205", "42703"]);

export function buildPlan(
  catalog: Catalog,
  request: RestRequest,
  payload: JsonPayload | null,
): Plan {
  return request.target.kind === "rpc"
    ? planRpc(catalog, request, request.target.name, payload)
    : planRelation(request, findRelation(catalog, request.target.name), payload);
}

function findRelation(catalog: Catalog, name: string): RelationInfo {
  const relation = catalog.relation(name);
  if (relation !== undefined) return relation;
  const suggestion = closest(name, catalog.relationNames());
  throw new RestError(
    404,
    "PGRST205",
    `Could not find the table '${EXPOSED_SCHEMA}.${name}' in the schema cache`,
    null,
    suggestion === undefined
      ? null
      : `Perhaps you meant the table '${EXPOSED_SCHEMA}.${suggestion}'`,
  );
}

interface Common {
  applied: string[];
  counted: boolean;
  count: Preferences["count"];
  shape: BodyShape;
}

function common(request: RestRequest, countable: boolean): Common {
  const applied: string[] = [];
  const { prefer } = request;
  const count = countable ? prefer.count : null;
  const counted = count !== null;
  if (counted) applied.push(`count=${count}`);
  if (prefer.handling === "strict") applied.push("handling=strict");
  if (prefer.tx === "rollback") applied.push("tx=rollback");
  return {
    applied,
    counted,
    count,
    shape: { singular: request.format.singular, stripNulls: request.format.stripNulls },
  };
}

/** Range header ∩ limit/offset, as PostgREST intersects them. */
function page(request: RestRequest, query: ParsedQuery): { offset: number; limit: number | null } {
  const offset = Math.max(request.range?.lower ?? 0, query.offset ?? 0);
  const ends: number[] = [];
  if (request.range?.upper != null) ends.push(request.range.upper);
  if (query.limit !== null) ends.push((query.offset ?? 0) + query.limit - 1);
  const end = ends.length === 0 ? null : Math.min(...ends);
  return { offset, limit: end === null ? null : Math.max(0, end - offset + 1) };
}

function base(
  request: RestRequest,
  params: Params,
  sql: string,
  kind: ResponseKind,
  c: Common,
): Plan {
  return {
    sql,
    params: params.values,
    kind,
    readOnly: request.method === "GET" || request.method === "HEAD",
    singular: request.format.singular,
    withBody: request.method !== "HEAD",
    offset: 0,
    counted: c.counted,
    count: c.count,
    countQuery: null,
    applied: c.applied,
    maxAffected: request.prefer.handling === "strict" ? request.prefer.maxAffected : null,
    rollback: request.prefer.tx === "rollback",
    location: null,
    mergeUpsert: false,
  };
}

/** How a read's statement counts: exactly, up to the estimated cap, or not (planned: EXPLAIN). */
function totalCount(c: Common): TotalCount {
  switch (c.count) {
    case "exact":
      return { kind: "exact" };
    case "estimated":
      return { kind: "capped", atMost: ESTIMATED_COUNT_EXACT_UP_TO };
    case "planned":
    case null:
      return null;
  }
}

function planRelation(
  request: RestRequest,
  relation: RelationInfo,
  payload: JsonPayload | null,
): Plan {
  const query = parseQuery(request.query);
  const params = new Params();
  const source = relationSource(relation);
  if (request.method === "GET" || request.method === "HEAD") {
    const c = common(request, true);
    const { offset, limit } = page(request, query);
    const read = readStatement(
      params,
      source,
      { select: query.select, filters: query.filters, order: query.order, limit, offset },
      totalCount(c),
      c.shape,
    );
    return { ...base(request, params, read.sql, "read", c), offset, countQuery: read.countQuery };
  }

  refuseUnwritable(relation, request);
  const c = common(request, true);
  if (request.prefer.maxAffected !== null && request.prefer.handling === "strict") {
    c.applied.push(`max-affected=${String(request.prefer.maxAffected)}`);
  }
  const returning = mutationReturning(request, relation, query, c);
  if (query.limit !== null || query.offset !== null) {
    throw unsupported("limit/offset on insert, update or delete", request.query.toString());
  }

  if (request.method === "DELETE") {
    const sql = deleteStatement(params, relation, query.filters, returning, c.shape);
    return {
      ...base(request, params, sql, "delete", c),
      withBody: returning.kind === "representation",
    };
  }

  if (payload === null) throw new RestError(400, "PGRST102", "Empty or invalid json");

  if (request.method === "PATCH") {
    const row = objectOf(payload, "an update");
    const columns = payloadColumns(relation, query.columns ?? Object.keys(row));
    // PostgREST answers an update without columns without touching the table.
    const sql =
      columns.length === 0
        ? emptyStatement(c.shape)
        : updateStatement(
            params,
            relation,
            payload.text,
            columns,
            query.filters,
            returning,
            c.shape,
          );
    return {
      ...base(request, params, sql, "update", c),
      withBody: returning.kind === "representation",
    };
  }

  // POST: insert or upsert.
  if (query.filters.length > 0) {
    throw unsupported("filters on insert", request.query.toString());
  }
  const { rows, isArray } = rowsOf(payload);
  const columns = insertColumns(relation, rows, query.columns);
  const missingDefault = request.prefer.missing === "default";
  if (missingDefault) c.applied.push("missing=default");
  let conflict: { columns: readonly string[]; action: "merge" | "ignore" } | null = null;
  if (request.prefer.resolution !== null) {
    const target = query.onConflict ?? relation.primaryKey;
    if (target.length === 0) {
      throw new RestError(
        400,
        "PGRST100",
        `An upsert on ${relation.name} needs on_conflict: the ${relation.kind} has no primary key`,
      );
    }
    for (const name of target) columnOf(source, name);
    conflict = {
      columns: target,
      action: request.prefer.resolution === "merge-duplicates" ? "merge" : "ignore",
    };
    c.applied.push(`resolution=${request.prefer.resolution}`);
  } else if (query.onConflict !== null) {
    for (const name of query.onConflict) columnOf(source, name);
  }
  const sql = insertStatement(params, relation, {
    payloadText: payload.text,
    isArray,
    rowKeys: rows.map((row) => new Set(Object.keys(row))),
    columns,
    missingDefault,
    conflict,
    returning,
    shape: c.shape,
  });
  const plan = {
    ...base(request, params, sql, "insert", c),
    withBody: returning.kind === "representation",
    mergeUpsert: conflict?.action === "merge",
  };
  if (returning.kind === "keys") plan.location = { table: relation.name, keys: returning.columns };
  return plan;
}

const WRITES = {
  insert: { method: "POST", phrase: "insert into" },
  update: { method: "PATCH", phrase: "update" },
  delete: { method: "DELETE", phrase: "delete from" },
} as const;

/**
 * 405 for a write the relation cannot take at all (a view neither auto-updatable nor with an
 * INSTEAD OF trigger): Postgres' own 55000 refusal, which PostgREST would answer 500, is the
 * request's fault, so it is answered as a method the resource does not allow.
 */
function refuseUnwritable(relation: RelationInfo, request: RestRequest): void {
  const needed: (keyof typeof WRITES)[] =
    request.method === "POST"
      ? request.prefer.resolution === "merge-duplicates"
        ? ["insert", "update"]
        : ["insert"]
      : request.method === "PATCH"
        ? ["update"]
        : request.method === "DELETE"
          ? ["delete"]
          : [];
  const missing = needed.find((event) => !relation.writable[event]);
  if (missing === undefined) return;
  const allow = [
    "GET",
    "HEAD",
    ...(Object.keys(WRITES) as (keyof typeof WRITES)[])
      .filter((event) => relation.writable[event])
      .map((event) => WRITES[event].method),
  ].join(", ");
  throw new RestError(
    405,
    "55000",
    `cannot ${WRITES[missing].phrase} ${relation.kind} "${relation.name}"`,
    `The ${relation.kind} ${EXPOSED_SCHEMA}.${relation.name} takes no ${missing}: it is not automatically updatable and has no INSTEAD OF ${missing.toUpperCase()} trigger.`,
    "Write to the table it reads from instead.",
    { allow },
  );
}

function mutationReturning(
  request: RestRequest,
  relation: RelationInfo,
  query: ParsedQuery,
  c: Common,
): Returning {
  switch (request.prefer.return) {
    case "representation":
      c.applied.push("return=representation");
      return { kind: "representation", select: query.select };
    case "headers-only":
      c.applied.push("return=headers-only");
      return request.method === "POST" && relation.primaryKey.length > 0
        ? { kind: "keys", columns: relation.primaryKey }
        : { kind: "minimal" };
    case "minimal":
      c.applied.push("return=minimal");
      return { kind: "minimal" };
    case null:
      return { kind: "minimal" };
  }
}

/** PGRST204 for a payload or `columns=` key that is not a column. */
function payloadColumns(relation: RelationInfo, names: readonly string[]): string[] {
  const unique = [...new Set(names)];
  for (const name of unique) {
    if (!relation.columns.has(name)) {
      throw new RestError(
        400,
        "PGRST204",
        `Could not find the '${name}' column of '${relation.name}' in the schema cache`,
      );
    }
  }
  return unique;
}

function insertColumns(
  relation: RelationInfo,
  rows: readonly Record<string, unknown>[],
  columnsParam: readonly string[] | null,
): string[] {
  if (columnsParam !== null) return payloadColumns(relation, columnsParam);
  const first = rows[0];
  if (first === undefined) return [];
  const keys = Object.keys(first);
  const signature = [...keys].sort().join("\u0000");
  for (const row of rows) {
    if ([...Object.keys(row)].sort().join("\u0000") !== signature) {
      throw new RestError(400, "PGRST102", "All object keys must match");
    }
  }
  return payloadColumns(relation, keys);
}

function planRpc(
  catalog: Catalog,
  request: RestRequest,
  name: string,
  payload: JsonPayload | null,
): Plan {
  const candidates = catalog.functionsNamed(name);
  const argNames = new Set(candidates.flatMap((fn) => fn.args.map((arg) => arg.name)));
  const viaQuery = request.method === "GET" || request.method === "HEAD";
  const query = parseQuery(
    request.query,
    viaQuery ? (key) => argNames.has(key) && !RESERVED_PARAMS.has(key) : undefined,
  );
  let argsJson: string;
  let given: string[];
  if (viaQuery) {
    given = [...query.args.keys()];
    argsJson = JSON.stringify(Object.fromEntries(query.args));
  } else if (payload === null || payload.text.trim() === "") {
    given = [];
    argsJson = "{}";
  } else {
    given = Object.keys(objectOf(payload, "a function call"));
    argsJson = payload.text;
  }
  const fn = chooseFunction(catalog, name, candidates, given);
  const params = new Params();
  const call = functionCall(params, fn, argsJson, given);
  const result = fn.result;
  // PostgREST counts every call: the rows of a set, and 1 for a single value (or void).
  const c = common(request, true);
  const shaped =
    query.select.length !== 1 ||
    query.select[0]?.kind !== "star" ||
    query.filters.length > 0 ||
    query.order.length > 0 ||
    query.limit !== null ||
    query.offset !== null;

  switch (result.kind) {
    case "record":
      throw unsupported("functions returning an untyped record", fn.signature);
    case "void":
      if (shaped)
        throw unsupported(
          "select/filters/order/limit on a function that returns void",
          fn.signature,
        );
      return {
        ...base(request, params, scalarCallStatement(call, true), "void", c),
        singular: false,
      };
    case "scalar":
      if (shaped)
        throw unsupported(
          "select/filters/order/limit on a function that returns a scalar",
          fn.signature,
        );
      if (result.set) {
        const read = scalarSetStatement(params, call, c.shape.singular);
        return { ...base(request, params, read.sql, "read", c), countQuery: read.countQuery };
      }
      return {
        ...base(request, params, scalarCallStatement(call, false), "value", c),
        singular: false,
      };
    case "composite": {
      if (!result.set) {
        if (shaped)
          throw unsupported(
            "select/filters/order/limit on a function that returns one row",
            fn.signature,
          );
        return {
          ...base(request, params, scalarCallStatement(call, false), "value", c),
          singular: false,
        };
      }
      const source = functionSource(fn, result.columns, call);
      const { offset, limit } = page(request, query);
      const read = readStatement(
        params,
        source,
        { select: query.select, filters: query.filters, order: query.order, limit, offset },
        totalCount(c),
        c.shape,
      );
      return {
        ...base(request, params, read.sql, "read", c),
        offset,
        countQuery: read.countQuery,
      };
    }
  }
}

/** The overload whose named arguments cover `given` and whose required ones `given` covers. */
function chooseFunction(
  catalog: Catalog,
  name: string,
  candidates: readonly FunctionInfo[],
  given: readonly string[],
): FunctionInfo {
  const matches = candidates.filter((fn) => {
    if (fn.hasUnnamedArgs) return false;
    const names = new Set(fn.args.map((arg) => arg.name));
    return (
      given.every((key) => names.has(key)) &&
      fn.args.every((arg) => arg.hasDefault || given.includes(arg.name))
    );
  });
  const [only, ...others] = matches;
  if (only !== undefined && others.length === 0) return only;
  if (only !== undefined) {
    throw new RestError(
      300,
      "PGRST203",
      `Could not choose the best candidate function between: ${matches.map((fn) => `${EXPOSED_SCHEMA}.${fn.signature}`).join(", ")}`,
      null,
      "Try renaming the parameters or the function itself in the database so function overloading can be resolved",
    );
  }
  const list = [...given].sort().join(", ");
  const wanted =
    given.length === 0
      ? `${EXPOSED_SCHEMA}.${name} without parameters`
      : `${EXPOSED_SCHEMA}.${name}(${list})`;
  const searched =
    given.length === 0
      ? `Searched for the function ${EXPOSED_SCHEMA}.${name} without parameters, but no matches were found in the schema cache.`
      : `Searched for the function ${EXPOSED_SCHEMA}.${name} with parameters ${list}, but no matches were found in the schema cache.`;
  const suggestion =
    candidates.length > 0
      ? `Perhaps you meant to call the function ${EXPOSED_SCHEMA}.${candidates.map((fn) => fn.signature).join(` or ${EXPOSED_SCHEMA}.`)}`
      : (() => {
          const near = closest(name, catalog.functionNames());
          return near === undefined
            ? null
            : `Perhaps you meant to call the function ${EXPOSED_SCHEMA}.${near}`;
        })();
  throw new RestError(
    404,
    "PGRST202",
    `Could not find the function ${wanted} in the schema cache`,
    searched,
    suggestion,
  );
}
