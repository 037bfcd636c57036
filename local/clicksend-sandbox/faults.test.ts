// Fault injection through POST /_sandbox/faults, the state counters and reset.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_USERNAME, startSandbox, type Sandbox } from "./server.ts";
import { anyString, basic, client, control, obj } from "./testing.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, faultTimeoutMs: 30_000 });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.reset();
});

const api = () => client(sandbox);
const SEND = { messages: [{ to: "+61411111111", body: "once" }] };

async function rawSend(signal?: AbortSignal): Promise<{ status: number; text: string }> {
  const response = await fetch(`${sandbox.url}/sms/send`, {
    method: "POST",
    headers: {
      authorization: basic(SANDBOX_USERNAME, SANDBOX_API_KEY),
      "content-type": "application/json",
    },
    body: JSON.stringify(SEND),
    signal,
  });
  return { status: response.status, text: await response.text() };
}

async function smsSent(): Promise<unknown> {
  const state = await control(sandbox, "GET", "state");
  return obj(obj(state.accounts).sandbox_user).sms_sent;
}

describe("fault injection", () => {
  it("answers the next N requests with 500 INTERNAL_SERVER_ERROR, then recovers", async () => {
    const set = await control(sandbox, "POST", "faults", { mode: "error500", count: 2 });
    expect(set.faults).toEqual([{ mode: "error500", remaining: 2, when: "before", skip: 0 }]);
    for (let i = 0; i < 2; i += 1) {
      const response = await api().get("/account");
      expect(response.status).toBe(500);
      expect(response.body).toEqual({
        http_code: 500,
        response_code: "INTERNAL_SERVER_ERROR",
        response_msg: anyString,
        data: null,
      });
    }
    expect((await api().get("/account")).status).toBe(200);
  });

  it("does not process a request failed before handling", async () => {
    await control(sandbox, "POST", "faults", { mode: "error500" });
    expect((await rawSend()).status).toBe(500);
    expect(await smsSent()).toBe(0);
  });

  it("processes a request failed after handling: the send happened, the answer is lost", async () => {
    await control(sandbox, "POST", "faults", { mode: "error500", when: "after" });
    expect((await rawSend()).status).toBe(500);
    expect(await smsSent()).toBe(1);
  });

  it("answers 200 with a truncated, unparseable body in malformed mode", async () => {
    await control(sandbox, "POST", "faults", { mode: "malformed", count: 1 });
    const response = await rawSend();
    expect(response.status).toBe(200);
    expect(() => JSON.parse(response.text) as unknown).toThrow();
    expect(response.text.startsWith('{"http_code":200')).toBe(true);
    expect(await smsSent()).toBe(0);

    await control(sandbox, "POST", "faults", { mode: "malformed", when: "after" });
    const after = await rawSend();
    expect(after.status).toBe(200);
    expect(() => JSON.parse(after.text) as unknown).toThrow();
    expect(await smsSent()).toBe(1);
  });

  it("never answers in timeout mode until the client gives up", async () => {
    await control(sandbox, "POST", "faults", { mode: "timeout" });
    const started = Date.now();
    await expect(rawSend(AbortSignal.timeout(300))).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await smsSent()).toBe(0);
    expect((await rawSend()).status).toBe(200);
  });

  it("applies a fault only to the method and path it names", async () => {
    await control(sandbox, "POST", "faults", {
      mode: "error500",
      method: "post",
      path: "/sms/send",
    });
    expect((await api().get("/account")).status).toBe(200);
    expect((await api().get("/sms/history")).status).toBe(200);
    expect((await rawSend()).status).toBe(500);
    expect((await rawSend()).status).toBe(200);
  });

  it("lets `skip` matching requests through before the fault hits", async () => {
    await control(sandbox, "POST", "faults", { mode: "error500", path: "/sms/send", skip: 2 });
    expect((await api().get("/account")).status).toBe(200);
    expect((await rawSend()).status).toBe(200);
    expect((await rawSend()).status).toBe(200);
    expect((await rawSend()).status).toBe(500);
    expect((await rawSend()).status).toBe(200);
    expect(await smsSent()).toBe(3);
  });

  it("answers 400 for an unknown fault mode and clears faults with DELETE", async () => {
    const response = await fetch(`${sandbox.origin}/_sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ mode: "explode" }),
    });
    expect(response.status).toBe(400);
    await control(sandbox, "POST", "faults", { mode: "error500", count: 5 });
    expect((await control(sandbox, "DELETE", "faults")).faults).toEqual([]);
    expect((await api().get("/account")).status).toBe(200);
  });
});

describe("state and reset", () => {
  it("counts sends, requests and balance per account", async () => {
    await api().post("/sms/send", {
      messages: [
        { to: "+61412345678", body: "a" },
        { to: "+61411111111", body: "b" },
      ],
    });
    await api().post("/mms/send", {
      media_file: "https://example.com/a.jpg",
      messages: [{ to: "+61411111111", subject: "s", body: "b" }],
    });
    const state = await control(sandbox, "GET", "state");
    expect(obj(state.accounts).sandbox_user).toEqual({
      balance: "24.920800",
      sms_sent: 2,
      mms_sent: 1,
      requests: 2,
      requests_by_endpoint: { "POST /sms/send": 1, "POST /mms/send": 1 },
      unread_receipts: 1,
      inbound_received: 0,
      unread_inbound: 0,
    });
    expect(Object.keys(obj(state.accounts)).sort()).toEqual([
      "banned",
      "nocredit",
      "notactive",
      "sandbox_user",
    ]);
  });

  it("POST /_sandbox/reset restores balances and forgets messages, faults and rules", async () => {
    await api().post("/sms/send", SEND);
    await api().post("/automations/sms/receipts", {
      rule_name: "x",
      match_type: 0,
      action: "NONE",
      enabled: 1,
    });
    await control(sandbox, "POST", "faults", { mode: "error500", path: "/nothing" });
    expect(await control(sandbox, "POST", "reset")).toEqual({ ok: true });
    const state = await control(sandbox, "GET", "state");
    expect(obj(obj(state.accounts).sandbox_user)).toMatchObject({
      balance: "25.000000",
      sms_sent: 0,
    });
    expect(state.faults).toEqual([]);
    expect(obj((await api().get("/automations/sms/receipts")).body.data).total).toBe(1);
    expect(obj((await api().get("/sms/history")).body.data).total).toBe(0);
  });

  it("adds or updates accounts through POST /_sandbox/accounts", async () => {
    const created = await control(sandbox, "POST", "accounts", {
      username: "e2e_user",
      api_key: "E2E-KEY",
      balance: 3.5,
    });
    expect(created).toEqual({
      username: "e2e_user",
      balance: "3.500000",
      active: true,
      banned: false,
    });
    const account = obj((await client(sandbox, "e2e_user", "E2E-KEY").get("/account")).body.data);
    expect(account).toMatchObject({ username: "e2e_user", balance: "3.500000" });
    await control(sandbox, "POST", "accounts", {
      username: "e2e_user",
      api_key: "E2E-KEY",
      banned: true,
    });
    expect((await client(sandbox, "e2e_user", "E2E-KEY").get("/account")).status).toBe(403);
  });

  it("answers 404 for an unknown control", async () => {
    const response = await fetch(`${sandbox.origin}/_sandbox/nothing`);
    expect(response.status).toBe(404);
  });
});
