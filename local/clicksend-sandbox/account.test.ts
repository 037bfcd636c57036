// GET /v3/account and authentication, field by field against clicksend-api.md §1.3 and §2.1.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  SANDBOX_API_KEY,
  SANDBOX_USERNAME,
  startSandbox,
  TEST_ACCOUNT_API_KEY,
  type Sandbox,
} from "./server.ts";
import { anyNumber, anyString, basic, client, keys, matching, obj } from "./testing.ts";

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

const UNAUTHORIZED = {
  http_code: 401,
  response_code: "UNAUTHORIZED",
  response_msg: "Authorization failed.",
  data: null,
};

async function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${sandbox.url}${path}`, { method, headers, body });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

describe("GET /v3/account", () => {
  it("answers the documented envelope and fields with their types", async () => {
    const response = await client(sandbox).get("/account");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({
      http_code: 200,
      response_code: "SUCCESS",
      response_msg: "Here's your account.",
    });
    const data = obj(response.body.data);
    expect(data).toMatchObject({
      user_id: anyNumber,
      username: SANDBOX_USERNAME,
      user_email: anyString,
      user_phone: anyString,
      user_first_name: anyString,
      user_last_name: anyString,
      account: anyNumber,
      account_name: anyString,
      account_billing_email: anyString,
      account_billing_mobile: anyString,
      country: "AU",
      country_ip: matching(/^[A-Z]{2}$/),
      default_country_sms: "AU",
      timezone: "Australia/Melbourne",
      date_sign_up: anyNumber,
      balance: "25.000000",
      balance_commission: matching(/^\d+\.\d{6}$/),
      auto_recharge_amount: "20.00",
      low_credit_amount: anyString,
      price_rate: anyNumber,
      pricing_variant: anyNumber,
      setting_sms_message_char_limit: 8,
      priority: anyNumber,
      ai_enabled: 0,
    });
    for (const flag of [
      "active",
      "banned",
      "on_trial",
      "auto_recharge",
      "setting_unicode_sms",
      "setting_email_sms_subject",
      "setting_fix_sender_id",
      "old_dashboard",
      "private_uploads",
      "fax_quality",
      "setting_sms_hide_your_number",
      "setting_sms_hide_business_name",
    ]) {
      expect([0, 1], flag).toContain(data[flag]);
    }
    expect(data.active).toBe(1);
    expect(data.banned).toBe(0);
    for (const nullable of ["reply_to", "delivery_to", "trial_expiry"]) {
      expect(data[nullable] === null || typeof data[nullable] === "string").toBe(true);
    }
    expect(data._currency).toEqual({
      currency_name_short: "AUD",
      currency_prefix_d: "$",
      currency_prefix_c: "c",
      currency_name_long: "Australian Dollars",
      min_recharge_amount: "20.00",
      max_recharge_amount: "10000.00",
    });
    expect(data._referrer_chosen).toBeNull();
  });

  it("returns the account's own API key inside _subaccount, as ClickSend does", async () => {
    const subaccount = obj(obj((await client(sandbox).get("/account")).body.data)._subaccount);
    expect(subaccount.api_key).toBe(SANDBOX_API_KEY);
    expect(subaccount).toMatchObject({
      subaccount_id: anyNumber,
      api_username: SANDBOX_USERNAME,
      is_main: 1,
    });
    expect(keys(subaccount)).toEqual(
      expect.arrayContaining([
        "email",
        "phone_number",
        "first_name",
        "last_name",
        "access_smpp",
        "access_users",
        "access_billing",
        "access_reporting",
        "access_contacts",
        "access_settings",
        "access_sms",
        "access_email",
        "access_voice",
        "access_fax",
        "access_post",
        "access_reseller",
        "access_global_sending",
        "access_mms",
        "hide_pricing",
        "share_campaigns",
        "notes",
        "sign_up_type",
      ]),
    );
  });

  it("shows nocredit with a zero balance", async () => {
    const data = obj(
      (await client(sandbox, "nocredit", TEST_ACCOUNT_API_KEY).get("/account")).body.data,
    );
    expect(data.balance).toBe("0.000000");
    expect(data.username).toBe("nocredit");
  });
});

describe("authentication", () => {
  const exact401 = JSON.stringify(UNAUTHORIZED);

  it.each([
    ["no Authorization header", {}],
    ["a wrong key", { authorization: basic(SANDBOX_USERNAME, "WRONG-KEY") }],
    ["an unknown user", { authorization: basic("nobody", SANDBOX_API_KEY) }],
    ["the notactive test account", { authorization: basic("notactive", TEST_ACCOUNT_API_KEY) }],
    ["a Bearer token", { authorization: `Bearer ${SANDBOX_API_KEY}` }],
    ["Basic without a colon", { authorization: `Basic ${Buffer.from("x").toString("base64")}` }],
  ])("answers the exact 401 body for %s on GET, POST and PUT", async (_name, headers) => {
    for (const [method, path] of [
      ["GET", "/account"],
      ["POST", "/sms/send"],
      ["PUT", "/sms/receipts-read"],
    ] as const) {
      const response = await raw(method, path, headers, method === "GET" ? undefined : "{}");
      expect(response.status).toBe(401);
      expect(response.text).toBe(exact401);
    }
  });

  it("answers 403 with the suspended message for the banned test account", async () => {
    const response = await client(sandbox, "banned", TEST_ACCOUNT_API_KEY).get("/account");
    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      http_code: 403,
      response_code: "FORBIDDEN",
      response_msg: "Your account is suspended. Please contact support for more information.",
      data: null,
    });
  });

  it("does not send anything for a request that fails authentication", async () => {
    await raw(
      "POST",
      "/sms/send",
      { authorization: basic(SANDBOX_USERNAME, "WRONG") },
      JSON.stringify({ messages: [{ to: "+61412345678", body: "x" }] }),
    );
    expect(sandbox.state.messages).toHaveLength(0);
  });
});

describe("routing and request errors", () => {
  it("answers an unknown route with a 404 NOT_FOUND envelope", async () => {
    const response = await client(sandbox).get("/no/such/thing");
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ http_code: 404, response_code: "NOT_FOUND", data: null });
    expect(typeof response.body.response_msg).toBe("string");
    expect((await raw("GET", "/../elsewhere")).status).toBe(404);
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const response = await client(sandbox).del("/sms/send");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(response.body).toEqual({
      http_code: 405,
      response_code: "METHOD_NOT_FOUND",
      response_msg: "Method not allowed.",
      data: null,
    });
  });

  it("answers 400 BAD_REQUEST for a body that is not JSON", async () => {
    const response = await raw(
      "POST",
      "/sms/send",
      {
        authorization: basic(SANDBOX_USERNAME, SANDBOX_API_KEY),
        "content-type": "application/json",
      },
      "{not json",
    );
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchObject({
      http_code: 400,
      response_code: "BAD_REQUEST",
      data: null,
    });
  });

  it("accepts a trailing slash", async () => {
    expect((await client(sandbox).get("/account/")).status).toBe(200);
  });

  it("counts authenticated requests per account and endpoint", async () => {
    await client(sandbox).get("/account");
    await client(sandbox).get("/sms/history");
    const account = sandbox.state.accounts.get(SANDBOX_USERNAME);
    expect(account?.requests).toBe(2);
    expect(account?.requestsByEndpoint).toEqual({ "GET /account": 1, "GET /sms/history": 1 });
  });
});
