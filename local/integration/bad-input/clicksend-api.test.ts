// clicksend-api (the dashboard's actions) with bad input, through the whole stack: every field of
// every action broken one at a time, actions that do not exist, and MMS media URLs that are not
// public https (refused by the dashboard's send and price and by the executor alike, while the composer's own
// upload on the sandbox's origin is still sent). See support.ts for what every answer must be and
// how "nothing changed" is checked.
//
// A failure prints fast-check's seed and path; replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run local/integration/bad-input/clicksend-api.test.ts
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SANDBOX_USERNAME } from "../../clicksend-sandbox/server.ts";
import {
  anyText,
  badText,
  badUuid,
  CONTENT_TYPES,
  deeplyNested,
  expectBadRequest,
  type JsonObject,
  MISSING,
  mutations,
  NOT_PUBLIC_MEDIA_URLS,
  type OperationInput,
  operationInputs,
  runs,
  serialize,
  smallJson,
  smsFields,
  useBadInputStack,
  validMms,
  withField,
  wrongType,
} from "./support.ts";

const bad = useBadInputStack();
const { send, unchanged, post, lastFailedToolCall, checkMutations } = bad;

describe("clicksend-api with one field broken", () => {
  // get_replies is an agent's tool only: the dashboard has no such action.
  const { get_replies: _agentOnly, ...shared } = operationInputs(["params"], "params");
  const ACTIONS: Record<string, OperationInput> = {
    ...shared,
    send_sms: {
      valid: { ...shared.send_sms.valid, idempotency_key: "order-1" },
      fields: [
        ...shared.send_sms.fields,
        {
          path: ["params", "idempotency_key"],
          names: "params.idempotency_key",
          bad: badText({
            required: false,
            min: 1,
            max: 200,
            example: "order-1",
            invalid: ["with space", "a/b", "ключ", "#1"],
          }),
        },
      ],
    },
    send_mms: {
      valid: { ...shared.send_mms.valid, idempotency_key: "order-2" },
      fields: shared.send_mms.fields,
    },
    price_sms: {
      valid: { to: ["+61411111111"], body: "Hello", from: "MyShop", default_country: "AU" },
      fields: smsFields(["params"], "params").filter(
        (field) => !["schedule", "custom_string"].some((key) => field.path.includes(key)),
      ),
    },
    // Prices an MMS with its image: the send's fields that decide the price, media_url included.
    price_mms: {
      valid: {
        to: ["+61411111111"],
        subject: "Hi",
        body: "Look",
        from: "+61411111112",
        default_country: "AU",
        media_url: "https://example.com/a.jpg",
      },
      fields: shared.send_mms.fields.filter(
        (field) => !["schedule", "custom_string"].some((key) => field.path.includes(key)),
      ),
    },
    upload_media: {
      valid: { content_type: "image/gif", content_base64: "R0lGODlhAQABAAAAACw=" },
      fields: [
        {
          path: ["params", "content_type"],
          names: "params.content_type",
          bad: badText({ required: true, max: 100, example: "image/gif" }),
        },
        {
          path: ["params", "content_base64"],
          names: "params.content_base64",
          bad: badText({ required: true, min: 4, max: 341_338, example: "R0lGODlhAQABAAAAACw=" }),
        },
      ],
    },
    cancel_scheduled: {
      valid: { message_id: "ABC-1" },
      fields: [
        {
          path: ["params", "message_id"],
          names: "params.message_id",
          bad: badText({ required: true, min: 1, max: 64, example: "ABC-1" }),
        },
      ],
    },
    // Takes no params at all: only connection_id, params' type and unknown keys can be broken.
    poll_replies: { valid: {}, fields: [] },
  };
  const actionNames = Object.keys(ACTIONS);

  it.each(actionNames)("action %s", async (action) => {
    const spec = ACTIONS[action];
    if (spec === undefined) throw new Error(`no spec for ${action}`);
    const base = () => ({ connection_id: bad.connectionId, action, params: spec.valid });
    await checkMutations(
      { fn: "clicksend-api", method: "POST" },
      base,
      mutations(
        [
          ...spec.fields,
          { path: ["connection_id"], names: "connection_id", bad: badUuid(true) },
          { path: ["params"], names: "params", bad: wrongType("object") },
        ],
        [
          { path: [], known: ["connection_id", "action", "params"] },
          { path: ["params"], known: Object.keys(spec.valid) },
        ],
      ),
      ["invalid_request"],
      spec.fields.length > 3 ? 50 : 30,
    );
  });

  it("an action that does not exist", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(MISSING),
          wrongType("string"),
          anyText.filter((text) => !actionNames.includes(text)),
          fc.constantFrom(...actionNames).map((name) => name.toUpperCase()),
          fc.constantFrom(...actionNames).map((name) => `${name} `),
          fc.constantFrom("__proto__", "constructor", "toString", "send_whatsapp", "delete_all"),
        ),
        async (action) => {
          const body = serialize(
            withField(
              { connection_id: bad.connectionId, action: "get_balance" },
              ["action"],
              action,
            ),
          );
          const { reply } = await unchanged(() => send("clicksend-api", "POST", body));
          expectBadRequest(reply, ["invalid_request"], "action");
        },
      ),
      runs(40),
    );
  });
});

describe("poll_replies (the dashboard's catch-up on replies)", () => {
  const poll = (params: unknown) =>
    serialize({ connection_id: bad.connectionId, action: "poll_replies", params });

  it("with params of any kind is 400 naming them and asks ClickSend nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // What the other reads take, or anything else: poll_replies takes none.
          fc.dictionary(
            fc.oneof(
              fc.constantFrom("page", "limit", "since", "from", "message_id", "mark_read", "all"),
              anyText,
            ),
            fc.oneof(smallJson, deeplyNested),
            { minKeys: 1, maxKeys: 3 },
          ),
          wrongType("object"),
          deeplyNested,
        ),
        fc.constantFrom(...CONTENT_TYPES),
        async (params, contentType) => {
          const { reply, audited } = await unchanged(() =>
            send("clicksend-api", "POST", poll(params), { contentType }),
          );
          expectBadRequest(reply, ["invalid_request"], "params");
          expect(audited).toBe(0);
        },
      ),
      runs(40),
    );
  });

  it("with no params, or empty ones, does ask ClickSend (so the check above could see it)", async () => {
    const requests = async () => {
      const state = (await (await fetch(`${bad.stack.sandbox.origin}/_sandbox/state`)).json()) as {
        accounts: Record<string, { requests: number }>;
      };
      return state.accounts[SANDBOX_USERNAME]?.requests ?? 0;
    };
    for (const body of [
      JSON.stringify({ connection_id: bad.connectionId, action: "poll_replies" }),
      poll({}),
    ]) {
      const before = await requests();
      const reply = await send("clicksend-api", "POST", body);
      expect(reply.status, reply.text).toBe(200);
      expect(await requests()).toBeGreaterThan(before);
    }
  });
});

describe("MMS media URLs that are not public https", () => {
  it.each(NOT_PUBLIC_MEDIA_URLS)(
    "%s is refused by execute-agent-tool and the dashboard, before ClickSend",
    async (mediaUrl) => {
      const tool = await unchanged(() =>
        send(
          "execute-agent-tool",
          "POST",
          JSON.stringify({
            agent_id: bad.agentId,
            tool: "clicksend_send_mms",
            arguments: { ...validMms, media_url: mediaUrl },
          }),
        ),
      );
      expectBadRequest(tool.reply, ["invalid_arguments"], "media_url");
      // The executor audits the refused call, and nothing else.
      expect(tool.audited).toBe(1);
      expect(await lastFailedToolCall()).toEqual({
        http_status: 400,
        error_code: "invalid_arguments",
      });

      const dashboard = await unchanged(() =>
        send(
          "clicksend-api",
          "POST",
          JSON.stringify({
            connection_id: bad.connectionId,
            action: "send_mms",
            params: { ...validMms, media_url: mediaUrl, idempotency_key: "media-1" },
          }),
        ),
      );
      expectBadRequest(dashboard.reply, ["invalid_request"], "params.media_url");
      expect(dashboard.audited).toBe(0);

      const { to, subject, body } = validMms;
      const price = await unchanged(() =>
        send(
          "clicksend-api",
          "POST",
          JSON.stringify({
            connection_id: bad.connectionId,
            action: "price_mms",
            params: { to, subject, body, media_url: mediaUrl },
          }),
        ),
      );
      expectBadRequest(price.reply, ["invalid_request"], "params.media_url");
    },
  );

  it("the composer's own upload, on the sandbox's origin, is still sent from the dashboard", async () => {
    const call = (action: string, params: JsonObject) =>
      send(
        "clicksend-api",
        "POST",
        JSON.stringify({ connection_id: bad.connectionId, action, params }),
      );
    const uploaded = await call("upload_media", {
      content_type: "image/gif",
      content_base64: "R0lGODlhAQABAAAAACw=",
    });
    expect(uploaded.status, uploaded.text).toBe(200);
    const url = (JSON.parse(uploaded.text) as { result: { url: string } }).result.url;
    expect(new URL(url).origin).toBe(bad.stack.sandbox.origin);
    // Scheduled years ahead, so no receipt arrives while later tests watch the tables.
    const sent = await call("send_mms", {
      to: ["+61411111111"],
      subject: "Hi",
      body: "Look",
      schedule: "2035-01-01T00:00:00Z",
      media_url: url,
      idempotency_key: "composer-upload-1",
    });
    expect(sent.status, sent.text).toBe(200);
    expect(JSON.parse(sent.text), sent.text).toMatchObject({ result: { accepted: 1 } });

    // The composer's price preview prices the same upload, and sends nothing.
    const priced = await call("price_mms", {
      to: ["+61412345678"],
      subject: "Hi",
      body: "Look",
      media_url: url,
    });
    expect(priced.status, priced.text).toBe(200);
    expect(JSON.parse(priced.text), priced.text).toMatchObject({
      result: {
        total_price: expect.any(Number) as unknown,
        messages: [{ to: "+61412345678", status: "SUCCESS" }],
      },
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Counterexamples the properties found, kept as plain tests (each answered 500, reached
// ClickSend, or changed a row before the fix).
// ---------------------------------------------------------------------------------------------
describe("regressions found by the properties", () => {
  it("a NUL character in a send's fields is refused before ClickSend (was 500 or a real send)", async () => {
    const sms = { to: ["+61411111111"], body: "Hello" };
    for (const params of [
      { ...sms, custom_string: "ref\u00001" },
      { ...sms, to: ["\u0000+61411111111"] },
      { ...sms, from: "My\u0000Shop" },
    ]) {
      const { reply } = await post("clicksend-api", {
        connection_id: bad.connectionId,
        action: "send_sms",
        params,
      });
      expectBadRequest(reply, ["invalid_request"], "params");
    }
    const { reply } = await post("clicksend-api", {
      connection_id: bad.connectionId,
      action: "upload_media",
      params: { content_type: "image/gif", content_base64: "R0lGOD\u0000lhAQABAAAAACw=" },
    });
    expectBadRequest(reply, ["invalid_request"], "params.content_base64");
  });
});
