// Contract: who may call /rest/v1 and what they may reach, with the official supabase-js on each
// engine. The apikey, expired/tampered/missing JWTs, RLS on every exposed relation, schemas that
// are not exposed, unsupported PostgREST syntax answered by name, SQL injection attempts, and the
// schema cache reloading for objects created after start-up.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_JWT_SECRET } from "../config.ts";
import { signJwt } from "../jwt.ts";
import { engines } from "../testing.ts";
import { rawRequest, startRestFixture, type RestFixture } from "./contract-fixtures.ts";
import { UNSUPPORTED_CODE } from "./errors.ts";

type AnyClient = RestFixture["anon"];
/** The typed client refuses names outside the schema; these tests mean to send them. */
const untyped = (client: AnyClient, table: string) => client.from(table as "agents");

describe.each(engines())("REST security on %s", (engine) => {
  let f: RestFixture;
  let relations: string[] = [];

  beforeAll(async () => {
    f = await startRestFixture(engine);
    relations = (
      await f.stack.db.query<{ relname: string }>(
        `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f') order by 1`,
      )
    ).map((row) => row.relname);
    await f.stack.db.query(
      `insert into public.clicksend_messages (user_id, user_oauth_connection_id, recipient) values
         ($1, $2, '+61400000001'), ($3, $4, '+61400000002')`,
      [f.a.id, f.a.connectionId, f.b.id, f.b.connectionId],
    );
    await f.stack.db.query(
      `insert into public.tool_execution_logs (user_id, agent_id, tool_name, success) values
         ($1, $2, 'clicksend_get_balance', true), ($3, $4, 'clicksend_get_balance', true)`,
      [f.a.id, f.a.agentId, f.b.id, f.b.agentId],
    );
  }, 120_000);

  afterAll(async () => {
    await f.stop();
  });

  describe("apikey and JWT", () => {
    it("requires an apikey (header or query parameter) that is a JWT of this project", async () => {
      const missing = await fetch(`${f.restUrl}/agents`);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({
        message: "No API key found in request",
        hint: "No `apikey` request header or url param was found.",
      });

      const tampered = `${f.stack.anonKey.slice(0, -3)}abc`;
      const invalid = await rawRequest(f, "/agents", { headers: { apikey: tampered } });
      expect(invalid.status).toBe(401);
      expect(invalid.json).toMatchObject({ message: "Invalid API key" });

      const foreign = signJwt({ role: "anon" }, "another-secret-another-secret-another-secret");
      expect((await rawRequest(f, "/agents", { headers: { apikey: foreign } })).status).toBe(401);

      const viaQuery = await fetch(
        `${f.restUrl}/service_providers?select=name&apikey=${f.stack.serviceRoleKey}`,
      );
      expect(viaQuery.status).toBe(200);
      expect(await viaQuery.json()).toEqual([{ name: "clicksend_sms" }]);
    });

    it("rejects an expired bearer token with PGRST303", async () => {
      const expired = f.clientWith(f.userToken(f.a.id, { expiresIn: -60 }));
      const result = await expired.from("agents").select("id");
      expect(result.status).toBe(401);
      expect(result.data).toBeNull();
      expect(result.error).toMatchObject({
        code: "PGRST303",
        message: "JWT expired",
        details: null,
        hint: null,
      });

      const raw = await rawRequest(f, "/agents", {
        headers: { authorization: `Bearer ${f.userToken(f.a.id, { expiresIn: -60 })}` },
      });
      expect(raw.headers.get("www-authenticate")).toContain('error="invalid_token"');
    });

    it("rejects tampered, forged and malformed bearer tokens with 401", async () => {
      const [header, , signature] = f.a.token.split(".");
      const forgedPayload = Buffer.from(
        JSON.stringify({ sub: f.b.id, role: "service_role" }),
      ).toString("base64url");
      const tampered = await f
        .clientWith(`${header ?? ""}.${forgedPayload}.${signature ?? ""}`)
        .from("agents")
        .select("id");
      expect(tampered.status).toBe(401);
      expect(tampered.error?.code).toBe("PGRST301");

      const wrongSecret = signJwt(
        { sub: f.a.id, role: "service_role" },
        "not-the-secret-not-the-secret-not-the-secret",
      );
      const forged = await f.clientWith(wrongSecret).from("agents").select("id");
      expect(forged.status).toBe(401);
      expect(forged.error?.code).toBe("PGRST301");

      const superuser = signJwt({ sub: f.a.id, role: "postgres" }, DEFAULT_JWT_SECRET);
      const escalated = await f.clientWith(superuser).from("agents").select("id");
      expect(escalated.status).toBe(401);
      expect(escalated.error?.code).toBe("PGRST303");

      const injectedRole = signJwt({ role: "anon; reset role" }, DEFAULT_JWT_SECRET);
      expect((await f.clientWith(injectedRole).from("agents").select("id")).status).toBe(401);

      const garbage = await f.clientWith("not-a-jwt").from("agents").select("id");
      expect(garbage.status).toBe(401);
      expect(garbage.error?.code).toBe("PGRST301");

      const basic = await rawRequest(f, "/agents", {
        headers: { authorization: "Basic dXNlcjpwYXNz" },
      });
      expect(basic.status).toBe(401);
      expect(basic.json).toMatchObject({ code: "PGRST301" });
    });

    it("uses the apikey's role when no Authorization header is sent", async () => {
      const service = await rawRequest(f, "/agents?select=id", {
        headers: { apikey: f.stack.serviceRoleKey },
      });
      expect(service.status).toBe(200);
      expect(service.json).toHaveLength(2);
      const anon = await rawRequest(f, "/agents?select=id");
      expect(anon.status).toBe(401);
      expect(anon.json).toMatchObject({
        code: "42501",
        message: "permission denied for table agents",
      });
    });
  });

  describe("RLS through REST", () => {
    it("gives anon nothing from any relation in public", async () => {
      expect(relations.length).toBeGreaterThanOrEqual(8);
      for (const relation of relations) {
        const result = await untyped(f.anon, relation).select("*");
        expect(result.data ?? [], relation).toEqual([]);
        expect([200, 401], relation).toContain(result.status);
      }
      for (const relation of [
        "agents",
        "user_oauth_connections",
        "clicksend_messages",
        "clicksend_connections",
        "tool_execution_logs",
      ]) {
        const result = await untyped(f.anon, relation).select("*");
        expect(result.status, relation).toBe(401);
        expect(result.error?.code, relation).toBe("42501");
      }
    });

    it("never shows user A anything of user B, in any relation", async () => {
      const bIds = [f.b.id, f.b.agentId, f.b.connectionId, f.b.grantId];
      for (const relation of relations) {
        const result = await untyped(f.a.client, relation).select("*");
        const text = JSON.stringify(result.data);
        for (const id of bIds) expect(text, relation).not.toContain(id);
      }
      const messages = await f.a.client.from("clicksend_messages").select("recipient");
      expect(messages.data).toEqual([{ recipient: "+61400000001" }]);
      const logs = await f.a.client.from("tool_execution_logs").select("user_id");
      expect(logs.data).toEqual([{ user_id: f.a.id }]);
    });

    it("keeps A from reading, updating or deleting B's agents, grants and connections", async () => {
      expect((await f.a.client.from("agents").select("*").eq("id", f.b.agentId)).data).toEqual([]);
      expect(
        (await f.a.client.from("agents").update({ name: "stolen" }).eq("id", f.b.agentId).select())
          .data,
      ).toEqual([]);
      expect(
        (await f.a.client.from("agents").delete().eq("id", f.b.agentId).select()).data,
      ).toEqual([]);
      expect(
        (
          await f.a.client
            .from("agent_integration_permissions")
            .delete()
            .eq("id", f.b.grantId)
            .select()
        ).data,
      ).toEqual([]);
      expect(
        (
          await f.a.client
            .from("user_oauth_connections")
            .update({ connection_name: "mine" })
            .eq("id", f.b.connectionId)
            .select()
        ).data,
      ).toEqual([]);
      const [agent] = await f.stack.db.query<{ name: string }>(
        "select name from public.agents where id = $1",
        [f.b.agentId],
      );
      expect(agent?.name).toBe("bob agent");
      const [grant] = await f.stack.db.query(
        "select 1 from public.agent_integration_permissions where id = $1",
        [f.b.grantId],
      );
      expect(grant).toBeDefined();
      const [connection] = await f.stack.db.query<{ connection_name: string }>(
        "select connection_name from public.user_oauth_connections where id = $1",
        [f.b.connectionId],
      );
      expect(connection?.connection_name).toBe("bob ClickSend");
    });

    it("lets the service role see every row", async () => {
      const agents = await f.service.from("agents").select("id", { count: "exact" });
      const [total] = await f.stack.db.query<{ n: number }>(
        "select count(*)::int as n from public.agents",
      );
      expect(agents.count).toBe(total?.n);
      expect(agents.data?.map((row) => row.id)).toEqual(
        expect.arrayContaining([f.a.agentId, f.b.agentId]),
      );
    });

    it("exposes only the public schema, to every role", async () => {
      for (const schema of ["vault", "private", "auth", "extensions", "pg_catalog"]) {
        for (const client of [f.a.client, f.service]) {
          const result = await client
            .schema(schema as "public")
            .from("agents")
            .select("*");
          expect(result.status, schema).toBe(406);
          expect(result.error).toMatchObject({
            code: "PGRST106",
            message: "The schema must be one of the following: public",
          });
        }
        const write = await f.service
          .schema(schema as "public")
          .from("agents")
          .insert({ name: "x" });
        expect(write.status, schema).toBe(406);
      }
      for (const table of [
        "vault.secrets",
        "vault.decrypted_secrets",
        "auth.users",
        "private.clicksend_credentials",
        "pg_catalog.pg_authid",
      ]) {
        const result = await untyped(f.service, table).select("*");
        expect(result.status, table).toBe(404);
        expect(result.error?.code, table).toBe("PGRST205");
      }
      const users = await untyped(f.a.client, "users").select("*");
      expect(users.error?.message).toBe(
        "Could not find the table 'public.users' in the schema cache",
      );
    });
  });

  describe("unknown names and unsupported syntax", () => {
    it("answers 404 PGRST205 for unknown tables, with a hint when a name is close", async () => {
      const result = await untyped(f.a.client, "agent").select("*");
      expect(result.status).toBe(404);
      expect(result.error).toEqual({
        code: "PGRST205",
        details: null,
        hint: "Perhaps you meant the table 'public.agents'",
        message: "Could not find the table 'public.agent' in the schema cache",
      });
    });

    it("answers 400 42703 for unknown columns in select, filters and order", async () => {
      const select = await f.a.client.from("agents").select("id, nonexistent");
      expect(select.status).toBe(400);
      expect(select.error).toMatchObject({
        code: "42703",
        message: "column agents.nonexistent does not exist",
      });
      const filter = await f.a.client
        .from("agents")
        .select("id")
        .eq("nonexistent" as "id", "1");
      expect(filter.error?.code).toBe("42703");
      const order = await f.a.client
        .from("agents")
        .select("id")
        .order("nonexistent" as "id");
      expect(order.error?.code).toBe("42703");
    });

    it("names each unsupported PostgREST feature in a 501", async () => {
      const cases = [
        {
          run: () => f.a.client.from("agents").select("*, agent_integration_permissions(*)"),
          feature: "resource embedding",
          what: "agent_integration_permissions(*)",
        },
        {
          run: () => f.a.client.from("agents").select("name").or("name.eq.a,name.eq.b"),
          feature: "logical operators (or/and)",
          what: "or=",
        },
        {
          run: () => f.a.client.from("agents").select("name").textSearch("name", "cat"),
          feature: "fts",
          what: "name=fts",
        },
        {
          run: () => f.a.client.from("user_oauth_connections").select("connection_metadata->a"),
          feature: "JSON path",
          what: "connection_metadata->a",
        },
        {
          run: () => f.a.client.from("agents").select("name").filter("name", "cs", "{a}"),
          feature: "the cs operator",
          what: "name=cs.{a}",
        },
        {
          run: () => f.a.client.from("agents").select("name").csv(),
          feature: "text/csv",
          what: "text/csv",
        },
        {
          run: () => f.a.client.from("agents").select("count()"),
          feature: "aggregate functions",
          what: "count()",
        },
      ];
      for (const { run, feature, what } of cases) {
        const result = await run();
        expect(result.status, feature).toBe(501);
        expect(result.error?.code, feature).toBe(UNSUPPORTED_CODE);
        expect(result.error?.message, feature).toContain(feature);
        expect(result.error?.message, feature).toContain("is not supported by the local gateway");
        expect(result.error?.message, feature).toContain(what);
      }
      const put = await rawRequest(f, "/agents?id=eq.1", {
        method: "PUT",
        headers: { authorization: `Bearer ${f.a.token}`, "content-type": "application/json" },
        body: "{}",
      });
      expect(put.status).toBe(501);
      expect(
        (await rawRequest(f, "/", { headers: { apikey: f.stack.serviceRoleKey } })).status,
      ).toBe(501);
      const params = await rawRequest(f, "/rpc/get_user_clicksend_connection", {
        method: "POST",
        headers: {
          authorization: `Bearer ${f.a.token}`,
          "content-type": "application/json",
          prefer: "params=single-object",
        },
        body: "{}",
      });
      expect(params.status).toBe(501);
    });

    it("refuses a raw '#' in the request target instead of dropping the filters after it", async () => {
      // fetch strips a fragment; a raw client sends it, and "#" would end the query string.
      const before = await f.service.from("agents").select("id", { count: "exact", head: true });
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const target = new URL(f.restUrl);
        const request = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            path: `${target.pathname}/agents?order=#&name=eq.nobody`,
            method: "DELETE",
            headers: {
              apikey: f.stack.serviceRoleKey,
              authorization: `Bearer ${f.stack.serviceRoleKey}`,
            },
          },
          (response) => {
            let body = "";
            response.on("data", (chunk: Buffer) => (body += chunk.toString()));
            response.on("end", () => {
              resolve({ status: response.statusCode ?? 0, body });
            });
          },
        );
        request.on("error", reject);
        request.end();
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ code: "PGRST100" });
      const after = await f.service.from("agents").select("id", { count: "exact", head: true });
      expect(after.count).toBe(before.count);
      expect(before.count).toBeGreaterThan(0);
    });

    it("answers 400 PGRST100 for what is not PostgREST syntax at all", async () => {
      const unknownOperator = await f.a.client
        .from("agents")
        .select("name")
        .filter("name", "resembles", "x");
      expect(unknownOperator.status).toBe(400);
      expect(unknownOperator.error?.code).toBe("PGRST100");
      expect(unknownOperator.error?.details).toContain('unknown operator "resembles"');
      const noOperator = await rawRequest(f, "/agents?name=alice", {
        headers: { authorization: `Bearer ${f.a.token}` },
      });
      expect(noOperator.json).toMatchObject({
        code: "PGRST100",
        message: "failed to parse filter (alice)",
      });
      const limit = await rawRequest(f, "/agents?limit=many", {
        headers: { authorization: `Bearer ${f.a.token}` },
      });
      expect(limit.status).toBe(400);
      const strict = await rawRequest(f, "/agents", {
        headers: { authorization: `Bearer ${f.a.token}`, prefer: "handling=strict, colour=blue" },
      });
      expect(strict.json).toMatchObject({
        code: "PGRST122",
        details: "Invalid preferences: colour=blue",
      });
      const path = await rawRequest(f, "/agents/extra", {
        headers: { authorization: `Bearer ${f.a.token}` },
      });
      expect(path.status).toBe(404);
      expect(path.json).toMatchObject({ code: "PGRST125" });
      const rpcPatch = await rawRequest(f, "/rpc/get_user_clicksend_connection", {
        method: "PATCH",
        headers: { authorization: `Bearer ${f.a.token}`, "content-type": "application/json" },
        body: "{}",
      });
      expect(rpcPatch.status).toBe(405);
      expect(rpcPatch.json).toMatchObject({ code: "PGRST101" });
    });
  });

  describe("SQL injection", () => {
    it("treats hostile identifiers and values as names and data, never as SQL", async () => {
      const before = await f.stack.db.query<{ n: number }>(
        "select count(*)::int as n from public.agents",
      );
      const hostileTables = [
        "agents; drop table public.agents; --",
        'agents" cascade; --',
        "agents where true or 1=1",
      ];
      for (const table of hostileTables) {
        const result = await untyped(f.a.client, table).select("*");
        expect(result.status, table).toBe(404);
      }
      for (const select of [
        "id;delete from public.agents",
        '"id"";delete from public.agents;--"',
        "id)--",
      ]) {
        const result = await f.a.client.from("agents").select(select);
        expect([400, 501], select).toContain(result.status);
        expect(result.data, select).toBeNull();
      }
      const values = [
        "x'); delete from public.agents; --",
        "' or '1'='1",
        "$1",
        "\\'; select pg_sleep(5); --",
      ];
      for (const value of values) {
        expect(
          (await f.a.client.from("agents").select("id").eq("name", value)).data,
          value,
        ).toEqual([]);
        expect(
          (await f.a.client.from("agents").select("id").like("name", value)).data,
          value,
        ).toEqual([]);
        expect(
          (await f.a.client.from("agents").select("id").in("name", [value, "b"])).data,
          value,
        ).toEqual([]);
      }
      // supabase-js does not escape a double quote inside a quoted in() value; written properly it
      // is data, written as supabase-js writes it the list is malformed (400), never SQL.
      const quoted = await rawRequest(
        f,
        `/agents?select=name&name=in.(${encodeURIComponent('"Bob\\"s agent",alice agent')})`,
        {
          headers: { authorization: `Bearer ${f.a.token}` },
        },
      );
      expect(quoted.json).toEqual([{ name: "alice agent" }]);
      const unescaped = await f.a.client
        .from("agents")
        .select("id")
        .in("name", ['x"); drop table public.agents; --']);
      expect(unescaped.status).toBe(400);
      expect(unescaped.error?.code).toBe("PGRST100");
      const badUuid = await f.a.client.from("agents").select("id").eq("id", "1' or '1'='1");
      expect(badUuid.error?.code).toBe("22P02");

      const hostileKey = await f.a.client
        .from("agents")
        .select("id")
        .filter("name = name or true", "eq", "x");
      expect(hostileKey.error?.code).toBe("42703");
      const parenthesised = await f.a.client
        .from("agents")
        .select("id")
        .filter("name) or (true", "eq", "x");
      expect(parenthesised.data).toBeNull();
      expect(parenthesised.status).toBe(501);
      const hostileOrder = await f.a.client
        .from("agents")
        .select("id")
        .order("name; drop table agents" as "name");
      expect(hostileOrder.error?.code).toBe("42703");
      const dottedOrder = await f.a.client
        .from("agents")
        .select("id")
        .order("name; drop table public.agents" as "name");
      expect(dottedOrder.error?.code).toBe("PGRST100");
      const hostileArg = await f.a.client.rpc("get_user_clicksend_connection", {
        "p_user_id) or true --": f.a.id,
      } as never);
      expect(hostileArg.error?.code).toBe("PGRST202");

      const alias = await rawRequest(
        f,
        `/agents?id=eq.${f.a.agentId}&select=${encodeURIComponent('"x\\" from public.agents; --":name')}`,
        { headers: { authorization: `Bearer ${f.a.token}` } },
      );
      expect(alias.json).toEqual([{ 'x" from public.agents; --': "alice agent" }]);

      const stored = await f.a.client
        .from("agents")
        .insert({
          name: "Robert'); drop table public.agents; --",
          description: '{"$1": "\\u0000?"}',
        })
        .select("name, description")
        .single();
      expect(stored.data).toEqual({
        name: "Robert'); drop table public.agents; --",
        description: '{"$1": "\\u0000?"}',
      });

      const after = await f.stack.db.query<{ n: number }>(
        "select count(*)::int as n from public.agents",
      );
      expect(after[0]?.n).toBe((before[0]?.n ?? 0) + 1);
      expect((await f.b.client.from("agents").select("name")).data).toEqual([
        { name: "bob agent" },
      ]);
    });
  });

  describe("schema cache", () => {
    it("finds relations and functions created after start-up, reloading at most once a second", async () => {
      expect((await f.service.from("agents").select("id").limit(1)).status).toBe(200);
      await f.stack.db.query("create table public.late_table (id int primary key, label text)");
      await f.stack.db.query("insert into public.late_table values (1, 'late')");
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const late = await untyped(f.service, "late_table").select("*");
      expect(late.data).toEqual([{ id: 1, label: "late" }]);

      await f.stack.db.query(
        "create function public.late_function(p_n int) returns int language sql immutable as $$ select p_n * 2 $$",
      );
      const tooSoon = await f.service.rpc(
        "late_function" as "get_user_clicksend_connection",
        { p_n: 21 } as never,
      );
      expect(tooSoon.error?.code).toBe("PGRST202");
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const found = await f.service.rpc(
        "late_function" as "get_user_clicksend_connection",
        { p_n: 21 } as never,
      );
      expect(found.data).toBe(42);

      await f.stack.db.query("drop table public.late_table");
      await f.stack.db.query("drop function public.late_function(int)");
    });
  });
});
