import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { http, HttpResponse } from "msw";
import { createMemoryRouter } from "react-router";
import { RouterProvider } from "react-router/dom";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

import { connectionRowSchema } from "@contracts/connection-schemas.ts";
import { ToastProvider } from "@/components/ui/toast/toast-provider";
import { Composer } from "@/features/messages/components/composer/composer";
import { formatIsoTime } from "@/features/messages/utils/format";
import { signInForTest } from "@/testing/auth";
import { DEMO_USER } from "@/testing/msw/auth-handlers";
import { functionError } from "@/testing/msw/function-responses";
import { optOutBackend, optOutStore, seedConsent, type OptOutStore } from "@/testing/msw/opt-outs";
import { server } from "@/testing/msw/server";
import { functionUrl } from "@/testing/msw/urls";

// The composer flags recipients on its account's opt-out list as they are typed (issue 15), and
// reads the server's per-recipient OPTED_OUT in words after a send.

const CONNECTION = connectionRowSchema.parse({
  id: "c0000000-0000-4000-8000-000000000001",
  connection_name: "Shop account",
  external_username: "Shop_User",
  connection_status: "active",
  credential_hint: "85AE",
  connection_metadata: { account_country: "AU", default_sender_id: null, currency: "AUD" },
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-01T00:00:00.000Z",
});
const ALICE = "+61412345678";
const BOB = "+61498765432";
const STOPPED_AT = "2026-03-12T10:04:00.000Z";

const callSchema = z.object({ action: z.string(), params: z.record(z.string(), z.unknown()) });
const ok = (result: unknown) => HttpResponse.json({ ok: true, result });
const toOf = (params: Record<string, unknown>) => z.array(z.string()).catch([]).parse(params.to);

let calls: { action: string; params: Record<string, unknown> }[];
let store: OptOutStore;

beforeEach(async () => {
  calls = [];
  store = optOutStore();
  // Alice replied STOP to this account; Bob opted out of another account only.
  seedConsent(store, {
    account_username: "shop_user",
    phone: ALICE,
    action: "opt_out",
    source: "reply",
    keyword: "STOP",
    at: STOPPED_AT,
  });
  seedConsent(store, {
    account_username: "other_account",
    phone: BOB,
    action: "opt_out",
    source: "manual",
    keyword: null,
    at: STOPPED_AT,
  });
  server.use(
    ...optOutBackend(store),
    http.post(functionUrl("clicksend-api"), async ({ request }) => {
      const { action, params } = callSchema.parse(await request.json());
      calls.push({ action, params });
      const to = toOf(params);
      switch (action) {
        case "get_balance":
          return ok({ username: "Shop_User", balance: 25, currency: "AUD" });
        case "price_sms":
          return ok({
            total_price: 0.08 * to.length,
            currency: "AUD",
            messages: to.map((n) => ({ to: n, parts: 1, price: 0.08, status: "SUCCESS" })),
          });
        case "send_sms":
          // As the server answers: the opted-out recipient is refused, the rest sent.
          return ok({
            idempotent_replay: false,
            recipients: to.length,
            accepted: to.filter((n) => n !== ALICE).length,
            rejected: to.filter((n) => n === ALICE).length,
            invalid_numbers: [],
            total_price: 0.08 * to.filter((n) => n !== ALICE).length,
            currency: "AUD",
            clicksend_requests: to.some((n) => n !== ALICE) ? 1 : 0,
            messages: to.map((n) =>
              n === ALICE
                ? { to: n, message_id: null, status: "OPTED_OUT", parts: null, price: 0 }
                : { to: n, message_id: "M-1", status: "SUCCESS", parts: 1, price: 0.08 },
            ),
          });
        default:
          return functionError(400, "invalid_request", `unexpected action ${action}`);
      }
    }),
  );
  await signInForTest(DEMO_USER);
});

function renderComposer() {
  const router = createMemoryRouter(
    [
      { path: "/messages", element: <Composer connection={CONNECTION} /> },
      { path: "/opt-outs", element: <h1>Opt-outs</h1> },
    ],
    { initialEntries: ["/messages"] },
  );
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  const composer = screen.getByRole("region", { name: "Send a message" });
  return { user, composer: within(composer), router };
}

describe("composer: recipients who opted out", () => {
  it("flags a number on the account's list as it is typed, national form too, with a way to the list", async () => {
    const { user, composer, router } = renderComposer();
    await user.type(composer.getByLabelText("To"), "0412 345 678");
    const flag = await composer.findByText(`${ALICE}: opted out — will not be sent`);
    const alert = flag.parentElement;
    expect(alert).toHaveTextContent(`${ALICE} replied STOP on ${formatIsoTime(STOPPED_AT)}.`);
    expect(alert).toHaveTextContent("Nothing is sent to this number from this account.");
    expect(composer.queryByText(/^Sends to/)).toBeNull();

    // Another recipient still gets it; Bob opted out of another account only, so he is not flagged.
    await user.type(composer.getByLabelText("To"), `, ${BOB}`);
    expect(composer.getByText(`Sends to ${BOB}`)).toBeInTheDocument();
    expect(
      composer.getByText(`${ALICE}: opted out — will not be sent`).parentElement,
    ).toHaveTextContent("the other recipients still get the message");
    expect(composer.queryByText(new RegExp(`${BOB.replace("+", "\\+")}: opted out`))).toBeNull();

    await user.click(composer.getByRole("link", { name: "See Opt-outs" }));
    expect(router.state.location.pathname).toBe("/opt-outs");
  });

  it("prices only the numbers that will be sent, and reads the server's OPTED_OUT in words", async () => {
    const { user, composer } = renderComposer();
    await user.type(composer.getByLabelText("To"), `${ALICE}, ${BOB}`);
    await composer.findByText(`${ALICE}: opted out — will not be sent`);
    await user.type(composer.getByLabelText("Message"), "Your order has shipped.");

    expect(await composer.findByText(/for 1 message/, {}, { timeout: 3000 })).toBeInTheDocument();
    expect(
      calls.filter((call) => call.action === "price_sms").map((call) => call.params.to),
    ).toEqual([[BOB]]);

    await user.click(composer.getByRole("button", { name: "Send SMS" }));
    const recipients = await composer.findByRole("list", { name: "Recipients" });
    expect(recipients).toHaveTextContent(`${ALICE}: Opted out — not sent.`);
    expect(recipients).toHaveTextContent("asked not to be texted");
    expect(recipients).toHaveTextContent(`${BOB}: Sent.`);
    // Every typed number goes to the server, which decides: the flag never drops a recipient.
    expect(calls.find((call) => call.action === "send_sms")?.params.to).toEqual([ALICE, BOB]);
  });

  it("when every recipient opted out, says there is nothing to price, and a send says ClickSend was not the one that refused", async () => {
    const { user, composer } = renderComposer();
    await user.type(composer.getByLabelText("To"), ALICE);
    await composer.findByText(`${ALICE}: opted out — will not be sent`);
    await user.type(composer.getByLabelText("Message"), "Hello");
    expect(
      composer.getByText("Add a number that has not opted out to see the price."),
    ).toBeInTheDocument();

    await user.click(composer.getByRole("button", { name: "Send SMS" }));
    expect(
      await composer.findByText("Not sent: this number may not be texted"),
    ).toBeInTheDocument();
    expect(composer.queryByText(/ClickSend refused/)).toBeNull();
  });
});
