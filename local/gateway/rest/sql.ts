// SQL for one request: every identifier is checked against the catalog and then double-quoted;
// every value is a bind parameter, sent as text and cast to the column's type inside Postgres.
// The response body is built by Postgres (json_agg), so both engines answer identical JSON.
import {
  EXPOSED_SCHEMA,
  type ColumnInfo,
  type FunctionInfo,
  type RelationInfo,
} from "./catalog.ts";
import { closest, RestError } from "./errors.ts";
import type { Filter, OrderTerm, SelectItem } from "./query-parser.ts";

/** Bind parameters, all sent as text (the same on PGlite and on `postgres`). */
export class Params {
  readonly values: string[] = [];

  /** `$n::text` */
  text(value: string): string {
    this.values.push(value);
    return `$${String(this.values.length)}::text`;
  }

  /** `$n::text::<type>`: a value cast to a catalog type (never a user-supplied type name). */
  typed(value: string, type: string): string {
    return `${this.text(value)}::${type}`;
  }
}

function quoteIdent(name: string): string {
  if (name.includes("\u0000")) throw new RestError(400, "PGRST100", "names may not contain NUL");
  return `"${name.replace(/"/g, '""')}"`;
}

function qualifiedName(name: string): string {
  return `${quoteIdent(EXPOSED_SCHEMA)}.${quoteIdent(name)}`;
}

/** What a read selects from: a relation, or the rows a set-returning function produced. */
export interface ReadSource {
  /** For messages: `agents`, or the function name. */
  label: string;
  columns: ReadonlyMap<string, ColumnInfo>;
  /** A `with ... ` prefix (empty for relations). */
  cte: string;
  /** The FROM item, always aliased `pgrst_t`. */
  from: string;
}

export function relationSource(relation: RelationInfo): ReadSource {
  return {
    label: relation.name,
    columns: relation.columns,
    cte: "",
    from: `${qualifiedName(relation.name)} as pgrst_t`,
  };
}

/** 42703 like PostgreSQL's, with PostgREST's "Perhaps you meant" hint. */
export function columnOf(
  source: { label: string; columns: ReadonlyMap<string, ColumnInfo> },
  name: string,
): ColumnInfo {
  const column = source.columns.get(name);
  if (column !== undefined) return column;
  const suggestion = closest(name, source.columns.keys());
  throw new RestError(
    400,
    "42703",
    `column ${source.label}.${name} does not exist`,
    null,
    suggestion === undefined
      ? null
      : `Perhaps you meant to reference the column "${source.label}.${suggestion}".`,
  );
}

function selectList(
  source: ReadSource | { label: string; columns: ReadonlyMap<string, ColumnInfo> },
  items: readonly SelectItem[],
): string {
  return items
    .map((item) => {
      if (item.kind === "star") return "pgrst_t.*";
      const column = columnOf(source, item.column);
      return `pgrst_t.${quoteIdent(column.name)} as ${quoteIdent(item.alias ?? column.name)}`;
    })
    .join(", ");
}

function whereClause(
  params: Params,
  source: { label: string; columns: ReadonlyMap<string, ColumnInfo> },
  filters: readonly Filter[],
): string {
  if (filters.length === 0) return "";
  return ` where ${filters.map((filter) => condition(params, source, filter)).join(" and ")}`;
}

const COMPARISON_SQL = {
  eq: "=",
  neq: "<>",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
} as const;

const IS_SQL = {
  null: "is null",
  not_null: "is not null",
  true: "is true",
  false: "is false",
  unknown: "is unknown",
} as const;

function condition(
  params: Params,
  source: { label: string; columns: ReadonlyMap<string, ColumnInfo> },
  filter: Filter,
): string {
  const column = columnOf(source, filter.column);
  const ref = `pgrst_t.${quoteIdent(column.name)}`;
  let sql: string;
  switch (filter.op) {
    case "eq":
    case "neq":
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      sql = `${ref} ${COMPARISON_SQL[filter.op]} ${params.typed(filter.value, column.type)}`;
      break;
    case "like":
    case "ilike":
      // PostgREST accepts * for % (a literal % must be URL-encoded).
      sql = `${ref} ${filter.op} ${params.text(filter.value.replace(/\*/g, "%"))}`;
      break;
    case "in":
      sql =
        filter.values.length === 0
          ? "false"
          : `${ref} in (select pgrst_v.v::${column.type} from json_array_elements_text(${params.text(JSON.stringify(filter.values))}::json) as pgrst_v(v))`;
      break;
    case "is":
      sql = `${ref} ${IS_SQL[filter.value]}`;
      break;
  }
  return filter.negate ? `not (${sql})` : sql;
}

function orderClause(
  source: { label: string; columns: ReadonlyMap<string, ColumnInfo> },
  order: readonly OrderTerm[],
): string {
  if (order.length === 0) return "";
  const terms = order.map((term) => {
    const column = columnOf(source, term.column);
    const nulls = term.nulls === null ? "" : ` nulls ${term.nulls}`;
    return `pgrst_t.${quoteIdent(column.name)} ${term.descending ? "desc" : "asc"}${nulls}`;
  });
  return ` order by ${terms.join(", ")}`;
}

export interface BodyShape {
  singular: boolean;
  stripNulls: boolean;
}

/**
 * The JSON text of the rows of `alias` (or of its composite column `column`): an array, or its
 * only element when singular.
 */
function bodyExpression(alias: string, shape: BodyShape, column?: string): string {
  const value = column === undefined ? `${alias}.*` : `${alias}.${column}`;
  const row = shape.stripNulls ? `json_strip_nulls(row_to_json(${value}))` : value;
  return shape.singular
    ? `(json_agg(${row}) -> 0)::text`
    : `coalesce(json_agg(${row}), '[]'::json)::text`;
}

export interface ReadQuery {
  select: readonly SelectItem[];
  filters: readonly Filter[];
  order: readonly OrderTerm[];
  limit: number | null;
  offset: number;
}

/** `select 1 from <source> where <filters>`: what a planned count asks EXPLAIN about. */
export interface CountQuery {
  sql: string;
  params: string[];
}

/** A read's total: counted exactly, counted up to a cap (`count=estimated`), or not at all. */
export type TotalCount = { kind: "exact" } | { kind: "capped"; atMost: number } | null;

export interface ReadStatement {
  sql: string;
  countQuery: CountQuery;
}

/**
 * One row: body (JSON text), page_rows (rows in the body) and total (all matching rows, when
 * counted; the filters are evaluated again without limit/offset). Also the bare count query, for
 * EXPLAIN when a planned count is asked for.
 */
export function readStatement(
  params: Params,
  source: ReadSource,
  query: ReadQuery,
  count: TotalCount,
  shape: BodyShape,
): ReadStatement {
  const columns = selectList(source, query.select);
  const where = whereClause(params, source, query.filters);
  // Everything bound so far is what the count query uses (limit and offset come after).
  const countQuery = {
    sql: `${source.cte}select 1 from ${source.from}${where}`,
    params: [...params.values],
  };
  const order = orderClause(source, query.order);
  const limit = query.limit === null ? "" : ` limit ${params.typed(String(query.limit), "bigint")}`;
  const offset =
    query.offset === 0 ? "" : ` offset ${params.typed(String(query.offset), "bigint")}`;
  const page = `select ${columns} from ${source.from}${where}${order}${limit}${offset}`;
  // A capped count stops early: count=estimated only needs to know whether the cap was passed.
  const total =
    count === null
      ? "null::int"
      : count.kind === "exact"
        ? `(select count(*) from ${source.from}${where})::int`
        : `(select count(*) from (select 1 from ${source.from}${where} limit ${String(count.atMost + 1)}) as pgrst_c)::int`;
  return {
    sql: `${source.cte}select ${bodyExpression("pgrst_r", shape)} as body, count(*)::int as page_rows, ${total} as total from (${page}) as pgrst_r`,
    countQuery,
  };
}

/** What a mutation returns: the selected columns, the primary key (for Location) or nothing. */
export type Returning =
  | { kind: "representation"; select: readonly SelectItem[] }
  | { kind: "keys"; columns: readonly string[] }
  | { kind: "minimal" };

function mutationStatement(
  statement: string,
  returning: Returning,
  relation: RelationInfo,
  shape: BodyShape,
  insertedBy: readonly string[] | null = null,
): string {
  let list: string;
  switch (returning.kind) {
    case "representation":
      list = selectList({ label: relation.name, columns: relation.columns }, returning.select);
      break;
    case "keys":
      list = returning.columns.map((name) => `pgrst_t.${quoteIdent(name)}`).join(", ");
      break;
    case "minimal":
      list = "1 as pgrst_one";
      break;
  }
  if (insertedBy === null) {
    const body = returning.kind === "minimal" ? "null::text" : bodyExpression("pgrst_r", shape);
    return `with pgrst_mut as (${statement} returning ${list}) select ${body} as body, count(*)::int as page_rows, null::int as total from pgrst_mut as pgrst_r`;
  }
  // An upsert also says how many rows were new (PostgREST answers 200 when none were). Each
  // returned row rides as one composite next to its marker, so the body is unchanged. The marker
  // looks the conflict key up in the table as it was before this statement (its own writes are
  // not visible to it): tables, partitioned tables and views alike, where xmax is not.
  const key = insertedBy
    .map((name) => `pgrst_o.${quoteIdent(name)} = pgrst_t.${quoteIdent(name)}`)
    .join(" and ");
  const marker = `not exists (select 1 from ${qualifiedName(relation.name)} as pgrst_o where ${key})`;
  const body =
    returning.kind === "minimal" ? "null::text" : bodyExpression("pgrst_r", shape, "pgrst_row");
  return `with pgrst_mut as (${statement} returning (select pgrst_x from (select ${list}) as pgrst_x) as pgrst_row, ${marker} as pgrst_inserted) select ${body} as body, count(*)::int as page_rows, null::int as total, (count(*) filter (where pgrst_r.pgrst_inserted))::int as inserted from pgrst_mut as pgrst_r`;
}

export interface InsertOptions {
  /** The payload text (one object, or an array of objects). */
  payloadText: string;
  isArray: boolean;
  /** Each row's keys, for `missing=default` (a key not present takes the column default). */
  rowKeys: readonly ReadonlySet<string>[];
  /** The columns written, already checked against the relation. */
  columns: readonly string[];
  missingDefault: boolean;
  conflict: { columns: readonly string[]; action: "merge" | "ignore" } | null;
  returning: Returning;
  shape: BodyShape;
}

export function insertStatement(
  params: Params,
  relation: RelationInfo,
  options: InsertOptions,
): string {
  const table = qualifiedName(relation.name);
  const payload = params.text(options.payloadText);
  const columnList =
    options.columns.length === 0 ? "" : ` (${options.columns.map(quoteIdent).join(", ")})`;
  let source: string;
  if (options.missingDefault && options.columns.length > 0) {
    const element = (index: number) =>
      options.isArray ? `(${payload}::json -> ${String(index)})` : `${payload}::json`;
    const rows = options.rowKeys.map((keys, index) => {
      const cells = options.columns.map((name) =>
        keys.has(name)
          ? `(select pgrst_b.${quoteIdent(name)} from json_populate_record(null::${table}, ${element(index)}) as pgrst_b)`
          : "default",
      );
      return `(${cells.join(", ")})`;
    });
    source = `values ${rows.join(", ")}`;
  } else {
    const records = options.isArray ? `${payload}::json` : `json_build_array(${payload}::json)`;
    const cells = options.columns.map((name) => `pgrst_b.${quoteIdent(name)}`).join(", ");
    source = `select ${cells} from json_populate_recordset(null::${table}, ${records}) as pgrst_b`;
  }
  let conflict = "";
  if (options.conflict !== null) {
    const target = `(${options.conflict.columns.map(quoteIdent).join(", ")})`;
    conflict =
      options.conflict.action === "ignore" || options.columns.length === 0
        ? ` on conflict ${target} do nothing`
        : ` on conflict ${target} do update set ${options.columns.map((name) => `${quoteIdent(name)} = excluded.${quoteIdent(name)}`).join(", ")}`;
  }
  return mutationStatement(
    `insert into ${table} as pgrst_t${columnList} ${source}${conflict}`,
    options.returning,
    relation,
    options.shape,
    options.conflict?.action === "merge" ? options.conflict.columns : null,
  );
}

export function updateStatement(
  params: Params,
  relation: RelationInfo,
  payloadText: string,
  columns: readonly string[],
  filters: readonly Filter[],
  returning: Returning,
  shape: BodyShape,
): string {
  const table = qualifiedName(relation.name);
  const payload = params.text(payloadText);
  const assignments = columns
    .map((name) => `${quoteIdent(name)} = pgrst_b.${quoteIdent(name)}`)
    .join(", ");
  const where = whereClause(params, { label: relation.name, columns: relation.columns }, filters);
  return mutationStatement(
    `update ${table} as pgrst_t set ${assignments} from json_populate_record(null::${table}, ${payload}::json) as pgrst_b${where}`,
    returning,
    relation,
    shape,
  );
}

export function deleteStatement(
  params: Params,
  relation: RelationInfo,
  filters: readonly Filter[],
  returning: Returning,
  shape: BodyShape,
): string {
  const where = whereClause(params, { label: relation.name, columns: relation.columns }, filters);
  return mutationStatement(
    `delete from ${qualifiedName(relation.name)} as pgrst_t${where}`,
    returning,
    relation,
    shape,
  );
}

/** `public.fn(a => pgrst_args.a, ...)` and the FROM item that types the JSON arguments. */
export function functionCall(
  params: Params,
  fn: FunctionInfo,
  argsJson: string,
  names: readonly string[],
): { call: string; argsFrom: string | null } {
  const byName = new Map(fn.args.map((arg) => [arg.name, arg]));
  const used = names.map((name) => {
    const arg = byName.get(name);
    if (arg === undefined)
      throw new Error(`argument ${name} was not resolved against ${fn.signature}`);
    return arg;
  });
  const call = `${qualifiedName(fn.name)}(${used.map((arg) => `${quoteIdent(arg.name)} => pgrst_args.${quoteIdent(arg.name)}`).join(", ")})`;
  if (used.length === 0) return { call, argsFrom: null };
  const definitions = used.map((arg) => `${quoteIdent(arg.name)} ${arg.type}`).join(", ");
  return {
    call,
    argsFrom: `json_to_record(${params.text(argsJson)}::json) as pgrst_args(${definitions})`,
  };
}

/** A function returning one value (scalar, composite or void): body is its JSON. */
export function scalarCallStatement(
  call: { call: string; argsFrom: string | null },
  isVoid: boolean,
): string {
  const value = isVoid ? `(${call.call})::text` : `to_json(${call.call})::text`;
  const from = call.argsFrom === null ? "" : ` from ${call.argsFrom}`;
  return `select ${value} as body, 1 as page_rows, null::int as total${from}`;
}

/** A function returning `setof <scalar>`: a JSON array of its values. */
export function scalarSetStatement(
  params: Params,
  call: { call: string; argsFrom: string | null },
  singular: boolean,
): ReadStatement {
  const from =
    call.argsFrom === null
      ? `${call.call} as pgrst_t`
      : `${call.argsFrom}, ${call.call} as pgrst_t`;
  const body = bodyExpression("pgrst_t", { singular, stripNulls: false });
  return {
    sql: `select ${body} as body, count(*)::int as page_rows, count(*)::int as total from ${from}`,
    countQuery: { sql: `select 1 from ${from}`, params: [...params.values] },
  };
}

/** No statement to run (an update without columns): no rows. */
export function emptyStatement(shape: BodyShape): string {
  return `select ${shape.singular ? "null::text" : "'[]'::text"} as body, 0 as page_rows, null::int as total`;
}

/** The rows of a set-returning function as a read source (evaluated once, in a CTE). */
export function functionSource(
  fn: FunctionInfo,
  columns: ReadonlyMap<string, ColumnInfo>,
  call: { call: string; argsFrom: string | null },
): ReadSource {
  const from =
    call.argsFrom === null
      ? `${call.call} as pgrst_f`
      : `${call.argsFrom}, ${call.call} as pgrst_f`;
  return {
    label: fn.name,
    columns,
    cte: `with pgrst_source as (select pgrst_f.* from ${from}) `,
    from: "pgrst_source as pgrst_t",
  };
}
