// The client against scripted answers: error mapping for 401/403/404/429/5xx/timeouts/malformed
// bodies, reads retried (honouring Retry-After), sends never retried, per-message failures kept.
import { describe, expect, it } from "vitest";
import { ClickSendClient, splitSendResult } from "./client.ts";
import { ClickSendError } from "./errors.ts";

type Answer =
  { status: number; body: unknown; headers?: Record<string, string> } | "hang" | "network";

function scripted(answers: Answer[]): {
  fetch: typeof fetch;
  calls: { method: string; url: string; body: string | null }[];
} {
  const calls: { method: string; url: string; body: string | null }[] = [];
  const fake = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({
      method: init?.method ?? "GET",
      url: input instanceof Request ? input.url : input.toString(),
      body: typeof init?.body === "string" ? init.body : null,
    });
    const answer = (answers.length > 1 ? answers.shift() : answers[0]) ?? "network";
    if (answer === "network") return Promise.reject(new TypeError("fetch failed"));
    if (answer === "hang") {
      return new Promise((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => {
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    }
    const text = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    return Promise.resolve(new Response(text, { status: answer.status, headers: answer.headers }));
  };
  return { fetch: fake, calls };
}

const envelope = (data: unknown, http = 200, code = "SUCCESS", msg = "ok"): unknown => ({
  http_code: http,
  response_code: code,
  response_msg: msg,
  data,
});

const account = {
  user_id: 1,
  username: "sandbox_user",
  balance: "25.000000",
  country: "AU",
  active: 1,
  banned: 0,
  _currency: { currency_name_short: "AUD", currency_prefix_d: "$" },
};

function client(
  answers: Answer[],
  sleeps: number[] = [],
): { api: ClickSendClient; calls: ReturnType<typeof scripted>["calls"] } {
  const { fetch, calls } = scripted(answers);
  const api = new ClickSendClient({
    username: "sandbox_user",
    apiKey: "KEY",
    baseUrl: "http://sandbox.test/v3/",
    fetch,
    timeoutMs: 50,
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { api, calls };
}

async function failure(promise: Promise<unknown>): Promise<ClickSendError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ClickSendError) return error;
    throw error;
  }
  throw new Error("expected a ClickSendError");
}

describe("ClickSendClient", () => {
  it("sends Basic auth and parses the account with balance as a number", async () => {
    const { api, calls } = client([{ status: 200, body: envelope(account) }]);
    expect(await api.getAccount()).toEqual({
      userId: 1,
      username: "sandbox_user",
      balance: 25,
      currency: "AUD",
      country: "AU",
    });
    expect(calls[0]?.url).toBe("http://sandbox.test/v3/account");
  });

  it("maps 401 to invalid_credentials with ClickSend's reason, not retried", async () => {
    const { api, calls } = client([
      { status: 401, body: envelope(null, 401, "UNAUTHORIZED", "Authorization failed.") },
    ]);
    const error = await failure(api.getAccount());
    expect(error.toJSON()).toMatchObject({ code: "invalid_credentials", retryable: false });
    expect(error.message).toContain("Authorization failed.");
    expect(calls).toHaveLength(1);
  });

  it("maps 403 suspended to account_suspended", async () => {
    const { api } = client([
      {
        status: 403,
        body: envelope(
          null,
          403,
          "FORBIDDEN",
          "Your account is suspended. Please contact support for more information.",
        ),
      },
    ]);
    expect((await failure(api.getAccount())).code).toBe("account_suspended");
  });

  it("maps 404 to not_found", async () => {
    const { api } = client([
      { status: 404, body: envelope(null, 404, "NOT_FOUND", "Receipt record not found.") },
    ]);
    const error = await failure(api.smsReceipt("ABC"));
    expect([error.code, error.message]).toEqual(["not_found", "Receipt record not found."]);
  });

  it("retries a read after 429, waiting for Retry-After", async () => {
    const sleeps: number[] = [];
    const { api, calls } = client(
      [
        {
          status: 429,
          body: envelope(null, 429, "HTTP_TOO_MANY_REQUESTS", "Too many attempts."),
          headers: { "retry-after": "2" },
        },
        { status: 200, body: envelope(account) },
      ],
      sleeps,
    );
    expect((await api.getAccount()).username).toBe("sandbox_user");
    expect(calls).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
  });

  it("gives up when Retry-After is longer than it will wait, as rate_limited", async () => {
    const { api, calls } = client([
      {
        status: 429,
        body: envelope(null, 429, "HTTP_TOO_MANY_REQUESTS", "Too many attempts."),
        headers: { "retry-after": "30" },
      },
    ]);
    const error = await failure(api.getAccount());
    expect([error.code, error.retryable, error.retryAfterSeconds]).toEqual([
      "rate_limited",
      true,
      30,
    ]);
    expect(calls).toHaveLength(1);
  });

  it("retries reads on 5xx, timeouts and malformed bodies with backoff, then succeeds", async () => {
    const sleeps: number[] = [];
    const { api, calls } = client(
      [{ status: 500, body: "oops" }, "hang", { status: 200, body: envelope(account) }],
      sleeps,
    );
    expect((await api.getAccount()).balance).toBe(25);
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]);
  });

  it("reports a malformed read as upstream_malformed after its retries", async () => {
    const { api, calls } = client([{ status: 200, body: "{not json" }]);
    const error = await failure(api.getAccount());
    expect([error.code, error.retryable]).toEqual(["upstream_malformed", true]);
    expect(calls).toHaveLength(3);
  });

  it("reports a shape mismatch as upstream_malformed", async () => {
    const { api } = client([{ status: 200, body: envelope({ username: 5 }) }]);
    expect((await failure(api.getAccount())).code).toBe("upstream_malformed");
  });

  it("never retries a send: a 500 is reported once, as possibly processed", async () => {
    const { api, calls } = client([
      { status: 500, body: envelope(null, 500, "INTERNAL_SERVER_ERROR", "boom") },
    ]);
    const error = await failure(api.sendSms([{ to: "+61411111111", body: "hi" }]));
    expect([error.code, error.retryable]).toEqual(["upstream_unavailable", false]);
    expect(error.message).toContain("check history");
    expect(calls).toHaveLength(1);
  });

  it("never retries a send that timed out", async () => {
    const { api, calls } = client(["hang"]);
    const error = await failure(api.sendSms([{ to: "+61411111111", body: "hi" }]));
    expect([error.code, error.retryable]).toEqual(["upstream_timeout", false]);
    expect(calls).toHaveLength(1);
  });

  it("treats an envelope http_code >= 400 inside a 200 as an error", async () => {
    const { api } = client([
      { status: 200, body: envelope(null, 401, "UNAUTHORIZED", "Authorization failed.") },
    ]);
    expect((await failure(api.getAccount())).code).toBe("invalid_credentials");
  });

  it("keeps per-message failures of a 200 send and parses string and number prices", async () => {
    const { api, calls } = client([
      {
        status: 200,
        body: envelope({
          total_price: 0.0792,
          total_count: 2,
          queued_count: 1,
          blocked_count: 0,
          messages: [
            {
              to: "+61411111112",
              body: "hi",
              from: "x",
              message_id: "A-1",
              message_parts: 1,
              message_price: "0.0792",
              status: "SUCCESS",
              custom_string: "",
              country: "AU",
            },
            {
              to: "+6100",
              body: "hi",
              from: "x",
              schedule: "",
              message_id: "A-2",
              custom_string: "",
              is_shared_system_number: false,
              status: "INVALID_RECIPIENT",
            },
          ],
          _currency: { currency_name_short: "AUD" },
        }),
      },
    ]);
    const result = await api.sendSms([
      { to: "+61411111112", body: "hi" },
      { to: "+6100", body: "hi" },
    ]);
    expect(JSON.parse(calls[0]?.body ?? "{}")).toEqual({
      messages: [
        { to: "+61411111112", body: "hi" },
        { to: "+6100", body: "hi" },
      ],
    });
    const { accepted, rejected } = splitSendResult(result);
    expect(accepted.map((m) => [m.messageId, m.price, m.parts])).toEqual([["A-1", 0.0792, 1]]);
    expect(rejected.map((m) => [m.to, m.status, m.price])).toEqual([
      ["+6100", "INVALID_RECIPIENT", null],
    ]);
    expect(result.currency).toBe("AUD");
  });

  it("refuses an empty batch or more than 1000 messages without calling ClickSend", async () => {
    const { api, calls } = client([]);
    expect((await failure(api.sendSms([]))).code).toBe("invalid_request");
    const many = Array.from({ length: 1001 }, () => ({ to: "+61411111111", body: "x" }));
    expect((await failure(api.sendSms(many))).code).toBe("invalid_request");
    expect(calls).toHaveLength(0);
  });

  it("clamps history limits to ClickSend's 15-100 and passes filters", async () => {
    const page = {
      total: 0,
      per_page: 100,
      current_page: 1,
      last_page: 0,
      next_page_url: null,
      prev_page_url: null,
      from: null,
      to: null,
      data: [],
    };
    const { api, calls } = client([{ status: 200, body: envelope(page) }]);
    const result = await api.smsHistory({
      limit: 1000,
      page: 2,
      q: "status:Failed",
      dateFrom: 100,
    });
    expect(result).toEqual({
      total: 0,
      perPage: 100,
      page: 1,
      lastPage: 0,
      hasMore: false,
      rows: [],
    });
    expect(calls[0]?.url).toBe(
      "http://sandbox.test/v3/sms/history?page=2&limit=100&date_from=100&q=status%3AFailed",
    );
  });

  it("normalises receipts whose status_code arrives as a string or a number", async () => {
    const receipt = {
      timestamp_send: 1,
      timestamp: "2",
      message_id: "M",
      status_code: 201,
      status_text: "Delivered",
      error_code: null,
      error_text: null,
      custom_string: "",
      _message_type: "sms",
    };
    const { api } = client([{ status: 200, body: envelope(receipt) }]);
    expect(await api.smsReceipt("M")).toEqual({
      messageId: "M",
      sentAt: 1,
      receivedAt: 2,
      statusCode: "201",
      statusText: "Delivered",
      errorCode: null,
      errorText: null,
      customString: null,
      messageType: "sms",
    });
  });

  it("reports an unreachable ClickSend as upstream_unavailable", async () => {
    const { api } = client(["network"]);
    expect((await failure(api.getAccount())).code).toBe("upstream_unavailable");
  });

  it("lists every page of receipt rules and reads their action and address", async () => {
    const page = (current: number, last: number, ids: number[]): Answer => ({
      status: 200,
      body: envelope({
        total: 3,
        per_page: 2,
        current_page: current,
        last_page: last,
        from: 1,
        to: 2,
        data: ids.map((id) => ({
          receipt_rule_id: String(id),
          rule_name: `Rule ${String(id)}`,
          match_type: 0,
          action: id === 3 ? "POLL" : "URL",
          action_address: id === 3 ? "" : `https://hooks.test/${String(id)}`,
          enabled: 1,
        })),
      }),
    });
    const { api, calls } = client([page(1, 2, [1, 2]), page(2, 2, [3])]);
    const rules = await api.listReceiptRules();
    expect(rules).toEqual([
      { id: 1, name: "Rule 1", action: "URL", address: "https://hooks.test/1" },
      { id: 2, name: "Rule 2", action: "URL", address: "https://hooks.test/2" },
      { id: 3, name: "Rule 3", action: "POLL", address: "" },
    ]);
    expect(calls.map((call) => new URL(call.url).search)).toEqual([
      "?page=1&limit=100",
      "?page=2&limit=100",
    ]);
  });

  it("points an existing receipt rule at a new URL with PUT", async () => {
    const { api, calls } = client([
      {
        status: 200,
        body: envelope({ receipt_rule_id: 7, rule_name: "R", action: "URL", action_address: "u" }),
      },
    ]);
    await api.updateReceiptRule(7, "R", "https://hooks.test/new");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.method).toBe("PUT");
    expect(calls[0]?.url).toBe("http://sandbox.test/v3/automations/sms/receipts/7");
    expect(JSON.parse(calls[0]?.body ?? "{}")).toEqual({
      rule_name: "R",
      match_type: 0,
      action: "URL",
      action_address: "https://hooks.test/new",
      enabled: 1,
    });
  });

  it("registers inbound rules for every number: URL rules push JSON, POLL rules keep replies", async () => {
    const rule = (id: number, action: string) => ({
      status: 200,
      body: envelope({
        inbound_rule_id: id,
        dedicated_number: "*",
        rule_name: "R",
        action,
        action_address: "https://hooks.test/in",
        enabled: 1,
      }),
    });
    const { api, calls } = client([rule(8, "URL"), rule(9, "POLL"), rule(8, "URL")]);
    expect(await api.createInboundRule("Replies", "URL", "https://hooks.test/in")).toEqual({
      id: 8,
      name: "R",
      action: "URL",
      address: "https://hooks.test/in",
    });
    expect((await api.createInboundRule("Poll", "POLL", "https://hooks.test/in")).id).toBe(9);
    await api.updateInboundRule(8, "Replies", "URL", "https://hooks.test/new");

    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      "POST http://sandbox.test/v3/automations/sms/inbound",
      "POST http://sandbox.test/v3/automations/sms/inbound",
      "PUT http://sandbox.test/v3/automations/sms/inbound/8",
    ]);
    expect(calls.map((call) => JSON.parse(call.body ?? "null") as unknown)).toEqual([
      {
        dedicated_number: "*",
        rule_name: "Replies",
        message_search_type: 0,
        message_search_term: null,
        action: "URL",
        action_address: "https://hooks.test/in",
        enabled: 1,
        webhook_type: "json",
      },
      {
        dedicated_number: "*",
        rule_name: "Poll",
        message_search_type: 0,
        message_search_term: null,
        action: "POLL",
        action_address: "https://hooks.test/in",
        enabled: 1,
      },
      {
        dedicated_number: "*",
        rule_name: "Replies",
        message_search_type: 0,
        message_search_term: null,
        action: "URL",
        action_address: "https://hooks.test/new",
        enabled: 1,
        webhook_type: "json",
      },
    ]);
  });

  it("deletes an inbound rule by id, once", async () => {
    const { api, calls } = client([{ status: 500, body: envelope(null, 500, "ERROR") }]);
    expect((await failure(api.deleteInboundRule(12))).code).toBe("upstream_unavailable");
    expect(calls.map((call) => `${call.method} ${call.url}`)).toEqual([
      "DELETE http://sandbox.test/v3/automations/sms/inbound/12",
    ]);
  });

  it("lists every page of inbound rules, and refuses an account with more than it will read", async () => {
    const page = (current: number, last: number, ids: number[]): Answer => ({
      status: 200,
      body: envelope({
        total: 3,
        per_page: 2,
        current_page: current,
        last_page: last,
        data: ids.map((id) => ({
          inbound_rule_id: String(id),
          rule_name: `Rule ${String(id)}`,
          action: id === 3 ? "POLL" : "URL",
          action_address: id === 3 ? null : `https://hooks.test/${String(id)}`,
        })),
      }),
    });
    const { api, calls } = client([page(1, 2, [1, 2]), page(2, 2, [3])]);
    expect(await api.listInboundRules()).toEqual([
      { id: 1, name: "Rule 1", action: "URL", address: "https://hooks.test/1" },
      { id: 2, name: "Rule 2", action: "URL", address: "https://hooks.test/2" },
      { id: 3, name: "Rule 3", action: "POLL", address: null },
    ]);
    expect(calls.map((call) => new URL(call.url).pathname + new URL(call.url).search)).toEqual([
      "/v3/automations/sms/inbound?page=1&limit=100",
      "/v3/automations/sms/inbound?page=2&limit=100",
    ]);

    const endless = client([page(1, 9, [1])]);
    const error = await failure(endless.api.listInboundRules(2));
    expect([error.code, error.message]).toEqual([
      "upstream_malformed",
      "The account has more than 200 inbound rules; not all could be read.",
    ]);
    expect(endless.calls).toHaveLength(2);
  });

  it("reads unread replies with their time as timestamp or timestamp_send, number or string", async () => {
    const { api, calls } = client([
      {
        status: 200,
        body: envelope({
          total: 3,
          per_page: 100,
          current_page: 1,
          last_page: 2,
          data: [
            {
              message_id: "IN-1",
              from: "+61411111111",
              to: "+61477485926",
              body: "Yes",
              original_message_id: "M-1",
              custom_string: "",
              timestamp: 1775012927,
            },
            {
              message_id: "IN-2",
              from: "+61422222222",
              body: null,
              original_message_id: "",
              custom_string: "order-7",
              timestamp_send: "1775012930",
            },
            { message_id: "IN-3", from: "+61433333333", timestamp: "" },
          ],
        }),
      },
    ]);
    const page = await api.inboundMessages(1, 500);
    expect(new URL(calls[0]?.url ?? "").search).toBe("?page=1&limit=100");
    expect(page.hasMore).toBe(true);
    expect(page.rows).toEqual([
      {
        messageId: "IN-1",
        from: "+61411111111",
        to: "+61477485926",
        body: "Yes",
        originalMessageId: "M-1",
        customString: null,
        timestamp: 1775012927,
      },
      {
        messageId: "IN-2",
        from: "+61422222222",
        to: null,
        body: "",
        originalMessageId: null,
        customString: "order-7",
        timestamp: 1775012930,
      },
      {
        messageId: "IN-3",
        from: "+61433333333",
        to: null,
        body: "",
        originalMessageId: null,
        customString: null,
        timestamp: null,
      },
    ]);
  });

  it("marks one reply read by its id, and takes 404 as already read", async () => {
    const { api, calls } = client([
      { status: 200, body: envelope(1) },
      { status: 404, body: envelope(null, 404, "NOT_FOUND", "Message not found.") },
    ]);
    await api.markInboundRead("1F12D781-AB/CD");
    await expect(api.markInboundRead("GONE-1")).resolves.toBeUndefined();
    expect(calls.map((call) => `${call.method} ${new URL(call.url).pathname}`)).toEqual([
      "PUT /v3/sms/inbound-read/1F12D781-AB%2FCD",
      "PUT /v3/sms/inbound-read/GONE-1",
    ]);
  });

  it("reports any other failure to mark a reply read, after retrying it", async () => {
    const sleeps: number[] = [];
    const { api, calls } = client([{ status: 500, body: envelope(null, 500, "ERROR") }], sleeps);
    expect((await failure(api.markInboundRead("IN-1"))).code).toBe("upstream_unavailable");
    expect(calls).toHaveLength(3);
  });

  it.each(["", " ", ".", ".."])(
    "never marks read without an id naming one reply (%j): no account-wide mark-read",
    async (id) => {
      const { api, calls } = client([{ status: 200, body: envelope(1) }]);
      expect((await failure(api.markInboundRead(id))).code).toBe("invalid_request");
      expect(calls).toEqual([]);
    },
  );

  it("asks only once when retries are off, even for a retryable answer", async () => {
    const { fetch, calls } = scripted([
      { status: 429, body: envelope(null, 429), headers: { "retry-after": "1" } },
    ]);
    const api = new ClickSendClient({
      username: "u",
      apiKey: "KEY",
      baseUrl: "http://sandbox.test/v3",
      fetch,
      readRetries: 0,
      sleep: () => Promise.resolve(),
    });
    expect((await failure(api.getAccount())).code).toBe("rate_limited");
    expect(calls).toHaveLength(1);
  });
});
