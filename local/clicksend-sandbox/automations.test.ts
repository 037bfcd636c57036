// Receipt rules: GET/POST /v3/automations/sms/receipts and GET/PUT/DELETE …/{receipt_rule_id}.
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
