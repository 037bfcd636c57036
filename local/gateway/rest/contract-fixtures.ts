// Shared set-up for the REST contract suites: a test stack on one engine, two users (A and B) each
// with an agent, an active ClickSend connection and a grant, created as the test runner; and
// supabase-js clients for anon, each user and the service role.
import { randomUUID } from "node:crypto";
import { DEFAULT_JWT_SECRET } from "../config.ts";
import { signJwt } from "../jwt.ts";
import { createTestClient, startTestStack, type Engine, type TestStack } from "../testing.ts";

type Client = ReturnType<typeof createTestClient>;

interface TestUser {
  id: string;
  email: string;
  token: string;
  client: Client;
  agentId: string;
  connectionId: string;
  grantId: string;
}

export interface RestFixture {
  stack: TestStack;
  restUrl: string;
  a: TestUser;
  b: TestUser;
  anon: Client;
  service: Client;
  /** A client whose requests carry `Authorization: Bearer <token>`. */
  clientWith(token: string): Client;
  userToken(id: string, options?: { expiresIn?: number; email?: string }): string;
  stop(): Promise<void>;
}

export async function startRestFixture(engine: Engine): Promise<RestFixture> {
  const stack = await startTestStack(engine, { seed: false });
  const clientWith = (token: string): Client =>
    createTestClient(stack.url, stack.anonKey, {
      global: { headers: { Authorization: `Bearer ${token}` } },
    });
  const userToken = (id: string, options: { expiresIn?: number; email?: string } = {}) =>
    signJwt(
      {
        sub: id,
        role: "authenticated",
        aud: "authenticated",
        email: options.email,
        exp: Math.floor(Date.now() / 1000) + (options.expiresIn ?? 3600),
      },
      DEFAULT_JWT_SECRET,
    );

  const makeUser = async (label: string): Promise<TestUser> => {
    const id = randomUUID();
    const email = `${label}-${id.slice(0, 8)}@test.local`;
    await stack.db.query(
      "insert into auth.users (id, email, aud, role) values ($1, $2, 'authenticated', 'authenticated')",
      [id, email],
    );
    const [agent] = await stack.db.query<{ id: string }>(
      "insert into public.agents (user_id, name, description) values ($1, $2, $3) returning id",
      [id, `${label} agent`, `the agent of ${label}`],
    );
    const [connection] = await stack.db.query<{ id: string }>(
      `insert into public.user_oauth_connections
         (user_id, oauth_provider_id, connection_name, external_username, connection_status)
       select $1, sp.id, $2, $3, 'active' from public.service_providers sp where sp.name = 'clicksend_sms'
       returning id`,
      [id, `${label} ClickSend`, `${label}_cs`],
    );
    if (!agent || !connection) throw new Error("fixture rows were not created");
    const [grant] = await stack.db.query<{ id: string }>(
      `insert into public.agent_integration_permissions (agent_id, user_oauth_connection_id, user_id, allowed_scopes)
       values ($1, $2, $3, '["sms", "balance"]'::jsonb) returning id`,
      [agent.id, connection.id, id],
    );
    if (!grant) throw new Error("fixture grant was not created");
    const token = userToken(id, { email });
    return {
      id,
      email,
      token,
      client: clientWith(token),
      agentId: agent.id,
      connectionId: connection.id,
      grantId: grant.id,
    };
  };

  const a = await makeUser("alice");
  const b = await makeUser("bob");
  return {
    stack,
    restUrl: `${stack.url}/rest/v1`,
    a,
    b,
    anon: clientWith(stack.anonKey),
    service: clientWith(stack.serviceRoleKey),
    clientWith,
    userToken,
    stop: () => stack.stop(),
  };
}

/** A raw request to /rest/v1 (for what supabase-js cannot express), with the anon key by default. */
export async function rawRequest(
  fixture: RestFixture,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const response = await fetch(`${fixture.restUrl}${path}`, {
    method: init.method ?? "GET",
    headers: { apikey: fixture.stack.anonKey, ...init.headers },
    body: init.body,
  });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
