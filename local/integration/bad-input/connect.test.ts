// clicksend-connect with bad input, through the whole stack: every field of connect, rotate,
// rename and disconnect broken one at a time, and a user whose verifications are limited (429
// before ClickSend for any well-formed key, still 400 for a malformed one). See support.ts for
// what every answer must be and how "nothing changed" is checked.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/connect.test.ts
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_USERNAME } from "../../clicksend-sandbox/server.ts";
import { createTestClient } from "../../gateway/testing.ts";
import {
  badText,
  badUuid,
  expectBadRequest,
  functionError,
  MISSING,
  mutations,
  type Reply,
  runs,
  useBadInputStack,
  wrongType,
} from "./support.ts";

const bad = useBadInputStack();
const { send, unchanged, post, checkMutations } = bad;

const apiKey = badText({
  required: true,
  min: 8,
  max: 200,
  example: SANDBOX_API_KEY,
  trimmed: true,
  invalid: ["ABCD EFGH-1234", "A1B2C3D4\tE5F6"],
});
const connectionName = badText({
  required: false,
  min: 1,
  max: 100,
  example: "Main account",
  trimmed: true,
});
const defaultSender = (nullable: boolean) =>
  badText({
    required: false,
    nullable,
    min: 3,
    max: 11,
    example: "MyShop",
    trimmed: true,
    invalid: ["+0123456789", "+1234", "My Shop", "MyShop!", "ABCDEFGHIJKL", "Ünïcødé", "+61 411"],
  });

describe("clicksend-connect with one field broken", () => {
  const validConnect = () => ({
    username: SANDBOX_USERNAME,
    api_key: SANDBOX_API_KEY,
    connection_name: "Main account",
    default_sender_id: "MyShop",
  });
  const validUpdate = () => ({
    connection_id: bad.connectionId,
    api_key: SANDBOX_API_KEY,
    connection_name: "Renamed",
    default_sender_id: "MyShop",
    enable_replies: true,
  });

  it("POST (connect)", async () => {
    await checkMutations(
      { fn: "clicksend-connect", method: "POST" },
      validConnect,
      mutations(
        [
          {
            path: ["username"],
            names: "username",
            bad: badText({
              required: true,
              min: 1,
              max: 100,
              example: SANDBOX_USERNAME,
              trimmed: true,
            }),
          },
          { path: ["api_key"], names: "api_key", bad: apiKey },
          { path: ["connection_name"], names: "connection_name", bad: connectionName },
          { path: ["default_sender_id"], names: "default_sender_id", bad: defaultSender(false) },
        ],
        [{ path: [], known: Object.keys(validConnect()) }],
      ),
      ["invalid_request"],
      60,
    );
  });

  it("PATCH (rotate, rename, enable replies)", async () => {
    await checkMutations(
      { fn: "clicksend-connect", method: "PATCH" },
      validUpdate,
      mutations(
        [
          { path: ["connection_id"], names: "connection_id", bad: badUuid(true) },
          {
            path: ["api_key"],
            names: "api_key",
            bad: apiKey.filter((value) => value !== MISSING),
          },
          { path: ["connection_name"], names: "connection_name", bad: connectionName },
          { path: ["default_sender_id"], names: "default_sender_id", bad: defaultSender(true) },
          // Only `true` (register the reply rules again); leaving it out changes nothing.
          {
            path: ["enable_replies"],
            names: "enable_replies",
            bad: fc.oneof(wrongType("boolean"), fc.constantFrom<unknown>(false, "true", 1)),
          },
        ],
        [{ path: [], known: Object.keys(validUpdate()) }],
      ),
      ["invalid_request"],
      60,
    );
  });

  it("PATCH with nothing to change names what to send", async () => {
    const { reply } = await unchanged(() =>
      send("clicksend-connect", "PATCH", JSON.stringify({ connection_id: bad.connectionId })),
    );
    const error = expectBadRequest(reply, ["invalid_request"]);
    expect(error.message).toMatch(/api_key, connection_name, default_sender_id or enable_replies/);
  });

  it("DELETE (disconnect)", async () => {
    await checkMutations(
      { fn: "clicksend-connect", method: "DELETE" },
      () => ({ connection_id: bad.connectionId }),
      mutations(
        [{ path: ["connection_id"], names: "connection_id", bad: badUuid(true) }],
        [{ path: [], known: ["connection_id"] }],
      ),
      ["invalid_request"],
      40,
    );
  });
});

describe("clicksend-connect reconnecting a disconnected connection", () => {
  // A reconnect is the rotate body (connection_id, api_key) on a revoked connection: a malformed
  // key or an unknown field is a 400 that stores nothing, reaches no ClickSend and leaves the
  // connection disconnected.
  let token = "";
  let revoked = "";
  const asOwner = (method: string, body: unknown): Promise<Reply> =>
    send("clicksend-connect", method, JSON.stringify(body), { token });

  beforeAll(async () => {
    const client = createTestClient(bad.stack.url, bad.stack.anonKey);
    const { data, error } = await client.auth.signUp({
      email: "reconnect@example.com",
      password: "correct-horse-battery",
    });
    if (error || !data.session) throw new Error("sign-up failed");
    token = data.session.access_token;
    const connected = await asOwner("POST", {
      username: SANDBOX_USERNAME,
      api_key: SANDBOX_API_KEY,
    });
    expect(connected.status).toBe(201);
    revoked = (JSON.parse(connected.text) as { connection: { id: string } }).connection.id;
    expect((await asOwner("DELETE", { connection_id: revoked })).status).toBe(200);
  });

  it("PATCH (reconnect) with a bad key or an unknown field", async () => {
    const badBody = fc.oneof(
      apiKey
        .filter((value) => value !== MISSING)
        .map((value) => ({ connection_id: revoked, api_key: value })),
      fc
        .constantFrom("connection_status", "username", "user_id", "credential_hint")
        .map((field) => ({ connection_id: revoked, api_key: SANDBOX_API_KEY, [field]: "x" })),
    );
    await fc.assert(
      fc.asyncProperty(badBody, async (body) => {
        const { reply } = await unchanged(() => asOwner("PATCH", body));
        expectBadRequest(reply, ["invalid_request"]);
      }),
      runs(40),
    );
  });
});

describe("clicksend-connect once the user's verifications are limited", () => {
  // A user whose ClickSend key was refused three times in a row must wait (the database's
  // backoff): any well-formed connect or rotate is then 429 with Retry-After, reaches nothing and
  // records nothing, while a malformed one is still a 400 that names the field.
  let limitedToken = "";
  let limitedConnection = "";
  const limited = (method: string, body: unknown): Promise<Reply> =>
    send("clicksend-connect", method, JSON.stringify(body), { token: limitedToken });

  beforeAll(async () => {
    const client = createTestClient(bad.stack.url, bad.stack.anonKey);
    const { data, error } = await client.auth.signUp({
      email: "limited@example.com",
      password: "correct-horse-battery",
    });
    if (error || !data.session) throw new Error("sign-up failed");
    limitedToken = data.session.access_token;
    const connected = await limited("POST", {
      username: SANDBOX_USERNAME,
      api_key: SANDBOX_API_KEY,
    });
    expect(connected.status).toBe(201);
    limitedConnection = (JSON.parse(connected.text) as { connection: { id: string } }).connection
      .id;
    for (let i = 0; i < 3; i++) {
      const refused = await limited("POST", {
        username: "someone_else",
        api_key: `WRONG-KEY-${String(i)}`,
      });
      expect(functionError(refused).code).toBe("invalid_credentials");
    }
  });

  const expectLimited = (reply: Reply): void => {
    expect(reply.status, reply.text.slice(0, 300)).toBe(429);
    const error = functionError(reply);
    expect(error.code).toBe("too_many_attempts");
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/Try again in \d+ (second|minute|hour)s?\./);
    expect(Number(reply.retryAfter)).toBeGreaterThan(0);
    expect(Number.isInteger(Number(reply.retryAfter))).toBe(true);
  };

  it("connect and rotate with any well-formed key are 429 and change nothing", async () => {
    const username = fc.stringMatching(/^[a-z][a-z0-9_.@-]{0,40}$/);
    const key = fc.stringMatching(/^[A-Za-z0-9-]{8,60}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ username, api_key: key }).map((body) => ({ method: "POST", body })),
          key.map((apiKey) => ({
            method: "PATCH",
            body: { connection_id: limitedConnection, api_key: apiKey },
          })),
        ),
        async ({ method, body }) => {
          const { reply } = await unchanged(() => limited(method, body));
          expectLimited(reply);
        },
      ),
      runs(25),
    );
  });

  it("a malformed body is still refused for what is wrong with it", async () => {
    const { reply } = await unchanged(() => limited("POST", { username: "x", api_key: "short" }));
    expectBadRequest(reply, ["invalid_request"], "api_key");
  });

  it("renaming needs no verification and still works", async () => {
    const renamed = await limited("PATCH", {
      connection_id: limitedConnection,
      connection_name: "Still mine",
    });
    expect(renamed.status).toBe(200);
  });
});

// ---------------------------------------------------------------------------------------------
// Counterexamples the properties found, kept as plain tests (each answered 500, reached
// ClickSend, or changed a row before the fix).
// ---------------------------------------------------------------------------------------------
describe("regressions found by the properties", () => {
  it("a NUL character in a connection's name is refused (was 500 database_error)", async () => {
    const { reply } = await post(
      "clicksend-connect",
      { connection_id: bad.connectionId, connection_name: "Main\u0000account" },
      "PATCH",
    );
    expectBadRequest(reply, ["invalid_request"], "connection_name");
  });
});
