// The embedded default (PGlite) runs the same bootstrap and migrations as PostgreSQL 15, twice,
// and enforces the same security: a smoke subset of the pgTAP suite. It goes through openPglite,
// as the gateway does, so PGlite runs in its worker thread.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyAll } from "./apply.ts";
import { openPglite, type Database, type Tx } from "./database.ts";
import { listMigrations } from "./sql-files.ts";

type Persona =
  { role: "anon" } | { role: "service_role" } | { role: "authenticated"; userId: string };

let db: Database;
const owner = randomUUID();
const otherUser = randomUUID();
let ownerAgent = "";
let otherAgent = "";
let ownerConnection = "";

/** Thrown to end `as`'s transaction with a rollback once fn has its value. */
class RolledBack extends Error {}

/** Runs fn in a transaction as the persona, the way the API gateway does, then rolls back. */
async function as<T>(persona: Persona, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let value: T | undefined;
  try {
    await db.transaction(async (tx) => {
      await tx.query(`set local role ${persona.role}`);
      const claims =
        persona.role === "authenticated"
          ? { sub: persona.userId, role: persona.role }
          : { role: persona.role };
      await tx.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
      value = await fn(tx);
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  }
  return value as T;
}

async function errorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

beforeAll(async () => {
  db = await openPglite();
  await applyAll(db, { seed: true });
  for (const [id, email] of [
    [owner, "owner@test.local"],
    [otherUser, "other@test.local"],
  ] as const) {
    await db.query(
      "insert into auth.users (id, email, aud, role) values ($1, $2, 'authenticated', 'authenticated')",
      [id, email],
    );
  }
  const agents = await db.query<{ id: string; user_id: string }>(
    "insert into public.agents (user_id, name) values ($1, 'Owner agent'), ($2, 'Other agent') returning id, user_id",
    [owner, otherUser],
  );
  ownerAgent = agents.find((a) => a.user_id === owner)?.id ?? "";
  otherAgent = agents.find((a) => a.user_id === otherUser)?.id ?? "";
  const connections = await db.query<{ id: string; user_id: string }>(
    `insert into public.user_oauth_connections (user_id, oauth_provider_id, connection_name, connection_status)
     select u, sp.id, 'Main', 'active' from public.service_providers sp, unnest($1::uuid[]) u
     where sp.name = 'clicksend_sms' returning id, user_id`,
    [[owner, otherUser]],
  );
  ownerConnection = connections.find((c) => c.user_id === owner)?.id ?? "";
  for (const connection of connections) {
    await db.query(
      `insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
       select a.id, $1, a.user_id, '["sms"]' from public.agents a where a.user_id = $2 and a.name like '%agent'`,
      [connection.id, connection.user_id],
    );
  }
}, 120_000);

afterAll(async () => {
  await db.close();
});

describe("embedded PGlite database", () => {
  it("records every migration as the Supabase CLI does, and applies them all again without error", async () => {
    const recorded = await db.query<{ version: string }>(
      "select version from supabase_migrations.schema_migrations order by version",
    );
    expect(recorded.map((r) => r.version)).toEqual(listMigrations().map((m) => m.version));
    const again = await applyAll(db, { force: true });
    expect(again.applied).toHaveLength(listMigrations().length);
    const providers = await db.query<{ n: number }>(
      "select count(*)::int as n from public.service_providers where name = 'clicksend_sms'",
    );
    expect(providers[0]?.n).toBe(1);
  });

  it("shows a user only their own agents", async () => {
    const names = await as({ role: "authenticated", userId: owner }, async (tx) =>
      (await tx.query<{ name: string }>("select name from public.agents order by name")).map(
        (r) => r.name,
      ),
    );
    expect(names).toEqual(["Owner agent"]);
  });

  it("denies anon any read of agents and connections", async () => {
    expect(
      await errorCode(as({ role: "anon" }, (tx) => tx.query("select * from public.agents"))),
    ).toBe("42501");
    expect(
      await errorCode(
        as({ role: "anon" }, (tx) => tx.query("select * from public.clicksend_connections")),
      ),
    ).toBe("42501");
  });

  it("shows each user only their own rows through the security_invoker view", async () => {
    const ids = await as({ role: "authenticated", userId: otherUser }, async (tx) =>
      (await tx.query<{ user_id: string }>("select user_id from public.clicksend_connections")).map(
        (r) => r.user_id,
      ),
    );
    expect(ids).toEqual([otherUser]);
  });

  it("rejects a grant linking one user's agent to another user's connection", async () => {
    const code = await errorCode(
      db.query(
        `insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
         values ($1, $2, $3, '["sms"]')`,
        [otherAgent, ownerConnection, otherUser],
      ),
    );
    expect(code).toBe("23503");
  });

  it("answers the permission check for the caller only", async () => {
    const check = "select public.validate_agent_clicksend_permissions($1, $2, $3::text[]) as ok";
    const self = await as(
      { role: "authenticated", userId: owner },
      async (tx) => (await tx.query<{ ok: boolean }>(check, [ownerAgent, owner, ["sms"]]))[0]?.ok,
    );
    const ungranted = await as(
      { role: "authenticated", userId: owner },
      async (tx) => (await tx.query<{ ok: boolean }>(check, [ownerAgent, owner, ["mms"]]))[0]?.ok,
    );
    const aboutOther = await as(
      { role: "authenticated", userId: owner },
      async (tx) =>
        (await tx.query<{ ok: boolean }>(check, [otherAgent, otherUser, ["sms"]]))[0]?.ok,
    );
    const service = await as(
      { role: "service_role" },
      async (tx) =>
        (await tx.query<{ ok: boolean }>(check, [otherAgent, otherUser, ["sms"]]))[0]?.ok,
    );
    expect({ self, ungranted, aboutOther, service }).toEqual({
      self: true,
      ungranted: false,
      aboutOther: false,
      service: true,
    });
    expect(
      await errorCode(as({ role: "anon" }, (tx) => tx.query(check, [ownerAgent, owner, ["sms"]]))),
    ).toBe("42501");
  });

  it("stores and reads a key in the Vault shim for the service role only", async () => {
    const key = "EMBEDDED-TEST-KEY-42";
    const read = await as({ role: "service_role" }, async (tx) => {
      await tx.query("select public.clicksend_store_api_key($1, $2)", [ownerConnection, key]);
      return (
        await tx.query<{ key: string }>("select public.clicksend_read_api_key($1) as key", [
          ownerConnection,
        ])
      )[0]?.key;
    });
    expect(read).toBe(key);
    const denied = await errorCode(
      as({ role: "authenticated", userId: owner }, (tx) =>
        tx.query("select public.clicksend_read_api_key($1)", [ownerConnection]),
      ),
    );
    expect(denied).toBe("42501");
    expect(
      await errorCode(
        as({ role: "authenticated", userId: owner }, (tx) =>
          tx.query("select * from vault.decrypted_secrets"),
        ),
      ),
    ).toBe("42501");
  });
});
