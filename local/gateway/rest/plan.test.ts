// The planner and SQL builder on their own, against a hand-written catalog: values only ever
// travel as bind parameters, identifiers only ever come from the catalog, and PostgREST's status
// mapping holds for the SQLSTATEs the project raises.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Catalog } from "./catalog.ts";
import { RestError, statusForSqlState } from "./errors.ts";
import { buildPlan, type Plan } from "./plan.ts";
import { parseRequest, type JsonPayload } from "./request.ts";

const column = (name: string, type: string) => ({
  name,
  type,
  notNull: false,
  hasDefault: false,
  generated: false,
});

const catalog = new Catalog({
  relations: [
    {
      name: "agents",
      kind: "r",
      columns: [
        column("id", "uuid"),
        column("name", "text"),
        column("meta", "jsonb"),
        column("n", "numeric"),
      ],
      primaryKey: ["id"],
    },
  ],
  functions: [
    {
      name: "check",
      signature: "check(p_id uuid, p_scopes text[])",
      returnsSet: false,
      returnType: "boolean",
      returnTypeKind: "b",
      isVoid: false,
      args: [
        { name: "p_id", type: "uuid", mode: "i" },
        { name: "p_scopes", type: "text[]", mode: "i" },
      ],
      inputDefaults: 1,
      compositeColumns: null,
    },
  ],
});

const IDENTIFIERS = new Set([
  "public",
  "agents",
  "id",
  "name",
  "meta",
  "n",
  "check",
  "p_id",
  "p_scopes",
]);

function plan(
  method: string,
  pathAndQuery: string,
  headers: Record<string, string> = {},
  body?: string,
): Plan {
  const url = new URL(`http://local${pathAndQuery}`);
  const request = parseRequest(method, headers, url, url.pathname);
  const payload: JsonPayload | null =
    body === undefined ? null : { text: body, value: JSON.parse(body) as unknown };
  return buildPlan(catalog, request, payload);
}

function error(run: () => unknown): RestError {
  try {
    run();
  } catch (caught) {
    if (caught instanceof RestError) return caught;
    throw caught;
  }
  throw new Error("expected a RestError");
}

/** Every double-quoted identifier in the SQL text. */
function quotedIdentifiers(sql: string): string[] {
  return [...sql.matchAll(/"((?:[^"]|"")*)"/g)].map((match) =>
    (match[1] ?? "").replace(/""/g, '"'),
  );
}

describe("status mapping (PostgREST's table)", () => {
  it.each([
    ["42501", "anon", 401],
    ["42501", "authenticated", 403],
    ["42501", "service_role", 403],
    ["23505", "authenticated", 409],
    ["23503", "authenticated", 409],
    ["23514", "authenticated", 400],
    ["23502", "authenticated", 400],
    ["22P02", "authenticated", 400],
    ["22023", "authenticated", 400],
    ["P0001", "authenticated", 400],
    ["P0002", "authenticated", 500],
    ["42883", "authenticated", 404],
    ["42P01", "authenticated", 404],
    ["42P17", "authenticated", 500],
    ["25006", "authenticated", 405],
    ["08006", "authenticated", 503],
    ["53300", "authenticated", 503],
    ["53400", "authenticated", 500],
    ["40001", "authenticated", 500],
    ["XX000", "authenticated", 500],
    ["PT402", "authenticated", 402],
    ["42601", "authenticated", 400],
  ] as const)("%s as %s is %i", (code, role, status) => {
    expect(statusForSqlState(code, role)).toBe(status);
  });
});

describe("values are bind parameters", () => {
  it("never puts a filter value, limit or payload into the SQL text", () => {
    const marked = fc.string().map((value) => `§${value}`);
    fc.assert(
      fc.property(
        marked,
        marked,
        fc.array(marked, { maxLength: 4 }),
        fc.nat(1000),
        (a, b, list, limit) => {
          const query = new URLSearchParams();
          query.append("name", `eq.${a}`);
          query.append("name", `not.ilike.${b}`);
          query.append("meta", `neq.${a}`);
          query.append(
            "n",
            `in.(${list.map((item) => `"${item.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")})`,
          );
          query.append("limit", String(limit));
          const read = plan("GET", `/agents?${query.toString()}`);
          expect(read.sql).not.toContain("§");
          expect(read.params).toContain(a);
          const insert = plan(
            "POST",
            "/agents",
            { prefer: "return=representation" },
            JSON.stringify({ name: a }),
          );
          expect(insert.sql).not.toContain("§");
        },
      ),
    );
  });

  it("passes the body as sent, so Postgres parses numbers at full precision", () => {
    const body = '{"n": 12345678901234567890.123456789}';
    const insert = plan("POST", "/agents", {}, body);
    expect(insert.params).toEqual([body]);
    expect(insert.sql).toContain('json_populate_recordset(null::"public"."agents"');
  });

  it("types RPC arguments from the catalog and sends them as one JSON parameter", () => {
    const body = JSON.stringify({
      p_id: "6f1c1b7e-2a62-4d0a-9d2a-1f6e8f7c9a10",
      p_scopes: ["sms"],
    });
    const call = plan("POST", "/rpc/check", {}, body);
    expect(call.kind).toBe("value");
    expect(call.params).toEqual([body]);
    expect(call.sql).toContain(
      '"public"."check"("p_id" => pgrst_args."p_id", "p_scopes" => pgrst_args."p_scopes")',
    );
    expect(call.sql).toContain('pgrst_args("p_id" uuid, "p_scopes" text[])');
    const defaulted = plan("POST", "/rpc/check", {}, JSON.stringify({ p_id: "x" }));
    expect(defaulted.sql).not.toContain("p_scopes");
  });
});

describe("identifiers come from the catalog", () => {
  it("quotes only catalog names, or refuses the request with a RestError", () => {
    const name = fc.oneof(
      fc.constantFrom("id", "name", "meta", "n", "agents"),
      // No ":" so that no alias (a caller-chosen, quoted output name) is generated.
      fc.string({ minLength: 1 }).filter((text) => !text.includes(":")),
    );
    fc.assert(
      fc.property(name, name, name, (selected, filtered, ordered) => {
        const query = new URLSearchParams({ select: selected, order: `${ordered}.desc` });
        query.append(filtered, "eq.1");
        let result: Plan;
        try {
          result = plan("GET", `/agents?${query.toString()}`);
        } catch (caught) {
          expect(caught).toBeInstanceOf(RestError);
          return;
        }
        for (const identifier of quotedIdentifiers(result.sql))
          expect(IDENTIFIERS).toContain(identifier);
      }),
    );
  });

  it("answers PostgREST's schema-cache errors for unknown names", () => {
    expect(error(() => plan("GET", "/agent")).body).toEqual({
      code: "PGRST205",
      details: null,
      hint: "Perhaps you meant the table 'public.agents'",
      message: "Could not find the table 'public.agent' in the schema cache",
    });
    expect(error(() => plan("GET", "/agents?select=nam")).body).toMatchObject({
      code: "42703",
      message: "column agents.nam does not exist",
      hint: 'Perhaps you meant to reference the column "agents.name".',
    });
    expect(error(() => plan("POST", "/agents", {}, '{"nope": 1}')).body.code).toBe("PGRST204");
    expect(error(() => plan("POST", "/agents?columns=id,nope", {}, "{}")).body.code).toBe(
      "PGRST204",
    );
    const rpc = error(() => plan("POST", "/rpc/check", {}, '{"p_other": 1}'));
    expect(rpc.status).toBe(404);
    expect(rpc.body).toMatchObject({
      code: "PGRST202",
      message: "Could not find the function public.check(p_other) in the schema cache",
      hint: "Perhaps you meant to call the function public.check(p_id uuid, p_scopes text[])",
    });
    expect(error(() => plan("POST", "/rpc/check", {}, "{}")).body.message).toBe(
      "Could not find the function public.check without parameters in the schema cache",
    );
  });

  it("refuses other schemas before looking anything up", () => {
    const refused = error(() => plan("GET", "/agents", { "accept-profile": "vault" }));
    expect(refused.status).toBe(406);
    expect(refused.body.code).toBe("PGRST106");
  });
});

describe("plans", () => {
  it("intersects Range with limit/offset and counts when asked", () => {
    const read = plan("GET", "/agents?offset=2&limit=5", { range: "3-4", prefer: "count=exact" });
    expect(read.offset).toBe(3);
    expect(read.counted).toBe(true);
    expect(read.applied).toEqual(["count=exact"]);
    expect(read.params.slice(-2)).toEqual(["2", "3"]);
  });

  it("upserts on the primary key unless on_conflict names other columns", () => {
    const merge = plan(
      "POST",
      "/agents",
      { prefer: "resolution=merge-duplicates" },
      '{"id": "x", "name": "y"}',
    );
    expect(merge.sql).toContain(
      'on conflict ("id") do update set "id" = excluded."id", "name" = excluded."name"',
    );
    const ignore = plan(
      "POST",
      "/agents?on_conflict=name",
      { prefer: "resolution=ignore-duplicates" },
      '{"name": "y"}',
    );
    expect(ignore.sql).toContain('on conflict ("name") do nothing');
    expect(ignore.applied).toContain("resolution=ignore-duplicates");
  });

  it("uses column defaults for missing keys only under missing=default", () => {
    const body = '[{"name": "a", "meta": {}}, {"name": "b"}]';
    const nulls = plan("POST", "/agents?columns=name,meta", {}, body);
    expect(nulls.sql).not.toContain("default");
    const defaults = plan("POST", "/agents?columns=name,meta", { prefer: "missing=default" }, body);
    expect(defaults.sql).toContain(", default)");
    expect(defaults.applied).toContain("missing=default");
  });
});
