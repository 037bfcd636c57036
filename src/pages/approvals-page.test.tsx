import { act, screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { Approval, DecideApprovalBody } from "@contracts/guardrails.ts";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { functionUrl, restUrl } from "@/testing/msw/urls";
import { renderRoute } from "@/testing/render-route";

// The Approvals page over a stand-in for agent-approvals (GET: pending first, then decided; POST:
// approve sends once, reject never, a closed one is 409) and for the navigation's count, read
// from the same rows as the database would (state pending, not yet expired).

const ACCOUNT = { connection_id: crypto.randomUUID(), name: "Shop", username: "shop_user" };
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

let approvals: Approval[];
let decisions: DecideApprovalBody[];
let countReads: number;

function approval(overrides: Partial<Approval> = {}): Approval {
  return {
    id: crypto.randomUUID(),
    agent_id: crypto.randomUUID(),
    agent_name: "Support bot",
    connection_id: ACCOUNT.connection_id,
    tool: "clicksend_send_sms",
    request: { to: ["+61411111111", "+61422222222"], body: "Your table for 4 is booked at 7pm." },
    recipients: 2,
    parts: 1,
    price: 0.154,
    currency: "AUD",
    state: "pending",
    created_at: hoursFromNow(-1),
    expires_at: hoursFromNow(23),
    decided_at: null,
    edited_body: false,
    outcome: null,
    ...overrides,
  };
}

/** What the executor answers for a send that went to every recipient. */
function sentOutcome(to: string[]) {
  return {
    status: 200,
    body: {
      ok: true,
      account: ACCOUNT,
      result: {
        idempotent_replay: false,
        recipients: to.length,
        accepted: to.length,
        rejected: 0,
        invalid_numbers: [],
        total_price: 0.077 * to.length,
        currency: "AUD",
        clicksend_requests: 1,
        messages: to.map((number, index) => ({
          to: number,
          message_id: `m-${String(index)}`,
          status: "SUCCESS",
          parts: 1,
          price: 0.077,
        })),
      },
    },
  };
}

const pendingCount = () =>
  approvals.filter((row) => row.state === "pending" && row.expires_at > new Date().toISOString())
    .length;

beforeEach(() => {
  approvals = [];
  decisions = [];
  countReads = 0;
  server.use(
    unreadRepliesCount(),
    http.get(restUrl("/user_oauth_connections"), () => HttpResponse.json([])),
    http.head(restUrl("/agent_approvals"), ({ request }) => {
      countReads += 1;
      const url = new URL(request.url);
      // The badge must ask for pending rows that have not expired, as the database keeps them.
      expect(url.searchParams.get("status")).toBe("eq.pending");
      expect(url.searchParams.get("expires_at")).toMatch(/^gt\./);
      const count = pendingCount();
      return new HttpResponse(null, {
        headers: {
          "content-range": count === 0 ? "*/0" : `0-${String(count - 1)}/${String(count)}`,
        },
      });
    }),
    http.get(functionUrl("agent-approvals"), () =>
      HttpResponse.json({
        approvals: [
          ...approvals.filter((row) => row.state === "pending"),
          ...approvals.filter((row) => row.state !== "pending"),
        ],
      }),
    ),
    http.post(functionUrl("agent-approvals"), async ({ request }) => {
      const body = (await request.json()) as DecideApprovalBody;
      decisions.push(body);
      const row = approvals.find((candidate) => candidate.id === body.approval_id);
      if (!row) return functionError(404, "approval_not_found", "No such approval.");
      if (row.state !== "pending") {
        return functionError(409, "approval_closed", `This approval is ${row.state}.`);
      }
      row.decided_at = new Date().toISOString();
      if (body.decision === "reject") {
        row.state = "rejected";
      } else {
        row.state = "approved";
        if (body.body !== undefined) {
          row.request = { ...row.request, body: body.body };
          row.edited_body = true;
        }
        row.outcome = sentOutcome(row.request.to);
      }
      return HttpResponse.json({ approval: row });
    }),
  );
});

afterEach(() => {
  vi.useRealTimers();
});

async function openApprovals() {
  const view = await renderRoute("/approvals");
  expect(await screen.findByRole("heading", { level: 1, name: "Approvals" })).toBeInTheDocument();
  return view;
}

const waiting = () => screen.getByRole("region", { name: /^Waiting for you/ });
const findWaiting = () => screen.findByRole("region", { name: /^Waiting for you/ });
const decided = () => screen.getByRole("region", { name: "Decided" });
const nav = () => screen.getByRole("navigation", { name: "Main" });

describe("Approvals: the inbox", () => {
  it("shows a pending send with agent, recipients, text, segments, price and expiry, and recent decisions in words", async () => {
    approvals.push(
      approval(),
      approval({
        agent_name: "Reminders",
        request: { to: ["+61433333333"], body: "See you tomorrow." },
        recipients: 1,
        state: "approved",
        decided_at: hoursFromNow(-2),
        outcome: sentOutcome(["+61433333333"]),
      }),
      approval({
        agent_name: "Reminders",
        request: { to: ["+61444444444"], body: "Sale ends tonight!" },
        recipients: 1,
        state: "rejected",
        decided_at: hoursFromNow(-3),
      }),
      approval({
        agent_name: null,
        request: { to: ["+61455555555"], body: "Old news." },
        recipients: 1,
        state: "expired",
        expires_at: hoursFromNow(-5),
      }),
    );
    await openApprovals();

    const card = await within(
      await screen.findByRole("region", { name: "Waiting for you (1)" }),
    ).findByRole("article", { name: "Support bot wants to send an SMS" });
    expect(
      within(within(card).getByRole("list", { name: "Recipients" }))
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["+61411111111", "+61422222222"]);
    expect(within(card).getByText("Your table for 4 is booked at 7pm.")).toBeVisible();
    expect(within(card).getByText(/2 recipients × 1 segment; 0\.154 AUD/)).toBeVisible();
    expect(within(card).getByText(/^Expires .+ \(in 22 h 59 min|in 23 h\)$/)).toBeVisible();

    const done = within(decided()).getAllByRole("article");
    expect(done).toHaveLength(3);
    expect(done[0]).toHaveTextContent("Approved");
    expect(within(done[0] as HTMLElement).getByText("Sent to 1 of 1 recipient")).toBeVisible();
    expect(done[0]).toHaveTextContent("+61433333333: Sent.");
    expect(done[1]).toHaveTextContent("Rejected");
    expect(done[1]).toHaveTextContent(/nothing was sent/);
    expect(done[2]).toHaveTextContent("A deleted agent to +61455555555");
    expect(done[2]).toHaveTextContent(/Expired unsent .+, after waiting 24 hours/);

    // The navigation counts the one waiting.
    expect(await within(nav()).findByRole("link", { name: "Approvals 1 waiting" })).toBeVisible();
  });

  it("says when nothing is waiting and nothing was decided", async () => {
    await openApprovals();

    expect(await screen.findByText("Nothing is waiting for your approval")).toBeVisible();
    expect(within(waiting()).getByRole("link", { name: "Agents page" })).toHaveAttribute(
      "href",
      "/agents",
    );
    expect(within(decided()).getByText(/No decisions yet/)).toBeVisible();
    expect(within(nav()).getByRole("link", { name: "Approvals" })).toBeVisible();
  });

  it("explains a failed load and loads again on request", async () => {
    let fail = true;
    server.use(
      http.get(functionUrl("agent-approvals"), () =>
        fail
          ? functionError(503, "backend_busy", "The service is busy. Try again in a moment.", {
              retryable: true,
            })
          : HttpResponse.json({ approvals: [] }),
      ),
    );
    const { user } = await openApprovals();

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load your approvals");
    fail = false;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("Nothing is waiting for your approval")).toBeVisible();
  });
});

describe("Approvals: deciding", () => {
  it("approves: sends once, the send's result shows under Decided, and the navigation's count goes", async () => {
    const held = approval();
    approvals.push(held);
    const { user } = await openApprovals();
    expect(await within(nav()).findByRole("link", { name: "Approvals 1 waiting" })).toBeVisible();

    await user.click(await within(await findWaiting()).findByRole("button", { name: "Approve" }));

    const done = await within(decided()).findByRole("article");
    expect(within(done).getByText("Sent to 2 of 2 recipients")).toBeVisible();
    expect(decisions).toEqual([{ approval_id: held.id, decision: "approve" }]);
    expect(await within(nav()).findByRole("link", { name: "Approvals" })).toBeVisible();
    expect(screen.getByText("Nothing is waiting for your approval")).toBeVisible();
    // Focus does not fall to the page's start when the card goes.
    expect(screen.getByRole("heading", { name: "Waiting for you" })).toHaveFocus();
  });

  it("edits the text with a live segment count, then approves the edited text", async () => {
    const held = approval();
    approvals.push(held);
    const { user } = await openApprovals();

    await user.click(await within(await findWaiting()).findByRole("button", { name: "Edit" }));
    const dialog = screen.getByRole("dialog", { name: "Edit, then approve" });
    const text = within(dialog).getByLabelText("Text");
    expect(text).toHaveValue("Your table for 4 is booked at 7pm.");
    expect(text).toHaveAccessibleDescription(
      "GSM-7, 34 characters, 1 segment: 2 messages to 2 recipients",
    );

    await user.clear(text);
    await user.click(within(dialog).getByRole("button", { name: "Approve edited text" }));
    expect(text).toHaveAccessibleDescription(/Text: the message cannot be empty/);
    expect(decisions).toEqual([]);

    await user.type(text, "x".repeat(161));
    expect(text).toHaveAccessibleDescription(
      "GSM-7, 161 characters, 2 segments: 4 messages to 2 recipients",
    );
    await user.clear(text);
    await user.type(text, "Booked for 4 at 7:30pm.");
    await user.click(within(dialog).getByRole("button", { name: "Approve edited text" }));

    await waitFor(() => {
      expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    });
    expect(decisions).toEqual([
      { approval_id: held.id, decision: "approve", body: "Booked for 4 at 7:30pm." },
    ]);
    const done = await within(decided()).findByRole("article");
    expect(done).toHaveTextContent("Text edited");
    expect(done).toHaveTextContent("Booked for 4 at 7:30pm.");
  });

  it("rejects only after confirming, and never sends", async () => {
    const held = approval();
    approvals.push(held);
    const { user } = await openApprovals();

    await user.click(await within(await findWaiting()).findByRole("button", { name: "Reject" }));
    let dialog = screen.getByRole("dialog", { name: "Reject this send?" });
    expect(dialog).toHaveAccessibleDescription(/Nothing is sent to \+61411111111, \+61422222222/);
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(decisions).toEqual([]);

    await user.click(within(waiting()).getByRole("button", { name: "Reject" }));
    dialog = screen.getByRole("dialog", { name: "Reject this send?" });
    await user.click(within(dialog).getByRole("button", { name: "Reject" }));

    const done = await within(decided()).findByRole("article");
    expect(done).toHaveTextContent(/Rejected .+: nothing was sent/);
    expect(decisions).toEqual([{ approval_id: held.id, decision: "reject" }]);
    expect(screen.queryByText(/Sent to/)).not.toBeInTheDocument();
  });

  it("says plainly when the approval was already closed", async () => {
    const held = approval();
    approvals.push(held);
    const { user } = await openApprovals();
    const approve = await within(await findWaiting()).findByRole("button", { name: "Approve" });
    // Expired or rejected elsewhere (another tab) after the page read it.
    held.state = "expired";

    await user.click(approve);

    const notifications = screen.getByRole("status", { name: "Notifications" });
    expect(await within(notifications).findByText("Already closed")).toBeVisible();
    expect(
      within(notifications).getByText(
        /can no longer be approved or rejected\. Nothing was sent now/,
      ),
    ).toBeVisible();
    expect(await within(decided()).findByRole("article")).toHaveTextContent("Expired");
  });

  it("says a refusal by the agent's limits with its figures, and keeps the send waiting", async () => {
    approvals.push(approval());
    server.use(
      http.post(functionUrl("agent-approvals"), () =>
        HttpResponse.json(
          {
            error: {
              code: "policy_denied",
              reason: "daily_message_limit",
              message: "Daily message limit of 50 reached (48 used, 3 requested).",
              retryable: true,
              details: { limit: 50, used: 48, requested: 3 },
            },
          },
          { status: 403 },
        ),
      ),
    );
    const { user } = await openApprovals();

    await user.click(await within(await findWaiting()).findByRole("button", { name: "Approve" }));

    const alert = await within(await findWaiting()).findByRole("alert");
    expect(alert).toHaveTextContent("Not sent: refused by this agent’s limits");
    expect(alert).toHaveTextContent(
      "Daily limit reached: 48 of 50 messages used in the last 24 hours, this send needs 3.",
    );
    expect(alert).toHaveTextContent("It is still waiting");
    expect(within(waiting()).getByRole("button", { name: "Approve" })).toBeEnabled();
  });
});

describe("Approvals: the navigation's count", () => {
  it("is read again every 30 s while the page is visible", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    await openApprovals();
    expect(await within(nav()).findByRole("link", { name: "Approvals" })).toBeVisible();
    const before = countReads;

    // A send is held elsewhere (the agent, another tab); the badge shows it within 30 s.
    approvals.push(approval());
    await act(async () => {
      await vi.advanceTimersByTimeAsync(30_000);
    });
    expect(await within(nav()).findByRole("link", { name: "Approvals 1 waiting" })).toBeVisible();
    expect(countReads).toBeGreaterThan(before);
  });
});
