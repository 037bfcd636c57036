// Contract: writes through /rest/v1 with the official supabase-js, on each engine. Insert (object,
// array, columns/missing), upsert (on_conflict, merge/ignore duplicates), update, delete, with and
// without return=representation; constraint errors and their statuses; RLS on every write.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines } from "../testing.ts";
import { rawRequest, startRestFixture, type RestFixture } from "./contract-fixtures.ts";

describe.each(engines())("REST writes on %s", (engine) => {
  let f: RestFixture;

  beforeAll(async () => {
    f = await startRestFixture(engine);
  }, 120_000);

  afterAll(async () => {
    await f.stop();
  });

  const agentRow = async (id: string) =>
    (
      await f.stack.db.query<{ name: string; description: string | null; user_id: string }>(
        "select name, description, user_id from public.agents where id = $1",
        [id],
      )
    )[0];

  const newUser = async () => {
    const id = randomUUID();
    await f.stack.db.query(
      "insert into auth.users (id, email, aud, role) values ($1, $2, 'authenticated', 'authenticated')",
      [id, `${id}@test.local`],
    );
    return { id, client: f.clientWith(f.userToken(id)), token: f.userToken(id) };
  };

  it("inserts one object: 201, no body by default, the row owned by the caller", async () => {
    const created = await f.a.client.from("agents").insert({ name: "Inserted quietly" });
    expect(created.error).toBeNull();
    expect(created.status).toBe(201);
    expect(created.data).toBeNull();
    const rows = await f.stack.db.query<{ user_id: string }>(
      "select user_id from public.agents where name = 'Inserted quietly'",
    );
    expect(rows).toEqual([{ user_id: f.a.id }]);
  });

  it("inserts with return=representation honouring select, as an array or a single object", async () => {
    const many = await f.a.client
      .from("agents")
      .insert([{ name: "Rep one", description: "d1" }, { name: "Rep two" }])
      .select("name, description, user_id");
    expect(many.status).toBe(201);
    // supabase-js sends columns=name,description: a key missing from a row is null.
    expect(many.data).toEqual([
      { name: "Rep one", description: "d1", user_id: f.a.id },
      { name: "Rep two", description: null, user_id: f.a.id },
    ]);

    const one = await f.a.client
      .from("agents")
      .insert({ name: "Rep single" })
      .select("id, name")
      .single();
    expect(one.status).toBe(201);
    expect(one.data?.name).toBe("Rep single");
    expect(typeof one.data?.id).toBe("string");

    const raw = await rawRequest(f, "/agents?select=name", {
      method: "POST",
      headers: {
        authorization: `Bearer ${f.a.token}`,
        "content-type": "application/json",
        prefer: "return=representation",
      },
      body: JSON.stringify({ name: "Raw rep" }),
    });
    expect(raw.status).toBe(201);
    expect(raw.json).toEqual([{ name: "Raw rep" }]);
    expect(raw.headers.get("preference-applied")).toBe("return=representation");
  });

  it("rolls back a single-object insert that produced more than one row (406)", async () => {
    const two = await f.a.client
      .from("agents")
      .insert([{ name: "Single A" }, { name: "Single B" }])
      .select("id")
      .single();
    expect(two.status).toBe(406);
    expect(two.error?.code).toBe("PGRST116");
    expect(two.error?.details).toBe("The result contains 2 rows");
    const rows = await f.stack.db.query(
      "select 1 from public.agents where name in ('Single A', 'Single B')",
    );
    expect(rows).toHaveLength(0);
  });

  it("fills missing keys with null, or with the column default under missing=default", async () => {
    const withNull = await f.a.client
      .from("agents")
      .insert([{ name: "Dated", created_at: "2020-01-01T00:00:00Z" }, { name: "Undated" }])
      .select("name");
    expect(withNull.status).toBe(400);
    expect(withNull.error?.code).toBe("23502");

    const withDefault = await f.a.client
      .from("agents")
      .insert([{ name: "Dated", created_at: "2020-01-01T00:00:00Z" }, { name: "Undated" }], {
        defaultToNull: false,
      })
      .select("name, created_at, user_id");
    expect(withDefault.error).toBeNull();
    expect(withDefault.data?.[0]).toEqual({
      name: "Dated",
      created_at: "2020-01-01T00:00:00+00:00",
      user_id: f.a.id,
    });
    expect(withDefault.data?.[1]?.user_id).toBe(f.a.id);
    expect(withDefault.data?.[1]?.created_at.startsWith("2020")).toBe(false);
  });

  it("writes jsonb and timestamptz columns faithfully", async () => {
    const agent = await f.a.client
      .from("agents")
      .insert({ name: "Typed agent" })
      .select("id")
      .single();
    const agentId = agent.data?.id ?? "";
    const grant = await f.a.client
      .from("agent_integration_permissions")
      .insert({
        agent_id: agentId,
        user_oauth_connection_id: f.a.connectionId,
        allowed_scopes: ["sms", "history"],
        expires_at: "2031-01-02T03:04:05.678Z",
      })
      .select("allowed_scopes, expires_at, user_id, is_active")
      .single();
    expect(grant.error).toBeNull();
    expect(grant.data).toEqual({
      allowed_scopes: ["sms", "history"],
      expires_at: "2031-01-02T03:04:05.678+00:00",
      user_id: f.a.id,
      is_active: true,
    });

    const renamed = await f.a.client
      .from("user_oauth_connections")
      .update({ connection_metadata: { nested: { list: [1, "two", null], flag: true } } })
      .eq("id", f.a.connectionId)
      .select("connection_metadata")
      .single();
    expect(renamed.data?.connection_metadata).toEqual({
      nested: { list: [1, "two", null], flag: true },
    });
  });

  it("upserts on the primary key (merge-duplicates) and on on_conflict columns; 200 when nothing was new", async () => {
    const seed = await f.a.client
      .from("agents")
      .insert({ name: "Upsert me", description: "before" })
      .select("id")
      .single();
    const id = seed.data?.id ?? "";

    const merged = await f.a.client
      .from("agents")
      .upsert({ id, name: "Upsert me", description: "after" })
      .select("id, description");
    // PostgREST 12: a merge that created nothing is 200; 201 as soon as one row is new.
    expect(merged.status).toBe(200);
    expect(merged.data).toEqual([{ id, description: "after" }]);

    const ignored = await f.a.client
      .from("agents")
      .upsert({ id, name: "Upsert me", description: "ignored" }, { ignoreDuplicates: true })
      .select("id");
    // ignore-duplicates stays 201 even when every row was a duplicate, as in PostgREST.
    expect(ignored.status).toBe(201);
    expect(ignored.data).toEqual([]);
    expect((await agentRow(id))?.description).toBe("after");

    const fresh = randomUUID();
    const inserted = await f.a.client
      .from("agents")
      .upsert({ id: fresh, name: "Upserted new" })
      .select("id");
    expect(inserted.status).toBe(201);
    expect(inserted.data).toEqual([{ id: fresh }]);

    const another = randomUUID();
    const mixed = await f.a.client
      .from("agents")
      .upsert([
        { id: fresh, name: "Upserted new", description: "again" },
        { id: another, name: "Upserted too", description: "new" },
      ])
      .select("name");
    expect(mixed.status).toBe(201);
    expect(mixed.data).toEqual([{ name: "Upserted new" }, { name: "Upserted too" }]);

    const allOld = await f.a.client.from("agents").upsert(
      [
        { id: fresh, name: "Upserted new", description: "third" },
        { id: another, name: "Upserted too", description: "second" },
      ],
      { count: "exact" },
    );
    expect(allOld.status).toBe(200);
    expect(allOld.count).toBe(2);
    expect((await agentRow(another))?.description).toBe("second");

    const regrant = await f.a.client
      .from("agent_integration_permissions")
      .upsert(
        {
          agent_id: f.a.agentId,
          user_oauth_connection_id: f.a.connectionId,
          allowed_scopes: ["sms", "balance", "history"],
        },
        { onConflict: "agent_id,user_oauth_connection_id" },
      )
      .select("id, allowed_scopes")
      .single();
    expect(regrant.error).toBeNull();
    expect(regrant.data).toEqual({
      id: f.a.grantId,
      allowed_scopes: ["sms", "balance", "history"],
    });

    const raw = await rawRequest(f, "/agents?on_conflict=id", {
      method: "POST",
      headers: {
        authorization: `Bearer ${f.a.token}`,
        "content-type": "application/json",
        prefer: "resolution=merge-duplicates, return=minimal",
      },
      body: JSON.stringify({ id, name: "Upsert me", description: "raw" }),
    });
    expect(raw.status).toBe(200);
    const nothing = await rawRequest(f, "/agents", {
      method: "POST",
      headers: {
        authorization: `Bearer ${f.a.token}`,
        "content-type": "application/json",
        prefer: "resolution=merge-duplicates, return=representation",
      },
      body: "[]",
    });
    expect(nothing.status).toBe(200);
    expect(nothing.json).toEqual([]);
    expect(raw.text).toBe("");
    expect(raw.headers.get("preference-applied")).toBe(
      "return=minimal, resolution=merge-duplicates",
    );
    expect((await agentRow(id))?.description).toBe("raw");

    const badTarget = await f.a.client.from("agents").upsert({ name: "x" }, { onConflict: "nope" });
    expect(badTarget.status).toBe(400);
    expect(badTarget.error?.code).toBe("42703");

    // Upserting over another user's row: the conflict is found, the update is refused by RLS.
    const hijack = await f.a.client.from("agents").upsert({ id: f.b.agentId, name: "hijacked" });
    expect(hijack.error?.code).toBe("42501");
    expect(hijack.status).toBe(403);
    expect((await agentRow(f.b.agentId))?.name).toBe("bob agent");
  });

  it("updates with filters, with and without representation; never another user's rows", async () => {
    const quiet = await f.a.client
      .from("agents")
      .update({ description: "updated" })
      .eq("id", f.a.agentId);
    expect(quiet.status).toBe(204);
    expect(quiet.data).toBeNull();
    expect((await agentRow(f.a.agentId))?.description).toBe("updated");

    const loud = await f.a.client
      .from("agents")
      .update({ description: "updated again" })
      .eq("id", f.a.agentId)
      .select("id, description");
    expect(loud.status).toBe(200);
    expect(loud.data).toEqual([{ id: f.a.agentId, description: "updated again" }]);

    const foreign = await f.a.client
      .from("agents")
      .update({ name: "mine now" })
      .eq("id", f.b.agentId)
      .select();
    expect(foreign.error).toBeNull();
    expect(foreign.data).toEqual([]);
    expect((await agentRow(f.b.agentId))?.name).toBe("bob agent");

    const moveAway = await f.a.client
      .from("agents")
      .update({ user_id: f.b.id })
      .eq("id", f.a.agentId);
    expect(moveAway.status).toBe(403);
    expect(moveAway.error?.code).toBe("42501");

    const statusByUser = await f.a.client
      .from("user_oauth_connections")
      .update({ connection_status: "revoked" })
      .eq("id", f.a.connectionId);
    expect(statusByUser.status).toBe(403);
    expect(statusByUser.error?.message).toContain("permission denied");

    const unknown = await f.a.client
      .from("agents")
      .update({ nope: 1 } as never)
      .eq("id", f.a.agentId);
    expect(unknown.status).toBe(400);
    expect(unknown.error).toMatchObject({
      code: "PGRST204",
      message: "Could not find the 'nope' column of 'agents' in the schema cache",
    });
  });

  it("deletes with filters, with and without representation; never another user's rows", async () => {
    const [one, two] =
      (
        await f.a.client
          .from("agents")
          .insert([{ name: "Doomed 1" }, { name: "Doomed 2" }])
          .select("id")
      ).data ?? [];
    const quiet = await f.a.client
      .from("agents")
      .delete()
      .eq("id", one?.id ?? "");
    expect(quiet.status).toBe(204);
    const loud = await f.a.client
      .from("agents")
      .delete()
      .eq("id", two?.id ?? "")
      .select("name");
    expect(loud.status).toBe(200);
    expect(loud.data).toEqual([{ name: "Doomed 2" }]);

    const foreign = await f.a.client.from("agents").delete().eq("id", f.b.agentId).select();
    expect(foreign.data).toEqual([]);
    expect(await agentRow(f.b.agentId)).toBeDefined();

    const counted = await f.a.client.from("agents").delete({ count: "exact" }).eq("name", "nobody");
    expect(counted.count).toBe(0);
  });

  it("allows PATCH and DELETE without filters, limited by RLS to the caller's rows", async () => {
    const carol = await newUser();
    await f.stack.db.query(
      "insert into public.agents (user_id, name) values ($1, 'c1'), ($1, 'c2')",
      [carol.id],
    );
    const all = await carol.client
      .from("agents")
      .update({ description: "every one of mine" })
      .select("name");
    expect(all.data?.map((row) => row.name).sort()).toEqual(["c1", "c2"]);
    expect((await agentRow(f.b.agentId))?.description).toBe("the agent of bob");

    const strict = await rawRequest(f, "/agents", {
      method: "PATCH",
      headers: {
        authorization: `Bearer ${carol.token}`,
        "content-type": "application/json",
        prefer: "handling=strict, max-affected=1",
      },
      body: JSON.stringify({ description: "too many" }),
    });
    expect(strict.status).toBe(400);
    expect(strict.json).toMatchObject({ code: "PGRST124" });

    const gone = await carol.client.from("agents").delete().select("name");
    expect(gone.data).toHaveLength(2);
    expect(await agentRow(f.b.agentId)).toBeDefined();
    expect(await agentRow(f.a.agentId)).toBeDefined();
  });

  it("maps constraint violations to PostgREST's statuses", async () => {
    const duplicate = await f.a.client.from("agents").insert({ id: f.a.agentId, name: "again" });
    expect(duplicate.status).toBe(409);
    expect(duplicate.error).toMatchObject({
      code: "23505",
      message: expect.stringContaining("duplicate key") as unknown,
    });
    // RLS is on, so PostgreSQL reports no key values (nothing about rows the caller cannot see).
    expect(duplicate.error?.details).toBeNull();

    const blank = await f.a.client.from("agents").insert({ name: "   " });
    expect(blank.status).toBe(400);
    expect(blank.error?.code).toBe("23514");

    const crossTenant = await f.a.client.from("agent_integration_permissions").insert({
      agent_id: f.a.agentId,
      user_oauth_connection_id: f.b.connectionId,
      allowed_scopes: ["sms"],
    });
    expect(crossTenant.status).toBe(409);
    expect(crossTenant.error?.code).toBe("23503");

    const badScope = await f.a.client
      .from("agent_integration_permissions")
      .update({ allowed_scopes: ["teleport"] })
      .eq("id", f.a.grantId);
    expect(badScope.status).toBe(400);
    expect(badScope.error?.code).toBe("23514");

    const badUuid = await f.a.client.from("agents").insert({ id: "not-a-uuid", name: "x" });
    expect(badUuid.status).toBe(400);
    expect(badUuid.error?.code).toBe("22P02");

    const anon = await f.anon.from("agents").insert({ name: "anonymous" });
    expect(anon.status).toBe(401);
    expect(anon.error?.code).toBe("42501");

    const catalog = await f.a.client
      .from("service_providers")
      .insert({ name: "evil", display_name: "Evil" });
    expect(catalog.status).toBe(403);
    expect(catalog.error?.code).toBe("42501");

    const unknown = await f.a.client.from("agents").insert({ name: "x", nope: 1 } as never);
    expect(unknown.status).toBe(400);
    expect(unknown.error?.code).toBe("PGRST204");
  });

  it("refuses malformed bodies with PGRST102", async () => {
    const headers = { authorization: `Bearer ${f.a.token}`, "content-type": "application/json" };
    const invalid = await rawRequest(f, "/agents", { method: "POST", headers, body: "{not json" });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toMatchObject({ code: "PGRST102", message: "Empty or invalid json" });
    const mismatched = await rawRequest(f, "/agents", {
      method: "POST",
      headers,
      body: JSON.stringify([{ name: "a" }, { description: "b" }]),
    });
    expect(mismatched.json).toMatchObject({
      code: "PGRST102",
      message: "All object keys must match",
    });
    const scalar = await rawRequest(f, "/agents", { method: "POST", headers, body: "42" });
    expect(scalar.json).toMatchObject({ code: "PGRST102" });
    const csv = await rawRequest(f, "/agents", {
      method: "POST",
      headers: { ...headers, "content-type": "text/csv" },
      body: "name\nx",
    });
    expect(csv.status).toBe(501);
  });

  it("honours Prefer: tx=rollback and return=headers-only", async () => {
    const rolledBack = await f.a.client
      .from("agents")
      .insert({ name: "Never kept" })
      .select("name")
      .rollback();
    expect(rolledBack.status).toBe(201);
    expect(rolledBack.data).toEqual([{ name: "Never kept" }]);
    expect(
      await f.stack.db.query("select 1 from public.agents where name = 'Never kept'"),
    ).toHaveLength(0);

    const headersOnly = await rawRequest(f, "/agents", {
      method: "POST",
      headers: {
        authorization: `Bearer ${f.a.token}`,
        "content-type": "application/json",
        prefer: "return=headers-only",
      },
      body: JSON.stringify({ name: "Located" }),
    });
    expect(headersOnly.status).toBe(201);
    expect(headersOnly.text).toBe("");
    const [row] = await f.stack.db.query<{ id: string }>(
      "select id from public.agents where name = 'Located'",
    );
    expect(headersOnly.headers.get("location")).toBe(`/agents?id=eq.${row?.id ?? ""}`);
  });
});
