// The account rules that push to a connection, as rules: every ensure issues one new token for
// all three kinds (receipt URL rule, inbound URL rule, inbound POLL rule); our rules whose token
// is not live are stale, one per kind is repointed (PUT) and the rest deleted, or one is created;
// live rules of other connections, other projects' rules and rules that are not ours stay. A kind
// that cannot be listed or written answers null without stopping the others; no token, or no
// answer on which tokens are live, touches nothing. ClickSend is the fake's fetch (requests
// recorded in the order the module makes them), the database the fake backend.
import { beforeEach, describe, expect, it } from "vitest";
import type { FunctionEnv } from "./env.ts";
import { ensurePushRules, pushUrl, removePushRules } from "./push-rules.ts";
import { pgError, reply, type FakeBackend } from "./testing/fake-backend.ts";
import {
  inboundRuleData,
  pageData,
  receiptRuleData,
  type FakeClickSend,
} from "./testing/fake-clicksend.ts";
import { CONNECTION, useFakes } from "./testing/fixtures.ts";

const TOKEN = "ab".repeat(24);
const STALE1 = "11".repeat(24);
const STALE2 = "22".repeat(24);
const LIVE = "33".repeat(24);

let clicksend: FakeClickSend;
let backend: FakeBackend;
let env: FunctionEnv;

useFakes((fakes) => ({ clicksend, backend, env } = fakes));

const receiptUrl = (token: string) =>
  `http://backend.test/functions/v1/clicksend-webhook?token=${token}`;
const inboundUrl = (token: string) =>
  `http://backend.test/functions/v1/clicksend-inbound?token=${token}`;
const addressOf = (body: unknown) => (body as { action_address: string }).action_address;
const idOf = (path: string) => Number(path.split("/").pop());

/** An account with no rules that accepts every rule write; one token issued, none live. */
beforeEach(() => {
  backend
    .rpc("clicksend_issue_webhook_token", reply(TOKEN))
    .rpc("clicksend_live_webhook_tokens", reply([]));
  clicksend
    .on("GET", "/automations/sms/receipts", { data: pageData([]) })
    .on("GET", "/automations/sms/inbound", { data: pageData([]) })
    .on("POST", "/automations/sms/receipts", (call) => ({
      data: receiptRuleData(40, addressOf(call.body)),
    }))
    .on("POST", "/automations/sms/inbound", (call) => {
      const action = (call.body as { action: string }).action;
      return { data: inboundRuleData(action === "URL" ? 50 : 51, addressOf(call.body), action) };
    })
    .on("PUT", /\/automations\/sms\/receipts\/\d+/, (call) => ({
      data: receiptRuleData(idOf(call.path), addressOf(call.body)),
    }))
    .on("PUT", /\/automations\/sms\/inbound\/\d+/, (call) => ({
      data: inboundRuleData(
        idOf(call.path),
        addressOf(call.body),
        (call.body as { action: string }).action,
      ),
    }))
    .on("DELETE", /\/automations\/sms\/(receipts|inbound)\/\d+/, { data: [] });
});

const ensure = () => ensurePushRules(env, backend.db, CONNECTION, clicksend.client());
const requests = () => clicksend.calls.map((call) => `${call.method} ${call.path}`);
const bodyOf = (request: string) =>
  clicksend.calls.find((call) => `${call.method} ${call.path}` === request)?.body;
const postBodies = (path: string) =>
  clicksend.calls.filter((c) => c.method === "POST" && c.path === path).map((c) => c.body);

describe("pushUrl", () => {
  it("is the function's URL under the project with the token as its query", () => {
    expect(pushUrl(env, "clicksend-inbound", TOKEN)).toBe(inboundUrl(TOKEN));
    expect(pushUrl(env, "clicksend-webhook", "t")).toBe(receiptUrl("t"));
  });
});

describe("ensurePushRules", () => {
  it("creates the three rules with one new token when the account has none of ours", async () => {
    expect(await ensure()).toEqual({ receiptRuleId: 40, inboundRuleId: 50, inboundPollRuleId: 51 });

    expect(backend.rpcArgs("clicksend_issue_webhook_token")).toEqual([
      { p_connection_id: CONNECTION },
    ]);
    expect(backend.rpcArgs("clicksend_live_webhook_tokens")).toEqual([{ p_tokens: [] }]);
    expect(requests()).toEqual([
      "GET /automations/sms/receipts",
      "GET /automations/sms/inbound",
      "POST /automations/sms/receipts",
      "POST /automations/sms/inbound",
      "POST /automations/sms/inbound",
    ]);
    expect(postBodies("/automations/sms/receipts")).toEqual([
      {
        rule_name: "AI agents: delivery receipts",
        match_type: 0,
        action: "URL",
        action_address: receiptUrl(TOKEN),
        enabled: 1,
      },
    ]);
    expect(postBodies("/automations/sms/inbound")).toEqual([
      {
        dedicated_number: "*",
        rule_name: "AI agents: replies",
        message_search_type: 0,
        message_search_term: null,
        action: "URL",
        action_address: inboundUrl(TOKEN),
        enabled: 1,
        webhook_type: "json",
      },
      {
        dedicated_number: "*",
        rule_name: "AI agents: replies (poll)",
        message_search_type: 0,
        message_search_term: null,
        action: "POLL",
        action_address: inboundUrl(TOKEN),
        enabled: 1,
      },
    ]);
    // Both lists are read from the first page, 100 at a time.
    expect(clicksend.calls.slice(0, 2).map((call) => call.query.toString())).toEqual([
      "page=1&limit=100",
      "page=1&limit=100",
    ]);
  });

  it("repoints one stale rule of ours per kind, deletes the other stale ones, and leaves live and foreign rules alone", async () => {
    clicksend
      .on("GET", "/automations/sms/receipts", {
        data: pageData([
          receiptRuleData(1, receiptUrl(STALE1)),
          receiptRuleData(2, "https://hooks.example.com/theirs"),
          receiptRuleData(3, receiptUrl(LIVE)),
          receiptRuleData(4, receiptUrl(STALE2)),
          receiptRuleData(5, "", "POLL"),
          // Another project's function: not ours, whatever its token.
          receiptRuleData(
            6,
            `https://other.supabase.co/functions/v1/clicksend-webhook?token=${STALE1}`,
          ),
        ]),
      })
      .on("GET", "/automations/sms/inbound", {
        data: pageData([
          inboundRuleData(11, inboundUrl(STALE1)),
          inboundRuleData(12, inboundUrl(LIVE)),
          inboundRuleData(13, "https://hooks.example.com/replies"),
          inboundRuleData(14, inboundUrl(STALE2), "POLL"),
          inboundRuleData(15, inboundUrl(STALE1), "POLL"),
          inboundRuleData(16, "", "POLL"),
          // Ours by address but not by action, and the receipt function's URL on an inbound rule.
          inboundRuleData(17, inboundUrl(STALE2), "AUTO_REPLY"),
          inboundRuleData(18, receiptUrl(STALE2)),
        ]),
      });
    backend.rpc("clicksend_live_webhook_tokens", reply([LIVE]));

    expect(await ensure()).toEqual({ receiptRuleId: 1, inboundRuleId: 11, inboundPollRuleId: 14 });

    // One check for every kind's tokens, in the order the rules were listed.
    expect(backend.rpcArgs("clicksend_live_webhook_tokens")).toEqual([
      { p_tokens: [STALE1, LIVE, STALE2, STALE1, LIVE, STALE2, STALE1] },
    ]);
    expect(requests()).toEqual([
      "GET /automations/sms/receipts",
      "GET /automations/sms/inbound",
      "DELETE /automations/sms/receipts/4",
      "PUT /automations/sms/receipts/1",
      "PUT /automations/sms/inbound/11",
      "DELETE /automations/sms/inbound/15",
      "PUT /automations/sms/inbound/14",
    ]);
    expect(bodyOf("PUT /automations/sms/receipts/1")).toEqual({
      rule_name: "AI agents: delivery receipts",
      match_type: 0,
      action: "URL",
      action_address: receiptUrl(TOKEN),
      enabled: 1,
    });
    expect(bodyOf("PUT /automations/sms/inbound/11")).toEqual({
      dedicated_number: "*",
      rule_name: "AI agents: replies",
      message_search_type: 0,
      message_search_term: null,
      action: "URL",
      action_address: inboundUrl(TOKEN),
      enabled: 1,
      webhook_type: "json",
    });
    expect(bodyOf("PUT /automations/sms/inbound/14")).toEqual({
      dedicated_number: "*",
      rule_name: "AI agents: replies (poll)",
      message_search_type: 0,
      message_search_term: null,
      action: "POLL",
      action_address: inboundUrl(TOKEN),
      enabled: 1,
    });
  });

  it("creates a kind whose only rules of ours are live (another user's connection to the account)", async () => {
    clicksend.on("GET", "/automations/sms/inbound", {
      data: pageData([inboundRuleData(12, inboundUrl(LIVE))]),
    });
    backend.rpc("clicksend_live_webhook_tokens", reply([LIVE]));
    expect(await ensure()).toEqual({ receiptRuleId: 40, inboundRuleId: 50, inboundPollRuleId: 51 });
    expect(requests().filter((r) => /^(PUT|DELETE)/.test(r))).toEqual([]);
  });

  it("leaves the receipt rule null when receipt rules cannot be listed; replies still get theirs", async () => {
    clicksend.on("GET", "/automations/sms/receipts", { status: 403, message: "Not allowed." });
    clicksend.on("GET", "/automations/sms/inbound", {
      data: pageData([inboundRuleData(11, inboundUrl(STALE1))]),
    });
    expect(await ensure()).toEqual({
      receiptRuleId: null,
      inboundRuleId: 11,
      inboundPollRuleId: 51,
    });
    expect(backend.rpcArgs("clicksend_live_webhook_tokens")).toEqual([{ p_tokens: [STALE1] }]);
    expect(requests().filter((r) => r.includes("receipts"))).toEqual([
      "GET /automations/sms/receipts",
    ]);
  });

  it("leaves both reply rules null when inbound rules cannot be listed; receipts still get theirs", async () => {
    clicksend.on("GET", "/automations/sms/inbound", { status: 403, message: "Not allowed." });
    expect(await ensure()).toEqual({
      receiptRuleId: 40,
      inboundRuleId: null,
      inboundPollRuleId: null,
    });
    expect(requests().filter((r) => r.includes("inbound"))).toEqual([
      "GET /automations/sms/inbound",
    ]);
  });

  it("touches no rule when no token can be issued", async () => {
    backend.rpc("clicksend_issue_webhook_token", pgError(500, "XX000"));
    expect(await ensure()).toEqual({
      receiptRuleId: null,
      inboundRuleId: null,
      inboundPollRuleId: null,
    });
    expect(clicksend.calls).toEqual([]);
    expect(backend.calls("clicksend_live_webhook_tokens")).toEqual([]);
  });

  it("writes no rule when the live tokens cannot be checked", async () => {
    clicksend.on("GET", "/automations/sms/receipts", {
      data: pageData([receiptRuleData(1, receiptUrl(STALE1))]),
    });
    backend.rpc("clicksend_live_webhook_tokens", pgError(500, "XX000"));
    expect(await ensure()).toEqual({
      receiptRuleId: null,
      inboundRuleId: null,
      inboundPollRuleId: null,
    });
    expect(requests()).toEqual(["GET /automations/sms/receipts", "GET /automations/sms/inbound"]);
  });

  it("answers null for the one kind ClickSend will not write, and still ensures the others", async () => {
    clicksend.on("POST", "/automations/sms/inbound", (call) =>
      (call.body as { action: string }).action === "POLL"
        ? { status: 400, message: "Rule limit reached." }
        : { data: inboundRuleData(50, addressOf(call.body)) },
    );
    expect(await ensure()).toEqual({
      receiptRuleId: 40,
      inboundRuleId: 50,
      inboundPollRuleId: null,
    });
  });

  it("still repoints a stale rule when an extra stale one cannot be deleted", async () => {
    clicksend
      .on("GET", "/automations/sms/receipts", {
        data: pageData([
          receiptRuleData(1, receiptUrl(STALE1)),
          receiptRuleData(4, receiptUrl(STALE2)),
        ]),
      })
      .on("DELETE", /\/automations\/sms\/(receipts|inbound)\/\d+/, { status: 500 });
    expect((await ensure()).receiptRuleId).toBe(1);
    expect(requests()).toContain("DELETE /automations/sms/receipts/4");
    expect(requests()).toContain("PUT /automations/sms/receipts/1");
  });
});

describe("removePushRules", () => {
  it("deletes the receipt rule and both reply rules, each even when an earlier one fails", async () => {
    clicksend.on("DELETE", /\/automations\/sms\/(receipts|inbound)\/\d+/, { status: 500 });
    await removePushRules(clicksend.client(), { receipt: 31, inbound: 32, poll: 33 });
    expect(requests()).toEqual([
      "DELETE /automations/sms/receipts/31",
      "DELETE /automations/sms/inbound/32",
      "DELETE /automations/sms/inbound/33",
    ]);
  });

  it("asks only for the rules there are", async () => {
    await removePushRules(clicksend.client(), { receipt: null, inbound: null, poll: 33 });
    expect(requests()).toEqual(["DELETE /automations/sms/inbound/33"]);
    clicksend.reset();
    await removePushRules(clicksend.client(), { receipt: null, inbound: null, poll: null });
    expect(clicksend.calls).toEqual([]);
  });
});
