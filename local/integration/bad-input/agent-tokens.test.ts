// agent-tokens (the owner's tokens for an agent's remote MCP endpoint) with bad input, through the
// whole stack: POST {agent_id, name} and DELETE {id} with one field broken (missing, wrong type,
// not a uuid, a name that is blank, too long, with control characters or a lone surrogate,
// unknown keys), whole bodies that are not a request under any content type, methods it does not
// take, and callers that are not a signed-in user. Every answer is a 4xx naming the problem, and
// nothing changes: no token is made, none is revoked (the caller's token and another user's keep
// working). Another user's agent or token is 404, and their token still opens the endpoint
// afterwards. See support.ts for what every answer must be and how "nothing changed" is checked.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/agent-tokens.test.ts
import fc from "fast-check";
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { AGENT_TOKEN_SHOWN } from "../../../supabase/functions/_shared/contracts/agent-tokens.ts";
import { signUpUser } from "../users.ts";
import {
  anyText,
  badText,
  badUuid,
  CONTENT_TYPES,
  deeplyNested,
  expectBadRequest,
  functionError,
  mutations,
  type Reply,
  runs,
  serialize,
  smallJson,
  tooLong,
  unknownKey,
  useBadInputStack,
} from "./support.ts";

const bad = useBadInputStack();
const { send, sendRaw, unchanged, post, checkMutations } = bad;

/** The caller's token (what a DELETE that slipped through would revoke) and a stranger's. */
let callerTokenId = "";
let callerToken = "";
let strangerAgentId = "";
let strangerTokenId = "";
let strangerToken = "";

/** Names no token may have: blank once trimmed, control characters inside, lone surrogates. */
const BAD_NAMES = [
  "",
  " ",
  "\t\n",
  "\u00a0\u3000",
  "a\nb",
  "Claude\tDesktop",
  "\u0001Claude",
  "Claude\u007f",
  "Claude\u0085",
  "Claude\u009b",
  "\ud800",
  "Claude \udc00",
  "Hi \ud83d",
  "\udfff\ud800",
  "x".repeat(101),
  ` ${"x".repeat(101)} `,
  "字".repeat(101),
];

const badName = fc.oneof(
  badText({ required: true, min: 1, max: 100, example: "Claude", trimmed: true }),
  fc.constantFrom(...BAD_NAMES),
);

/** A request the endpoint answers with the agent's tools (no initialize: it is stateless). */
function listTools(token: string) {
  return sendRaw(
    "agent-mcp",
    "POST",
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
    },
  );
}

async function expectWorks(token: string): Promise<void> {
  const reply = await listTools(token);
  expect(reply.status, reply.text).toBe(200);
  const body = JSON.parse(reply.text) as { result?: { tools?: unknown[] } };
  expect(Array.isArray(body.result?.tools), reply.text).toBe(true);
}

/** The caller's tokens as GET lists them. */
async function listed(): Promise<{ id: string; agent_id: string }[]> {
  const reply = await send("agent-tokens", "GET", undefined);
  expect(reply.status, reply.text).toBe(200);
  return (JSON.parse(reply.text) as { tokens: { id: string; agent_id: string }[] }).tokens;
}

beforeAll(async () => {
  const made = await send(
    "agent-tokens",
    "POST",
    JSON.stringify({ agent_id: bad.agentId, name: "Caller's token" }),
  );
  expect(made.status, made.text).toBe(201);
  const created = JSON.parse(made.text) as { id: string; token: string };
  callerTokenId = created.id;
  callerToken = created.token;

  const stranger = await signUpUser(bad.stack, "bad-input-tokens-stranger@example.com");
  const { data: agent, error } = await stranger.rest
    .from("agents")
    .insert({ name: "Stranger's agent" })
    .select("id")
    .single();
  if (error) throw new Error(error.message);
  strangerAgentId = agent.id;
  const theirs = await stranger.call("agent-tokens", "POST", {
    agent_id: strangerAgentId,
    name: "Stranger's token",
  });
  expect(theirs.status, JSON.stringify(theirs.body)).toBe(201);
  strangerTokenId = theirs.body.id as string;
  strangerToken = theirs.body.token as string;
  await expectWorks(strangerToken);
}, 60_000);

/** One request with nothing changed (no token made, none revoked or used), and no audit. */
async function unchangedTokens(run: () => Promise<Reply>): Promise<Reply> {
  const { reply, audited } = await unchanged(run);
  expect(audited).toBe(0);
  return reply;
}

describe("agent-tokens with one field broken", () => {
  it("POST: agent_id, name and unknown keys", async () => {
    await checkMutations(
      { fn: "agent-tokens", method: "POST" },
      () => ({ agent_id: bad.agentId, name: "Claude" }),
      mutations(
        [
          { path: ["agent_id"], names: "agent_id", bad: badUuid(true) },
          { path: ["name"], names: "name", bad: badName },
        ],
        [{ path: [], known: ["agent_id", "name"] }],
      ),
      ["invalid_request"],
      80,
    );
  });

  it.each(BAD_NAMES)("POST: the name %j is 400 naming name", async (name) => {
    const { reply } = await post("agent-tokens", { agent_id: bad.agentId, name });
    expectBadRequest(reply, ["invalid_request"], "name");
  });

  it("DELETE: id and unknown keys", async () => {
    await checkMutations(
      { fn: "agent-tokens", method: "DELETE" },
      () => ({ id: callerTokenId }),
      mutations(
        [
          { path: ["id"], names: "id", bad: badUuid(true) },
          // POST's fields are no DELETE's.
          {
            path: ["agent_id"],
            names: "agent_id",
            bad: fc.constantFrom<unknown>(bad.agentId, "", null),
          },
        ],
        [{ path: [], known: ["id"] }],
      ),
      ["invalid_request"],
      50,
    );
    await expectWorks(callerToken);
  });
});

/** Bodies that are not a request: any JSON, text, empty, deep, random keys, long text. */
const garbageBody: fc.Arbitrary<string> = fc.oneof(
  fc.anything({ maxDepth: 3 }).map(serialize),
  fc.jsonValue({ maxDepth: 3 }).map(serialize),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constantFrom("", " ", "{", "}", "[", "null", "{}", "[]", '""', "undefined", "NaN", "{'a':1}"),
  deeplyNested.map((raw) => raw.text),
  fc
    .dictionary(unknownKey(["agent_id", "name", "id"]), smallJson, { minKeys: 1, maxKeys: 5 })
    .map(serialize),
  tooLong(100).map((text) => JSON.stringify({ text })),
);

describe("agent-tokens with whole bodies that are not a request", () => {
  it.each(["POST", "DELETE"])(
    "%s: 400 JSON naming the problem, nothing changes",
    async (method) => {
      await fc.assert(
        fc.asyncProperty(
          garbageBody,
          fc.constantFrom(...CONTENT_TYPES),
          async (body, contentType) => {
            const reply = await unchangedTokens(() =>
              send("agent-tokens", method, body, { contentType }),
            );
            expectBadRequest(reply, ["invalid_json", "invalid_request"]);
          },
        ),
        runs(40),
      );
      await expectWorks(callerToken);
    },
  );

  it("a GET with a query or any content type lists the caller's tokens only, never a token", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("", "?id=eq.x", "?select=token_hash", `?user_id=neq.${bad.agentId}`),
        fc.constantFrom(...CONTENT_TYPES),
        async (query, contentType) => {
          const reply = await unchangedTokens(() =>
            send("agent-tokens", "GET", undefined, { query, contentType }),
          );
          expect(reply.status, reply.text).toBe(200);
          const tokens = (JSON.parse(reply.text) as { tokens: Record<string, unknown>[] }).tokens;
          expect(tokens.map((token) => token.id)).toEqual([callerTokenId]);
          expect(reply.text).not.toContain(callerToken.slice(AGENT_TOKEN_SHOWN));
          expect(reply.text).not.toContain("token_hash");
          expect(reply.text).not.toContain(strangerTokenId);
        },
      ),
      runs(10),
    );
  });

  it("answers 405 JSON to PUT and PATCH, whatever the body", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("PUT", "PATCH"),
        fc.oneof(
          garbageBody,
          fc.constant(null).map(() => JSON.stringify({ id: callerTokenId })),
          fc.constant(null).map(() => JSON.stringify({ agent_id: bad.agentId, name: "Mine" })),
        ),
        async (method, body) => {
          const reply = await unchangedTokens(() => send("agent-tokens", method, body));
          expect(reply.status, reply.text).toBe(405);
          expect(functionError(reply).code).toBe("method_not_allowed");
        },
      ),
      runs(20),
    );
  });
});

describe("callers that are not a signed-in user", () => {
  it("no token, or one that is not a user's, is 401 (the service key 403), for every method", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom<string | null>(
            null,
            "",
            "not-a-jwt",
            "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl",
            "service",
            "anon",
            "agent",
          ),
          anyText
            .map((text) => text.replace(/[^\x21-\x7e]/g, ""))
            .filter((text) => text.length > 0),
        ),
        fc.constantFrom("GET", "POST", "DELETE"),
        async (given, method) => {
          const token =
            given === "service"
              ? bad.stack.serviceRoleKey
              : given === "anon"
                ? bad.stack.anonKey
                : given === "agent"
                  ? callerToken
                  : given;
          const body =
            method === "GET"
              ? undefined
              : method === "POST"
                ? JSON.stringify({ agent_id: bad.agentId, name: "Intruder" })
                : JSON.stringify({ id: callerTokenId });
          const reply = await unchangedTokens(() => send("agent-tokens", method, body, { token }));
          expect(reply.contentType).toMatch(/^application\/json/);
          if (given === "service") {
            expect(reply.status, reply.text).toBe(403);
            expect(functionError(reply).code).toBe("forbidden");
          } else {
            // The gateway (verify_jwt) answers a missing or unsigned token in its own words.
            expect(reply.status, reply.text).toBe(401);
            expect(reply.text).not.toContain(callerTokenId);
            expect(reply.text).not.toContain("csa_");
          }
        },
      ),
      runs(30),
    );
    await expectWorks(callerToken);
  });
});

describe("agents and tokens that are not the caller's", () => {
  it("POST for another user's agent, or no agent, is 404 agent_not_found and makes no token", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant("stranger"),
          fc.uuid(),
          fc.constantFrom(
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
          ),
        ),
        async (id) => {
          const agentId = id === "stranger" ? strangerAgentId : id;
          fc.pre(agentId !== bad.agentId);
          const reply = await unchangedTokens(() =>
            send("agent-tokens", "POST", JSON.stringify({ agent_id: agentId, name: "Mine now" })),
          );
          expect(reply.status, reply.text).toBe(404);
          expect(functionError(reply).code).toBe("agent_not_found");
          expect(reply.text).not.toContain("csa_");
        },
      ),
      runs(20),
    );
  });

  it("DELETE of another user's token, or of none, is 404 token_not_found; theirs still works", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant("stranger"),
          fc.uuid(),
          fc.constantFrom(
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
          ),
        ),
        async (id) => {
          const tokenId = id === "stranger" ? strangerTokenId : id;
          fc.pre(tokenId !== callerTokenId);
          const reply = await unchangedTokens(() =>
            send("agent-tokens", "DELETE", JSON.stringify({ id: tokenId })),
          );
          expect(reply.status, reply.text).toBe(404);
          expect(functionError(reply).code).toBe("token_not_found");
        },
      ),
      runs(20),
    );
    await expectWorks(strangerToken);
    await expectWorks(callerToken);
    expect((await listed()).map((token) => token.id)).toEqual([callerTokenId]);
  });
});

describe("the checks can see a change", () => {
  it("a valid POST, and a valid DELETE, change the checked tables", async () => {
    let made = "";
    await expect(
      unchanged(async () => {
        const reply = await send(
          "agent-tokens",
          "POST",
          JSON.stringify({ agent_id: bad.agentId, name: "Another" }),
        );
        made = (JSON.parse(reply.text) as { id: string }).id;
        return reply;
      }),
    ).rejects.toThrow(/tables changed by a request answered 201/);
    await expect(
      unchanged(() => send("agent-tokens", "DELETE", JSON.stringify({ id: made }))),
    ).rejects.toThrow(/tables changed by a request answered 200/);
    expect((await listed()).map((token) => token.id)).toEqual([callerTokenId]);
  });
});
