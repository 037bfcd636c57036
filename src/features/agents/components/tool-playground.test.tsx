import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { http, HttpResponse } from "msw";
import { createMemoryRouter } from "react-router";
import { RouterProvider } from "react-router/dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import {
  APPROVAL_PENDING_MESSAGE,
  policyRetryable,
  type PolicyDetails,
  type PolicyReason,
} from "@contracts/guardrails.ts";
import { describeRecipientStatus } from "@contracts/send-outcome.ts";
import { toolsForScopes } from "@contracts/tool-catalog.ts";
import { ToolPlayground } from "@/features/agents/components/tool-playground";
import { signInForTest } from "@/testing/auth";
import { DEMO_USER } from "@/testing/msw/auth-handlers";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { functionUrl } from "@/testing/msw/urls";

// What the playground says after a send the executor ran (issue 13, points 2 and 4), held for
// approval or refused by the agent's limits (issue 15).

const AGENT_ID = "a0000000-0000-4000-8000-000000000001";
const ACCOUNT = {
  connection_id: "c0000000-0000-4000-8000-000000000001",
  name: "Shop account",
  username: "shop_user",
};

/** The executor's answer to clicksend_send_sms on an account with no credit left. */
const REFUSED_FOR_CREDIT = {
  idempotent_replay: false,
  recipients: 1,
  accepted: 0,
  rejected: 1,
  invalid_numbers: [],
  total_price: 0,
  currency: "AUD",
  clicksend_requests: 1,
  messages: [
    { to: "+61411111111", message_id: null, status: "INSUFFICIENT_CREDIT", parts: 0, price: 0 },
  ],
};

beforeEach(async () => {
  server.use(
    http.post(functionUrl("get-agent-tools"), () =>
      HttpResponse.json({ tools: toolsForScopes(["sms"]) }),
    ),
    http.post(functionUrl("execute-agent-tool"), () =>
      HttpResponse.json({ ok: true, account: ACCOUNT, result: REFUSED_FOR_CREDIT }),
    ),
  );
  await signInForTest(DEMO_USER);
});

async function runSendSms() {
  const router = createMemoryRouter(
    [{ path: "/agents", element: <ToolPlayground agentId={AGENT_ID} /> }],
    { initialEntries: ["/agents"] },
  );
  const user = userEvent.setup();
  render(
    <QueryClientProvider
      client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}
    >
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  expect(await screen.findByText("Granted: the agent sees this tool.")).toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Run tool" }));
  return { user };
}

describe("Tool playground: a send's result", () => {
  it("says a refused send in words, per recipient, with the account, not a green “Allowed”", async () => {
    const { user } = await runSendSms();

    const list = await screen.findByRole("list", { name: "Recipients" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(1);
    expect(within(list).getByRole("listitem")).toHaveTextContent(
      "+61411111111: Refused: not enough credit. The ClickSend balance does not cover it",
    );
    expect(screen.getByText("Not sent: ClickSend refused it")).toBeVisible();
    expect(screen.queryByText("Allowed")).not.toBeInTheDocument();
    expect(screen.getByText(/From ClickSend account/)).toHaveTextContent(
      "From ClickSend account Shop account (shop_user)",
    );

    // ClickSend's raw answer only on demand.
    const json = screen.getByRole("region", { name: "ClickSend's answer JSON", hidden: true });
    expect(json).toHaveTextContent('"status": "INSUFFICIENT_CREDIT"');
    expect(json).not.toBeVisible();
    await user.click(screen.getByText("ClickSend's answer (JSON)"));
    expect(json).toBeVisible();
  });

  it("says when a send may have gone out, and points to the history instead of a new run", async () => {
    server.use(
      http.post(functionUrl("execute-agent-tool"), () =>
        functionError(
          504,
          "upstream_timeout",
          "ClickSend did not answer within 30 s. The request may have been processed: check history before repeating it.",
        ),
      ),
    );
    await runSendSms();

    expect(await screen.findByText("Not known whether it was sent")).toBeVisible();
    expect(screen.getByText(/another run is a new send/)).toBeVisible();
    expect(screen.queryByText("Try again in a moment.")).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Check history" })).toHaveAttribute(
      "href",
      "/messages?number=%2B61411111111#message-history",
    );
  });
});

describe("Tool playground: the agent's limits", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function policyDenied(reason: PolicyReason, message: string, details: PolicyDetails) {
    return http.post(functionUrl("execute-agent-tool"), () =>
      HttpResponse.json(
        {
          error: {
            code: "policy_denied",
            reason,
            message,
            retryable: policyRetryable(reason),
            details,
          },
          account: ACCOUNT,
        },
        { status: 403 },
      ),
    );
  }

  it("a send held for approval says it waits for you, with the way to the Approvals page", async () => {
    const expiresAt = new Date(Date.now() + 24 * 3_600_000).toISOString();
    server.use(
      http.post(functionUrl("execute-agent-tool"), () =>
        HttpResponse.json(
          {
            ok: false,
            status: "pending_approval",
            code: "approval_pending",
            message: APPROVAL_PENDING_MESSAGE,
            approval_id: crypto.randomUUID(),
            expires_at: expiresAt,
          },
          { status: 202 },
        ),
      ),
    );
    await runSendSms();

    expect(await screen.findByText("Waiting for your approval")).toBeVisible();
    expect(screen.getByText(/Nothing was sent yet/)).toHaveTextContent(
      `It expires unsent at ${new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(new Date(expiresAt))}.`,
    );
    expect(screen.getByRole("link", { name: "Open Approvals" })).toHaveAttribute(
      "href",
      "/approvals",
    );
    expect(screen.queryByText("Allowed")).not.toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("a daily limit says the figures: used, limit and what this send needs", async () => {
    server.use(
      policyDenied(
        "daily_message_limit",
        "Daily message limit of 50 reached (48 used, 3 requested).",
        { limit: 50, used: 48, requested: 3 },
      ),
    );
    await runSendSms();

    expect(await screen.findByText("Not sent: refused by this agent’s limits")).toBeVisible();
    expect(
      screen.getByText(
        "Daily limit reached: 48 of 50 messages used in the last 24 hours, this send needs 3.",
      ),
    ).toBeVisible();
    expect(screen.getByText(/It fits again as earlier messages pass 24 hours old/)).toBeVisible();
    expect(screen.queryByText("Allowed")).not.toBeInTheDocument();
  });

  it("quiet hours say when sending opens again, in the policy's zone and from now", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-02T15:00:00Z"));
    server.use(
      policyDenied("quiet_hours", "Quiet hours: sending opens at 2026-12-02T20:00:00Z.", {
        // 07:00 the next morning in Sydney (UTC+11 in December), five hours away.
        opens_at: "2026-12-02T20:00:00+00:00",
        timezone: "Australia/Sydney",
      }),
    );
    await runSendSms();

    expect(
      await screen.findByText("Quiet hours until 07:00 Australia/Sydney (in 5 h)."),
    ).toBeVisible();
    expect(screen.getByText(/Send again once quiet hours end/)).toBeVisible();
  });

  it("a monthly spend limit says what was spent, the limit and this send's price", async () => {
    server.use(
      policyDenied("monthly_spend_limit", "Monthly spend limit reached.", {
        limit: 20,
        used: 19.95,
        requested: 0.077,
        price: 0.077,
        currency: "AUD",
      }),
    );
    await runSendSms();

    expect(
      await screen.findByText(
        "Monthly spend limit reached: 19.95 AUD of 20.00 AUD spent this month, this send costs 0.077 AUD.",
      ),
    ).toBeVisible();
    expect(screen.getByText(/It will not pass by itself before the month ends/)).toBeVisible();
  });

  it("recipients the agent's rules refuse read per recipient in the send's report", async () => {
    const refused = (to: string, status: string) => ({
      to,
      message_id: null,
      status,
      parts: 0,
      price: 0,
    });
    server.use(
      http.post(functionUrl("execute-agent-tool"), () =>
        HttpResponse.json({
          ok: true,
          account: ACCOUNT,
          result: {
            ...REFUSED_FOR_CREDIT,
            recipients: 4,
            accepted: 1,
            rejected: 3,
            total_price: 0.077,
            messages: [
              { to: "+61411111111", message_id: "m-1", status: "SUCCESS", parts: 1, price: 0.077 },
              refused("+61422222222", "OPTED_OUT"),
              refused("+61433333333", "RECIPIENT_NOT_ALLOWED"),
              refused("+6421555555", "COUNTRY_NOT_ALLOWED"),
            ],
          },
        }),
      ),
    );
    await runSendSms();

    const list = await screen.findByRole("list", { name: "Recipients" });
    const items = within(list).getAllByRole("listitem");
    expect(screen.getByText("Sent to 1 of 4 recipients")).toBeVisible();
    for (const [index, status] of [
      [1, "OPTED_OUT"],
      [2, "RECIPIENT_NOT_ALLOWED"],
      [3, "COUNTRY_NOT_ALLOWED"],
    ] as const) {
      const words = describeRecipientStatus(status);
      expect(words.kind).toBe("refused");
      expect(items[index]).toHaveTextContent(`${words.label}. ${words.detail}`);
      expect(items[index]).not.toHaveTextContent(status);
    }
  });
});
