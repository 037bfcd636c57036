// Contract: reads through /rest/v1 with the official supabase-js, on each engine. Column lists,
// every filter operator, order, limit/offset/Range with exact, planned and estimated counts
// (Content-Range, 206), single objects (406 PGRST116), views, type fidelity and RPC with named
// arguments and counts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines } from "../testing.ts";
import { rawRequest, startRestFixture, type RestFixture } from "./contract-fixtures.ts";

describe.each(engines())("REST reads on %s", (engine) => {
  let f: RestFixture;

  beforeAll(async () => {
    f = await startRestFixture(engine);
    // Four more agents for A with known names, descriptions and creation times.
    await f.stack.db.query(
      `insert into public.agents (user_id, name, description, created_at) values
         ($1, 'Alpha', 'first', '2024-01-01T00:00:00Z'),
         ($1, 'Beta', null, '2024-02-01T00:00:00Z'),
         ($1, 'Gamma, the third', 'third (with parens)', '2024-03-01T00:00:00Z'),
         ($1, 'delta', 'fourth', '2024-04-01T00:00:00Z')`,
      [f.a.id],
    );
  }, 120_000);

  afterAll(async () => {
    await f.stop();
  });

  const namesOf = (rows: { name: string }[] | null) => (rows ?? []).map((row) => row.name).sort();

  it("returns only the caller's rows (RLS) with the requested columns and aliases", async () => {
    const mine = await f.a.client.from("agents").select("*");
    expect(mine.error).toBeNull();
    expect(mine.status).toBe(200);
    expect(mine.data).toHaveLength(5);
    expect(mine.data?.every((row) => row.user_id === f.a.id)).toBe(true);

    const theirs = await f.b.client.from("agents").select("id, name");
    expect(theirs.data).toEqual([{ id: f.b.agentId, name: "bob agent" }]);

    const aliased = await f.a.client.from("agents").select("label:name, id").eq("id", f.a.agentId);
    expect(aliased.data).toEqual([{ label: "alice agent", id: f.a.agentId }]);
  });

  it("filters with eq, neq, gt, gte, lt, lte", async () => {
    const agents = () => f.a.client.from("agents").select("name");
    expect(namesOf((await agents().eq("name", "Alpha")).data)).toEqual(["Alpha"]);
    expect(namesOf((await agents().neq("name", "Alpha")).data)).toEqual([
      "Beta",
      "Gamma, the third",
      "alice agent",
      "delta",
    ]);
    expect(
      namesOf(
        (await agents().gt("created_at", "2024-02-01T00:00:00Z").lt("created_at", "2025-01-01"))
          .data,
      ),
    ).toEqual(["Gamma, the third", "delta"]);
    expect(
      namesOf(
        (
          await agents()
            .gte("created_at", "2024-02-01T00:00:00Z")
            .lte("created_at", "2024-03-01T00:00:00+00:00")
        ).data,
      ),
    ).toEqual(["Beta", "Gamma, the third"]);
  });

  it("filters with like, ilike (* and %), in (quoted values) and is", async () => {
    const agents = () => f.a.client.from("agents").select("name");
    expect(namesOf((await agents().like("name", "G*")).data)).toEqual(["Gamma, the third"]);
    expect(namesOf((await agents().like("name", "%lph%")).data)).toEqual(["Alpha"]);
    expect(namesOf((await agents().like("name", "alpha")).data)).toEqual([]);
    expect(namesOf((await agents().ilike("name", "ALPHA")).data)).toEqual(["Alpha"]);
    expect(namesOf((await agents().ilike("name", "*ELT*")).data)).toEqual(["delta"]);
    expect(
      namesOf((await agents().in("name", ["Alpha", "Gamma, the third", "nobody"])).data),
    ).toEqual(["Alpha", "Gamma, the third"]);
    expect(namesOf((await agents().in("description", ["third (with parens)"])).data)).toEqual([
      "Gamma, the third",
    ]);
    expect((await agents().in("name", [])).data).toEqual([]);
    expect(namesOf((await agents().is("description", null)).data)).toEqual(["Beta"]);
    expect(namesOf((await agents().not("description", "is", null)).data)).toHaveLength(4);
    expect(
      namesOf((await agents().not("name", "eq", "Alpha").not("name", "in", '("Beta",delta)')).data),
    ).toEqual(["Gamma, the third", "alice agent"]);
    const active = await f.a.client
      .from("agent_integration_permissions")
      .select("id")
      .is("is_active", true);
    expect(active.data).toEqual([{ id: f.a.grantId }]);
    expect(
      (await f.a.client.from("agent_integration_permissions").select("id").is("is_active", false))
        .data,
    ).toEqual([]);
  });

  it("orders by several columns with nulls placement", async () => {
    const byName = await f.a.client
      .from("agents")
      .select("name")
      .order("name", { ascending: false });
    expect(byName.data?.map((row) => row.name)).toEqual([
      "delta",
      "alice agent",
      "Gamma, the third",
      "Beta",
      "Alpha",
    ]);

    const nullsFirst = await f.a.client
      .from("agents")
      .select("name, description")
      .order("description", { ascending: true, nullsFirst: true })
      .order("name");
    expect(nullsFirst.data?.[0]?.name).toBe("Beta");
    const nullsLast = await f.a.client
      .from("agents")
      .select("name")
      .order("description", { ascending: false, nullsFirst: false });
    expect(nullsLast.data?.at(-1)?.name).toBe("Beta");
  });

  it("pages with limit/offset/range and counts exactly (Content-Range, 206)", async () => {
    const partial = await f.a.client
      .from("agents")
      .select("name", { count: "exact" })
      .order("name")
      .range(1, 2);
    expect(partial.status).toBe(206);
    expect(partial.count).toBe(5);
    expect(partial.data?.map((row) => row.name)).toEqual(["Beta", "Gamma, the third"]);

    const whole = await f.a.client.from("agents").select("name", { count: "exact" }).limit(10);
    expect(whole.status).toBe(200);
    expect(whole.count).toBe(5);

    const limited = await f.a.client.from("agents").select("name").order("name").limit(2);
    expect(limited.data?.map((row) => row.name)).toEqual(["Alpha", "Beta"]);
    expect(limited.count).toBeNull();

    const head = await f.a.client.from("agents").select("*", { count: "exact", head: true });
    expect(head.status).toBe(200);
    expect(head.count).toBe(5);
    expect(head.data).toBeNull();

    const none = await f.a.client
      .from("agents")
      .select("id", { count: "exact" })
      .eq("name", "nobody");
    expect(none.status).toBe(200);
    expect(none.count).toBe(0);
    expect(none.data).toEqual([]);

    const auth = { apikey: f.stack.anonKey, authorization: `Bearer ${f.a.token}` };
    const raw = await rawRequest(f, "/agents?select=name&order=name&offset=1&limit=2", {
      headers: { ...auth, prefer: "count=exact" },
    });
    expect(raw.status).toBe(206);
    expect(raw.headers.get("content-range")).toBe("1-2/5");
    expect(raw.headers.get("preference-applied")).toBe("count=exact");
    expect(raw.headers.get("content-type")).toBe("application/json; charset=utf-8");

    const uncounted = await rawRequest(f, "/agents?select=name&order=name", {
      headers: { ...auth, range: "0-1", "range-unit": "items" },
    });
    expect(uncounted.status).toBe(200);
    expect(uncounted.headers.get("content-range")).toBe("0-1/*");
    expect(uncounted.json).toEqual([{ name: "Alpha" }, { name: "Beta" }]);

    const rangeAndLimit = await rawRequest(f, "/agents?select=name&order=name&limit=1", {
      headers: { ...auth, range: "1-3", prefer: "count=exact" },
    });
    expect(rangeAndLimit.json).toEqual([]);
    expect(rangeAndLimit.headers.get("content-range")).toBe("*/5");

    const empty = await rawRequest(f, "/agents?name=eq.nobody", { headers: auth });
    expect(empty.headers.get("content-range")).toBe("*/*");

    const headRaw = await rawRequest(f, "/agents", {
      method: "HEAD",
      headers: { ...auth, prefer: "count=exact" },
    });
    expect(headRaw.status).toBe(200);
    expect(headRaw.headers.get("content-range")).toBe("0-4/5");
    expect(headRaw.text).toBe("");

    const beyond = await f.a.client.from("agents").select("name", { count: "exact" }).range(10, 12);
    expect(beyond.status).toBe(416);
    expect(beyond.error?.code).toBe("PGRST103");

    const backwards = await rawRequest(f, "/agents", { headers: { ...auth, range: "3-1" } });
    expect(backwards.status).toBe(416);
  });

  it("answers count=planned from the planner and count=estimated exactly below max_rows (PostgREST's rules, HEAD included)", async () => {
    const auth = { apikey: f.stack.anonKey, authorization: `Bearer ${f.a.token}` };
    // planned: EXPLAIN's row estimate for the count query, so the total need not match the rows;
    // PostgREST then answers 206 whenever the estimate exceeds the rows it returned.
    const planned = await f.a.client.from("agents").select("*", { head: true, count: "planned" });
    expect(planned.error).toBeNull();
    expect(planned.data).toBeNull();
    const estimate = planned.count ?? -1;
    expect(Number.isSafeInteger(estimate) && estimate >= 0).toBe(true);
    expect(planned.status).toBe(estimate > 5 ? 206 : 200);
    const plannedRaw = await rawRequest(f, "/agents", {
      method: "HEAD",
      headers: { ...auth, prefer: "count=planned" },
    });
    expect(plannedRaw.headers.get("content-range")).toBe(`0-4/${String(estimate)}`);
    expect(plannedRaw.headers.get("preference-applied")).toBe("count=planned");

    // A set-returning PL/pgSQL function is planned at its ROWS (1000 unless declared): for its
    // one real row PostgREST answers 206 with */1000.
    const fn = await f.a.client.rpc(
      "get_user_clicksend_connection",
      { p_user_id: f.a.id },
      { head: true, count: "planned" },
    );
    expect(fn).toMatchObject({ status: 206, count: 1000, data: null, error: null });

    // estimated: exact while within max_rows (supabase/config.toml: 1000), like PostgREST.
    const estimated = await f.a.client
      .from("agents")
      .select("*", { head: true, count: "estimated" });
    expect(estimated).toMatchObject({ status: 200, count: 5, data: null, error: null });
    const estimatedPage = await f.a.client
      .from("agents")
      .select("name", { count: "estimated" })
      .order("name")
      .range(0, 1);
    expect(estimatedPage.status).toBe(206);
    expect(estimatedPage.count).toBe(5);
    expect(estimatedPage.data?.map((row) => row.name)).toEqual(["Alpha", "Beta"]);
  });

  it("answers single objects, and 406 PGRST116 when there is not exactly one row", async () => {
    const one = await f.a.client
      .from("agents")
      .select("name, description")
      .eq("name", "Alpha")
      .single();
    expect(one.error).toBeNull();
    expect(one.status).toBe(200);
    expect(one.data).toEqual({ name: "Alpha", description: "first" });

    const zero = await f.a.client.from("agents").select("name").eq("name", "nobody").single();
    expect(zero.status).toBe(406);
    expect(zero.data).toBeNull();
    expect(zero.error).toMatchObject({
      code: "PGRST116",
      message: "JSON object requested, multiple (or no) rows returned",
      details: "The result contains 0 rows",
      hint: null,
    });

    const many = await f.a.client.from("agents").select("name").single();
    expect(many.status).toBe(406);
    expect(many.error?.details).toBe("The result contains 5 rows");

    // B's agent is invisible to A: a single-object read of it is "no rows", not a leak.
    const othersRow = await f.a.client.from("agents").select("name").eq("id", f.b.agentId).single();
    expect(othersRow.error?.code).toBe("PGRST116");

    const maybeNone = await f.a.client
      .from("agents")
      .select("name")
      .eq("name", "nobody")
      .maybeSingle();
    expect(maybeNone.error).toBeNull();
    expect(maybeNone.data).toBeNull();
    const maybeOne = await f.a.client
      .from("agents")
      .select("name")
      .eq("name", "Beta")
      .maybeSingle();
    expect(maybeOne.data).toEqual({ name: "Beta" });
    const maybeMany = await f.a.client.from("agents").select("name").maybeSingle();
    expect(maybeMany.error?.code).toBe("PGRST116");

    const raw = await rawRequest(f, `/agents?select=name&id=eq.${f.a.agentId}`, {
      headers: {
        authorization: `Bearer ${f.a.token}`,
        accept: "application/vnd.pgrst.object+json",
      },
    });
    expect(raw.headers.get("content-type")).toBe(
      "application/vnd.pgrst.object+json; charset=utf-8",
    );
    expect(raw.json).toEqual({ name: "alice agent" });
  });

  it("strips nulls when asked", async () => {
    const stripped = await f.a.client
      .from("agents")
      .select("name, description")
      .eq("name", "Beta")
      .stripNulls();
    expect(stripped.data).toEqual([{ name: "Beta" }]);
  });

  it("reads the security_invoker view as the caller", async () => {
    const view = await f.a.client
      .from("clicksend_connections")
      .select("id, connection_name, provider_name, credential_hint");
    expect(view.data).toEqual([
      {
        id: f.a.connectionId,
        connection_name: "alice ClickSend",
        provider_name: "ClickSend SMS/MMS",
        credential_hint: null,
      },
    ]);
  });

  it("answers jsonb, timestamptz, numeric and booleans with PostgreSQL's JSON types", async () => {
    await f.stack.db.query(
      `insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient, price, currency, message_parts, scheduled_for)
       values ($1, $2, '+61411111111', 0.077500, 'AUD', 2, '2030-05-06T07:08:09.123Z')`,
      [f.a.id, f.a.connectionId],
    );
    const messages = await f.a.client
      .from("clicksend_messages")
      .select("recipient, price, currency, message_parts, scheduled_for")
      .single();
    expect(messages.data).toEqual({
      recipient: "+61411111111",
      price: 0.0775,
      currency: "AUD",
      message_parts: 2,
      scheduled_for: "2030-05-06T07:08:09.123+00:00",
    });
    const grants = await f.a.client
      .from("agent_integration_permissions")
      .select("allowed_scopes, is_active, revoked_at")
      .single();
    expect(grants.data).toEqual({
      allowed_scopes: ["sms", "balance"],
      is_active: true,
      revoked_at: null,
    });
    const raw = await rawRequest(f, "/clicksend_messages?select=price", {
      headers: { authorization: `Bearer ${f.a.token}` },
    });
    expect(raw.text).toBe('[{"price":0.077500}]');
  });

  describe("RPC", () => {
    it("calls a scalar function with named arguments (text[] included)", async () => {
      const allowed = await f.a.client.rpc("validate_agent_clicksend_permissions", {
        p_agent_id: f.a.agentId,
        p_user_id: f.a.id,
        p_required_scopes: ["sms"],
      });
      expect(allowed.error).toBeNull();
      expect(allowed.status).toBe(200);
      expect(allowed.data).toBe(true);

      const uncovered = await f.a.client.rpc("validate_agent_clicksend_permissions", {
        p_agent_id: f.a.agentId,
        p_user_id: f.a.id,
        p_required_scopes: ["sms", "mms"],
      });
      expect(uncovered.data).toBe(false);

      const aboutOthers = await f.a.client.rpc("validate_agent_clicksend_permissions", {
        p_agent_id: f.b.agentId,
        p_user_id: f.b.id,
        p_required_scopes: [],
      });
      expect(aboutOthers.data).toBe(false);

      const asService = await f.service.rpc("validate_agent_clicksend_permissions", {
        p_agent_id: f.b.agentId,
        p_user_id: f.b.id,
        p_required_scopes: ["balance"],
      });
      expect(asService.data).toBe(true);
    });

    it("calls a table function: an array of rows, with select, filters and count", async () => {
      const mine = await f.a.client.rpc("get_user_clicksend_connection", { p_user_id: f.a.id });
      expect(mine.error).toBeNull();
      expect(mine.data).toEqual([
        {
          connection_id: f.a.connectionId,
          connection_name: "alice ClickSend",
          external_username: "alice_cs",
          connection_status: "active",
          configuration: {},
        },
      ]);

      const theirs = await f.a.client.rpc("get_user_clicksend_connection", { p_user_id: f.b.id });
      expect(theirs.data).toEqual([]);

      const shaped = await f.a.client
        .rpc("get_user_clicksend_connection", { p_user_id: f.a.id }, { count: "exact" })
        .select("connection_name")
        .eq("connection_status", "active");
      expect(shaped.data).toEqual([{ connection_name: "alice ClickSend" }]);
      expect(shaped.count).toBe(1);

      const single = await f.a.client
        .rpc("get_user_clicksend_connection", { p_user_id: f.a.id })
        .single();
      expect(single.data?.connection_id).toBe(f.a.connectionId);

      const viaGet = await f.a.client.rpc(
        "get_user_clicksend_connection",
        { p_user_id: f.a.id },
        { get: true },
      );
      expect(viaGet.data?.[0]?.connection_id).toBe(f.a.connectionId);
      const scalarViaGet = await f.a.client.rpc(
        "validate_agent_clicksend_permissions",
        { p_agent_id: f.a.agentId, p_user_id: f.a.id, p_required_scopes: ["sms", "balance"] },
        { get: true },
      );
      expect(scalarViaGet.data).toBe(true);
    });

    it("counts calls like PostgREST: a value is one row (0-0/1), also under HEAD", async () => {
      const args = { p_agent_id: f.a.agentId, p_user_id: f.a.id, p_required_scopes: ["sms"] };
      const counted = await f.a.client.rpc("validate_agent_clicksend_permissions", args, {
        count: "exact",
      });
      expect(counted).toMatchObject({ status: 200, count: 1, data: true, error: null });

      const head = await f.a.client.rpc("validate_agent_clicksend_permissions", args, {
        head: true,
        count: "exact",
      });
      expect(head).toMatchObject({ status: 200, count: 1, data: null, error: null });

      const auth = { apikey: f.stack.anonKey, authorization: `Bearer ${f.a.token}` };
      const raw = await rawRequest(f, "/rpc/validate_agent_clicksend_permissions", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json", prefer: "count=exact" },
        body: JSON.stringify(args),
      });
      expect(raw.headers.get("content-range")).toBe("0-0/1");
      expect(raw.headers.get("preference-applied")).toBe("count=exact");
      const uncounted = await rawRequest(f, "/rpc/validate_agent_clicksend_permissions", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(args),
      });
      expect(uncounted.headers.get("content-range")).toBe("0-0/*");

      const rows = await f.a.client.rpc(
        "get_user_clicksend_connection",
        { p_user_id: f.a.id },
        { head: true, count: "exact" },
      );
      expect(rows).toMatchObject({ status: 200, count: 1, data: null, error: null });
      const none = await f.a.client.rpc(
        "get_user_clicksend_connection",
        { p_user_id: f.b.id },
        { count: "exact" },
      );
      expect(none).toMatchObject({ status: 200, count: 0, data: [] });
    });

    it("answers PGRST202 (404) for unknown functions and argument names", async () => {
      const unknown = await f.a.client.rpc("no_such_function" as "get_user_clicksend_connection", {
        p_user_id: f.a.id,
      });
      expect(unknown.status).toBe(404);
      expect(unknown.error?.code).toBe("PGRST202");
      expect(unknown.error?.message).toBe(
        "Could not find the function public.no_such_function(p_user_id) in the schema cache",
      );

      const wrongArgs = await f.a.client.rpc("get_user_clicksend_connection", {
        user_id: f.a.id,
      } as never);
      expect(wrongArgs.status).toBe(404);
      expect(wrongArgs.error?.code).toBe("PGRST202");
      expect(wrongArgs.error?.hint).toContain("get_user_clicksend_connection(uuid)");

      const missingArg = await f.a.client.rpc("validate_agent_clicksend_permissions", {
        p_agent_id: f.a.agentId,
      } as never);
      expect(missingArg.error?.code).toBe("PGRST202");
    });

    it("maps EXECUTE denials to 401 for anon and 403 for a signed-in user", async () => {
      const anon = await f.anon.rpc("get_user_clicksend_connection", { p_user_id: f.a.id });
      expect(anon.status).toBe(401);
      expect(anon.error?.code).toBe("42501");

      const user = await f.a.client.rpc("clicksend_read_api_key", {
        p_connection_id: f.a.connectionId,
      });
      expect(user.status).toBe(403);
      expect(user.error?.code).toBe("42501");
      expect(user.data).toBeNull();
    });

    it("runs void functions (204) and maps RAISE codes as PostgREST documents", async () => {
      const stored = await f.service.rpc("clicksend_store_api_key", {
        p_connection_id: f.b.connectionId,
        p_api_key: "sandbox-key-12345678",
      });
      expect(stored.error).toBeNull();
      expect(stored.status).toBe(204);
      expect(stored.data).toBeNull();

      const read = await f.service.rpc("clicksend_read_api_key", {
        p_connection_id: f.b.connectionId,
      });
      expect(read.data).toBe("sandbox-key-12345678");

      const again = await f.service.rpc("clicksend_store_api_key", {
        p_connection_id: f.b.connectionId,
        p_api_key: "sandbox-key-87654321",
      });
      expect(again.status).toBe(409);
      expect(again.error?.code).toBe("23505");

      const malformed = await f.service.rpc("clicksend_store_api_key", {
        p_connection_id: f.a.connectionId,
        p_api_key: "short",
      });
      expect(malformed.status).toBe(400);
      expect(malformed.error?.code).toBe("22023");
      expect(JSON.stringify(malformed.error)).not.toContain("short");

      // P0002 (no_data_found) is a PL/pgSQL class P0 error: PostgREST answers 500 for those.
      const missing = await f.service.rpc("clicksend_read_api_key", {
        p_connection_id: f.a.connectionId,
      });
      expect(missing.status).toBe(500);
      expect(missing.error?.code).toBe("P0002");
      expect(missing.error?.message).toBe(
        `ClickSend connection ${f.a.connectionId} has no stored key`,
      );

      const badUuid = await f.a.client.rpc("get_user_clicksend_connection", {
        p_user_id: "not-a-uuid",
      });
      expect(badUuid.status).toBe(400);
      expect(badUuid.error?.code).toBe("22P02");
    });
  });
});
