import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

import type { ClickSendReceipt } from "@/features/messages/api/get-delivery-receipts";
import type { ReceiptEvent, StoredReceipt } from "@/features/messages/api/get-stored-receipts";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { functionUrl, restUrl } from "@/testing/msw/urls";
import { renderRoute } from "@/testing/render-route";

// The Receipts tab (issue 13, point 3) reads our own database: one row per sent message from the
// clicksend_message_receipts view, and a message's receipt events from clicksend_receipt_events
// when its timeline is opened. Only a lookup by message ID asks ClickSend (clicksend-api).
// PostgREST's filters are applied here as the server would, so the status filter is exercised.

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
const DELIVERED_ID = "a0000000-0000-4000-8000-000000000001";
const FAILED_ID = "a0000000-0000-4000-8000-000000000002";
const DELIVERED_TEXT = "Your appointment is at 10:30 tomorrow. Reply YES to confirm.";

/** A row of the view: what the tab selects, and the connection it filters by. */
type ViewRow = StoredReceipt & { user_oauth_connection_id: string };

function storedRow(changes: Partial<StoredReceipt>): ViewRow {
  return {
    user_oauth_connection_id: CONNECTION.id,
    id: DELIVERED_ID,
    message_id: "4C0F1A2B-0000-4000-8000-00000000DE11",
    channel: "sms",
    recipient: "+61411111111",
    body_excerpt: DELIVERED_TEXT,
    body_length: DELIVERED_TEXT.length,
    agent_id: "b0000000-0000-4000-8000-000000000001",
    agent_name: "Reminder bot",
    status: "Sent",
    status_code: "201",
    status_text: "Success: Message received on handset.",
    error_code: null,
    error_text: null,
    created_at: "2026-01-05T10:00:00.000Z",
    status_updated_at: "2026-01-05T10:00:04.000Z",
    receipts: 2,
    ...changes,
  };
}

function event(id: number, changes: Partial<ReceiptEvent>): ReceiptEvent {
  return {
    id,
    status: "Sent",
    status_code: "200",
    status_text: "Sent: Message sent to the network.",
    error_code: null,
    error_text: null,
    receipt_at: "2026-01-05T10:00:01.000Z",
    received_at: "2026-01-05T10:00:01.500Z",
    applied: true,
    ...changes,
  };
}

let messages: ViewRow[];
let events: Record<string, ReceiptEvent[]>;
let clickSendReceipts: ClickSendReceipt[];
let actions: { action: string; params: Record<string, unknown> }[];
let receiptQueries: URLSearchParams[];
let eventQueries: URLSearchParams[];

/** PostgREST's eq, in, is and not.in, on text columns, as the tab uses them. */
function matches(row: Record<string, unknown>, params: URLSearchParams): boolean {
  for (const [column, filter] of params) {
    if (["select", "order", "limit", "offset"].includes(column)) continue;
    const raw = row[column];
    const value = typeof raw === "string" || typeof raw === "number" ? String(raw) : null;
    const negated = filter.startsWith("not.");
    const [op, ...rest] = (negated ? filter.slice(4) : filter).split(".");
    const operand = rest.join(".");
    let hit: boolean;
    if (op === "eq") hit = value === operand;
    else if (op === "is") hit = operand === "null" ? value === null : false;
    else if (op === "in")
      hit = operand
        .slice(1, -1)
        .split(",")
        .includes(value ?? "\u0000");
    else throw new Error(`unexpected filter ${column}=${filter}`);
    if (hit === negated) return false;
  }
  return true;
}

const apiCallSchema = z.object({
  connection_id: z.string(),
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
});

const handlers = [
  unreadRepliesCount(),
  http.get(restUrl("/user_oauth_connections"), () => HttpResponse.json([CONNECTION])),
  http.get(restUrl("/agents"), () => HttpResponse.json([])),
  // The live poll and usage: nothing changes while these tests run.
  http.get(restUrl("/clicksend_messages"), () =>
    HttpResponse.json([], { headers: { "content-range": "*/0" } }),
  ),
  http.get(restUrl("/clicksend_message_receipts"), ({ request }) => {
    const params = new URL(request.url).searchParams;
    receiptQueries.push(params);
    const rows = messages.filter((row) => matches(row, params));
    const range = rows.length === 0 ? "*" : `0-${String(rows.length - 1)}`;
    return HttpResponse.json(rows, {
      headers: { "content-range": `${range}/${String(rows.length)}` },
    });
  }),
  http.get(restUrl("/clicksend_receipt_events"), ({ request }) => {
    const params = new URL(request.url).searchParams;
    eventQueries.push(params);
    const id = (params.get("message_row_id") ?? "").replace(/^eq\./, "");
    return HttpResponse.json(events[id] ?? []);
  }),
  http.post(functionUrl("clicksend-api"), async ({ request }) => {
    const call = apiCallSchema.parse(await request.json());
    actions.push({ action: call.action, params: call.params });
    switch (call.action) {
      case "get_balance":
        return HttpResponse.json({
          ok: true,
          result: { username: "sandbox_user", balance: 25, currency: "AUD" },
        });
      case "get_sms_history":
        return HttpResponse.json({
          ok: true,
          result: { total: 0, perPage: 25, page: 1, lastPage: 1, hasMore: false, rows: [] },
        });
      case "get_delivery_receipts": {
        const found = clickSendReceipts.find((row) => row.messageId === call.params.message_id);
        return found
          ? HttpResponse.json({
              ok: true,
              result: { receipts: [found], page: 1, last_page: 1, total: 1 },
            })
          : functionError(404, "not_found", "Receipt record not found.");
      }
      default:
        return functionError(400, "invalid_request", `unexpected action ${call.action}`);
    }
  }),
];

beforeEach(() => {
  messages = [
    storedRow({}),
    storedRow({
      id: FAILED_ID,
      message_id: "4C0F1A2B-0000-4000-8000-00000000FA12",
      recipient: "+61400001012",
      body_excerpt: "Your parcel is at the depot",
      body_length: 27,
      agent_id: null,
      agent_name: null,
      status: "Failed",
      status_code: "301",
      status_text: "Failed: Absent subscriber.",
      error_code: "12",
      error_text: "Absent subscriber: the handset was off or out of range.",
      created_at: "2026-01-05T09:00:00.000Z",
      status_updated_at: "2026-01-05T09:00:03.000Z",
    }),
  ];
  events = {
    [DELIVERED_ID]: [
      event(1, {}),
      event(2, {
        status_code: "201",
        status_text: "Success: Message received on handset.",
        receipt_at: "2026-01-05T10:00:04.000Z",
        received_at: "2026-01-05T10:00:04.200Z",
      }),
    ],
  };
  clickSendReceipts = [];
  actions = [];
  receiptQueries = [];
  eventQueries = [];
  server.use(...handlers);
});

async function openReceipts(path = "/messages?tab=receipts") {
  const view = await renderRoute(path);
  // The first render of a file loads the whole route tree.
  const list = await screen.findByRole(
    "list",
    { name: "Sent messages and their delivery receipts" },
    { timeout: 10_000 },
  );
  return { ...view, list };
}

describe("Messages page: delivery receipts", { timeout: 30_000 }, () => {
  it("shows one row per message, joined to its recipient, text and agent, from our database", async () => {
    const { list } = await openReceipts();

    const items = within(list).getAllByRole("listitem");
    expect(items).toHaveLength(2);
    const delivered = within(list).getByRole("listitem", {
      name: "+61411111111: Delivered to handset",
    });
    expect(within(delivered).getByText(DELIVERED_TEXT)).toBeInTheDocument();
    expect(within(delivered).getByText(/Reminder bot/)).toBeInTheDocument();
    expect(within(delivered).getByText("code 201")).toBeInTheDocument();
    expect(
      within(delivered).getByText(/The handset confirmed it received the message/),
    ).toBeInTheDocument();
    // Newest first, and the connection's own rows, read or unread at ClickSend alike.
    expect(items[0]).toBe(delivered);
    expect(receiptQueries[0]?.get("user_oauth_connection_id")).toBe(`eq.${CONNECTION.id}`);
    expect(receiptQueries[0]?.get("order")).toBe("created_at.desc,id.desc");
    expect(actions.filter((call) => call.action === "get_delivery_receipts")).toEqual([]);
  });

  it("explains ClickSend's status code and gateway error in words", async () => {
    const { list } = await openReceipts();

    const failed = within(list).getByRole("listitem", { name: "+61400001012: Failed" });
    expect(within(failed).getByText("code 301")).toBeInTheDocument();
    expect(
      within(failed).getByText(/It could not be delivered and ClickSend has stopped trying/),
    ).toBeInTheDocument();
    expect(
      within(failed).getByText(
        "Error 12: Absent subscriber: the handset was switched off or out of range for 12 hours or more.",
      ),
    ).toBeInTheDocument();
    expect(within(failed).getByText(/You, from this dashboard/)).toBeInTheDocument();
  });

  it("opens a message's receipt timeline on demand, every receipt in order", async () => {
    const { list, user } = await openReceipts();
    const delivered = within(list).getByRole("listitem", {
      name: "+61411111111: Delivered to handset",
    });
    expect(eventQueries).toEqual([]);

    const toggle = within(delivered).getByRole("button", { name: "Timeline (2 receipts)" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);

    const timeline = await within(delivered).findByRole("list", { name: "Receipt timeline" });
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(toggle).toHaveAccessibleName("Hide timeline");
    const steps = within(timeline).getAllByRole("listitem");
    expect(steps.map((step) => step.textContent)).toEqual([
      expect.stringContaining("Sent through ClickSend"),
      expect.stringContaining("Sent to network (code 200)"),
      expect.stringContaining("Delivered to handset (code 201)"),
    ]);
    expect(eventQueries[0]?.get("message_row_id")).toBe(`eq.${DELIVERED_ID}`);
    expect(eventQueries[0]?.get("order")).toBe("receipt_at.asc,id.asc");
  });

  it("filters by status on the server, keeping the choice in the URL", async () => {
    const { list, user, router } = await openReceipts();
    expect(within(list).getAllByRole("listitem")).toHaveLength(2);

    await user.selectOptions(screen.getByLabelText("Status"), "Failed");
    await waitFor(() => {
      expect(within(list).getAllByRole("listitem")).toHaveLength(1);
    });
    expect(
      within(list).getByRole("listitem", { name: "+61400001012: Failed" }),
    ).toBeInTheDocument();
    const query = receiptQueries.at(-1);
    expect(query?.get("status_code")).toBe("in.(301)");
    expect(query?.get("status")).toBe("not.in.(Cancelled,CancelledAfterReview)");
    expect(router.state.location.search).toContain("receipt=failed");
  });

  it("looks a message ID up at ClickSend and shows it in the same readable row", async () => {
    clickSendReceipts = [
      {
        messageId: "FOREIGN-0001",
        sentAt: 1_767_600_000,
        receivedAt: 1_767_600_010,
        statusCode: "301",
        statusText: "Failed",
        errorCode: "8",
        errorText: "Unknown subscriber",
        customString: null,
        messageType: "sms",
      },
    ];
    const { user } = await openReceipts();

    await user.type(screen.getByLabelText("ClickSend message ID"), "FOREIGN-0001");
    await user.click(screen.getByRole("button", { name: "Find receipt" }));
    const row = await screen.findByRole("listitem", { name: "Recipient unknown: Failed" });
    expect(actions.at(-1)).toEqual({
      action: "get_delivery_receipts",
      params: { message_id: "FOREIGN-0001" },
    });
    expect(within(row).getByText(/Not sent through this app/)).toBeInTheDocument();
    expect(
      within(row).getByText(
        "Error 8: Unknown subscriber: the number is inactive or does not exist.",
      ),
    ).toBeInTheDocument();
    expect(within(row).queryByRole("button", { name: /Timeline/ })).not.toBeInTheDocument();
  });
});
