import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { delay, http, HttpResponse } from "msw";
import { createMemoryRouter } from "react-router";
import { RouterProvider } from "react-router/dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { connectionRowSchema } from "@contracts/connection-schemas.ts";
import { ToastProvider } from "@/components/ui/toast/toast-provider";
import { Composer } from "@/features/messages/components/composer/composer";
import { signInForTest } from "@/testing/auth";
import { DEMO_USER } from "@/testing/msw/auth-handlers";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { functionUrl } from "@/testing/msw/urls";

// What the composer says after a send (issue 13, points 2 and 4) and the MMS price preview.

const CONNECTION = connectionRowSchema.parse({
  id: "c0000000-0000-4000-8000-000000000001",
  connection_name: "Shop account",
  external_username: "shop_user",
  connection_status: "active",
  credential_hint: "85AE",
  connection_metadata: { account_country: "AU", default_sender_id: null, currency: "AUD" },
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-01T00:00:00.000Z",
});

const callSchema = z.object({ action: z.string(), params: z.record(z.string(), z.unknown()) });
const ok = (result: unknown) => HttpResponse.json({ ok: true, result });
const toOf = (params: Record<string, unknown>) => z.array(z.string()).catch([]).parse(params.to);

type Send = (params: Record<string, unknown>) => Promise<Response> | Response;

let balance: number;
let calls: { action: string; params: Record<string, unknown> }[];
let sendAnswer: Send;

function outcome(to: string[], status: string) {
  const accepted = status === "SUCCESS" ? to.length : 0;
  return {
    idempotent_replay: false,
    recipients: to.length,
    accepted,
    rejected: to.length - accepted,
    invalid_numbers: [],
    total_price: 0,
    currency: "AUD",
    clicksend_requests: 1,
    messages: to.map((number) => ({
      to: number,
      message_id: null,
      status,
      parts: 1,
      price: 0,
    })),
  };
}

beforeEach(async () => {
  balance = 25;
  calls = [];
  sendAnswer = (params) => ok(outcome(toOf(params), "INSUFFICIENT_CREDIT"));
  server.use(
    http.post(functionUrl("clicksend-api"), async ({ request }) => {
      const { action, params } = callSchema.parse(await request.json());
      calls.push({ action, params });
      const to = toOf(params);
      switch (action) {
        case "get_balance":
          return ok({ username: "shop_user", balance, currency: "AUD" });
        case "price_sms":
          return ok({
            total_price: 0.08 * to.length,
            currency: "AUD",
            messages: to.map((n) => ({ to: n, parts: 1, price: 0.08, status: "SUCCESS" })),
          });
        case "upload_media":
          return ok({ url: "https://rest.clicksend.com/files/picture.jpg", expires_at: null });
        case "price_mms":
          return ok({
            total_price: 0.5 * to.length,
            currency: "AUD",
            messages: to.map((n) => ({ to: n, parts: 1, price: 0.5, status: "SUCCESS" })),
          });
        case "send_sms":
        case "send_mms":
          return sendAnswer(params);
        default:
          return functionError(400, "invalid_request", `unexpected action ${action}`);
      }
    }),
  );
  await signInForTest(DEMO_USER);
});

afterEach(() => {
  vi.useRealTimers();
});

function renderComposer() {
  const router = createMemoryRouter(
    [{ path: "/messages", element: <Composer connection={CONNECTION} /> }],
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

async function writeSms(user: ReturnType<typeof userEvent.setup>, composer: ComposerQueries) {
  await user.type(composer.getByLabelText("To"), "+61412345678");
  await user.type(composer.getByLabelText("Message"), "Your order has shipped.");
}

type ComposerQueries = ReturnType<typeof renderComposer>["composer"];

const sendCalls = () => calls.filter((call) => call.action.startsWith("send_"));

// Typing, the 600 ms price debounce and the quote take a few seconds on a loaded machine.
describe("Composer: the result of a send", { timeout: 15_000 }, () => {
  it("says a refused recipient in words, names the account, and keeps ClickSend's JSON folded", async () => {
    const { user, composer } = renderComposer();
    await writeSms(user, composer);
    await user.click(composer.getByRole("button", { name: "Send SMS" }));

    const list = await composer.findByRole("list", { name: "Recipients" });
    const rows = within(list).getAllByRole("listitem");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent("+61412345678: Refused: not enough credit.");
    expect(rows[0]).toHaveTextContent("top up the account");
    expect(composer.getByText("Not sent: ClickSend refused it")).toBeVisible();
    expect(composer.getByText(/From ClickSend account/)).toHaveTextContent(
      "From ClickSend account Shop account (shop_user)",
    );
    expect(composer.queryByText(/INSUFFICIENT_CREDIT/)).not.toBeVisible();
    const json = composer.getByRole("region", { name: "ClickSend's answer JSON", hidden: true });
    expect(json).toHaveTextContent('"status": "INSUFFICIENT_CREDIT"');
    expect(json).not.toBeVisible();
    expect(json.closest("details")).not.toHaveAttribute("open");

    await user.click(composer.getByText("ClickSend's answer (JSON)"));
    expect(json).toBeVisible();
  });

  it("lists each recipient: one sent, one refused, in one amber result", async () => {
    sendAnswer = () =>
      ok({
        ...outcome(["+61412345678"], "SUCCESS"),
        recipients: 2,
        rejected: 1,
        messages: [
          { to: "+61412345678", message_id: "m-1", status: "SUCCESS", parts: 1, price: 0.08 },
          {
            to: "+61498765432",
            message_id: null,
            status: "COUNTRY_NOT_ENABLED",
            parts: 0,
            price: 0,
          },
        ],
      });
    const { user, composer } = renderComposer();
    await user.type(composer.getByLabelText("To"), "+61412345678, +61498765432");
    await user.type(composer.getByLabelText("Message"), "Hello");
    await user.click(composer.getByRole("button", { name: "Send SMS" }));

    const rows = within(await composer.findByRole("list", { name: "Recipients" })).getAllByRole(
      "listitem",
    );
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringContaining("+61412345678: Sent.") as string,
      expect.stringContaining("+61498765432: Refused: country not enabled.") as string,
    ]);
    expect(composer.getByText("Sent to 1 of 2 recipients")).toBeVisible();
  });
});

describe("Composer: a send whose outcome is not known", { timeout: 15_000 }, () => {
  it("offers Check history and a same-key Check again, never Try again", async () => {
    sendAnswer = () =>
      functionError(
        502,
        "upstream_timeout",
        "ClickSend did not answer within 30 s. The request may have been processed: check history before repeating it.",
        { retryable: false },
      );
    const { user, composer } = renderComposer();
    await writeSms(user, composer);
    await user.click(composer.getByRole("button", { name: "Send SMS" }));

    expect(await composer.findByText("Not known whether it was sent")).toBeVisible();
    expect(composer.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    expect(composer.queryByText(/Trying again is safe/)).not.toBeInTheDocument();
    const history = composer.getByRole("link", { name: "Check history" });
    expect(history).toHaveAttribute("href", "/messages?number=%2B61412345678#message-history");
    expect(composer.getByLabelText("Message")).toHaveValue("Your order has shipped.");

    // Check again repeats the very same request: the server never sends a known key twice.
    sendAnswer = (params) => ok({ ...outcome(toOf(params), "UNKNOWN"), idempotent_replay: true });
    await user.click(composer.getByRole("button", { name: "Check again" }));
    expect(
      await composer.findByText("Not sent again: ClickSend has not confirmed the first attempt"),
    ).toBeVisible();
    const [first, second] = sendCalls();
    expect(second?.params.idempotency_key).toBe(first?.params.idempotency_key);
    expect(composer.getByText(/Not confirmed\./)).toBeVisible();
  });

  it("still offers Try again when the refusal came before anything was sent", async () => {
    sendAnswer = () =>
      functionError(429, "rate_limited", "Too many calls for this connection.", {
        retryable: true,
      });
    const { user, composer } = renderComposer();
    await writeSms(user, composer);
    await user.click(composer.getByRole("button", { name: "Send SMS" }));

    expect(await composer.findByText("Could not send the message")).toBeVisible();
    expect(composer.getByText(/Nothing was sent, and your message is kept/)).toBeVisible();
    expect(composer.getByRole("button", { name: "Try again" })).toBeVisible();
  });

  it("shows how long a slow send has waited, and Stop waiting keeps the draft", async () => {
    // Only the clock and intervals are fake: the debounce and MSW keep real timeouts.
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    let answered = false;
    sendAnswer = async () => {
      await delay("infinite");
      answered = true;
      return ok({});
    };
    const { user, composer } = renderComposer();
    await writeSms(user, composer);
    await user.click(composer.getByRole("button", { name: "Send SMS" }));
    await vi.waitFor(() => {
      expect(sendCalls()).toHaveLength(1);
    });

    act(() => {
      vi.advanceTimersByTime(2000);
    });
    expect(composer.queryByText(/Waiting for ClickSend/)).not.toBeInTheDocument();
    act(() => {
      vi.advanceTimersByTime(3000);
    });
    expect(composer.getByText("Waiting for ClickSend: 5 s")).toBeVisible();
    act(() => {
      vi.advanceTimersByTime(7000);
    });
    expect(composer.getByText("Waiting for ClickSend: 12 s")).toBeVisible();

    await user.click(composer.getByRole("button", { name: "Stop waiting" }));
    expect(await composer.findByText("Stopped waiting: it may still be sent")).toBeVisible();
    expect(composer.getByText(/ClickSend may still send the message/)).toBeVisible();
    expect(composer.getByRole("link", { name: "Check history" })).toBeVisible();
    expect(composer.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    expect(composer.getByLabelText("To")).toHaveValue("+61412345678");
    expect(composer.getByLabelText("Message")).toHaveValue("Your order has shipped.");
    expect(composer.getByRole("button", { name: "Send SMS" })).toBeEnabled();
    expect(answered).toBe(false);
  });
});

describe("Composer: MMS price", { timeout: 15_000 }, () => {
  async function writeMms(user: ReturnType<typeof userEvent.setup>, composer: ComposerQueries) {
    await user.click(composer.getByText("MMS (picture)"));
    await user.type(composer.getByLabelText("To"), "+61412345678");
    await user.type(composer.getByLabelText("Subject"), "Spring sale");
    await user.type(composer.getByLabelText("Message"), "20% off everything.");
    await user.upload(
      composer.getByLabelText("Image"),
      new File([new Uint8Array(2048)], "sale.jpg", { type: "image/jpeg" }),
    );
  }

  it("quotes the MMS once it has an image, and follows the recipients", async () => {
    const { user, composer } = renderComposer();
    await user.click(composer.getByText("MMS (picture)"));
    expect(composer.getByText(/choose an image to see the price/)).toBeVisible();
    await user.click(composer.getByText("SMS"));
    await writeMms(user, composer);

    expect(await composer.findByText("0.50 AUD", {}, { timeout: 3000 })).toBeVisible();
    expect(composer.getByText(/Estimated cost/)).toHaveTextContent(
      "Estimated cost: 0.50 AUD for 1 message.",
    );
    const price = calls.find((call) => call.action === "price_mms");
    expect(price?.params).toMatchObject({
      to: ["+61412345678"],
      subject: "Spring sale",
      body: "20% off everything.",
      media_url: "https://rest.clicksend.com/files/picture.jpg",
    });

    await user.type(composer.getByLabelText("To"), ", +61498765432");
    expect(await composer.findByText("1.00 AUD", {}, { timeout: 3000 })).toBeVisible();
    expect(composer.getByText(/Estimated cost/)).toHaveTextContent("for 2 messages");
    // One upload serves every quote, and the send.
    expect(calls.filter((call) => call.action === "upload_media")).toHaveLength(1);
  });

  it("says when the balance does not cover the quoted MMS, by how much", async () => {
    balance = 0.3;
    const { user, composer } = renderComposer();
    await writeMms(user, composer);

    expect(
      await composer.findByText(
        "This costs 0.50 AUD; the balance is 0.30 AUD — 0.20 AUD short.",
        { exact: false },
        { timeout: 3000 },
      ),
    ).toBeVisible();
    expect(composer.getByRole("button", { name: "Send MMS" })).toBeDisabled();
  });
});
