import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { http, HttpResponse } from "msw";
import { createMemoryRouter } from "react-router";
import { RouterProvider } from "react-router/dom";
import { beforeEach, describe, expect, it } from "vitest";

import { toolsForScopes } from "@contracts/tool-catalog.ts";
import { ToolPlayground } from "@/features/agents/components/tool-playground";
import { signInForTest } from "@/testing/auth";
import { DEMO_USER } from "@/testing/msw/auth-handlers";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { functionUrl } from "@/testing/msw/urls";

// What the playground says after a send the executor ran (issue 13, points 2 and 4).

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
