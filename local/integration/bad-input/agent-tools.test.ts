// get-agent-tools and execute-agent-tool with bad input, through the whole stack: the request's
// own fields and every tool's arguments broken one at a time (the executor audits each refused
// call that names a real agent), and tools that are not in the catalog. See support.ts for what
// every answer must be and how "nothing changed" is checked.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/agent-tools.test.ts
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  TOOL_CATALOG,
  type ToolName,
} from "../../../supabase/functions/_shared/contracts/tool-catalog.ts";
import {
  badText,
  badUuid,
  deeplyNested,
  define,
  expectBadRequest,
  type JsonObject,
  mutations,
  type OperationInput,
  operationInputs,
  RawJson,
  runs,
  serialize,
  smallJson,
  useBadInputStack,
  validMms,
  wrongType,
} from "./support.ts";

const bad = useBadInputStack();
const { send, unchanged, post, lastFailedToolCall, checkMutations } = bad;

/** Each tool's valid arguments and what breaks them (paths relative to `arguments`). */
const tools = operationInputs([], "");
const TOOL_ARGUMENTS: Record<ToolName, OperationInput> = {
  clicksend_send_sms: tools.send_sms,
  clicksend_send_mms: tools.send_mms,
  clicksend_get_balance: tools.get_balance,
  clicksend_get_sms_history: tools.get_sms_history,
  clicksend_get_mms_history: tools.get_mms_history,
  clicksend_get_delivery_receipts: tools.get_delivery_receipts,
  clicksend_get_replies: tools.get_replies,
};

describe("get-agent-tools with a broken body", () => {
  it("agent_id and unknown keys", async () => {
    await checkMutations(
      { fn: "get-agent-tools", method: "POST" },
      () => ({ agent_id: bad.agentId }),
      mutations(
        [{ path: ["agent_id"], names: "agent_id", bad: badUuid(true) }],
        [{ path: [], known: ["agent_id"] }],
      ),
      ["invalid_request"],
      40,
    );
  });
});

describe("execute-agent-tool with a broken body", () => {
  const known = ["agent_id", "tool", "arguments", "idempotency_key"];

  it("the request's own fields", async () => {
    await checkMutations(
      { fn: "execute-agent-tool", method: "POST" },
      () => ({
        agent_id: bad.agentId,
        tool: "clicksend_get_balance",
        arguments: {},
        idempotency_key: "order-42",
      }),
      mutations(
        [
          { path: ["agent_id"], names: "agent_id", bad: badUuid(true) },
          {
            path: ["tool"],
            names: "tool",
            bad: badText({ required: true, min: 1, max: 100, example: "clicksend_get_balance" }),
          },
          {
            path: ["arguments"],
            names: "arguments",
            bad: fc.oneof(wrongType("object"), deeplyNested),
          },
          {
            path: ["idempotency_key"],
            names: "idempotency_key",
            bad: badText({
              required: false,
              min: 1,
              max: 200,
              example: "order-42",
              invalid: ["with space", "a/b", "ключ", "#1", "日本"],
            }),
          },
        ],
        [{ path: [], known }],
      ),
      ["invalid_request", "invalid_arguments"],
      60,
    );
  });

  it.each(TOOL_CATALOG.map((tool) => tool.name))("arguments of %s", async (name) => {
    const spec = TOOL_ARGUMENTS[name];
    await checkMutations(
      { fn: "execute-agent-tool", method: "POST" },
      () => ({ agent_id: bad.agentId, tool: name, arguments: spec.valid }),
      mutations(
        // The executor names an argument by itself ("to: …"); the request's checks by its place
        // in the body ("arguments.to: …").
        spec.fields.map((field) => ({
          ...field,
          path: ["arguments", ...field.path],
          names: [field.path.join("."), `arguments.${field.path.join(".")}`],
        })),
        [{ path: ["arguments"], known: Object.keys(spec.valid) }],
      ),
      ["invalid_request", "invalid_arguments"],
      spec.fields.length > 3 ? 50 : 25,
    );
  });

  it("tools that are not in the catalog", async () => {
    const names = TOOL_CATALOG.map((tool) => tool.name as string);
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(
            fc.string({ unit: "binary", minLength: 1, maxLength: 100 }),
            fc.constantFrom(...names).map((name) => name.toUpperCase()),
            fc.constantFrom(...names).map((name) => ` ${name}`),
            fc.constantFrom(...names).map((name) => `${name}\u200b`),
            fc.constantFrom(...names).map((name) => name.replace("_", "-")),
            fc.constantFrom(
              "__proto__",
              "constructor",
              "toString",
              "hasOwnProperty",
              "valueOf",
              "clicksend_delete_everything",
              "clicksend_send_sms; drop table agents",
            ),
          )
          .filter(
            (name) => !names.includes(name) && !name.includes("\u0000") && name.length <= 100,
          ),
        fc
          .oneof(fc.constant({}), fc.dictionary(fc.string({ maxLength: 8 }), smallJson))
          // Only the tool name is wrong here: a nested "__proto__" key is refused earlier, as
          // invalid_request (its own regression test below).
          .filter((args) => !JSON.stringify(args).includes('"__proto__"')),
        async (tool, args) => {
          const body = serialize({ agent_id: bad.agentId, tool, arguments: args });
          const { reply, audited } = await unchanged(() =>
            send("execute-agent-tool", "POST", body),
          );
          const error = expectBadRequest(reply, ["unknown_tool"]);
          expect(error.message).toContain("tool");
          expect(audited).toBe(1);
          expect(await lastFailedToolCall()).toEqual({
            http_status: 400,
            error_code: "unknown_tool",
          });
        },
      ),
      runs(40),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Counterexamples the properties found, kept as plain tests (each answered 500, reached
// ClickSend, or changed a row before the fix).
// ---------------------------------------------------------------------------------------------
describe("regressions found by the properties", () => {
  it("a NUL character in a tool call is refused, not sent or half-audited", async () => {
    const sent = await post("execute-agent-tool", {
      agent_id: bad.agentId,
      tool: "clicksend_send_mms",
      arguments: { ...validMms, body: "\u0000Look" },
    });
    expectBadRequest(sent.reply, ["invalid_request"], "arguments.body");
    expect(sent.audited).toBe(0);
    const tool = await post("execute-agent-tool", {
      agent_id: bad.agentId,
      tool: "\u0000clicksend_get_balance",
      arguments: {},
    });
    expectBadRequest(tool.reply, ["invalid_request"], "tool");
    expect(tool.audited).toBe(0);
  });

  it('an "__proto__" key in a tool\'s arguments is refused (was dropped, and the tool ran)', async () => {
    const args: JsonObject = {};
    define(args, "__proto__", { to: ["+61411111111"], body: "Hello" });
    for (const tool of ["clicksend_get_balance", "clicksend_send_sms"]) {
      const { reply, audited } = await post("execute-agent-tool", {
        agent_id: bad.agentId,
        tool,
        arguments: args,
      });
      expectBadRequest(reply, ["invalid_request"], "arguments.__proto__");
      expect(audited).toBe(0);
    }
  });

  it("arguments nested 10,000 levels deep are refused (was 500: the audit's redaction overflowed)", async () => {
    const { reply, audited } = await post("execute-agent-tool", {
      agent_id: bad.agentId,
      tool: "clicksend_get_balance",
      arguments: { x: new RawJson(`${"[".repeat(10_000)}${"]".repeat(10_000)}`) },
    });
    expectBadRequest(reply, ["invalid_request"], "arguments.x");
    expect(audited).toBe(0);
  });
});
