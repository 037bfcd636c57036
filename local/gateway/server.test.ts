// The gateway under load and abandonment: above maxInFlight it answers 503 with Retry-After at
// once (never a CORS preflight) and recovers when the blockers finish; a client that hangs up
// takes its work with it (the proxied function request is closed, the REST statement is not run
// or not committed). Everything here counts; nothing measures time.
import { randomUUID } from "node:crypto";
import {
  createServer,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type Server,
} from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database, Tx } from "../db/database.ts";
import { DEFAULT_JWT_SECRET, LOCAL_SERVICE_ROLE_KEY } from "./config.ts";
import { proxy } from "./functions.ts";
import { createRestHandler } from "./rest/index.ts";
import { OVERLOADED_CODE, startGateway, type Gateway, type Handler } from "./server.ts";
import { engines, startTestStack, type TestStack } from "./testing.ts";

/** Resolves when `condition` holds; polls, so it never depends on how long anything takes. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** A promise with its resolver, for handlers and upstreams the test releases by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A raw request the test can abandon mid-flight (fetch hides the socket). */
function rawRequest(
  url: string,
  options: { method: string; headers?: Record<string, string>; body?: string },
): ClientRequest {
  const request = httpRequest(url, { method: options.method, headers: options.headers });
  request.on("error", () => undefined); // the test destroys it on purpose
  request.end(options.body);
  return request;
}

const noDatabase = {} as Database;

describe("load shedding", () => {
  let gateway: Gateway;
  const release = gate();
  let blocked = 0;

  beforeAll(async () => {
    const blocking: Handler = async (_req, res, _url, path) => {
      if (path === "/block") {
        blocked += 1;
        await release.promise;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ path }));
    };
    gateway = await startGateway({
      db: noDatabase,
      port: 0,
      maxInFlight: 2,
      log: () => undefined,
      routes: () => ({ "/rest/v1": blocking, "/functions/v1": blocking, "/auth/v1": blocking }),
    });
  });

  afterAll(async () => {
    await gateway.close();
  });

  it("answers 503 with Retry-After at once above maxInFlight, never refuses a preflight, and recovers", async () => {
    const first = fetch(`${gateway.url}/rest/v1/block`);
    const second = fetch(`${gateway.url}/functions/v1/block`);
    await until(() => blocked === 2);
    expect(gateway.stats()).toEqual({ inFlight: 2, shed: 0, maxInFlight: 2 });

    const rest = await fetch(`${gateway.url}/rest/v1/agents`);
    expect(rest.status).toBe(503);
    expect(rest.headers.get("retry-after")).toBe("1");
    expect(await rest.json()).toMatchObject({
      code: OVERLOADED_CODE,
      details: null,
      message: expect.stringContaining("2 requests are in flight (limit 2)") as unknown,
    });

    const fn = await fetch(`${gateway.url}/functions/v1/echo`, { method: "POST", body: "{}" });
    expect(fn.status).toBe(503);
    expect(fn.headers.get("retry-after")).toBe("1");
    expect(Object.keys((await fn.json()) as object).sort()).toEqual(["code", "message"]);

    const auth = await fetch(`${gateway.url}/auth/v1/token`, {
      method: "POST",
      headers: { "x-supabase-api-version": "2024-01-01" },
    });
    expect(auth.status).toBe(503);
    expect(await auth.json()).toMatchObject({ code: "over_request_rate_limit" });

    const preflight = await fetch(`${gateway.url}/rest/v1/agents`, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
    expect(gateway.stats()).toEqual({ inFlight: 2, shed: 3, maxInFlight: 2 });

    release.open();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    await until(() => gateway.stats().inFlight === 0);
    const after = await fetch(`${gateway.url}/rest/v1/agents`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ path: "/agents" });
    expect(gateway.stats()).toEqual({ inFlight: 0, shed: 3, maxInFlight: 2 });
  });

  it("stops counting a request whose client hung up", async () => {
    const stuck = gate();
    const abandoned = gate();
    let arrived = 0;
    const local = await startGateway({
      db: noDatabase,
      port: 0,
      log: () => undefined,
      routes: () => ({
        "/rest/v1": async (_req, res) => {
          arrived += 1;
          res.once("close", abandoned.open);
          await stuck.promise;
          res.end();
        },
      }),
    });
    const request = rawRequest(`${local.url}/rest/v1/x`, { method: "GET" });
    await until(() => arrived === 1);
    expect(local.stats().inFlight).toBe(1);
    request.destroy();
    await abandoned.promise;
    expect(local.stats().inFlight).toBe(0);
    stuck.open();
    await local.close();
  });
});

describe("a client that hangs up abandons its function call", () => {
  let upstream: Server;
  let gateway: Gateway;
  const requests: IncomingMessage[] = [];
  let closedEarly = 0;

  beforeAll(async () => {
    // A function that never answers, and counts the requests closed before it did.
    upstream = createServer((req, res) => {
      requests.push(req);
      res.on("close", () => {
        if (!res.writableFinished) closedEarly += 1;
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const { port } = upstream.address() as AddressInfo;
    gateway = await startGateway({
      db: noDatabase,
      port: 0,
      log: () => undefined,
      routes: () => ({
        "/functions/v1": (req, res, url, path) => proxy(req, res, port, `${path}${url.search}`),
      }),
    });
  });

  afterAll(async () => {
    await gateway.close();
    upstream.closeAllConnections();
    await new Promise<void>((resolve) => {
      upstream.close(() => {
        resolve();
      });
    });
  });

  it("closes the upstream request when the client aborts", async () => {
    const request = rawRequest(`${gateway.url}/functions/v1/slow?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"n":1}',
    });
    await until(() => requests.length === 1);
    expect(requests[0]?.url).toBe("/slow?x=1");
    expect(closedEarly).toBe(0);
    request.destroy();
    await until(() => closedEarly === 1);
    await until(() => gateway.stats().inFlight === 0);
    expect(requests).toHaveLength(1);
  });
});

describe.each(engines())("a client that hangs up abandons its REST statement on %s", (engine) => {
  let stack: TestStack;
  let gateway: Gateway;
  let userId: string;
  /** Each REST transaction: how many statements ran inside it, and how it ended. */
  const transactions: { statements: string[]; outcome: Promise<unknown> }[] = [];
  /** Held before the transaction starts (as a busy pool or PGlite's one connection would). */
  let beforeTransaction: Promise<void> = Promise.resolve();
  /** Held after the statement ran, before the transaction can commit. */
  let afterStatement: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    stack = await startTestStack(engine, { seed: false });
    const db = stack.db;
    // The same database, with every REST transaction observed and, when asked, held.
    const observed: Database = {
      ...db,
      transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
        const statements: string[] = [];
        const outcome = beforeTransaction.then(() =>
          db.transaction((tx) =>
            fn({
              async query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]) {
                statements.push(sql);
                const rows = await tx.query<Row>(sql, params);
                if (sql.startsWith("with pgrst_mut")) await afterStatement;
                return rows;
              },
            }),
          ),
        );
        transactions.push({ statements, outcome: outcome.catch((error: unknown) => error) });
        return outcome;
      },
      // A request with nothing to decide before commit goes as one batch: observed the same way.
      batch(statements, options) {
        const ran: string[] = [];
        const outcome = beforeTransaction.then(async () => {
          const rows = await db.batch(statements, options);
          ran.push(...statements.map((statement) => statement.sql));
          return rows;
        });
        transactions.push({ statements: ran, outcome: outcome.catch((error: unknown) => error) });
        return outcome;
      },
    };
    gateway = await startGateway({
      db: observed,
      port: 0,
      jwtSecret: DEFAULT_JWT_SECRET,
      log: () => undefined,
      routes: (ctx) => ({ "/rest/v1": createRestHandler(ctx) }),
    });
    userId = randomUUID();
    await db.query(
      "insert into auth.users (id, email, aud, role) values ($1, $2, 'authenticated', 'authenticated')",
      [userId, `abandon-${userId.slice(0, 8)}@test.local`],
    );
    // Warm the schema cache, so the next request goes straight to its transaction.
    const warm = await fetch(`${gateway.url}/rest/v1/agents?select=id&limit=1`, {
      headers: serviceHeaders(),
    });
    expect(warm.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await gateway.close();
    await stack.stop();
  });

  function serviceHeaders(): Record<string, string> {
    return {
      apikey: LOCAL_SERVICE_ROLE_KEY,
      authorization: `Bearer ${LOCAL_SERVICE_ROLE_KEY}`,
      "content-type": "application/json",
    };
  }

  async function agentsNamed(name: string): Promise<number> {
    const rows = await stack.db.query("select 1 from public.agents where name = $1", [name]);
    return rows.length;
  }

  /** A plain insert goes as one batch; asking for one object back needs a check before commit. */
  function insertAgent(name: string, options: { single?: boolean } = {}): ClientRequest {
    const single: Record<string, string> =
      options.single === true
        ? { accept: "application/vnd.pgrst.object+json", prefer: "return=representation" }
        : {};
    return rawRequest(`${gateway.url}/rest/v1/agents`, {
      method: "POST",
      headers: { ...serviceHeaders(), ...single },
      body: JSON.stringify({ user_id: userId, name }),
    });
  }

  it("does not run the statement when the client left before the transaction started", async () => {
    const hold = gate();
    beforeTransaction = hold.promise;
    const before = transactions.length;
    const request = insertAgent("never started");
    await until(() => transactions.length === before + 1);
    request.destroy();
    await until(() => gateway.stats().inFlight === 0);
    hold.open();
    beforeTransaction = Promise.resolve();
    const transaction = transactions[before];
    expect(await transaction?.outcome).toBeInstanceOf(Error);
    expect(transaction?.statements).toEqual([]);
    expect(await agentsNamed("never started")).toBe(0);
  });

  it("rolls back when the client left while the statement ran", async () => {
    const hold = gate();
    afterStatement = hold.promise;
    const before = transactions.length;
    const request = insertAgent("never committed", { single: true });
    await until(() =>
      (transactions[before]?.statements ?? []).some((sql) => sql.startsWith("with pgrst_mut")),
    );
    request.destroy();
    await until(() => gateway.stats().inFlight === 0);
    hold.open();
    afterStatement = Promise.resolve();
    expect(await transactions[before]?.outcome).toBeInstanceOf(Error);
    expect(await agentsNamed("never committed")).toBe(0);
  });

  it("still commits for a client that stays", async () => {
    const response = await fetch(`${gateway.url}/rest/v1/agents`, {
      method: "POST",
      headers: serviceHeaders(),
      body: JSON.stringify({ user_id: userId, name: "kept" }),
    });
    expect(response.status).toBe(201);
    expect(await agentsNamed("kept")).toBe(1);
  });
});
