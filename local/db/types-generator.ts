// Generates src/lib/database.types.ts from a migrated database, in the shape `supabase gen types
// typescript` produces (Database.public.{Tables,Views,Functions,Enums,CompositeTypes}), so
// createClient<Database>() types every query. Reads only the catalog.
import { join } from "node:path";
import { applyAll, type SqlRunner } from "./apply.ts";
import { openEmbedded } from "./embedded.ts";
import { repoRoot } from "./sql-files.ts";

/** In _shared so Edge Functions (deployed without src/) and the app use one generated file. */
export const typesPath = join(repoRoot, "supabase/functions/_shared/contracts/database.types.ts");

/** Types for the schema the migrations build now, from a fresh in-memory embedded database. */
export async function currentTypes(): Promise<string> {
  const db = await openEmbedded();
  try {
    await applyAll(db);
    return await generateTypes(db);
  } finally {
    await db.close();
  }
}

interface ColumnRow extends Record<string, unknown> {
  table_name: string;
  kind: string;
  column_name: string;
  type_name: string;
  elem_type: string | null;
  not_null: boolean;
  has_default: boolean;
}

interface RelationshipRow extends Record<string, unknown> {
  table_name: string;
  constraint_name: string;
  columns: string[];
  referenced_table: string;
  referenced_columns: string[];
  one_to_one: boolean;
}

interface FunctionRow extends Record<string, unknown> {
  name: string;
  arg_names: string[] | null;
  arg_types: string[] | null;
  arg_modes: string[] | null;
  defaults: number;
  return_type: string;
  returns_set: boolean;
}

const scalar: Record<string, string> = {
  bool: "boolean",
  int2: "number",
  int4: "number",
  int8: "number",
  float4: "number",
  float8: "number",
  numeric: "number",
  json: "Json",
  jsonb: "Json",
  void: "undefined",
};

function tsType(typeName: string, elemType: string | null = null): string {
  if (elemType !== null) return `${tsType(elemType)}[]`;
  if (typeName.startsWith("_")) return `${tsType(typeName.slice(1))}[]`;
  return scalar[typeName] ?? "string";
}

const ident = (name: string): string =>
  /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);

function block(entries: string[], indent: string, empty = "[_ in never]: never"): string {
  if (entries.length === 0) return `{\n${indent}  ${empty}\n${indent}}`;
  return `{\n${entries.map((e) => `${indent}  ${e}`).join("\n")}\n${indent}}`;
}

async function generateTypes(db: SqlRunner, schema = "public"): Promise<string> {
  const columns = await db.query<ColumnRow>(
    `select c.relname as table_name, c.relkind::text as kind, a.attname as column_name,
            t.typname as type_name, et.typname as elem_type,
            a.attnotnull as not_null,
            (a.atthasdef or a.attidentity <> '' or a.attgenerated <> '') as has_default
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       join pg_type t on t.oid = a.atttypid
       left join pg_type et on et.oid = t.typelem and t.typcategory = 'A'
      where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm')
      order by c.relname, a.attnum`,
    [schema],
  );
  const relationships = await db.query<RelationshipRow>(
    `select c.relname as table_name, con.conname as constraint_name,
            array(select a.attname::text from unnest(con.conkey) with ordinality k(n, i)
                    join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.i) as columns,
            rc.relname as referenced_table,
            array(select a.attname::text from unnest(con.confkey) with ordinality k(n, i)
                    join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n order by k.i) as referenced_columns,
            exists (select 1 from pg_constraint u where u.conrelid = con.conrelid and u.contype in ('p', 'u')
                     and u.conkey::int2[] @> con.conkey::int2[] and u.conkey::int2[] <@ con.conkey::int2[]) as one_to_one
       from pg_constraint con
       join pg_class c on c.oid = con.conrelid
       join pg_namespace n on n.oid = c.relnamespace
       join pg_class rc on rc.oid = con.confrelid
       join pg_namespace rn on rn.oid = rc.relnamespace
      where con.contype = 'f' and n.nspname = $1 and rn.nspname = $1
      order by c.relname, con.conname`,
    [schema],
  );
  const functions = await db.query<FunctionRow>(
    `select p.proname as name,
            coalesce(p.proargnames, array[]::text[]) as arg_names,
            array(select ty.typname::text from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality x(t, i)
                    join pg_type ty on ty.oid = x.t order by x.i) as arg_types,
            coalesce(p.proargmodes::text[], array[]::text[]) as arg_modes,
            p.pronargdefaults as defaults,
            rt.typname as return_type,
            p.proretset as returns_set
       from pg_proc p
       join pg_namespace n on n.oid = p.pronamespace
       join pg_type rt on rt.oid = p.prorettype
      where n.nspname = $1 and p.prokind = 'f' and rt.typname <> 'trigger'
      order by p.proname`,
    [schema],
  );

  const byTable = new Map<string, ColumnRow[]>();
  for (const column of columns) {
    const list = byTable.get(column.table_name) ?? [];
    list.push(column);
    byTable.set(column.table_name, list);
  }
  const relationshipsOf = (table: string, indent: string): string => {
    const rows = relationships.filter((r) => r.table_name === table);
    if (rows.length === 0) return "[]";
    const items = rows.map(
      (r) =>
        `${indent}  {\n` +
        `${indent}    foreignKeyName: ${JSON.stringify(r.constraint_name)}\n` +
        `${indent}    columns: [${r.columns.map((c) => JSON.stringify(c)).join(", ")}]\n` +
        `${indent}    isOneToOne: ${String(r.one_to_one)}\n` +
        `${indent}    referencedRelation: ${JSON.stringify(r.referenced_table)}\n` +
        `${indent}    referencedColumns: [${r.referenced_columns.map((c) => JSON.stringify(c)).join(", ")}]\n` +
        `${indent}  },`,
    );
    return `[\n${items.join("\n")}\n${indent}]`;
  };

  const tables: string[] = [];
  const views: string[] = [];
  for (const [table, cols] of byTable) {
    const isView = cols[0]?.kind === "v" || cols[0]?.kind === "m";
    const row = cols.map(
      (c) =>
        `${ident(c.column_name)}: ${tsType(c.type_name, c.elem_type)}${c.not_null && !isView ? "" : " | null"}`,
    );
    const i = "        ";
    if (isView) {
      views.push(
        `${ident(table)}: {\n${i}Row: ${block(row, i)}\n${i}Relationships: ${relationshipsOf(table, i)}\n      }`,
      );
      continue;
    }
    const insert = cols.map(
      (c) =>
        `${ident(c.column_name)}${c.not_null && !c.has_default ? "" : "?"}: ${tsType(c.type_name, c.elem_type)}${c.not_null ? "" : " | null"}`,
    );
    const update = cols.map(
      (c) =>
        `${ident(c.column_name)}?: ${tsType(c.type_name, c.elem_type)}${c.not_null ? "" : " | null"}`,
    );
    tables.push(
      `${ident(table)}: {\n${i}Row: ${block(row, i)}\n${i}Insert: ${block(insert, i)}\n${i}Update: ${block(update, i)}\n${i}Relationships: ${relationshipsOf(table, i)}\n      }`,
    );
  }

  const signatures = functions.map((f) => {
    const names = f.arg_names ?? [];
    const types = f.arg_types ?? [];
    const modes = f.arg_modes ?? [];
    const inputs: string[] = [];
    const outputs: string[] = [];
    types.forEach((type, index) => {
      const mode = modes[index] ?? "i";
      const name = names[index] ?? `arg${String(index)}`;
      if (mode === "o" || mode === "t") outputs.push(`${ident(name)}: ${tsType(type)}`);
      else inputs.push(`${ident(name)}: ${tsType(type)}`);
    });
    const firstDefault = inputs.length - f.defaults;
    const args = inputs.map((arg, index) =>
      index >= firstDefault ? arg.replace(/^([^:]+):/, "$1?:") : arg,
    );
    const i = "        ";
    let returns = tsType(f.return_type);
    if (outputs.length > 0) returns = `${block(outputs, i, "")}${f.returns_set ? "[]" : ""}`;
    else if (f.returns_set) returns = `${returns}[]`;
    const argsType = args.length === 0 ? "Record<PropertyKey, never>" : block(args, i);
    return { name: f.name, type: `{\n${i}Args: ${argsType}\n${i}Returns: ${returns}\n      }` };
  });
  // An overloaded function is one key whose type is the union of its signatures, as the
  // Supabase CLI writes it (two keys of one name would not compile).
  const byName = new Map<string, string[]>();
  for (const { name, type } of signatures) byName.set(name, [...(byName.get(name) ?? []), type]);
  const fns = [...byName].map(([name, types]) =>
    types.length === 1
      ? `${ident(name)}: ${types.join("")}`
      : `${ident(name)}:\n${types.map((type) => `        | ${type.replaceAll("\n", "\n  ")}`).join("\n")}`,
  );

  return `// Generated by \`npm run gen:types\` from the migrated database. Do not edit by hand:
// change a migration, then regenerate (a test fails while this file is stale).

export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]

export type Database = {
  ${schema}: {
    Tables: ${block(tables, "    ")}
    Views: ${block(views, "    ")}
    Functions: ${block(fns, "    ")}
    Enums: {
      [_ in never]: never
    }
    CompositeTypes: {
      [_ in never]: never
    }
  }
}

type PublicSchema = Database["${schema}"]

export type Tables<T extends keyof PublicSchema["Tables"]> = PublicSchema["Tables"][T]["Row"]
export type TablesInsert<T extends keyof PublicSchema["Tables"]> = PublicSchema["Tables"][T]["Insert"]
export type TablesUpdate<T extends keyof PublicSchema["Tables"]> = PublicSchema["Tables"][T]["Update"]
export type Views<T extends keyof PublicSchema["Views"]> = PublicSchema["Views"][T]["Row"]
`;
}
