// Bad input for every Edge Function at once, through the whole stack: bodies that are not a
// request at all (any JSON, text, empty, deep, under any content type), methods a function does
// not take, and well-formed ids that are not the caller's. See support.ts for what every answer
// must be and how "nothing changed" is checked.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/whole-bodies.test.ts
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CONTENT_TYPES,
  deeplyNested,
  expectBadRequest,
  functionError,
  type FunctionName,
  type JsonObject,
  runs,
  serialize,
  smallJson,
  tooLong,
  unknownKey,
  useBadInputStack,
} from "./support.ts";

const bad = useBadInputStack();
const { send, unchanged } = bad;

/** Bodies no JSON function accepts: any JSON value, unicode text, empty, deep, random objects. */
const garbageBody: fc.Arbitrary<string> = fc.oneof(
  fc.anything({ maxDepth: 3 }).map(serialize),
  fc.jsonValue({ maxDepth: 3 }).map(serialize),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.constantFrom("", " ", "{", "}", "[", "null", "{}", "[]", '""', "undefined", "NaN", "{'a':1}"),
  deeplyNested.map((raw) => raw.text),
  fc
    .dictionary(
      unknownKey([
        "agent_id",
        "connection_id",
        "action",
        "username",
        "api_key",
        "approval_id",
        "decision",
      ]),
      smallJson,
      {
        minKeys: 1,
        maxKeys: 5,
      },
    )
    .map(serialize),
  tooLong(100).map((text) => JSON.stringify({ text })),
);

const JSON_FUNCTIONS: { fn: FunctionName; method: string }[] = [
  { fn: "clicksend-connect", method: "POST" },
  { fn: "clicksend-connect", method: "PATCH" },
  { fn: "clicksend-connect", method: "DELETE" },
  { fn: "clicksend-api", method: "POST" },
  { fn: "get-agent-tools", method: "POST" },
  { fn: "execute-agent-tool", method: "POST" },
  { fn: "agent-webhooks", method: "POST" },
  { fn: "agent-approvals", method: "POST" },
  { fn: "agent-tokens", method: "POST" },
  { fn: "agent-tokens", method: "DELETE" },
];

describe("whole bodies that are not a request", () => {
  it.each(JSON_FUNCTIONS)(
    "$fn $method: 400 JSON naming the problem, nothing changes",
    async (target) => {
      await fc.assert(
        fc.asyncProperty(
          garbageBody,
          fc.constantFrom(...CONTENT_TYPES),
          async (body, contentType) => {
            const { reply, audited } = await unchanged(() =>
              send(target.fn, target.method, body, { contentType }),
            );
            expectBadRequest(reply, ["invalid_json", "invalid_request"]);
            expect(audited).toBe(0);
          },
        ),
        runs(40),
      );
    },
  );

  it("answers 405 JSON to methods a function does not take", async () => {
    const pairs: [FunctionName, string][] = [
      ["clicksend-connect", "PUT"],
      ["clicksend-api", "GET"],
      ["clicksend-api", "PATCH"],
      ["clicksend-api", "DELETE"],
      ["get-agent-tools", "GET"],
      ["get-agent-tools", "PUT"],
      ["execute-agent-tool", "GET"],
      ["execute-agent-tool", "DELETE"],
      ["clicksend-webhook", "GET"],
      ["clicksend-webhook", "PUT"],
      ["clicksend-inbound", "PUT"],
      ["clicksend-inbound", "DELETE"],
      ["agent-webhooks", "GET"],
      ["agent-webhooks", "DELETE"],
      ["agent-approvals", "PUT"],
      ["agent-approvals", "PATCH"],
      ["agent-approvals", "DELETE"],
      ["agent-tokens", "PUT"],
      ["agent-tokens", "PATCH"],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...pairs), garbageBody, async ([fn, method], body) => {
        const { reply } = await unchanged(() =>
          send(fn, method, method === "GET" ? undefined : body),
        );
        expect(reply.status).toBe(405);
        expect(functionError(reply).code).toBe("method_not_allowed");
      }),
      runs(30),
    );
  });
});

describe("well-formed ids that are not the caller's", () => {
  it("answer 404 and change nothing", async () => {
    const calls: ((id: string) => [FunctionName, string, JsonObject])[] = [
      (id) => ["clicksend-connect", "PATCH", { connection_id: id, connection_name: "Mine now" }],
      (id) => ["clicksend-connect", "DELETE", { connection_id: id }],
      (id) => ["clicksend-api", "POST", { connection_id: id, action: "get_balance" }],
      (id) => ["clicksend-api", "POST", { connection_id: id, action: "poll_replies" }],
      (id) => [
        "clicksend-api",
        "POST",
        { connection_id: id, action: "send_sms", params: { to: ["+61411111111"], body: "x" } },
      ],
      (id) => ["get-agent-tools", "POST", { agent_id: id }],
      (id) => ["agent-webhooks", "POST", { action: "rotate_secret", agent_id: id }],
      (id) => [
        "agent-webhooks",
        "POST",
        { action: "set", agent_id: id, url: "https://8.8.8.8/hook" },
      ],
      (id) => ["agent-approvals", "POST", { approval_id: id, decision: "approve" }],
      (id) => ["agent-approvals", "POST", { approval_id: id, decision: "reject" }],
      (id) => ["agent-tokens", "POST", { agent_id: id, name: "Not mine" }],
      (id) => ["agent-tokens", "DELETE", { id }],
      (id) => [
        "execute-agent-tool",
        "POST",
        {
          agent_id: id,
          tool: "clicksend_send_sms",
          arguments: { to: ["+61411111111"], body: "x" },
        },
      ],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...calls),
        fc.oneof(
          fc.uuid(),
          fc.constantFrom(
            "00000000-0000-0000-0000-000000000000",
            "ffffffff-ffff-ffff-ffff-ffffffffffff",
          ),
        ),
        async (call, id) => {
          fc.pre(id !== bad.connectionId && id !== bad.agentId);
          const [fn, method, body] = call(id);
          const { reply, audited } = await unchanged(() => send(fn, method, JSON.stringify(body)));
          expect(reply.status, reply.text).toBe(404);
          expect(functionError(reply).code).toMatch(/not_found$/);
          expect(audited).toBe(0);
        },
      ),
      runs(30),
    );
  });
});
