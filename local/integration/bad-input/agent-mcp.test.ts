// agent-mcp (an agent's remote MCP endpoint, Streamable HTTP, stateless) with bad input, through
// the whole stack. It authenticates with an agent token, not a JWT, and answers in JSON-RPC, so
// its errors follow MCP's rules rather than our {"error": {code, message, retryable}} shape,
// except for 401 (a missing, malformed, unknown or revoked token: our shape, with
// `www-authenticate: Bearer`) and 405 (GET and DELETE: no sessions, no streams).
//
// - Authorization headers that are not a valid agent token: always 401, whatever the body.
// - With a valid token: a body that is not JSON is HTTP 400 with JSON-RPC -32700; JSON that is
//   not a JSON-RPC message is HTTP 400 with -32700 too (the SDK transport's "Parse error: Invalid
//   JSON-RPC message"), and JSON no function accepts (NUL, "__proto__", nested deeper than 32)
//   HTTP 400 with -32600, as is an empty batch; a request for a method the server does not have
//   is -32601; tools/call of a tool not in the catalog, with params of the wrong type, or with a
//   bad _meta.idempotency_key, is -32602; a granted send tool with broken arguments is -32602 or a
//   result with isError and the executor's error (invalid_arguments or invalid_request), which
//   the executor audits as a refused call. Wrong Content-Type, Accept or MCP-Protocol-Version
//   headers are the transport's 415, 406 and 400 (-32000).
// Each time nothing is sent and nothing changes (see support.ts: the tables the functions write,
// agent tokens included, and the sandbox account's whole state), the executor's audit rows of
// refused calls apart, as in agent-tools.test.ts.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/agent-mcp.test.ts
import fc from "fast-check";
import {
  ErrorCode,
  JSONRPCMessageSchema,
  LATEST_PROTOCOL_VERSION,
} from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { AGENT_TOKEN_SHOWN } from "../../../supabase/functions/_shared/contracts/agent-tokens.ts";
import { TOOL_CATALOG } from "../../../supabase/functions/_shared/contracts/tool-catalog.ts";
import {
  anyText,
  deeplyNested,
  define,
  functionError,
  type JsonObject,
  withNul,
  mutations,
  operationInputs,
  RawJson,
  type RawReply,
  runs,
  serialize,
  smallJson,
  tooLong,
  useBadInputStack,
  withField,
  wrongType,
} from "./support.ts";

const bad = useBadInputStack();
const { sendRaw, unchanged, lastFailedToolCall } = bad;

/** The caller's valid token, and tokens that were valid: revoked, and of a deleted agent. */
let token = "";
let revokedToken = "";
let orphanToken = "";

const HANDSET = "+61411111111";
const SEND_ARGUMENTS = { to: [HANDSET], body: "Hello" };

/** The headers every MCP request of a client has (initialize needs no protocol version). */
function mcpHeaders(authorization: string | null): Record<string, string> {
  return {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": LATEST_PROTOCOL_VERSION,
    ...(authorization === null ? {} : { authorization }),
  };
}

/** One POST to agent-mcp with the caller's valid token (or `authorization`). */
function mcp(body: string | undefined, authorization: string | null = `Bearer ${token}`) {
  return sendRaw("agent-mcp", "POST", body, mcpHeaders(authorization));
}

function rpc(method: string, params?: JsonObject, id: number | string = 1): JsonObject {
  return { jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) };
}

const sendCall = (args: unknown = SEND_ARGUMENTS, meta?: unknown): JsonObject =>
  rpc("tools/call", {
    name: "clicksend_send_sms",
    arguments: args,
    ...(meta === undefined ? {} : { _meta: meta }),
  });

/** Runs a request with a valid token: nothing changes but its last use and refused-call audits. */
function unchangedWithToken(run: () => Promise<RawReply>) {
  return unchanged(run, { tokenUse: true });
}

interface RpcError {
  code: number;
  message: string;
}

/** The reply is one JSON-RPC error response answering `id`, as HTTP `status`. */
function rpcError(reply: RawReply, status: number, id: number | string | null): RpcError {
  expect(reply.status, reply.text.slice(0, 500)).toBe(status);
  expect(reply.contentType).toMatch(/^application\/json/);
  const body = JSON.parse(reply.text) as unknown;
  expect(body).toEqual({
    jsonrpc: "2.0",
    id,
    error: {
      code: expect.any(Number) as unknown,
      message: expect.any(String) as unknown,
      ...((body as { error?: { data?: unknown } }).error?.data === undefined
        ? {}
        : { data: expect.anything() as unknown }),
    },
  });
  return (body as { error: RpcError }).error;
}

interface ToolFailure {
  code: string;
  message: string;
}

/** What a tools/call answered: a JSON-RPC error (HTTP status and code) or a failed tool result. */
type CallOutcome =
  { kind: "rpc"; status: number; error: RpcError } | { kind: "result"; error: ToolFailure };

function callOutcome(reply: RawReply): CallOutcome {
  expect(reply.status, reply.text.slice(0, 500)).toBeLessThan(500);
  const body = JSON.parse(reply.text) as {
    error?: unknown;
    result?: { isError?: unknown; structuredContent?: { error?: unknown } };
  };
  if (body.error !== undefined) {
    const id = reply.status === 400 ? null : 1;
    return { kind: "rpc", status: reply.status, error: rpcError(reply, reply.status, id) };
  }
  expect(reply.status, reply.text.slice(0, 500)).toBe(200);
  expect(body.result?.isError, reply.text.slice(0, 500)).toBe(true);
  const error = body.result?.structuredContent?.error;
  expect(error).toEqual({
    code: expect.any(String) as unknown,
    message: expect.any(String) as unknown,
    retryable: false,
  });
  return { kind: "result", error: error as ToolFailure };
}

/**
 * A broken tools/call is refused one of three ways, and only the executor's refusal is audited:
 * HTTP 400 -32600 for JSON no function accepts, -32602 for params the MCP layer refuses, or an
 * isError result with invalid_arguments or invalid_request.
 */
async function expectRefusedCall(reply: RawReply, audited: number): Promise<CallOutcome> {
  const outcome = callOutcome(reply);
  if (outcome.kind === "rpc") {
    expect(audited).toBe(0);
    if (outcome.status === 400) expect(outcome.error.code).toBe(ErrorCode.InvalidRequest);
    else {
      expect(outcome.status).toBe(200);
      expect(outcome.error.code).toBe(ErrorCode.InvalidParams);
    }
    return outcome;
  }
  expect(["invalid_arguments", "invalid_request"]).toContain(outcome.error.code);
  if (outcome.error.code === "invalid_request") {
    expect(audited).toBe(0);
  } else {
    // The executor audits every call that names a real agent, refused ones included.
    expect(audited).toBe(1);
    expect(await lastFailedToolCall()).toEqual({
      http_status: 400,
      error_code: outcome.error.code,
    });
  }
  return outcome;
}

/** What no function accepts anywhere in a JSON body (support.ts's deep values, NUL, __proto__). */
function unacceptable(value: unknown, depth = 0): boolean {
  if (value instanceof RawJson) return true;
  if (typeof value === "string") return value.includes("\u0000");
  if (value === null || typeof value !== "object") return false;
  if (depth >= 32) return true;
  return Object.entries(value).some(
    ([key, item]) =>
      (!Array.isArray(value) && (key === "__proto__" || key.includes("\u0000"))) ||
      unacceptable(item, depth + 1),
  );
}

beforeAll(async () => {
  const made = async (agentId: string, name: string): Promise<{ id: string; token: string }> => {
    const reply = await bad.send(
      "agent-tokens",
      "POST",
      JSON.stringify({ agent_id: agentId, name }),
    );
    expect(reply.status, reply.text).toBe(201);
    return JSON.parse(reply.text) as { id: string; token: string };
  };
  token = (await made(bad.agentId, "Valid")).token;

  const revoked = await made(bad.agentId, "Revoked");
  revokedToken = revoked.token;
  const deleted = await bad.send("agent-tokens", "DELETE", JSON.stringify({ id: revoked.id }));
  expect(deleted.status, deleted.text).toBe(200);

  // A token whose agent was deleted (tokens die with their agent).
  const [owner] = await bad.stack.db.query<{ user_id: string }>(
    "select user_id from public.agents where id = $1",
    [bad.agentId],
  );
  const [doomed] = await bad.stack.db.query<{ id: string }>(
    "insert into public.agents (user_id, name) values ($1, 'Doomed') returning id",
    [owner?.user_id],
  );
  orphanToken = (await made(doomed?.id ?? "", "Orphan")).token;
  await bad.stack.db.query("delete from public.agents where id = $1", [doomed?.id]);

  // The valid token works: every refusal below is about the input, not the token.
  const listed = await mcp(JSON.stringify(rpc("tools/list")));
  expect(listed.status, listed.text).toBe(200);
}, 60_000);

// ---------------------------------------------------------------------------------------------
// (a) Authorization.
// ---------------------------------------------------------------------------------------------

/** Header values fetch can send (visible ASCII and spaces: no CR, LF or NUL). */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 80,
});
const base64urlChar = fc.constantFrom(
  ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split(""),
);

/** Authorization headers (null: none) that are no valid agent token. */
const badAuthorization: fc.Arbitrary<() => string | null> = fc.oneof(
  fc.constantFrom<() => string | null>(
    () => null,
    () => "",
    () => "Bearer",
    () => "Bearer ",
    () => "Basic dXNlcjpwYXNz",
    () => `Token ${token}`,
    () => `Basic ${token}`,
    () => token,
    () => `Bearer ${token} extra`,
    () => `Bearer ${token}x`,
    () => `Bearer ${token.slice(0, -1)}`,
    () => `Bearer ${token.toUpperCase()}`,
    () => `Bearer ${token.replace("csa_", "CSA_")}`,
    () => `Bearer ${token}, Bearer ${token}`,
    () => `Bearer "${token}"`,
    () => `Bearer ${bad.token}`,
    () => `Bearer ${bad.stack.serviceRoleKey}`,
    () => `Bearer ${bad.stack.anonKey}`,
    () => `Bearer ${revokedToken}`,
    () => `Bearer ${orphanToken}`,
    () => `Bearer csa_${"A".repeat(43)}`,
    () => `Bearer csa_${"A".repeat(42)}`,
    () => `Bearer csa_${"A".repeat(44)}`,
  ),
  // A token of the right shape that no one has.
  fc
    .array(base64urlChar, { minLength: 43, maxLength: 43 })
    .map((chars) => () => `Bearer csa_${chars.join("")}`),
  headerText.map((text) => () => text),
  headerText.map((text) => () => `Bearer ${text}`),
  headerText.map((text) => () => `Bearer csa_${text}`),
);

/** Bodies that would do something with a valid token: a send above all. */
const anyRequestBody = fc.oneof(
  fc.constant(sendCall()).map(serialize),
  fc.constant(sendCall(SEND_ARGUMENTS, { idempotency_key: "auth-fuzz" })).map(serialize),
  fc.constant(rpc("tools/list")).map(serialize),
  fc
    .constant(
      rpc("initialize", {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: "fuzz", version: "1" },
      }),
    )
    .map(serialize),
  fc.string({ unit: "binary", maxLength: 100 }),
  smallJson.map(serialize),
);

describe("agent-mcp without a valid agent token", () => {
  it("is 401 in our error shape with www-authenticate: Bearer, and nothing changes", async () => {
    await fc.assert(
      fc.asyncProperty(badAuthorization, anyRequestBody, async (authorization, body) => {
        // Not tokenUse: no token's last use may change either.
        const { reply, audited } = await unchanged(() => mcp(body, authorization()));
        expect(reply.status, reply.text.slice(0, 500)).toBe(401);
        const error = functionError(reply);
        expect(error.code).toBe("unauthorized");
        expect(error.retryable).toBe(false);
        expect(reply.wwwAuthenticate).toMatch(/^Bearer\b/);
        // It never echoes a token back.
        expect(reply.text).not.toContain(token.slice(AGENT_TOKEN_SHOWN));
        expect(reply.text).not.toMatch(/csa_[A-Za-z0-9_-]/);
        expect(audited).toBe(0);
      }),
      runs(80),
    );
  });

  it("a revoked token, and one whose agent was deleted, say so", async () => {
    for (const given of [revokedToken, orphanToken]) {
      const { reply } = await unchanged(() => mcp(serialize(sendCall()), `Bearer ${given}`));
      expect(reply.status, reply.text).toBe(401);
      expect(functionError(reply).message).toMatch(/revoked/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// (b) With a valid token.
// ---------------------------------------------------------------------------------------------
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Would the SDK transport take it as JSON-RPC message(s)? */
function jsonRpcMessages(value: unknown): boolean {
  const valid = (item: unknown) => JSONRPCMessageSchema.safeParse(item).success;
  return Array.isArray(value) ? value.every(valid) : valid(value);
}

describe("agent-mcp with bodies that are not a JSON-RPC request", () => {
  it("text that is not JSON is HTTP 400 with -32700", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            fc.string({ unit: "binary", maxLength: 200 }),
            fc.constantFrom("", " ", "{", "[", "undefined", "NaN", "{'a':1}", '{"jsonrpc":"2.0",'),
            fc.constant(serialize(sendCall())).map((text) => text.slice(0, -1)),
          )
          .filter((text) => !isJson(text)),
        async (body) => {
          const { reply, audited } = await unchangedWithToken(() => mcp(body));
          expect(rpcError(reply, 400, null).code).toBe(ErrorCode.ParseError);
          expect(audited).toBe(0);
        },
      ),
      runs(40),
    );
  });

  it("JSON that is no JSON-RPC message is HTTP 400 with -32700 (the SDK transport's answer)", async () => {
    const nearMiss = fc
      .record(
        {
          jsonrpc: fc.oneof(fc.constantFrom<unknown>("2.0", "1.0", "2", 2, null), smallJson),
          id: fc.oneof(fc.integer(), anyText, fc.double(), smallJson),
          method: fc.oneof(fc.constantFrom<unknown>("tools/call", "tools/list"), smallJson),
          params: fc.oneof(fc.constant<unknown>({ name: "clicksend_send_sms" }), smallJson),
          result: smallJson,
          error: smallJson,
        },
        { requiredKeys: [] },
      )
      .map((value) => value as unknown);
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            fc.jsonValue({ maxDepth: 3 }),
            nearMiss,
            fc.array(fc.oneof(nearMiss, fc.constant<unknown>(rpc("tools/list"))), {
              minLength: 1,
              maxLength: 3,
            }),
          )
          .filter((value) => !jsonRpcMessages(value) && !unacceptable(value)),
        async (value) => {
          const { reply, audited } = await unchangedWithToken(() => mcp(serialize(value)));
          const error = rpcError(reply, 400, null);
          expect(error).toEqual({
            code: ErrorCode.ParseError,
            message: "Parse error: Invalid JSON-RPC message",
          });
          expect(audited).toBe(0);
        },
      ),
      runs(60),
    );
  });

  it("JSON no function accepts (NUL, __proto__, deeper than 32) is HTTP 400 with -32600", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          deeplyNested.map((raw) => sendCall({ ...SEND_ARGUMENTS, x: raw })),
          deeplyNested.map((raw) => raw as unknown),
          withNul("Hello").map((body) => sendCall({ ...SEND_ARGUMENTS, body })),
          withNul("clicksend_send_sms").map((name) =>
            rpc("tools/call", { name, arguments: SEND_ARGUMENTS }),
          ),
          fc.constant(null).map(() => {
            const args: JsonObject = {};
            define(args, "__proto__", SEND_ARGUMENTS);
            return sendCall(args);
          }),
          fc.constant(null).map(() => {
            const body = rpc("tools/list");
            define(body, "__proto__", { method: "tools/call" });
            return body;
          }),
        ),
        async (value) => {
          const { reply, audited } = await unchangedWithToken(() => mcp(serialize(value)));
          const error = rpcError(reply, 400, null);
          expect(error.code).toBe(ErrorCode.InvalidRequest);
          expect(error.message).toMatch(/^Invalid Request: /);
          expect(audited).toBe(0);
        },
      ),
      runs(25),
    );
  });

  it("a request for a method the server does not have is -32601", async () => {
    const known = ["initialize", "ping", "tools/list", "tools/call"];
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            anyText,
            fc.constantFrom(
              "tools/delete",
              "resources/list",
              "prompts/list",
              "completion/complete",
              "logging/setLevel",
              "sampling/createMessage",
              "TOOLS/LIST",
              "tools/call ",
              "__proto__",
              "constructor",
            ),
          )
          .filter((method) => !known.includes(method) && !method.includes("\u0000")),
        fc.oneof(fc.integer(), fc.string({ minLength: 1, maxLength: 10 })),
        async (method, id) => {
          const { reply, audited } = await unchangedWithToken(() =>
            mcp(serialize(rpc(method, {}, id))),
          );
          expect(rpcError(reply, 200, id).code).toBe(ErrorCode.MethodNotFound);
          expect(audited).toBe(0);
        },
      ),
      runs(30),
    );
  });
});

describe("agent-mcp tools/call with bad input", () => {
  it("tools that are not in the catalog are -32602", async () => {
    const names = TOOL_CATALOG.map((tool) => tool.name as string);
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            fc.string({ unit: "binary", minLength: 1, maxLength: 100 }),
            fc.string({ unit: "binary", minLength: 101, maxLength: 2000 }),
            fc.constantFrom(...names).map((name) => name.toUpperCase()),
            fc.constantFrom(...names).map((name) => ` ${name}`),
            fc.constantFrom(...names).map((name) => `${name}\u200b`),
            fc.constantFrom(...names).map((name) => name.replace("_", "-")),
            fc.constantFrom(
              "",
              "__proto__",
              "constructor",
              "toString",
              "hasOwnProperty",
              "clicksend_delete_everything",
              "clicksend_send_sms; drop table agents",
            ),
          )
          .filter((name) => !names.includes(name) && !name.includes("\u0000")),
        fc.oneof(
          fc.constant<unknown>(SEND_ARGUMENTS),
          fc.constant<unknown>({}),
          fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 4 }),
        ),
        async (name, args) => {
          fc.pre(!unacceptable(args));
          const body = rpc("tools/call", { name, arguments: args });
          const { reply, audited } = await unchangedWithToken(() => mcp(serialize(body)));
          const error = rpcError(reply, 200, 1);
          expect(error.code).toBe(ErrorCode.InvalidParams);
          expect(error.message).toMatch(/^MCP error -32602: Unknown tool: /);
          expect(audited).toBe(0);
        },
      ),
      runs(40),
    );
  });

  it("params that are not a tools/call's (no name, a name that is no string, arguments no object) are -32602", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // JSON-RPC's params must be an object (MCP has no positional params): the transport's -32700.
          wrongType("object").map((params) => ({ params, transport: true })),
          fc.constant({ params: { arguments: SEND_ARGUMENTS }, transport: false }),
          wrongType("string").map((name) => ({
            params: { name, arguments: SEND_ARGUMENTS },
            transport: false,
          })),
          wrongType("object").map((args) => ({
            params: { name: "clicksend_send_sms", arguments: args },
            transport: false,
          })),
        ),
        async ({ params, transport }) => {
          fc.pre(!unacceptable(params));
          const body: JsonObject = { jsonrpc: "2.0", id: 1, method: "tools/call", params };
          const { reply, audited } = await unchangedWithToken(() => mcp(serialize(body)));
          if (transport) {
            expect(rpcError(reply, 400, null).code).toBe(ErrorCode.ParseError);
          } else {
            // Was -32603 Internal error: the SDK parsed the request before the handler could.
            const error = rpcError(reply, 200, 1);
            expect(error.code).toBe(ErrorCode.InvalidParams);
            // The Server's own check, naming the place ("path": ["params", "name"]).
            expect(error.message).toMatch(/^MCP error -32602: Invalid tools\/call request: /);
            expect(error.message).toMatch(/"params",\s*"(name|arguments)"/);
          }
          expect(audited).toBe(0);
        },
      ),
      runs(30),
    );
  });

  it("tools/list with a cursor that is no string is -32602", async () => {
    await fc.assert(
      fc.asyncProperty(wrongType("string"), async (cursor) => {
        fc.pre(!unacceptable(cursor));
        const { reply, audited } = await unchangedWithToken(() =>
          mcp(serialize(rpc("tools/list", { cursor }))),
        );
        expect(rpcError(reply, 200, 1).code).toBe(ErrorCode.InvalidParams);
        expect(audited).toBe(0);
      }),
      runs(15),
    );
  });

  const sms = operationInputs(["params", "arguments"], "").send_sms;

  it("clicksend_send_sms with one argument broken: -32602, or the executor's refusal as an error result", async () => {
    await fc.assert(
      fc.asyncProperty(
        mutations(sms.fields, [{ path: ["params", "arguments"], known: Object.keys(sms.valid) }]),
        async (change) => {
          const body = withField(sendCall(sms.valid), change.path, change.value);
          const { reply, audited } = await unchangedWithToken(() => mcp(serialize(body)));
          const outcome = await expectRefusedCall(reply, audited);
          if (outcome.kind === "result") {
            const fields = typeof change.names === "string" ? [change.names] : change.names;
            const field = fields[0] ?? "";
            // The executor names the argument: "to: …", "to.0: …" or Unrecognized key: "k".
            expect(
              outcome.error.message.startsWith(field) ||
                outcome.error.message.includes(`"${field}"`),
              `"${outcome.error.message}" should name ${field}`,
            ).toBe(true);
          }
        },
      ),
      runs(60),
    );
  });

  it("clicksend_send_sms with arbitrary JSON objects as arguments is refused", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.dictionary(fc.string({ maxLength: 12 }), smallJson, { maxKeys: 6 }),
          fc.record(
            { to: smallJson, body: smallJson, from: smallJson, schedule: smallJson },
            { requiredKeys: [] },
          ),
        ),
        async (args) => {
          fc.pre(!unacceptable(args));
          const { reply, audited } = await unchangedWithToken(() => mcp(serialize(sendCall(args))));
          await expectRefusedCall(reply, audited);
        },
      ),
      runs(40),
    );
  });

  it("a bad _meta.idempotency_key is -32602 naming it (and _meta that is no object -32700), on a valid send", async () => {
    const badKey = fc.oneof(
      fc.constantFrom<unknown>(
        "",
        " ",
        "with space",
        "a/b",
        "ключ",
        "#1",
        "日本",
        "key\n",
        "x".repeat(201),
        null,
      ),
      tooLong(200),
      wrongType("string"),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          badKey.map((key) => ({ meta: { idempotency_key: key }, names: true })),
          badKey.map((key) => ({
            meta: { idempotency_key: key, progressToken: 1 },
            names: true,
          })),
          wrongType("object").map((meta) => ({ meta, names: false })),
        ),
        async ({ meta, names }) => {
          fc.pre(!unacceptable(meta));
          const body = withField(sendCall(), ["params", "_meta"], meta);
          const { reply, audited } = await unchangedWithToken(() => mcp(serialize(body)));
          if (names) {
            const error = rpcError(reply, 200, 1);
            expect(error.code).toBe(ErrorCode.InvalidParams);
            expect(error.message).toMatch(/^MCP error -32602: _meta\.idempotency_key: /);
          } else {
            // A request's _meta must be an object: the transport refuses the message (-32700).
            expect(rpcError(reply, 400, null).code).toBe(ErrorCode.ParseError);
          }
          expect(audited).toBe(0);
        },
      ),
      runs(40),
    );
  });
});

describe("agent-mcp with wrong headers, an empty batch or a bad initialize", () => {
  const valid = () => serialize(sendCall());

  it("a content type that is not JSON is 415 (-32000), whatever the body", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=xyz",
          "application/octet-stream",
          "application/jsonx",
          "text/json",
          "garbage/ÿ",
        ),
        async (contentType) => {
          const { reply, audited } = await unchangedWithToken(() =>
            sendRaw("agent-mcp", "POST", valid(), {
              ...mcpHeaders(`Bearer ${token}`),
              "content-type": contentType,
            }),
          );
          expect(rpcError(reply, 415, null).code).toBe(-32000);
          expect(audited).toBe(0);
        },
      ),
      runs(10),
    );
  });

  it("an Accept without both JSON and event streams is 406 (-32000)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<string | null>(
          null,
          "",
          "*/*",
          "application/json",
          "text/event-stream",
          "text/html",
        ),
        async (accept) => {
          const headers = mcpHeaders(`Bearer ${token}`);
          if (accept === null) Reflect.deleteProperty(headers, "accept");
          else headers.accept = accept;
          const { reply, audited } = await unchangedWithToken(() =>
            sendRaw("agent-mcp", "POST", valid(), headers),
          );
          expect(rpcError(reply, 406, null).code).toBe(-32000);
          expect(audited).toBe(0);
        },
      ),
      runs(10),
    );
  });

  it("a protocol version the server does not support is 400 (-32000)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom("1999-01-01", "2025-11-26", "latest", "2025-11-25 ", "x"),
          fc.string({
            unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
            minLength: 1,
            maxLength: 20,
          }),
        ),
        async (version) => {
          fc.pre(!/^\d{4}-\d{2}-\d{2}$/.test(version.trim()));
          const { reply, audited } = await unchangedWithToken(() =>
            sendRaw("agent-mcp", "POST", valid(), {
              ...mcpHeaders(`Bearer ${token}`),
              "mcp-protocol-version": version,
            }),
          );
          expect(rpcError(reply, 400, null).code).toBe(-32000);
          expect(audited).toBe(0);
        },
      ),
      runs(15),
    );
  });

  it("an empty batch is HTTP 400 with -32600 (was 202 with no answer)", async () => {
    const { reply, audited } = await unchangedWithToken(() => mcp("[]"));
    expect(rpcError(reply, 400, null)).toEqual({
      code: ErrorCode.InvalidRequest,
      message: "Invalid Request: an empty batch.",
    });
    expect(audited).toBe(0);
  });

  it("initialize with params that are not its own is a JSON-RPC error, not a session", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            protocolVersion: fc.oneof(wrongType("string"), fc.constant(LATEST_PROTOCOL_VERSION)),
            capabilities: fc.oneof(wrongType("object"), fc.constant({})),
            clientInfo: fc.oneof(
              wrongType("object"),
              fc.constant({}),
              fc.constant({ name: "fuzz", version: "1" }),
            ),
          },
          { requiredKeys: [] },
        ),
        async (params) => {
          fc.pre(!unacceptable(params));
          const valid =
            params.protocolVersion === LATEST_PROTOCOL_VERSION &&
            JSON.stringify(params.capabilities) === "{}" &&
            JSON.stringify(params.clientInfo) === JSON.stringify({ name: "fuzz", version: "1" });
          fc.pre(!valid);
          const { reply, audited } = await unchangedWithToken(() =>
            mcp(serialize(rpc("initialize", params))),
          );
          // The SDK's own initialize handler parses before it runs and answers -32603 Internal
          // error for params of the wrong shape (reported: the Server's handler is not ours).
          expect([ErrorCode.InvalidParams, ErrorCode.InternalError]).toContain(
            rpcError(reply, 200, 1).code,
          );
          expect(audited).toBe(0);
        },
      ),
      runs(15),
    );
  });
});

describe("methods agent-mcp does not take", () => {
  it("GET and DELETE are 405 in our error shape, with or without a token", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "DELETE"),
        fc.constantFrom<() => string | null>(
          () => `Bearer ${token}`,
          () => null,
          () => `Bearer ${revokedToken}`,
        ),
        fc.oneof(fc.constant(undefined), anyRequestBody),
        async (method, authorization, body) => {
          const { reply } = await unchangedWithToken(() =>
            sendRaw(
              "agent-mcp",
              method,
              method === "GET" ? undefined : body,
              mcpHeaders(authorization()),
            ),
          );
          expect(reply.status, reply.text).toBe(405);
          expect(functionError(reply).code).toBe("method_not_allowed");
        },
      ),
      runs(20),
    );
  });
});

describe("the checks can see a change", () => {
  it("a valid send through the endpoint changes the checked tables and reaches ClickSend", async () => {
    await expect(
      unchangedWithToken(() => mcp(serialize(sendCall({ to: [HANDSET], body: "Sent" })))),
    ).rejects.toThrow(/tables changed by a request answered 200/);
  });
});
