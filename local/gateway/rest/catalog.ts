// The schema cache: relations (tables, views) and functions of the one exposed schema, `public`,
// read from pg_catalog. Every identifier a request names is checked here before it is quoted into
// SQL. Loaded once per process and reloaded when a request names something unknown (at most once
// a second), so objects created after start-up are found without a NOTIFY channel.
import { z } from "zod";
import type { Database } from "../../db/database.ts";

export const EXPOSED_SCHEMA = "public";

const columnSchema = z.object({
  name: z.string(),
  /** format_type without typmod: a cast target that never truncates or rounds a value. */
  type: z.string(),
  notNull: z.boolean(),
  hasDefault: z.boolean(),
  generated: z.boolean(),
});

const relationSchema = z.object({
  name: z.string(),
  kind: z.enum(["r", "p", "v", "m", "f"]),
  columns: z.array(columnSchema),
  primaryKey: z.array(z.string()),
  /** pg_relation_is_updatable(oid, true): bits 4 update, 8 insert, 16 delete; absent = all. */
  updatableEvents: z.number().int().optional(),
});

const argumentSchema = z.object({
  name: z.string(),
  type: z.string(),
  mode: z.enum(["i", "o", "b", "v", "t"]),
});

const functionSchema = z.object({
  name: z.string(),
  signature: z.string(),
  returnsSet: z.boolean(),
  returnType: z.string(),
  returnTypeKind: z.string(),
  isVoid: z.boolean(),
  args: z.array(argumentSchema),
  inputDefaults: z.number().int(),
  compositeColumns: z.array(z.object({ name: z.string(), type: z.string() })).nullable(),
});

const catalogSchema = z.object({
  relations: z.array(relationSchema),
  functions: z.array(functionSchema),
});

export type CatalogData = z.infer<typeof catalogSchema>;
export type ColumnInfo = z.infer<typeof columnSchema>;

export interface RelationInfo {
  name: string;
  kind: "table" | "view" | "materialized view" | "foreign table";
  columns: ReadonlyMap<string, ColumnInfo>;
  primaryKey: readonly string[];
  /** What the relation can take at all (a view only when auto-updatable or with INSTEAD OF triggers). */
  writable: { insert: boolean; update: boolean; delete: boolean };
}

interface ArgumentInfo {
  name: string;
  type: string;
  hasDefault: boolean;
}

type FunctionResult =
  | { kind: "void" }
  | { kind: "scalar"; set: boolean; type: string }
  | { kind: "composite"; set: boolean; columns: ReadonlyMap<string, ColumnInfo> }
  /** `returns setof record` without OUT parameters: needs a column list we cannot know. */
  | { kind: "record" };

export interface FunctionInfo {
  name: string;
  /** pg_catalog's regprocedure text, for messages. */
  signature: string;
  /** Input arguments in declaration order. */
  args: readonly ArgumentInfo[];
  /** True when an input argument has no name (it cannot be passed by name). */
  hasUnnamedArgs: boolean;
  result: FunctionResult;
}

const RELATION_KINDS = {
  r: "table",
  p: "table",
  v: "view",
  m: "materialized view",
  f: "foreign table",
} as const;

/** One JSON document describing the exposed schema (built in SQL so both engines agree). */
const CATALOG_QUERY = `
select json_build_object(
  'relations', coalesce((
    select json_agg(json_build_object(
      'name', c.relname,
      'kind', c.relkind,
      'columns', coalesce((
        select json_agg(json_build_object(
          'name', a.attname,
          'type', format_type(a.atttypid, null),
          'notNull', a.attnotnull,
          'hasDefault', a.atthasdef or a.attidentity <> '',
          'generated', a.attgenerated <> ''
        ) order by a.attnum)
        from pg_catalog.pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      ), '[]'::json),
      'primaryKey', coalesce((
        select json_agg(a.attname order by k.ord)
        from pg_catalog.pg_constraint con
        cross join lateral unnest(con.conkey) with ordinality as k(attnum, ord)
        join pg_catalog.pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
        where con.conrelid = c.oid and con.contype = 'p'
      ), '[]'::json),
      'updatableEvents', pg_catalog.pg_relation_is_updatable(c.oid::regclass, true)
    ) order by c.relname)
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = '${EXPOSED_SCHEMA}' and c.relkind in ('r', 'p', 'v', 'm', 'f')
  ), '[]'::json),
  'functions', coalesce((
    select json_agg(json_build_object(
      'name', p.proname,
      'signature', p.oid::regprocedure::text,
      'returnsSet', p.proretset,
      'returnType', format_type(p.prorettype, null),
      'returnTypeKind', t.typtype,
      'isVoid', p.prorettype = 'pg_catalog.void'::regtype,
      'args', coalesce((
        select json_agg(json_build_object(
          'name', coalesce(p.proargnames[i], ''),
          'type', format_type(coalesce(p.proallargtypes[i], p.proargtypes[i - 1]), null),
          'mode', coalesce(p.proargmodes[i], 'i')
        ) order by i)
        from generate_series(1, coalesce(array_length(p.proallargtypes, 1), p.pronargs)) as i
      ), '[]'::json),
      'inputDefaults', p.pronargdefaults,
      'compositeColumns', case when t.typtype = 'c' then coalesce((
        select json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, null))
                        order by a.attnum)
        from pg_catalog.pg_attribute a
        where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
      ), '[]'::json) end
    ) order by p.proname, p.oid)
    from pg_catalog.pg_proc p
    join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    join pg_catalog.pg_type t on t.oid = p.prorettype
    where n.nspname = '${EXPOSED_SCHEMA}'
      and p.prokind = 'f'
      and p.prorettype not in ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype)
  ), '[]'::json)
)::text as catalog
`;

/** An immutable snapshot of the exposed schema. */
export class Catalog {
  private readonly relations = new Map<string, RelationInfo>();
  private readonly functions = new Map<string, FunctionInfo[]>();

  constructor(data: CatalogData) {
    for (const relation of data.relations) {
      this.relations.set(relation.name, {
        name: relation.name,
        kind: RELATION_KINDS[relation.kind],
        columns: new Map(relation.columns.map((column) => [column.name, column])),
        primaryKey: relation.primaryKey,
        writable: writableFrom(relation.updatableEvents),
      });
    }
    for (const fn of data.functions) {
      const list = this.functions.get(fn.name) ?? [];
      list.push(toFunctionInfo(fn));
      this.functions.set(fn.name, list);
    }
  }

  relation(name: string): RelationInfo | undefined {
    return this.relations.get(name);
  }

  functionsNamed(name: string): readonly FunctionInfo[] {
    return this.functions.get(name) ?? [];
  }

  relationNames(): IterableIterator<string> {
    return this.relations.keys();
  }

  functionNames(): IterableIterator<string> {
    return this.functions.keys();
  }
}

/** CMD_UPDATE = 2, CMD_INSERT = 3, CMD_DELETE = 4, as bits of pg_relation_is_updatable. */
function writableFrom(events: number | undefined): RelationInfo["writable"] {
  if (events === undefined) return { insert: true, update: true, delete: true };
  return {
    insert: (events & (1 << 3)) !== 0,
    update: (events & (1 << 2)) !== 0,
    delete: (events & (1 << 4)) !== 0,
  };
}

function toFunctionInfo(fn: z.infer<typeof functionSchema>): FunctionInfo {
  const inputs = fn.args.filter((arg) => arg.mode === "i" || arg.mode === "b" || arg.mode === "v");
  const outputs = fn.args.filter((arg) => arg.mode === "o" || arg.mode === "b" || arg.mode === "t");
  const firstDefault = inputs.length - fn.inputDefaults;
  const args = inputs.map((arg, index) => ({
    name: arg.name,
    type: arg.type,
    hasDefault: index >= firstDefault,
  }));
  const asColumns = (list: { name: string; type: string }[]) =>
    new Map(
      list.map((column) => [
        column.name,
        { ...column, notNull: false, hasDefault: false, generated: false },
      ]),
    );
  let result: FunctionResult;
  if (fn.isVoid) {
    result = { kind: "void" };
  } else if (fn.compositeColumns !== null) {
    result = { kind: "composite", set: fn.returnsSet, columns: asColumns(fn.compositeColumns) };
  } else if (fn.returnType === "record") {
    result =
      outputs.length > 0 && outputs.every((column) => column.name !== "")
        ? { kind: "composite", set: fn.returnsSet, columns: asColumns(outputs) }
        : { kind: "record" };
  } else {
    result = { kind: "scalar", set: fn.returnsSet, type: fn.returnType };
  }
  return {
    name: fn.name,
    signature: fn.signature,
    args,
    hasUnnamedArgs: args.some((arg) => arg.name === ""),
    result,
  };
}

export async function loadCatalog(db: Database): Promise<Catalog> {
  const rows = await db.query<{ catalog: unknown }>(CATALOG_QUERY);
  const text = z.object({ catalog: z.string() }).parse(rows[0]).catalog;
  return new Catalog(catalogSchema.parse(JSON.parse(text)));
}

/** The per-process cache with reload-on-miss, at most once per `minReloadMs`. */
export class SchemaCache {
  private current: Promise<Catalog> | undefined;
  private loadedAt = -Infinity;

  constructor(
    private readonly load: () => Promise<Catalog>,
    private readonly minReloadMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<Catalog> {
    this.current ??= this.reload();
    return this.current;
  }

  /**
   * A fresh snapshot; when the last load started less than `minReloadMs` ago, that load's
   * snapshot instead (possibly the one the caller already has).
   */
  refresh(): Promise<Catalog> {
    if (this.current !== undefined && this.now() - this.loadedAt < this.minReloadMs) {
      return this.current;
    }
    this.current = this.reload();
    return this.current;
  }

  private reload(): Promise<Catalog> {
    this.loadedAt = this.now();
    const loading = this.load();
    loading.catch(() => {
      // A failed load is retried by the next request rather than cached.
      if (this.current === loading) this.current = undefined;
    });
    return loading;
  }
}
