import { render, screen, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

import { ConnectionBalance } from "@/features/integrations/components/connection-balance";
import { BalanceCard } from "@/features/messages/components/balance-card";
import { signInForTest } from "@/testing/auth";
import { DEMO_USER } from "@/testing/msw/auth-handlers";
import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { functionUrl, restUrl } from "@/testing/msw/urls";
import { renderRoute } from "@/testing/render-route";

// The composer against an account whose balance may not cover the message (issue 13, point 9).

const CONNECTION = {
  id: "c0000000-0000-4000-8000-000000000001",
  connection_name: "ClickSend (nocredit)",
  external_username: "nocredit",
  connection_status: "active",
  credential_hint: "85AE",
  connection_metadata: { account_country: "AU", default_sender_id: null, currency: "AUD" },
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-01T00:00:00.000Z",
};

const callSchema = z.object({ action: z.string(), params: z.record(z.string(), z.unknown()) });
const ok = (result: unknown) => HttpResponse.json({ ok: true, result });

let balance: number;
let sends: number;

beforeEach(() => {
  balance = 0;
  sends = 0;
  server.use(
    unreadRepliesCount(),
    http.get(restUrl("/user_oauth_connections"), () => HttpResponse.json([CONNECTION])),
    http.get(restUrl("/clicksend_messages"), () => HttpResponse.json([])),
    http.get(restUrl("/agents"), () => HttpResponse.json([])),
    http.post(functionUrl("clicksend-api"), async ({ request }) => {
      const { action, params } = callSchema.parse(await request.json());
      const to = z.array(z.string()).catch([]).parse(params.to);
      switch (action) {
        case "get_balance":
          return ok({ username: "nocredit", balance, currency: "AUD" });
        case "price_sms":
          return ok({
            total_price: 0.16,
            currency: "AUD",
            messages: to.map((number) => ({
              to: number,
              parts: 1,
              price: 0.16,
              status: "SUCCESS",
            })),
          });
        case "send_sms":
          sends += 1;
          // ClickSend's answer when the credit ran out between the quote and the send.
          return ok({
            idempotent_replay: false,
            recipients: to.length,
            accepted: 0,
            rejected: to.length,
            invalid_numbers: [],
            total_price: 0,
            currency: "AUD",
            clicksend_requests: 1,
            messages: to.map((number) => ({
              to: number,
              message_id: null,
              status: "INSUFFICIENT_CREDIT",
              parts: 1,
              price: 0,
            })),
          });
        default:
          return ok({ total: 0, perPage: 15, page: 1, lastPage: 1, hasMore: false, rows: [] });
      }
    }),
  );
});

async function typeSms() {
  const view = await renderRoute("/messages");
  const composer = await screen.findByRole("region", { name: "Send a message" });
  await view.user.type(within(composer).getByLabelText("To"), "+61412345678");
  await view.user.type(within(composer).getByLabelText("Message"), "Your order has shipped.");
  return { ...view, composer };
}

// Typing, the 600 ms price debounce and the quote take a few seconds on a loaded machine.
describe("Composer: credit", { timeout: 15_000 }, () => {
  it("says the balance does not cover the price, by how much, and offers no Send", async () => {
    const { composer } = await typeSms();

    const reason = "This costs 0.16 AUD; the balance is 0.00 AUD — 0.16 AUD short.";
    expect(
      await within(composer).findByText(reason, { exact: false }, { timeout: 3000 }),
    ).toBeVisible();
    const send = within(composer).getByRole("button", { name: "Send SMS" });
    expect(send).toBeDisabled();
    expect(send).toHaveAccessibleDescription(expect.stringContaining(reason) as string);
    expect(sends).toBe(0);
  });

  it("sends when the balance covers the price, and says a refusal for credit in words", async () => {
    balance = 25;
    const { composer, user } = await typeSms();
    expect(await within(composer).findByText("0.16 AUD", {}, { timeout: 3000 })).toBeVisible();
    const send = within(composer).getByRole("button", { name: "Send SMS" });
    expect(send).toBeEnabled();
    expect(within(composer).queryByText(/short\./)).not.toBeInTheDocument();

    await user.click(send);
    expect(
      await within(composer).findByText(/The ClickSend balance does not cover it; top up/),
    ).toBeVisible();
    expect(within(composer).getByText("Refused: not enough credit.")).toBeVisible();
    // ClickSend's own code only inside the folded raw answer.
    expect(within(composer).getByText(/INSUFFICIENT_CREDIT/)).not.toBeVisible();
  });
});

describe("Composer: MMS subject", () => {
  it("counts the subject's characters and says when it is over 20, instead of cutting it", async () => {
    balance = 25;
    const { user } = await renderRoute("/messages");
    const composer = await screen.findByRole("region", { name: "Send a message" });
    await user.click(within(composer).getByText("MMS (picture)"));
    const subject = within(composer).getByLabelText("Subject");

    await user.type(subject, "Spring sale");
    expect(within(composer).getByText("11/20")).toBeVisible();
    expect(subject).not.toBeInvalid();

    await user.type(subject, " starts Monday");
    expect(subject).toHaveValue("Spring sale starts Monday");
    expect(within(composer).getByText("25/20")).toBeVisible();
    expect(subject).toBeInvalid();
    expect(subject).toHaveAccessibleDescription(
      expect.stringContaining("5 characters too many") as string,
    );
  });
});

describe("Money", () => {
  it("is shown the same way on the balance card and the connection card", async () => {
    balance = 25;
    await signInForTest(DEMO_USER);
    render(
      <QueryClientProvider
        client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}
      >
        <BalanceCard connectionId={CONNECTION.id} />
        <ConnectionBalance connectionId={CONNECTION.id} connectionName="ClickSend (nocredit)" />
      </QueryClientProvider>,
    );
    expect(await screen.findAllByText("25.00 AUD")).toHaveLength(2);
  });
});
