// PostgREST's query-string grammar, as far as this gateway implements it: `select`, `order`,
// `limit`, `offset`, `columns`, `on_conflict` and horizontal filters `col=[not.]op.value`.
// Pure: the result names columns but does not know whether they exist (the SQL builder checks
// every name against the catalog). Real PostgREST syntax that is not implemented here answers
// 501 naming the feature; text that is not PostgREST syntax at all answers 400 PGRST100.
import { parseFailure, unsupported } from "./errors.ts";

export const COMPARISON_OPERATORS = [
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "like",
  "ilike",
] as const;
type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export const IS_VALUES = ["null", "not_null", "true", "false", "unknown"] as const;
type IsValue = (typeof IS_VALUES)[number];

export type Filter =
  | { column: string; negate: boolean; op: ComparisonOperator; value: string }
  | { column: string; negate: boolean; op: "in"; values: string[] }
  | { column: string; negate: boolean; op: "is"; value: IsValue };

export type SelectItem =
  { kind: "star" } | { kind: "column"; column: string; alias: string | null };

export interface OrderTerm {
  column: string;
  descending: boolean;
  nulls: "first" | "last" | null;
}

export interface ParsedQuery {
  /** The `select` list; `*` when absent. */
  select: SelectItem[];
  order: OrderTerm[];
  limit: number | null;
  offset: number | null;
  filters: Filter[];
  /** `on_conflict=` columns, if given. */
  onConflict: string[] | null;
  /** `columns=` (insert/update payload columns), if given. */
  columns: string[] | null;
  /** Function arguments given in the query string (GET/HEAD /rpc/fn). */
  args: Map<string, string>;
}

/** Query parameters that are never filters. */
export const RESERVED_PARAMS = new Set([
  "select",
  "order",
  "limit",
  "offset",
  "on_conflict",
  "columns",
  "apikey",
]);

/** PostgREST operators this gateway does not implement (answered 501, not 400). */
const UNIMPLEMENTED_OPERATORS = new Set([
  "match",
  "imatch",
  "isdistinct",
  "fts",
  "plfts",
  "phfts",
  "wfts",
  "cs",
  "cd",
  "ov",
  "sl",
  "sr",
  "nxr",
  "nxl",
  "adj",
]);

const STAR: SelectItem = { kind: "star" };

/**
 * Parses a request's query string. `isArgument(key)` says which keys are function arguments
 * (for GET /rpc/fn); every other non-reserved key is a filter.
 */
export function parseQuery(
  params: URLSearchParams,
  isArgument: (key: string) => boolean = () => false,
): ParsedQuery {
  const parsed: ParsedQuery = {
    select: [STAR],
    order: [],
    limit: null,
    offset: null,
    filters: [],
    onConflict: null,
    columns: null,
    args: new Map(),
  };
  for (const [key, value] of params) {
    switch (key) {
      case "select":
        parsed.select = parseSelect(value);
        break;
      case "order":
        parsed.order = parseOrder(value);
        break;
      case "limit":
        parsed.limit = parseCount("limit", value);
        break;
      case "offset":
        parsed.offset = parseCount("offset", value);
        break;
      case "on_conflict":
        parsed.onConflict = parseColumnList("on_conflict", value);
        break;
      case "columns":
        parsed.columns = parseColumnList("columns", value);
        break;
      case "apikey":
        break;
      default:
        if (isArgument(key)) parsed.args.set(key, value);
        else parsed.filters.push(parseFilter(key, value));
    }
  }
  return parsed;
}

/** Splits on `separator` outside double quotes and parentheses. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quoted) {
      current += char;
      if (char === "\\" && i + 1 < text.length) {
        current += text.charAt(i + 1);
        i++;
      } else if (char === '"') {
        quoted = false;
      }
      continue;
    }
    if (char === '"') quoted = true;
    else if (char === "(") depth++;
    else if (char === ")") depth--;
    if (char === separator && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (quoted) throw parseFailure(`unterminated double quote in "${text}"`);
  if (depth !== 0) throw parseFailure(`unbalanced parentheses in "${text}"`);
  parts.push(current);
  return parts;
}

/** `"quoted name"` (with \" and \\ escapes) or a bare name. */
function unquote(token: string, context: string): string {
  if (token.startsWith('"')) {
    if (token.length < 2 || !token.endsWith('"')) {
      throw parseFailure(`failed to parse ${context} (${token})`, "unterminated quoted name");
    }
    const inner = token.slice(1, -1);
    let out = "";
    for (let i = 0; i < inner.length; i++) {
      const char = inner.charAt(i);
      if (char === "\\" && i + 1 < inner.length) {
        out += inner.charAt(i + 1);
        i++;
      } else if (char === '"') {
        throw parseFailure(`failed to parse ${context} (${token})`, "unescaped quote in a name");
      } else {
        out += char;
      }
    }
    return out;
  }
  if (token.includes('"')) {
    throw parseFailure(`failed to parse ${context} (${token})`, "misplaced double quote");
  }
  return token;
}

/** Rejects, by name, the PostgREST syntax a column reference may carry that is not implemented. */
function plainColumn(token: string, context: string, whole: string): string {
  if (!token.startsWith('"')) {
    if (token.includes("->")) throw unsupported("JSON path (-> / ->>)", `${context}=${whole}`);
    if (token.includes("::")) throw unsupported("casting columns (::)", `${context}=${whole}`);
    if (token.includes("(") || token.includes("!") || token.startsWith("...")) {
      throw unsupported("resource embedding", whole);
    }
    if (token.includes(".")) throw unsupported("resource embedding", whole);
  }
  const name = unquote(token, context);
  if (name === "") throw parseFailure(`failed to parse ${context} (${whole})`, "empty column name");
  return name;
}

export function parseSelect(value: string): SelectItem[] {
  const trimmed = value.trim();
  if (trimmed === "") return [];
  return splitTopLevel(trimmed, ",").map((raw): SelectItem => {
    const item = raw.trim();
    if (item === "*") return STAR;
    if (item === "")
      throw parseFailure(`failed to parse select parameter (${value})`, "empty item");
    // Syntax counts only outside double quotes: a quoted name may hold any character.
    const bare = outsideQuotes(item);
    if (/(^|:)count\(\)$|\.(count|sum|avg|min|max)\(\)$/i.test(bare)) {
      throw unsupported("aggregate functions", item);
    }
    if (bare.startsWith("...") || bare.includes("(")) {
      throw unsupported("resource embedding", item);
    }
    const colon = findAliasColon(item);
    if (colon === -1) {
      return { kind: "column", column: plainColumn(item, "select", item), alias: null };
    }
    const alias = unquote(item.slice(0, colon).trim(), "select");
    const column = plainColumn(item.slice(colon + 1).trim(), "select", item);
    if (alias === "")
      throw parseFailure(`failed to parse select parameter (${value})`, "empty alias");
    return { kind: "column", column, alias };
  });
}

/** `item` without its double-quoted parts (and their \\ escapes). */
function outsideQuotes(item: string): string {
  let out = "";
  let quoted = false;
  for (let i = 0; i < item.length; i++) {
    const char = item.charAt(i);
    if (quoted && char === "\\") {
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted) out += char;
  }
  return out;
}

/** Index of the `alias:` colon (a single colon outside quotes, not part of `::`), or -1. */
function findAliasColon(item: string): number {
  let quoted = false;
  for (let i = 0; i < item.length; i++) {
    const char = item.charAt(i);
    if (quoted && char === "\\") {
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (quoted || char !== ":") continue;
    if (item.charAt(i + 1) === ":") return -1;
    return i;
  }
  return -1;
}

export function parseOrder(value: string): OrderTerm[] {
  if (value.trim() === "") return [];
  return splitTopLevel(value, ",").map((raw) => {
    const term = raw.trim();
    if (!term.startsWith('"') && term.includes("("))
      throw unsupported("ordering by embedded resources", term);
    const parts = splitTopLevel(term, ".");
    const [first = "", ...modifiers] = parts;
    if (!first.startsWith('"') && first.includes("->"))
      throw unsupported("JSON path (-> / ->>)", `order=${term}`);
    const column = unquote(first, "order");
    if (column === "") throw parseFailure(`failed to parse order (${term})`);
    let descending = false;
    let nulls: OrderTerm["nulls"] = null;
    let index = 0;
    const direction = modifiers[index];
    if (direction === "asc" || direction === "desc") {
      descending = direction === "desc";
      index++;
    }
    const nullsModifier = modifiers[index];
    if (nullsModifier === "nullsfirst" || nullsModifier === "nullslast") {
      nulls = nullsModifier === "nullsfirst" ? "first" : "last";
      index++;
    }
    if (index !== modifiers.length) {
      throw parseFailure(
        `failed to parse order (${term})`,
        "expected column[.asc|.desc][.nullsfirst|.nullslast]",
      );
    }
    return { column, descending, nulls };
  });
}

function parseCount(name: "limit" | "offset", value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) {
    throw parseFailure(
      `failed to parse ${name} parameter (${value})`,
      "expected a non-negative integer",
    );
  }
  return number;
}

function parseColumnList(name: string, value: string): string[] {
  return splitTopLevel(value, ",").map((raw) => {
    const token = raw.trim();
    const column = unquote(token, name);
    if (column === "")
      throw parseFailure(`failed to parse ${name} parameter (${value})`, "empty column name");
    return column;
  });
}

export function parseFilter(key: string, value: string): Filter {
  if (["or", "and", "not.or", "not.and"].includes(key)) {
    throw unsupported("logical operators (or/and)", `${key}=${value}`);
  }
  const column = plainColumn(key, "filter", `${key}=${value}`);
  let rest = value;
  let negate = false;
  if (rest.startsWith("not.")) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf(".");
  const opToken = dot === -1 ? rest : rest.slice(0, dot);
  const operand = dot === -1 ? "" : rest.slice(dot + 1);
  const modifier = /^([a-z]+)\((.*)\)$/i.exec(opToken);
  if (modifier) {
    const base = (modifier[1] ?? "").toLowerCase();
    if (base === "fts" || base === "plfts" || base === "phfts" || base === "wfts") {
      throw unsupported(`the ${base} operator`, `${key}=${value}`);
    }
    if (isComparison(base)) throw unsupported("operator modifiers (any/all)", `${key}=${value}`);
  }
  if (dot === -1) {
    throw parseFailure(
      `failed to parse filter (${value})`,
      "expected [not.]operator.value, e.g. eq.5",
    );
  }
  if (isComparison(opToken)) return { column, negate, op: opToken, value: operand };
  if (opToken === "in") return { column, negate, op: "in", values: parseInList(operand) };
  if (opToken === "is") {
    const lowered = operand.toLowerCase();
    if (!isIsValue(lowered)) {
      throw parseFailure(
        `failed to parse filter (${value})`,
        "is. takes null, not_null, true, false or unknown",
      );
    }
    return { column, negate, op: "is", value: lowered };
  }
  if (UNIMPLEMENTED_OPERATORS.has(opToken)) {
    throw unsupported(`the ${opToken} operator`, `${key}=${value}`);
  }
  throw parseFailure(
    `failed to parse filter (${value})`,
    `unknown operator "${opToken}"; supported: ${COMPARISON_OPERATORS.join(", ")}, in, is (each may be negated with not.)`,
  );
}

function isComparison(token: string): token is ComparisonOperator {
  return (COMPARISON_OPERATORS as readonly string[]).includes(token);
}

function isIsValue(token: string): token is IsValue {
  return (IS_VALUES as readonly string[]).includes(token);
}

/** `(a,"b,c",d)`: PostgREST's list syntax; double quotes protect commas and parentheses. */
export function parseInList(operand: string): string[] {
  if (!operand.startsWith("(") || !operand.endsWith(")")) {
    throw parseFailure(`failed to parse filter (in.${operand})`, "in. takes a list: in.(a,b,c)");
  }
  const inner = operand.slice(1, -1);
  if (inner === "") return [];
  const values: string[] = [];
  let i = 0;
  for (;;) {
    let item = "";
    if (inner.charAt(i) === '"') {
      i++;
      let closed = false;
      while (i < inner.length) {
        const char = inner.charAt(i);
        if (char === "\\" && i + 1 < inner.length) {
          item += inner.charAt(i + 1);
          i += 2;
        } else if (char === '"') {
          closed = true;
          i++;
          break;
        } else {
          item += char;
          i++;
        }
      }
      if (!closed || (i < inner.length && inner.charAt(i) !== ",")) {
        throw parseFailure(`failed to parse filter (in.${operand})`, "malformed quoted value");
      }
    } else {
      while (i < inner.length && inner.charAt(i) !== ",") {
        item += inner.charAt(i);
        i++;
      }
    }
    values.push(item);
    if (i >= inner.length) break;
    i++; // the comma
    if (i === inner.length) {
      values.push("");
      break;
    }
  }
  return values;
}
