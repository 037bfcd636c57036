// Properties of the REST layer under arbitrary query strings: the parser on its own (grammar-aware
// and raw garbage: it returns a query or throws its own RestError, 400 PGRST100 or 501
// LOCAL_UNSUPPORTED, and well-formed queries parse to exactly what was written), then the whole
// handler over HTTP on PGlite: never a 5xx (501 for an unimplemented PostgREST feature apart),
// every error PostgREST's JSON {code, message, details, hint}, and no row changed: never by
// GET/HEAD, and never by PATCH/DELETE/POST whose filters are garbage.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/gateway/rest/query-parser.property.test.ts
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, startRestFixture, type RestFixture } from "./contract-fixtures.ts";
import { RestError, UNSUPPORTED_CODE } from "./errors.ts";
import {
  COMPARISON_OPERATORS,
  IS_VALUES,
  parseFilter,
  parseInList,
  parseOrder,
  parseQuery,
  parseSelect,
  splitTopLevel,
  type Filter,
  type OrderTerm,
  type ParsedQuery,
  type SelectItem,
} from "./query-parser.ts";

function runs<T>(numRuns: number): fc.Parameters<T> {
  const seed = process.env.FC_SEED;
  const path = process.env.FC_PATH;
  return {
    numRuns,
    ...(seed !== undefined && seed !== "" ? { seed: Number(seed) } : {}),
    ...(path !== undefined && path !== "" ? { path } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Query strings: PostgREST's grammar with every part also generated wrong.
// ---------------------------------------------------------------------------------------------
const COLUMNS = [
  "id",
  "user_id",
  "name",
  "description",
  "created_at",
  "updated_at",
  "is_active",
  "allowed_scopes",
  "expires_at",
  "agent_id",
  "connection_name",
  "connection_status",
  "status",
  "price",
  "message_parts",
  "configuration",
];

/** Text built from the characters PostgREST's syntax gives a meaning to, and some that break it. */
const syntaxy = fc.string({
  unit: fc.constantFrom(
    ...Array.from("abz09_.,()\"\\:*!->%&=+ ~#?';é😀\u0000\t"),
    "->>",
    "::",
    "...",
    "not.",
    "eq.",
    "in.(",
  ),
  maxLength: 24,
});
const anyText = fc.string({ unit: "binary", maxLength: 24 });

function quoted(name: string): string {
  return `"${name.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

const column = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...COLUMNS, "nope", "ID", "na me") },
  { weight: 1, arbitrary: anyText.map(quoted) },
  { weight: 1, arbitrary: syntaxy },
  { weight: 1, arbitrary: fc.constantFrom("a->b", "a->>b", "name::text", "agents(*)", "!inner") },
);

const selectItem = fc.oneof(
  { weight: 2, arbitrary: fc.constant("*") },
  { weight: 6, arbitrary: column },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.oneof(anyText, syntaxy), column).map(([a, c]) => `${a}:${c}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "count()",
      "id.count()",
      "agents(*)",
      "...agents(name)",
      "user:users!inner(id)",
      "name::text",
      "configuration->>a",
      "",
    ),
  },
);
const selectValue = fc.array(selectItem, { maxLength: 5 }).map((items) => items.join(","));

const orderTerm = fc.oneof(
  fc
    .tuple(
      column,
      fc.constantFrom("", ".asc", ".desc", ".up", ".DESC"),
      fc.constantFrom("", ".nullsfirst", ".nullslast", ".nulls"),
    )
    .map(([c, d, n]) => `${c}${d}${n}`),
  fc.constantFrom("agents(name).desc", "configuration->a", "name.asc.desc", ""),
  syntaxy,
);
const orderValue = fc.array(orderTerm, { maxLength: 4 }).map((terms) => terms.join(","));

const countValue = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom("-1", "1.5", "1e3", "99999999999999999999999", "", " 1", "0x10", "１"),
  syntaxy,
);

const OPERATORS = [
  ...COMPARISON_OPERATORS,
  "in",
  "is",
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
  "eq(any)",
  "like(all)",
  "fts(english)",
  "EQ",
  "zz",
  "",
];

const operandText = fc.oneof(
  anyText,
  syntaxy,
  fc.uuid(),
  fc.constantFrom(
    "2024-01-01T00:00:00Z",
    "yesterday",
    "9999999999999999999999999",
    "-1",
    "NaN",
    "true",
    "{sms}",
    '["sms"]',
    "\u0000",
    "%",
    "*",
  ),
  fc.integer({ min: 200, max: 2000 }).map((n) => "x".repeat(n)),
);
const inOperand = fc.oneof(
  fc
    .array(fc.oneof(operandText.map(quoted), operandText), { maxLength: 5 })
    .map((items) => `(${items.join(",")})`),
  fc.constantFrom("()", "(", ")", '("a)', '("a"b)', "(a,(b))", "a,b", '("a\\"b",c)'),
);
const filterValue = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("", "not.", "not.not.", "NOT."),
      fc.constantFrom(...OPERATORS),
      fc.oneof(operandText, inOperand, fc.constantFrom(...IS_VALUES, "NULL", "maybe")),
    )
    .map(([negate, op, operand]) => `${negate}${op}.${operand}`),
  syntaxy,
  anyText,
);

/** One key=value pair of a query string. */
const param: fc.Arbitrary<[string, string]> = fc.oneof(
  { weight: 2, arbitrary: selectValue.map((v): [string, string] => ["select", v]) },
  { weight: 2, arbitrary: orderValue.map((v): [string, string] => ["order", v]) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("limit", "offset"), countValue)
      .map(([k, v]): [string, string] => [k, v]),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("on_conflict", "columns"), fc.array(column, { maxLength: 3 }))
      .map(([k, cs]): [string, string] => [k, cs.join(",")]),
  },
  { weight: 6, arbitrary: fc.tuple(column, filterValue) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom("or", "and", "not.or", "not.and"),
        fc.constantFrom("(id.eq.1,name.eq.2)", "()", "(", "zz"),
      )
      .map(([k, v]): [string, string] => [k, v]),
  },
  { weight: 1, arbitrary: fc.tuple(fc.oneof(anyText, syntaxy), fc.oneof(anyText, syntaxy)) },
);

/** A key or value written into the URL: properly encoded, raw, or with broken %-escapes. */
const encoding = fc.constantFrom("component", "raw", "broken");
function encode(text: string, how: string): string {
  switch (how) {
    case "component":
      return encodeURIComponent(text);
    case "broken":
      return `${encodeURIComponent(text)}%${text.length % 2 === 0 ? "zz" : "E2%82"}`;
    default:
      // Raw, except "#": an HTTP client ends the URL there (a fragment is never sent), so the
      // request would silently lose everything after it. A raw "#" that does reach the gateway
      // is refused (contract-security.test.ts).
      return text.replaceAll("#", "%23");
  }
}

const queryString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(fc.tuple(param, encoding), { maxLength: 5 })
      .map((pairs) =>
        pairs.map(([[key, value], how]) => `${encode(key, how)}=${encode(value, how)}`).join("&"),
      ),
  },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  { weight: 1, arbitrary: syntaxy },
  {
    weight: 1,
    arbitrary: fc.constantFrom("&&&", "=", "==", "select", "select=", "%", "a=%FF", "a=%00"),
  },
);

// ---------------------------------------------------------------------------------------------
// The parser on its own.
// ---------------------------------------------------------------------------------------------
/** Runs `parse`; anything thrown must be the parser's own 400 PGRST100 or 501. */
function parsesOrRefuses(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(RestError);
    if (!(error instanceof RestError)) return;
    expect([
      [400, "PGRST100"],
      [501, UNSUPPORTED_CODE],
    ]).toContainEqual([error.status, error.body.code]);
    expect(error.body.message).toEqual(expect.any(String));
    expect(error.body.message.length).toBeGreaterThan(0);
  }
}

describe("the query parser on its own", () => {
  it("returns a query or throws its own RestError for any query string", () => {
    fc.assert(
      fc.property(queryString, fc.boolean(), (query, rpc) => {
        parsesOrRefuses(() =>
          parseQuery(new URLSearchParams(query), rpc ? (key) => key.startsWith("p_") : undefined),
        );
      }),
      runs(2000),
    );
  });

  it("each part does the same for any text", () => {
    fc.assert(
      fc.property(fc.oneof(syntaxy, anyText), fc.oneof(syntaxy, anyText), (a, b) => {
        parsesOrRefuses(() => parseSelect(a));
        parsesOrRefuses(() => parseOrder(a));
        parsesOrRefuses(() => parseFilter(a, b));
        parsesOrRefuses(() => parseInList(b));
        parsesOrRefuses(() => splitTopLevel(a, ","));
      }),
      runs(2000),
    );
  });

  // What a client such as supabase-js writes must come back exactly.
  const name = fc.oneof(
    fc.stringMatching(/^[a-z_][a-z0-9_]{0,15}$/),
    fc
      .oneof(
        fc.string({ unit: "binary", minLength: 1, maxLength: 12 }),
        syntaxy.filter((text) => text !== ""),
      )
      .map((text) => ({ quoted: text })),
  );
  type Name = string | { quoted: string };
  const written = (n: Name): string => (typeof n === "string" ? n : quoted(n.quoted));
  const plain = (n: Name): string => (typeof n === "string" ? n : n.quoted);
  const value = fc.string({ unit: "binary", maxLength: 20 });

  it("parses well-formed select, filters, order, limit and offset to what was written", () => {
    const selectArb = fc.array(fc.tuple(fc.option(name, { nil: null }), name), { maxLength: 4 });
    const filterArb = fc.array(
      fc.tuple(
        name,
        fc.boolean(),
        fc.oneof(
          fc.tuple(fc.constantFrom(...COMPARISON_OPERATORS), value),
          fc.tuple(fc.constant("in" as const), fc.array(value, { maxLength: 4 })),
          fc.tuple(fc.constant("is" as const), fc.constantFrom(...IS_VALUES)),
        ),
      ),
      { maxLength: 4 },
    );
    const orderArb = fc.array(
      fc.tuple(name, fc.boolean(), fc.constantFrom(null, "first" as const, "last" as const)),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(
        selectArb,
        filterArb,
        orderArb,
        fc.option(fc.nat(), { nil: null }),
        fc.option(fc.nat(), { nil: null }),
        (select, filters, order, limit, offset) => {
          // Keys that are reserved words are parameters, not filters.
          fc.pre(
            filters.every(([column]) =>
              typeof column === "string"
                ? ![
                    "select",
                    "order",
                    "limit",
                    "offset",
                    "on_conflict",
                    "columns",
                    "apikey",
                    "or",
                    "and",
                  ].includes(column)
                : true,
            ),
          );
          const params = new URLSearchParams();
          if (select.length > 0) {
            params.append(
              "select",
              select
                .map(([alias, column]) =>
                  alias === null ? written(column) : `${written(alias)}:${written(column)}`,
                )
                .join(","),
            );
          }
          for (const [column, negate, [op, operand]] of filters) {
            const text =
              op === "in" ? `(${operand.map(quoted).join(",")})` : op === "is" ? operand : operand;
            params.append(written(column), `${negate ? "not." : ""}${op}.${text}`);
          }
          if (order.length > 0) {
            params.append(
              "order",
              order
                .map(
                  ([column, descending, nulls]) =>
                    `${written(column)}${descending ? ".desc" : ".asc"}${nulls === null ? "" : `.nulls${nulls}`}`,
                )
                .join(","),
            );
          }
          if (limit !== null) params.append("limit", String(limit));
          if (offset !== null) params.append("offset", String(offset));

          const expectedSelect: SelectItem[] =
            select.length === 0
              ? [{ kind: "star" }]
              : select.map(([alias, column]) => ({
                  kind: "column",
                  column: plain(column),
                  alias: alias === null ? null : plain(alias),
                }));
          const expectedFilters: Filter[] = filters.map(([column, negate, [op, operand]]) =>
            op === "in"
              ? { column: plain(column), negate, op, values: operand }
              : op === "is"
                ? { column: plain(column), negate, op, value: operand }
                : { column: plain(column), negate, op, value: operand },
          );
          const expectedOrder: OrderTerm[] = order.map(([column, descending, nulls]) => ({
            column: plain(column),
            descending,
            nulls,
          }));
          const expected: ParsedQuery = {
            select: expectedSelect,
            order: expectedOrder,
            limit,
            offset,
            filters: expectedFilters,
            onConflict: null,
            columns: null,
            args: new Map(),
          };
          expect(parseQuery(params)).toEqual(expected);
        },
      ),
      runs(1000),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Through the handler, over HTTP, on PGlite.
// ---------------------------------------------------------------------------------------------
let f: RestFixture;
let tables: string[] = [];

/** A checksum of every row of every base table the API could reach (as the database owner). */
async function checksum(): Promise<Record<string, string>> {
  const parts = tables.map(
    (table) =>
      `select '${table}' as name, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${table} t`,
  );
  const rows = await f.stack.db.query<{ name: string; sum: string }>(parts.join(" union all "));
  return Object.fromEntries(rows.map((row) => [row.name, row.sum]));
}

beforeAll(async () => {
  f = await startRestFixture("pglite");
  const rows = await f.stack.db.query<{ name: string }>(
    `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema in ('public', 'private', 'vault', 'auth')
      order by 1`,
  );
  tables = rows.map((row) => row.name);
  expect(tables).toContain("public.agents");
}, 120_000);

afterAll(async () => {
  await f.stop();
});

type Caller = "anon" | "user" | "service";
const caller = fc.constantFrom<Caller>("anon", "user", "service");

function headersFor(who: Caller): Record<string, string> {
  switch (who) {
    case "anon":
      return {};
    case "user":
      return { authorization: `Bearer ${f.a.token}` };
    case "service":
      return { apikey: f.stack.serviceRoleKey, authorization: `Bearer ${f.stack.serviceRoleKey}` };
  }
}

const extraHeaders = fc.record(
  {
    prefer: fc.constantFrom(
      "count=exact",
      "return=representation",
      "return=minimal",
      "handling=strict, zz=1",
      "tx=rollback",
      "handling=strict, max-affected=0",
      "count=exact, return=representation, resolution=merge-duplicates",
    ),
    range: fc.constantFrom("0-1", "5-2", "zz", "0-", "items=1-3"),
    accept: fc.constantFrom(
      "application/json",
      "application/vnd.pgrst.object+json",
      "text/csv",
      "text/html",
      "*/*",
    ),
  },
  { requiredKeys: [] },
);

const RELATIONS = [
  "agents",
  "agent_integration_permissions",
  "user_oauth_connections",
  "clicksend_connections",
  "clicksend_messages",
  "tool_execution_logs",
  "service_providers",
  "integration_capabilities",
];

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/** Never a 5xx but our 501; every error is PostgREST's JSON body. */
function expectPostgrestAnswer(answer: Answer, method: string): void {
  const context = `${String(answer.status)} ${answer.text.slice(0, 300)}`;
  if (answer.status >= 500) {
    expect(answer.status, context).toBe(501);
  }
  if (method === "HEAD") return;
  if (answer.status >= 300) {
    expect(answer.json, context).toEqual({
      code: expect.any(String) as unknown,
      message: expect.any(String) as unknown,
      details: expect.toBeOneOf([expect.any(String), null]) as unknown,
      hint: expect.toBeOneOf([expect.any(String), null]) as unknown,
    });
    if (answer.status === 501) {
      expect((answer.json as { code: string }).code).toBe(UNSUPPORTED_CODE);
    }
  } else if (answer.status !== 204) {
    expect(answer.json, context).not.toBeUndefined();
  }
}

async function unchanged(request: () => Promise<Answer>): Promise<Answer> {
  const before = await checksum();
  const answer = await request();
  expect(await checksum(), `rows changed by a request answered ${String(answer.status)}`).toEqual(
    before,
  );
  return answer;
}

describe("the REST handler under arbitrary query strings", () => {
  const readTargets = (): fc.Arbitrary<string> =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...RELATIONS).map((name) => `/${name}`) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          `/rpc/get_user_clicksend_connection?p_user_id=${f.a.id}&`,
          `/rpc/validate_agent_clicksend_permissions?p_agent_id=${f.a.agentId}&p_user_id=${f.a.id}&p_required_scopes={sms}&`,
          `/rpc/clicksend_issue_webhook_token?p_connection_id=${f.a.connectionId}&`,
          `/rpc/agent_tool_scopes?p_agent_id=${f.a.agentId}&`,
          "/rpc/no_such_function?",
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom("/nope", "/agents/extra", "/%ZZ", "/rpc/", "/", "/a%00b"),
      },
    );

  it("GET and HEAD: never a 5xx, errors as PostgREST JSON, no row changed", async () => {
    await fc.assert(
      fc.asyncProperty(
        readTargets(),
        queryString,
        fc.constantFrom("GET", "HEAD"),
        caller,
        extraHeaders,
        async (target, query, method, who, headers) => {
          const path = target.includes("?") ? `${target}${query}` : `${target}?${query}`;
          const answer = await unchanged(() =>
            rawRequest(f, path, { method, headers: { ...headersFor(who), ...headers } }),
          );
          expectPostgrestAnswer(answer, method);
        },
      ),
      runs(300),
    );
  });

  it("GET and HEAD on functions that write change no row, whoever calls", async () => {
    // A GET runs in a read-only transaction: a function that writes must fail, never commit.
    const writers = () =>
      fc.constantFrom(
        `/rpc/clicksend_issue_webhook_token?p_connection_id=${f.a.connectionId}`,
        `/rpc/clicksend_acquire_call_slot?p_connection_id=${f.a.connectionId}`,
        `/rpc/clicksend_store_api_key?p_connection_id=${f.a.connectionId}&p_api_key=NEW-KEY-123456`,
        `/rpc/clicksend_apply_receipt?p_connection_id=${f.a.connectionId}&p_message_id=m&p_status=Delivered&p_status_code=201&p_received_at=2030-01-01T00:00:00Z`,
        "/rpc/clicksend_release_call_slot?p_call_id=1",
        `/rpc/clicksend_prepare_call?p_requests=1&p_agent_id=${f.a.agentId}&p_scope=sms`,
        `/rpc/clicksend_prepare_call?p_requests=1&p_user_id=${f.a.id}&p_connection_id=${f.a.connectionId}`,
        "/rpc/clicksend_finish_call?p_call_ids={1}",
        `/rpc/clicksend_receipt_push?p_token=${"0".repeat(48)}&p_message_id=m&p_status=Delivered&p_status_code=201&p_received_at=2030-01-01T00:00:00Z`,
      );
    await fc.assert(
      fc.asyncProperty(
        writers(),
        fc.oneof(fc.constant(""), queryString),
        fc.constantFrom("GET", "HEAD"),
        caller,
        async (target, query, method, who) => {
          const answer = await unchanged(() =>
            rawRequest(f, query === "" ? target : `${target}&${query}`, {
              method,
              headers: headersFor(who),
            }),
          );
          expectPostgrestAnswer(answer, method);
        },
      ),
      runs(60),
    );
  });

  /** Parameters that make any request fail before it runs: wrong syntax or unknown names. */
  const poison = fc.constantFrom<[string, string]>(
    ["name", "zz.1"],
    ["no_such_column", "eq.1"],
    ["select", '"unterminated'],
    ["order", "name.sideways"],
    ["or", "(id.eq.1)"],
    ["limit", "1"],
    ["id", "not.in.(1,2"],
    ["nope->a", "eq.1"],
  );

  it("PATCH, DELETE and POST with garbage filters: a 4xx (or 501) as JSON, no row changed", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...RELATIONS, "nope"),
        fc.array(fc.tuple(param, encoding), { maxLength: 4 }),
        poison,
        fc.nat(4),
        fc.constantFrom("PATCH", "DELETE", "POST"),
        caller,
        fc.oneof(
          fc.constant('{"name":"Renamed","is_active":false}'),
          fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
          fc.string({ unit: "binary", maxLength: 40 }),
        ),
        extraHeaders,
        async (relation, pairs, [poisonKey, poisonValue], at, method, who, body, headers) => {
          const parts = pairs.map(
            ([[key, value], how]) => `${encode(key, how)}=${encode(value, how)}`,
          );
          parts.splice(
            Math.min(at, parts.length),
            0,
            `${encodeURIComponent(poisonKey)}=${encodeURIComponent(poisonValue)}`,
          );
          const answer = await unchanged(() =>
            rawRequest(f, `/${relation}?${parts.join("&")}`, {
              method,
              headers: {
                "content-type": "application/json",
                ...headersFor(who),
                ...headers,
              },
              body: method === "DELETE" ? undefined : body,
            }),
          );
          // PostgREST answers an update without columns without touching the table (or
          // resolving its filters' columns).
          const noColumns =
            method === "PATCH" && poisonKey === "no_such_column" && body.trim() === "{}";
          if (!noColumns) {
            expect(answer.status, answer.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
          }
          expectPostgrestAnswer(answer, method);
        },
      ),
      runs(300),
    );
  });

  it("PATCH and DELETE whose well-formed filters carry garbage values change no row", async () => {
    // id=eq.<nil uuid> matches nothing, so whatever the other filters hold, nothing may change:
    // a value the column's type rejects must fail the statement, not be ignored.
    const typedFilter = fc.tuple(
      fc.constantFrom(...COLUMNS),
      fc.constantFrom("", "not."),
      fc.constantFrom(...COMPARISON_OPERATORS, "in", "is"),
      fc.oneof(operandText, inOperand, fc.constantFrom(...IS_VALUES)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...RELATIONS),
        fc.array(typedFilter, { minLength: 1, maxLength: 4 }),
        fc.constantFrom("PATCH", "DELETE"),
        caller,
        async (relation, filters, method, who) => {
          const params = new URLSearchParams({ id: "eq.00000000-0000-0000-0000-000000000000" });
          for (const [column, negate, op, operand] of filters) {
            params.append(column, `${negate}${op}.${operand}`);
          }
          const answer = await unchanged(() =>
            rawRequest(f, `/${relation}?${params.toString()}`, {
              method,
              headers: { "content-type": "application/json", ...headersFor(who) },
              body: method === "PATCH" ? '{"updated_at":"2001-01-01T00:00:00Z"}' : undefined,
            }),
          );
          expectPostgrestAnswer(answer, method);
        },
      ),
      runs(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Counterexamples the properties found, kept as plain tests.
// ---------------------------------------------------------------------------------------------
describe("regressions found by the properties", () => {
  it("an alias for a quoted column whose name holds a parenthesis is a column (was 501 embedding)", () => {
    expect(parseSelect('_:"("')).toEqual([{ kind: "column", column: "(", alias: "_" }]);
    expect(parseSelect('label:"odd(name)", "a:b"')).toEqual([
      { kind: "column", column: "odd(name)", alias: "label" },
      { kind: "column", column: "a:b", alias: null },
    ]);
    // Outside quotes the same characters still mean embedding and aggregates.
    expect(() => parseSelect('"label":agents(*)')).toThrow(/resource embedding/);
    expect(() => parseSelect('"n":count()')).toThrow(/aggregate functions/);
  });

  it("a write to a view that cannot take it is 405 with Allow, not 500 (55000)", async () => {
    for (const [method, body] of [
      ["PATCH", '{"connection_name":"x"}'],
      ["DELETE", undefined],
      ["POST", '{"connection_name":"x"}'],
    ] as const) {
      const path =
        method === "POST"
          ? "/clicksend_connections"
          : `/clicksend_connections?id=eq.${f.a.connectionId}`;
      const answer = await unchanged(() =>
        rawRequest(f, path, {
          method,
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${f.stack.serviceRoleKey}`,
            apikey: f.stack.serviceRoleKey,
          },
          body,
        }),
      );
      expect(answer.status, answer.text).toBe(405);
      expect(answer.headers.get("allow")).toBe("GET, HEAD");
      expect(answer.json).toMatchObject({
        code: "55000",
        message: expect.stringContaining('view "clicksend_connections"') as unknown,
      });
    }
  });
});
