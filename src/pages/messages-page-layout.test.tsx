import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { functionUrl, restUrl } from "@/testing/msw/urls";
import { renderRoute } from "@/testing/render-route";

// The Messages page's order on a phone (issue 13, point 10): history first, the composer folded
// behind "New message" below the lg breakpoint. jsdom applies no CSS, so these tests check the
// contract the stylesheet acts on (the panel is hidden below lg while closed, `max-lg:hidden`);
// the e2e suite measures the real page at 375 px (e2e/specs/messages-phone.spec.ts).

const CONNECTION = {
  id: "c0000000-0000-4000-8000-000000000001",
  connection_name: "ClickSend (sandbox_user)",
  external_username: "sandbox_user",
  connection_status: "active",
  credential_hint: "89AB",
  connection_metadata: { account_country: "AU", default_sender_id: null, currency: "AUD" },
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-01T00:00:00.000Z",
};

const callSchema = z.object({ action: z.string() });
const ok = (result: unknown) => HttpResponse.json({ ok: true, result });

/** What our database holds of this connection's messages (read with select=id, limit 1). */
let stored: { id: string }[];

beforeEach(() => {
  stored = [{ id: "m0000000-0000-4000-8000-000000000001" }];
  server.use(
    http.get(restUrl("/clicksend_messages"), ({ request }) => {
      const select = new URL(request.url).searchParams.get("select");
      // Only the "anything sent yet?" read asks for ids alone; the rest read as empty.
      return HttpResponse.json(select === "id" ? stored : []);
    }),
    unreadRepliesCount(),
    http.get(restUrl("/user_oauth_connections"), () => HttpResponse.json([CONNECTION])),
    // History, usage and the live poll read our tables: nothing was sent yet.
    http.get(restUrl("/*"), () => HttpResponse.json([])),
    http.head(restUrl("/*"), () => new HttpResponse(null, { headers: { "content-range": "*/0" } })),
    http.post(functionUrl("clicksend-api"), async ({ request }) => {
      const { action } = callSchema.parse(await request.json());
      if (action === "get_balance") {
        return ok({ username: "sandbox_user", balance: 25, currency: "AUD" });
      }
      return ok({ total: 0, perPage: 15, page: 1, lastPage: 1, hasMore: false, rows: [] });
    }),
  );
});

async function renderMessages() {
  const view = await renderRoute("/messages");
  const history = await screen.findByRole("heading", { level: 2, name: "Message history" });
  const toggle = await screen.findByRole("button", { name: "New message" });
  const composer = screen.getByRole("region", { name: "Send a message" });
  const panel = document.getElementById(toggle.getAttribute("aria-controls") ?? "");
  return { ...view, history, toggle, composer, panel };
}

async function renderFirstVisit() {
  stored = [];
  const view = await renderRoute("/messages");
  await screen.findByRole("heading", { level: 2, name: "Message history" });
  return view;
}

// Rendering the whole page takes a few seconds on a loaded two-core machine.
describe("Messages page below lg", { timeout: 15_000 }, () => {
  it("once something was sent, opens with the composer folded behind New message, before the history", async () => {
    const { history, toggle, composer, panel } = await renderMessages();

    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(panel).not.toBeNull();
    expect(panel).toContainElement(composer);
    expect(panel).toHaveClass("max-lg:hidden");
    // In reading order: the button, then the (folded) composer, then the history.
    expect(toggle.compareDocumentPosition(history) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(
      composer.compareDocumentPosition(history) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it("opens the composer in one tap with the cursor in To, and folds it again keeping the draft", async () => {
    const { user, toggle, composer, panel } = await renderMessages();

    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(toggle).toHaveAccessibleName("Close the composer");
    expect(panel).not.toHaveClass("max-lg:hidden");
    const to = within(composer).getByLabelText("To");
    expect(to).toHaveFocus();

    await user.type(to, "+61412345678");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(panel).toHaveClass("max-lg:hidden");
    await user.click(screen.getByRole("button", { name: "New message" }));
    expect(within(composer).getByLabelText("To")).toHaveValue("+61412345678");
  });

  it("with nothing sent yet, starts with the composer open, and stays open once a message is stored", async () => {
    const { queryClient } = await renderFirstVisit();
    const toggle = await screen.findByRole("button", { name: "Close the composer" });
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const panel = document.getElementById(toggle.getAttribute("aria-controls") ?? "");
    expect(panel).not.toHaveClass("max-lg:hidden");

    // The first send is stored and every query is read again: the result must stay in view.
    stored = [{ id: "m0000000-0000-4000-8000-000000000002" }];
    await queryClient.invalidateQueries();
    await waitFor(() => {
      expect(queryClient.isFetching()).toBe(0);
    });
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(panel).not.toHaveClass("max-lg:hidden");
  });

  it("folds the composer when it cannot tell whether anything was sent", async () => {
    server.use(
      http.get(restUrl("/clicksend_messages"), () =>
        HttpResponse.json({ message: "permission denied", code: "42501" }, { status: 403 }),
      ),
    );
    const { panel, toggle } = await renderMessages();
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(panel).toHaveClass("max-lg:hidden");
  });

  it("opens the composer from the history's link to it", async () => {
    const { user, toggle, composer, panel } = await renderMessages();
    const link = await screen.findByRole("link", { name: "composer above" });

    await user.click(link);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(panel).not.toHaveClass("max-lg:hidden");
    expect(within(composer).getByLabelText("To")).toHaveFocus();
  });
});
