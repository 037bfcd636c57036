import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { z } from "zod";

import { ApiError } from "@/lib/api-error";
import { invokeFunction } from "@/lib/functions";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { functionUrl } from "@/testing/msw/urls";

const balanceSchema = z.object({ balance: z.number(), currency: z.string() });

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error: unknown = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

describe("invokeFunction", () => {
  it("sends the body with the method and returns the checked answer", async () => {
    let received: { method: string; body: unknown } | undefined;
    server.use(
      http.all(functionUrl("clicksend-api"), async ({ request }) => {
        received = { method: request.method, body: await request.json() };
        return HttpResponse.json({ balance: 12.5, currency: "AUD" });
      }),
    );

    const data = await invokeFunction(
      "clicksend-api",
      { connection_id: "c1", action: "get_balance", params: {} },
      { method: "PATCH", schema: balanceSchema },
    );

    expect(data).toEqual({ balance: 12.5, currency: "AUD" });
    expect(received).toEqual({
      method: "PATCH",
      body: { connection_id: "c1", action: "get_balance", params: {} },
    });
  });

  it("sends a GET without a body", async () => {
    server.use(
      http.get(functionUrl("clicksend-connect"), async ({ request }) =>
        HttpResponse.json({ sandbox: true, length: (await request.text()).length }),
      ),
    );

    await expect(
      invokeFunction("clicksend-connect", undefined, { method: "GET" }),
    ).resolves.toEqual({ sandbox: true, length: 0 });
  });

  it.each([
    [400, "invalid_request", "connection_id: Invalid UUID", false],
    [403, "scope_not_granted", "This agent may not send SMS.", false],
    [404, "not_found", "No such ClickSend connection in your account.", false],
    [502, "clicksend_unavailable", "ClickSend did not answer; try again.", true],
  ] as const)("throws the function's own %i error", async (status, code, message, retryable) => {
    server.use(
      http.post(functionUrl("execute-agent-tool"), () =>
        functionError(status, code, message, { retryable }),
      ),
    );

    const error = await failure(invokeFunction("execute-agent-tool", { agent_id: "a" }));

    expect(error).toMatchObject({ code, message, retryable, status });
  });

  it("keeps Retry-After from a 429", async () => {
    server.use(
      http.post(functionUrl("execute-agent-tool"), () =>
        functionError(429, "rate_limited", "Too many calls; wait 7 seconds.", {
          retryable: true,
          headers: { "Retry-After": "7" },
        }),
      ),
    );

    const error = await failure(invokeFunction("execute-agent-tool", {}));

    expect(error).toMatchObject({ code: "rate_limited", retryable: true, retryAfterSeconds: 7 });
  });

  it("explains the gateway's own errors, such as an expired session", async () => {
    server.use(
      http.post(functionUrl("get-agent-tools"), () =>
        HttpResponse.json({ code: 401, message: "Invalid JWT" }, { status: 401 }),
      ),
    );

    const error = await failure(invokeFunction("get-agent-tools", { agent_id: "a" }));

    expect(error).toMatchObject({
      code: "unauthorized",
      message: "Your session has ended. Sign in again to continue.",
      retryable: false,
    });
  });

  it("says what to do when the answer is not JSON", async () => {
    server.use(
      http.post(functionUrl("get-agent-tools"), () =>
        HttpResponse.text("upstream connect error", { status: 503 }),
      ),
    );

    const error = await failure(invokeFunction("get-agent-tools", {}));

    expect(error).toMatchObject({ code: "server_error", retryable: true, status: 503 });
    expect(error.message).toBe("Something went wrong on our side. Try again in a moment.");
  });

  it("reports an unreachable server as a retryable network error", async () => {
    server.use(http.post(functionUrl("get-agent-tools"), () => HttpResponse.error()));

    const error = await failure(invokeFunction("get-agent-tools", {}));

    expect(error).toMatchObject({ code: "network_error", retryable: true });
    expect(error.message).toMatch(/Check your connection/);
  });

  it("refuses an answer of the wrong shape instead of passing it on", async () => {
    server.use(
      http.post(functionUrl("clicksend-api"), () => HttpResponse.json({ balance: "lots" })),
    );

    const error = await failure(invokeFunction("clicksend-api", {}, { schema: balanceSchema }));

    expect(error.code).toBe("unexpected_response");
    expect(error.message).toMatch(/^clicksend-api answered in a form this app does not understand/);
  });
});
