// The query-string grammar on its own: what parses, what is refused as not PostgREST (400
// PGRST100) and what is refused as PostgREST but not implemented here (501, naming the feature).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RestError, UNSUPPORTED_CODE } from "./errors.ts";
import {
  parseFilter,
  parseInList,
  parseOrder,
  parseQuery,
  parseSelect,
  splitTopLevel,
} from "./query-parser.ts";

function failure(run: () => unknown): RestError {
  try {
    run();
  } catch (error) {
    if (error instanceof RestError) return error;
    throw error;
  }
  throw new Error("expected a RestError");
}

describe("select", () => {
  it("parses *, columns, aliases and quoted names", () => {
    expect(parseSelect("*")).toEqual([{ kind: "star" }]);
    expect(parseSelect("id,name")).toEqual([
      { kind: "column", column: "id", alias: null },
      { kind: "column", column: "name", alias: null },
    ]);
    expect(parseSelect('label:name,"odd, name","q\\"uote"')).toEqual([
      { kind: "column", column: "name", alias: "label" },
      { kind: "column", column: "odd, name", alias: null },
      { kind: "column", column: 'q"uote', alias: null },
    ]);
    expect(parseSelect(" id , name ")).toEqual([
      { kind: "column", column: "id", alias: null },
      { kind: "column", column: "name", alias: null },
    ]);
    expect(parseSelect('"a\\":b":name')).toEqual([
      { kind: "column", column: "name", alias: 'a":b' },
    ]);
    expect(parseSelect("")).toEqual([]);
  });

  it.each([
    ["*,agents(*)", "resource embedding"],
    ["id,owner:users!inner(id)", "resource embedding"],
    ["...agents(name)", "resource embedding"],
    ["count()", "aggregate functions"],
    ["id.count()", "aggregate functions"],
    ["connection_metadata->a", "JSON path"],
    ["connection_metadata->>a", "JSON path"],
    ["id::text", "casting columns"],
  ])("answers 501 naming the feature for %s", (select, feature) => {
    const error = failure(() => parseSelect(select));
    expect(error.status).toBe(501);
    expect(error.body.code).toBe(UNSUPPORTED_CODE);
    expect(error.body.message).toContain(feature);
    expect(error.body.message).toContain("not supported by the local gateway");
  });

  it("refuses malformed lists with PGRST100", () => {
    for (const select of ['"unterminated', "id,,name", "a:"]) {
      const error = failure(() => parseSelect(select));
      expect(error.status).toBe(400);
      expect(error.body.code).toBe("PGRST100");
    }
  });
});

describe("order", () => {
  it("parses direction and nulls placement", () => {
    expect(parseOrder("name.asc.nullsfirst,created_at.desc,id,x.nullslast")).toEqual([
      { column: "name", descending: false, nulls: "first" },
      { column: "created_at", descending: true, nulls: null },
      { column: "id", descending: false, nulls: null },
      { column: "x", descending: false, nulls: "last" },
    ]);
    expect(parseOrder('"a.b".desc')).toEqual([{ column: "a.b", descending: true, nulls: null }]);
  });

  it("refuses unknown modifiers and embedded ordering", () => {
    expect(failure(() => parseOrder("name.sideways")).body.code).toBe("PGRST100");
    expect(failure(() => parseOrder("name.desc.asc")).body.code).toBe("PGRST100");
    expect(failure(() => parseOrder("agents(name).desc")).status).toBe(501);
    expect(failure(() => parseOrder("meta->a.desc")).status).toBe(501);
  });
});

describe("filters", () => {
  it("parses every implemented operator, with not.", () => {
    expect(parseFilter("id", "eq.5")).toEqual({
      column: "id",
      negate: false,
      op: "eq",
      value: "5",
    });
    expect(parseFilter("name", "not.like.a*b.c")).toEqual({
      column: "name",
      negate: true,
      op: "like",
      value: "a*b.c",
    });
    for (const op of ["neq", "gt", "gte", "lt", "lte", "ilike"]) {
      expect(parseFilter("x", `${op}.v`)).toMatchObject({ op, value: "v", negate: false });
    }
    expect(parseFilter("x", "in.(1,2)")).toEqual({
      column: "x",
      negate: false,
      op: "in",
      values: ["1", "2"],
    });
    expect(parseFilter("x", "not.is.NULL")).toEqual({
      column: "x",
      negate: true,
      op: "is",
      value: "null",
    });
    expect(parseFilter("x", "is.true")).toMatchObject({ op: "is", value: "true" });
    expect(parseFilter("x", "eq.")).toMatchObject({ op: "eq", value: "" });
  });

  it("answers 501 for PostgREST operators and syntax it does not implement", () => {
    const cases: [string, string, string][] = [
      ["or", "(a.eq.1,b.eq.2)", "logical operators"],
      ["and", "(a.eq.1,b.eq.2)", "logical operators"],
      ["not.or", "(a.eq.1)", "logical operators"],
      ["name", "fts.cat", "fts"],
      ["name", "fts(english).cat", "fts"],
      ["name", "eq(any).{a,b}", "operator modifiers"],
      ["tags", "cs.{a}", "cs"],
      ["name", "match.^a", "match"],
      ["name", "isdistinct.a", "isdistinct"],
      ["agents.name", "eq.a", "resource embedding"],
      ["meta->>a", "eq.1", "JSON path"],
    ];
    for (const [key, value, feature] of cases) {
      const error = failure(() => parseFilter(key, value));
      expect(error.status, `${key}=${value}`).toBe(501);
      expect(error.body.message).toContain(feature);
    }
  });

  it("answers 400 PGRST100 for what is not PostgREST syntax", () => {
    for (const [key, value] of [
      ["id", "5"],
      ["id", "nope.5"],
      ["id", "is.maybe"],
      ["id", "in.1,2"],
      ["id", 'in.("a)'],
    ] as const) {
      const error = failure(() => parseFilter(key, value));
      expect(error.status, `${key}=${value}`).toBe(400);
      expect(error.body.code).toBe("PGRST100");
    }
  });
});

describe("in lists", () => {
  it("keeps quoted commas, parentheses and escapes", () => {
    expect(parseInList('(a,"b,c","(d)","e\\"f",g h)')).toEqual(["a", "b,c", "(d)", 'e"f', "g h"]);
    expect(parseInList("()")).toEqual([]);
    expect(parseInList("(a,)")).toEqual(["a", ""]);
  });

  it("round-trips any list of strings written in PostgREST's quoting", () => {
    const quote = (value: string) => `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 8 }), (values) => {
        expect(parseInList(`(${values.map(quote).join(",")})`)).toEqual(values);
      }),
    );
  });

  it("never throws anything but a RestError on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, value) => {
        try {
          parseFilter(key, value);
        } catch (error) {
          expect(error).toBeInstanceOf(RestError);
        }
      }),
    );
  });
});

describe("parseQuery", () => {
  it("separates reserved parameters, filters and function arguments", () => {
    const query = parseQuery(
      new URLSearchParams(
        "select=id,name&order=name.desc&limit=10&offset=5&name=eq.a&id=gt.1&apikey=k&on_conflict=id&columns=%22id%22,name&p_user=u",
      ),
      (key) => key === "p_user",
    );
    expect(query.select).toHaveLength(2);
    expect(query.order).toEqual([{ column: "name", descending: true, nulls: null }]);
    expect(query.limit).toBe(10);
    expect(query.offset).toBe(5);
    expect(query.filters.map((filter) => filter.column)).toEqual(["name", "id"]);
    expect(query.onConflict).toEqual(["id"]);
    expect(query.columns).toEqual(["id", "name"]);
    expect([...query.args]).toEqual([["p_user", "u"]]);
  });

  it("refuses non-numeric limits and offsets", () => {
    expect(failure(() => parseQuery(new URLSearchParams("limit=ten"))).body.code).toBe("PGRST100");
    expect(failure(() => parseQuery(new URLSearchParams("offset=-1"))).body.code).toBe("PGRST100");
  });

  it("splits only at top level", () => {
    expect(splitTopLevel('a,b(c,d),"e,f"', ",")).toEqual(["a", "b(c,d)", '"e,f"']);
  });
});
