// Automation rules: receipt rules (GET/POST /v3/automations/sms/receipts, GET/PUT/DELETE
// …/{receipt_rule_id}) and inbound rules (…/sms/inbound, …/{inbound_rule_id}), §2.16.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, TEST_ACCOUNT_API_KEY, type Sandbox } from "./server.ts";
import { anyNumber, client, obj, rowsOf, str } from "./testing.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

const api = () => client(sandbox);
const RULES = "/automations/sms/receipts";

describe("receipt rules", () => {
  it("starts every account with one enabled POLL rule", async () => {
    const response = await api().get(RULES);
    expect(response.body.response_code).toBe("SUCCESS");
    expect(obj(response.body.data)).toMatchObject({ total: 1, current_page: 1 });
    expect(rowsOf(response)).toEqual([
      {
        receipt_rule_id: anyNumber,
        rule_name: "Poll delivery receipts",
        match_type: 0,
        action: "POLL",
        action_address: "",
        enabled: 1,
      },
    ]);
  });

  it("creates, reads, updates and deletes a URL rule", async () => {
    const created = await api().post(RULES, {
      rule_name: "Webhook",
      match_type: "1",
      action: "URL",
      action_address: "https://example.com/hook?token=abc",
      enabled: 1,
    });
    expect(created.status).toBe(200);
    const rule = obj(created.body.data);
    expect(rule).toEqual({
      receipt_rule_id: anyNumber,
      rule_name: "Webhook",
      match_type: 1,
      action: "URL",
      action_address: "https://example.com/hook?token=abc",
      enabled: 1,
    });
    const path = `${RULES}/${str(rule.receipt_rule_id)}`;
    expect((await api().get(path)).body.data).toEqual(rule);

    const updated = await api().put(path, { enabled: 0, match_type: 2 });
    expect(updated.body.data).toEqual({ ...rule, enabled: 0, match_type: 2 });

    const deleted = await api().del(path);
    expect(deleted.body).toMatchObject({ http_code: 200, response_code: "SUCCESS", data: null });
    const gone = await api().get(path);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ response_code: "NOT_FOUND", data: null });
  });

  it.each([
    ["no rule_name", { match_type: 0, action: "POLL", enabled: 1 }],
    ["match_type 3", { rule_name: "r", match_type: 3, action: "POLL", enabled: 1 }],
    ["an unknown action", { rule_name: "r", match_type: 0, action: "FAX", enabled: 1 }],
    ["a URL rule without a URL", { rule_name: "r", match_type: 0, action: "URL", enabled: 1 }],
    [
      "a URL rule with a non-http URL",
      { rule_name: "r", match_type: 0, action: "URL", action_address: "ftp://x", enabled: 1 },
    ],
    ["enabled 2", { rule_name: "r", match_type: 0, action: "POLL", enabled: 2 }],
  ])("refuses %s with 400 BAD_REQUEST", async (_name, body) => {
    const response = await api().post(RULES, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      http_code: 400,
      response_code: "BAD_REQUEST",
      data: null,
    });
  });

  it("keeps rules per account", async () => {
    const mine = rowsOf(await api().get(RULES))[0];
    const other = client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY);
    expect((await other.get(`${RULES}/${str(mine?.receipt_rule_id)}`)).status).toBe(404);
    expect((await other.del(`${RULES}/${str(mine?.receipt_rule_id)}`)).status).toBe(404);
    expect(rowsOf(await api().get(RULES))).toHaveLength(1);
  });
});

const INBOUND_RULES = "/automations/sms/inbound";
const INBOUND_ACTIONS = [
  "AUTO_REPLY",
  "EMAIL_USER",
  "EMAIL_FIXED",
  "URL",
  "SMS",
  "POLL",
  "GROUP_SMS",
  "MOVE_CONTACT",
  "CREATE_CONTACT",
  "CREATE_CONTACT_PLUS_EMAIL",
  "CREATE_CONTACT_PLUS_NAME_EMAIL",
  "CREATE_CONTACT_PLUS_NAME",
  "SMPP",
  "NONE",
];

describe("inbound rules", () => {
  const rule = {
    dedicated_number: "+61485000001",
    rule_name: "Replies",
    message_search_type: 0,
    message_search_term: null,
    action: "URL",
    action_address: "https://example.com/inbound?token=abc",
    enabled: 1,
    webhook_type: "json",
    body: null,
  };

  it("starts every account with none", async () => {
    const response = await api().get(INBOUND_RULES);
    expect(response.body).toMatchObject({ http_code: 200, response_code: "SUCCESS" });
    expect(obj(response.body.data)).toMatchObject({ total: 0, last_page: 0, data: [] });
  });

  it("creates, reads, lists, updates and deletes a URL rule", async () => {
    const created = await api().post(INBOUND_RULES, rule);
    expect(created.status).toBe(200);
    const view = obj(created.body.data);
    expect(view).toEqual({ inbound_rule_id: anyNumber, ...rule });
    const path = `${INBOUND_RULES}/${str(view.inbound_rule_id)}`;
    expect((await api().get(path)).body.data).toEqual(view);
    expect(rowsOf(await api().get(INBOUND_RULES))).toEqual([view]);

    const updated = await api().put(path, {
      enabled: "0",
      webhook_type: "get",
      message_search_type: 2,
      message_search_term: "stop",
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toEqual({
      ...view,
      enabled: 0,
      webhook_type: "get",
      message_search_type: 2,
      message_search_term: "stop",
    });

    const deleted = await api().del(path);
    expect(deleted.body).toMatchObject({ http_code: 200, response_code: "SUCCESS", data: null });
    const gone = await api().get(path);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ response_code: "NOT_FOUND", data: null });
  });

  it("fills in the optional fields and takes the number as a JSON number", async () => {
    const created = await api().post(INBOUND_RULES, {
      dedicated_number: 61485000001,
      rule_name: "Poll",
      message_search_type: "0",
      action: "POLL",
      enabled: true,
    });
    expect(created.body.data).toEqual({
      inbound_rule_id: anyNumber,
      dedicated_number: "61485000001",
      rule_name: "Poll",
      message_search_type: 0,
      message_search_term: null,
      action: "POLL",
      action_address: "",
      enabled: 1,
      webhook_type: "post",
      body: null,
    });
  });

  it.each(INBOUND_ACTIONS)("accepts the documented action %s", async (action) => {
    const response = await api().post(INBOUND_RULES, {
      ...rule,
      dedicated_number: "*",
      action,
      action_address: action === "URL" ? "http://127.0.0.1:9/hook" : "430",
    });
    expect(response.status).toBe(200);
    expect(obj(response.body.data).action).toBe(action);
  });

  it.each([
    ["no dedicated_number", { ...rule, dedicated_number: undefined }],
    ["a dedicated_number that is not a number", { ...rule, dedicated_number: "my number" }],
    ["no rule_name", { ...rule, rule_name: "" }],
    ["message_search_type 4", { ...rule, message_search_type: 4 }],
    ["an unknown action", { ...rule, action: "FAX" }],
    ["a URL rule without a URL", { ...rule, action_address: null }],
    ["a URL rule with a non-http URL", { ...rule, action_address: "ftp://example.com/x" }],
    [
      "an EMAIL_FIXED rule without an address",
      { ...rule, action: "EMAIL_FIXED", action_address: "" },
    ],
    ["webhook_type xml", { ...rule, webhook_type: "xml" }],
    ["enabled 2", { ...rule, enabled: 2 }],
    ["a search term over 100 characters", { ...rule, message_search_term: "x".repeat(101) }],
  ])("refuses %s with 400 BAD_REQUEST", async (_name, body) => {
    const response = await api().post(INBOUND_RULES, body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      http_code: 400,
      response_code: "BAD_REQUEST",
      data: null,
    });
  });

  it("checks an update against the rule it makes", async () => {
    const created = await api().post(INBOUND_RULES, {
      ...rule,
      action: "POLL",
      action_address: "",
    });
    const path = `${INBOUND_RULES}/${str(obj(created.body.data).inbound_rule_id)}`;
    const response = await api().put(path, { action: "URL" });
    expect(response.status).toBe(400);
    expect(obj((await api().get(path)).body.data).action).toBe("POLL");
  });

  it("keeps rules per account and apart from receipt rules", async () => {
    const created = obj((await api().post(INBOUND_RULES, rule)).body.data);
    const id = str(created.inbound_rule_id);
    const other = client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY);
    expect((await other.get(`${INBOUND_RULES}/${id}`)).status).toBe(404);
    expect((await other.put(`${INBOUND_RULES}/${id}`, { enabled: 0 })).status).toBe(404);
    expect((await other.del(`${INBOUND_RULES}/${id}`)).status).toBe(404);
    expect(rowsOf(await other.get(INBOUND_RULES))).toEqual([]);
    expect((await api().get(`${RULES}/${id}`)).status).toBe(404);
    expect(rowsOf(await api().get(RULES))).toHaveLength(1);
  });
});
