import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";

import { countSmsSegments } from "@contracts/sms-segments.ts";
import { toE164 } from "@contracts/phone.ts";
import type { MessageRow } from "@/features/messages/api/get-message-history";
import type { ClickSendReceipt as ReceiptRow } from "@/features/messages/api/get-delivery-receipts";
import { functionError } from "@/testing/msw/function-responses";
import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { functionUrl, restUrl } from "@/testing/msw/urls";
import { renderRoute } from "@/testing/render-route";

// A stand-in for what the Messages page reads and calls: the user's connections, the recorded
// messages and agents (PostgREST), and clicksend-api with the answer shapes of
// supabase/functions/_shared/dashboard-api.ts. Every clicksend-api call is recorded.

/** A user_oauth_connections row, as the app selects it. */
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
const SMS_PRICE = 0.077;
const DAY = 86_400;
const NOW = Math.floor(Date.now() / 1000);

const apiCallSchema = z.object({
  connection_id: z.string(),
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
});
type ApiCall = z.infer<typeof apiCallSchema>;
type UsageRow = {
  agent_id: string | null;
  status: string;
  status_code: string | null;
  price: number | null;
  currency: string | null;
  channel: string;
  created_at: string;
};

let connections: (typeof CONNECTION)[];
let balance: number;
let smsRows: MessageRow[];
let mmsRows: MessageRow[];
let receipts: ReceiptRow[];
let usageRows: UsageRow[];
let agents: { id: string; name: string }[];
let calls: ApiCall[];
/** A clicksend_messages row as the live poll reads it. */
type StoredRow = {
  message_id: string;
  updated_at: string;
  created_at: string;
  status: string;
  status_code: string | null;
  scheduled_for: string | null;
};
/** The connection's stored messages; a test changes them as a send or a receipt would. */
let stored: StoredRow[];
/** The live poll's reads of our database (not ClickSend). */
let storedReads: number;
/** Answers one action differently (an error, say) while set. */
let overrides: Partial<Record<string, (call: ApiCall) => Response>>;

function smsRow(index: number, changes: Partial<MessageRow> = {}): MessageRow {
  return {
    messageId: `MSG-${String(index).padStart(4, "0")}`,
    direction: "out",
    date: NOW - index * 3600,
    to: "+61412345678",
    from: "+61400000000",
    body: `Message number ${String(index)}`,
    subject: null,
    status: "Sent",
    statusCode: "201",
    statusText: "Success: Message received on handset.",
    errorCode: null,
    errorText: null,
    parts: 1,
    price: SMS_PRICE,
    customString: null,
    schedule: null,
    country: "AU",
    mediaUrl: null,
    ...changes,
  };
}

function receipt(index: number, changes: Partial<ReceiptRow> = {}): ReceiptRow {
  return {
    messageId: `MSG-${String(index).padStart(4, "0")}`,
    sentAt: NOW - 60,
    receivedAt: NOW - 58,
    statusCode: "201",
    statusText: "Success: Message received on handset.",
    errorCode: null,
    errorText: null,
    customString: null,
    messageType: "sms",
    ...changes,
  };
}

const ok = (result: unknown) => HttpResponse.json({ ok: true, result });

/** ClickSend's history paging and filters, as far as the page uses them. */
function historyPage(rows: MessageRow[], params: Record<string, unknown>) {
  const page = typeof params.page === "number" ? params.page : 1;
  const limit = typeof params.limit === "number" ? params.limit : 15;
  const from = typeof params.date_from === "string" ? Date.parse(params.date_from) / 1000 : 0;
  const to = typeof params.date_to === "string" ? Date.parse(params.date_to) / 1000 : Infinity;
  const matching = rows.filter(
    (row) =>
      (params.to === undefined || row.to === params.to) &&
      (params.to !== undefined || params.status === undefined || row.status === params.status) &&
      (row.date ?? 0) >= from &&
      (row.date ?? 0) < to,
  );
  const lastPage = Math.max(1, Math.ceil(matching.length / limit));
  return {
    total: matching.length,
    perPage: limit,
    page,
    lastPage,
    hasMore: page < lastPage,
    rows: matching.slice((page - 1) * limit, page * limit),
  };
}

function clickSendApi(call: ApiCall): Response {
  const { params } = call;
  switch (call.action) {
    case "get_balance":
      return ok({ username: "sandbox_user", balance, currency: "AUD" });
    case "get_sms_history":
      return ok(historyPage(smsRows, params));
    case "get_mms_history":
      return ok(historyPage(mmsRows, params));
    case "get_delivery_receipts": {
      if (typeof params.message_id === "string") {
        const found = receipts.find((row) => row.messageId === params.message_id);
        return found
          ? ok({ receipts: [found], page: 1, last_page: 1, total: 1 })
          : functionError(404, "not_found", "Receipt record not found.");
      }
      const page = typeof params.page === "number" ? params.page : 1;
      const limit = typeof params.limit === "number" ? params.limit : 15;
      return ok({
        receipts: receipts.slice((page - 1) * limit, page * limit),
        page,
        last_page: Math.max(1, Math.ceil(receipts.length / limit)),
        total: receipts.length,
      });
    }
    case "price_sms": {
      const to = z.array(z.string()).parse(params.to);
      const parts = countSmsSegments(z.string().parse(params.body)).segments;
      return ok({
        total_price: Number((to.length * parts * SMS_PRICE).toFixed(4)),
        currency: "AUD",
        messages: to.map((number) => ({
          to: number,
          parts,
          price: parts * SMS_PRICE,
          status: "SUCCESS",
        })),
      });
    }
    case "send_sms":
    case "send_mms": {
      const to = z.array(z.string()).parse(params.to);
      const numbers = to.map((input) => toE164(input, "AU"));
      const valid = numbers.flatMap((result) => (result.ok ? [result.e164] : []));
      const parts = countSmsSegments(z.string().parse(params.body)).segments;
      return ok({
        idempotent_replay: false,
        recipients: valid.length,
        accepted: valid.length,
        rejected: 0,
        invalid_numbers: [],
        total_price: valid.length * parts * SMS_PRICE,
        currency: "AUD",
        clicksend_requests: 1,
        messages: valid.map((number, index) => ({
          to: number,
          message_id: `NEW-${String(index)}`,
          status: "SUCCESS",
          parts,
          price: parts * SMS_PRICE,
        })),
      });
    }
    case "upload_media":
      return ok({ url: "https://media.example.test/uploads/photo.jpg", expires_at: NOW + DAY });
    case "cancel_scheduled": {
      const row = smsRows.find((candidate) => candidate.messageId === params.message_id);
      if (row?.status !== "Scheduled") {
        return functionError(404, "not_found", "Scheduled message not found.");
      }
      Object.assign(row, { status: "Cancelled", statusCode: "301" });
      return ok({ cancelled: true, message_id: row.messageId });
    }
    default:
      return functionError(400, "invalid_request", `action: unknown ${call.action}`);
  }
}

const handlers = [
  unreadRepliesCount(),
  http.get(restUrl("/user_oauth_connections"), () => HttpResponse.json(connections)),
  http.get(restUrl("/clicksend_messages"), ({ request }) => {
    // The live poll's reads, told apart from usage by the columns they select.
    const search = new URL(request.url).searchParams;
    const select = search.get("select");
    if (select === "message_id,status,status_code") {
      const ids = (search.get("message_id") ?? "").replace(/^in\.\(|\)$/g, "").split(",");
      return HttpResponse.json(stored.filter((row) => ids.includes(row.message_id)));
    }
    if (select !== "updated_at,created_at,status,status_code,scheduled_for") {
      return HttpResponse.json(usageRows);
    }
    storedReads += 1;
    const newest = stored.toSorted((a, b) => b.updated_at.localeCompare(a.updated_at));
    return HttpResponse.json(newest, {
      headers: { "content-range": `0-${String(newest.length - 1)}/${String(newest.length)}` },
    });
  }),
  http.get(restUrl("/agents"), () => HttpResponse.json(agents)),
  http.post(functionUrl("clicksend-api"), async ({ request }) => {
    const call = apiCallSchema.parse(await request.json());
    calls.push(call);
    const override = overrides[call.action];
    return override ? override(call) : clickSendApi(call);
  }),
];

beforeEach(() => {
  connections = [CONNECTION];
  balance = 25;
  smsRows = Array.from({ length: 60 }, (_, index) => smsRow(index + 1));
  mmsRows = [];
  receipts = [receipt(1), receipt(2, { statusCode: "301", errorText: "Absent subscriber" })];
  usageRows = [];
  agents = [];
  calls = [];
  stored = [];
  storedReads = 0;
  overrides = {};
  server.use(...handlers);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function readBlob(blob: Blob | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!blob) {
      reject(new Error("no CSV was created"));
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      resolve(typeof reader.result === "string" ? reader.result : "");
    };
    reader.onerror = () => {
      reject(reader.error ?? new Error("could not read the CSV"));
    };
    reader.readAsText(blob);
  });
}

const callsOf = (action: string) => calls.filter((call) => call.action === action);
const lastCallOf = (action: string) => callsOf(action).at(-1);

async function openMessagesPage(path = "/messages") {
  const view = await renderRoute(path);
  expect(await screen.findByRole("heading", { level: 1, name: "Messages" })).toBeInTheDocument();
  await waitFor(() => {
    expect(screen.queryByText("Loading your ClickSend connections")).not.toBeInTheDocument();
  });
  return view;
}

/** Waits for a history table (by default SMS page 1) showing fresh rows, not the last page's. */
async function historyTable(name = /SMS history, page 1/) {
  const table = await screen.findByRole("table", { name });
  await waitFor(() => {
    expect(screen.getByRole("table", { name })).not.toHaveAttribute("aria-busy");
  });
  return table;
}

describe("Messages page: balance", () => {
  it("shows the balance with its currency, and no warning when there is enough", async () => {
    await openMessagesPage();
    const section = screen.getByRole("region", { name: "Balance" });

    expect(await within(section).findByText("25.00 AUD")).toBeInTheDocument();
    expect(within(section).getByText("ClickSend account sandbox_user")).toBeInTheDocument();
    expect(within(section).queryByText("Low balance")).not.toBeInTheDocument();
  });

  it("warns when the balance is low", async () => {
    balance = 1.5;
    await openMessagesPage();
    const section = screen.getByRole("region", { name: "Balance" });

    expect(await within(section).findByText("1.50 AUD")).toBeInTheDocument();
    const warning = within(section).getByRole("status");
    expect(warning).toHaveTextContent("Low balance");
    expect(warning).toHaveTextContent("Less than 5.00 AUD left");
  });

  it("says why the balance could not be loaded, and tries again on request", async () => {
    overrides.get_balance = () =>
      functionError(
        502,
        "upstream_unavailable",
        "ClickSend could not be reached; try again shortly.",
        {
          retryable: true,
        },
      );
    const { user } = await openMessagesPage();
    const section = screen.getByRole("region", { name: "Balance" });

    const alert = await within(section).findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the balance");
    expect(alert).toHaveTextContent("ClickSend could not be reached; try again shortly.");

    delete overrides.get_balance;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await within(section).findByText("25.00 AUD")).toBeInTheDocument();
  });
});

describe("Messages page: history", () => {
  it("pages through SMS history on the server, 25 rows at a time, with human status text", async () => {
    const { user } = await openMessagesPage();
    const table = await historyTable();

    expect(lastCallOf("get_sms_history")?.params).toEqual({ page: 1, limit: 25 });
    expect(within(table).getAllByRole("row")).toHaveLength(26);
    expect(within(table).getAllByText("Delivered to handset")).toHaveLength(25);
    expect(screen.getByText("Showing 1–25 of 60 messages")).toBeInTheDocument();

    const pages = screen.getByRole("navigation", { name: "SMS history pages" });
    expect(within(pages).getByText("Page 1 of 3")).toBeInTheDocument();
    await user.click(within(pages).getByRole("button", { name: "Next page" }));

    expect(await historyTable(/SMS history, page 2/)).toBeInTheDocument();
    expect(lastCallOf("get_sms_history")?.params).toEqual({ page: 2, limit: 25 });
    expect(screen.getByText("Message number 26")).toBeInTheDocument();
  });

  it("filters by status, date range and number on the server, from page 1", async () => {
    smsRows[0] = smsRow(1, {
      status: "Failed",
      statusCode: "301",
      errorText: "Handset memory full",
    });
    smsRows[1] = smsRow(2, { to: "+61499999999", status: "Scheduled", statusCode: "200" });
    const { user } = await openMessagesPage("/messages?page=2");
    await historyTable(/SMS history, page 2/);

    const filters = screen.getByRole("form", { name: "Filter SMS history" });
    await user.selectOptions(within(filters).getByLabelText("Status"), "Failed");
    await user.click(within(filters).getByRole("button", { name: "Apply filters" }));

    const table = await historyTable();
    expect(lastCallOf("get_sms_history")?.params).toEqual({ page: 1, limit: 25, status: "Failed" });
    expect(within(table).getAllByRole("row")).toHaveLength(2);
    expect(within(table).getByText("Failed")).toBeInTheDocument();
    expect(within(table).getByText("Handset memory full")).toBeInTheDocument();

    await user.selectOptions(within(filters).getByLabelText("Status"), "");
    await user.type(within(filters).getByLabelText("From date"), "2025-09-01");
    await user.type(within(filters).getByLabelText("To date"), "2025-09-03");
    await user.type(within(filters).getByLabelText("Phone number"), "0499 999 999");
    await user.click(within(filters).getByRole("button", { name: "Apply filters" }));

    await waitFor(() => {
      expect(lastCallOf("get_sms_history")?.params).toEqual({
        page: 1,
        limit: 25,
        // Whole local days: from the start of the 1st to the start of the 4th.
        date_from: new Date(2025, 8, 1).toISOString(),
        date_to: new Date(2025, 8, 4).toISOString(),
        to: "+61499999999",
      });
    });
    expect(
      await screen.findByRole("heading", { name: "No SMS messages match these filters" }),
    ).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    await historyTable();
    expect(lastCallOf("get_sms_history")?.params).toEqual({ page: 1, limit: 25 });
  });

  it("cancels a scheduled SMS after asking, and only scheduled ones offer it", async () => {
    const due = NOW + DAY;
    smsRows = [
      smsRow(1, { status: "Scheduled", statusCode: null, schedule: due, to: "+61499999999" }),
      smsRow(2),
    ];
    const { user } = await openMessagesPage();
    const table = await historyTable();

    const cancelButtons = within(table).getAllByRole("button", { name: /^Cancel the SMS to/ });
    expect(cancelButtons).toHaveLength(1);
    await user.click(cancelButtons[0] as HTMLElement);
    const dialog = screen.getByRole("dialog", { name: "Cancel this scheduled SMS?" });
    expect(dialog).toHaveAccessibleDescription(
      /The SMS to \+61499999999, due .*, will not be sent\./,
    );
    await user.click(within(dialog).getByRole("button", { name: "Cancel SMS" }));

    const toasts = screen.getByRole("status", { name: "Notifications" });
    expect(await within(toasts).findByText("Scheduled SMS cancelled")).toBeInTheDocument();
    expect(lastCallOf("cancel_scheduled")?.params).toEqual({ message_id: "MSG-0001" });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    // The refreshed history shows it cancelled, with nothing left to cancel.
    expect(within(table).getByText("Cancelled")).toBeInTheDocument();
    expect(
      within(table).queryByRole("button", { name: /^Cancel the SMS to/ }),
    ).not.toBeInTheDocument();
  });

  it("refuses a malformed number or an inverted date range without asking the server", async () => {
    const { user } = await openMessagesPage();
    await historyTable();
    const before = callsOf("get_sms_history").length;

    const filters = screen.getByRole("form", { name: "Filter SMS history" });
    await user.type(within(filters).getByLabelText("Phone number"), "123");
    await user.type(within(filters).getByLabelText("From date"), "2025-09-05");
    await user.type(within(filters).getByLabelText("To date"), "2025-09-01");
    await user.click(within(filters).getByRole("button", { name: "Apply filters" }));

    expect(within(filters).getByLabelText("Phone number")).toHaveAccessibleDescription(
      "123 is not a valid phone number in AU.",
    );
    expect(within(filters).getByLabelText("To date")).toHaveAccessibleDescription(
      "The end date must be on or after the start date.",
    );
    expect(callsOf("get_sms_history")).toHaveLength(before);
  });

  it("shows MMS history in its own tab", async () => {
    mmsRows = [
      smsRow(7, {
        subject: "Sale",
        body: "Half price today",
        mediaUrl: "https://media.example.test/sale.jpg",
        status: "Queued:WaitSend",
        statusCode: null,
      }),
    ];
    const { user } = await openMessagesPage();
    await historyTable();

    await user.click(screen.getByRole("tab", { name: "MMS" }));
    const table = await historyTable(/MMS history, page 1/);
    expect(lastCallOf("get_mms_history")?.params).toEqual({ page: 1, limit: 25 });
    expect(within(table).getByText("Sale")).toBeInTheDocument();
    expect(within(table).getByText("Queued, waiting to send")).toBeInTheDocument();
    expect(
      within(table).getByRole("link", { name: /View image sent to \+61412345678/ }),
    ).toHaveAttribute("href", "https://media.example.test/sale.jpg");
  });

  it("says what to do when there are no messages or receipts yet", async () => {
    smsRows = [];
    receipts = [];
    const { user } = await openMessagesPage();

    const empty = await screen.findByRole("region", { name: "No SMS messages yet" });
    await user.click(within(empty).getByRole("link", { name: "composer above" }));
    expect(screen.getByLabelText("To")).toHaveFocus();

    // The Receipts tab lists the messages stored in our database (none here).
    server.use(
      http.get(restUrl("/clicksend_message_receipts"), () =>
        HttpResponse.json([], { headers: { "content-range": "*/0" } }),
      ),
    );
    await user.click(screen.getByRole("tab", { name: "Delivery receipts" }));
    expect(
      await screen.findByRole("heading", { name: "No messages sent through this app yet" }),
    ).toBeInTheDocument();
  });

  it("shows a history error the user can retry", async () => {
    overrides.get_sms_history = () =>
      functionError(429, "rate_limited", "ClickSend is rate limiting this account.", {
        retryable: true,
        headers: { "retry-after": "30" },
      });
    const { user } = await openMessagesPage();

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load the SMS history");
    expect(alert).toHaveTextContent(
      "ClickSend is rate limiting this account. Try again in 30 seconds.",
    );

    delete overrides.get_sms_history;
    await user.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(await historyTable()).toBeInTheDocument();
  });

  it("exports the rows on screen as CSV, quoting commas, quotes and line breaks", async () => {
    smsRows = [
      smsRow(1, { body: 'Hi, it\'s "Sam"\nsee you' }),
      smsRow(2, { body: "=HYPERLINK(1)", status: "Failed", statusCode: "301", price: null }),
    ];
    const blobs: Blob[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return "blob:csv";
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const click = vi
      .spyOn(HTMLAnchorElement.prototype, "click")
      .mockImplementation(() => undefined);
    const { user } = await openMessagesPage();
    await historyTable();

    await user.click(screen.getByRole("button", { name: "Export CSV" }));

    expect(click).toHaveBeenCalledOnce();
    const link = click.mock.contexts[0];
    expect(link).toBeInstanceOf(HTMLAnchorElement);
    expect((link as HTMLAnchorElement).download).toMatch(
      /^sms-history-page-1-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const blob = blobs[0];
    expect(blob?.type).toBe("text/csv;charset=utf-8");
    const text = await readBlob(blob);
    const lines = text.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe(
      "Date (UTC),Message ID,Direction,To,From,Message,Status,ClickSend status,Status code,Status text,Error code,Error text,Scheduled for (UTC),Parts,Price,Country,Custom string",
    );
    expect(text).toContain(
      `MSG-0001,out,+61412345678,+61400000000,"Hi, it's ""Sam""\nsee you",Delivered to handset,Sent,201,Success: Message received on handset.,,,,1,0.077,AU,\r\n`,
    );
    expect(text).toContain(
      `MSG-0002,out,+61412345678,+61400000000,'=HYPERLINK(1),Failed,Failed,301,`,
    );
    expect(lines).toHaveLength(4);
    expect(await screen.findByText("CSV exported")).toBeInTheDocument();
  });
});

describe("Messages page: composer", () => {
  it("counts characters and segments live, switching GSM-7 to UCS-2 for an emoji", async () => {
    const { user } = await openMessagesPage();
    const message = await screen.findByLabelText("Message");

    await user.type(message, "Hello there");
    expect(message).toHaveAccessibleDescription(/GSM-7.*11 characters.*1 segment.*149 left/);

    await user.type(message, " 😀");
    expect(message).toHaveAccessibleDescription(/UCS-2.*14 characters.*1 segment.*56 left/);
    expect(screen.getByText(/Unicode \(UCS-2\) because of 😀/)).toBeInTheDocument();

    await user.clear(message);
    await user.type(message, "x".repeat(161));
    expect(message).toHaveAccessibleDescription(/GSM-7.*161 characters.*2 segments.*145 left/);
  });

  it("previews the price, sends with an idempotency key and says so", async () => {
    const { user } = await openMessagesPage();
    await historyTable();
    const historyLoads = callsOf("get_sms_history").length;
    const balanceLoads = callsOf("get_balance").length;

    await user.type(screen.getByLabelText("To"), "0412 345 678");
    expect(screen.getByText("Sends to +61412345678")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Message"), "Your order is ready");

    expect(await screen.findByText("0.077 AUD", {}, { timeout: 3000 })).toBeInTheDocument();
    expect(lastCallOf("price_sms")?.params).toEqual({
      to: ["+61412345678"],
      body: "Your order is ready",
      default_country: "AU",
    });
    // Debounced: one price request for the whole typed text, not one per key.
    expect(callsOf("price_sms")).toHaveLength(1);

    await user.click(screen.getByRole("button", { name: "Send SMS" }));

    const toasts = screen.getByRole("status", { name: "Notifications" });
    expect(await within(toasts).findByText("SMS sent")).toBeInTheDocument();
    const send = lastCallOf("send_sms");
    expect(send?.params).toEqual({
      to: ["+61412345678"],
      body: "Your order is ready",
      default_country: "AU",
      idempotency_key: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
    expect(screen.getByText("Sent to 1 of 1 recipient")).toBeInTheDocument();
    // The form is ready for the next message, and history and balance are fresh.
    expect(screen.getByLabelText("Message")).toHaveValue("");
    await waitFor(() => {
      expect(callsOf("get_sms_history").length).toBeGreaterThan(historyLoads);
    });
    expect(callsOf("get_balance").length).toBeGreaterThan(balanceLoads);
  });

  it("keeps the idempotency key when the same message is retried, and changes it for a new one", async () => {
    let failNext = true;
    overrides.send_sms = (call) => {
      if (failNext) {
        failNext = false;
        return functionError(504, "upstream_timeout", "ClickSend did not answer in time.");
      }
      return clickSendApi(call);
    };
    const { user } = await openMessagesPage();

    await user.type(await screen.findByLabelText("To"), "+61412345678");
    await user.type(screen.getByLabelText("Message"), "Reminder");
    await user.click(screen.getByRole("button", { name: "Send SMS" }));

    // A timeout may have sent it: no blind "Try again", but "Check again" with the same key.
    expect(await screen.findByText("Not known whether it was sent")).toBeInTheDocument();
    expect(screen.getByText(/ClickSend did not answer in time\./)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Check again" }));

    expect(await screen.findByText("Sent to 1 of 1 recipient")).toBeInTheDocument();
    const [first, retry] = callsOf("send_sms");
    expect(retry?.params.idempotency_key).toBe(first?.params.idempotency_key);

    await user.type(screen.getByLabelText("To"), "+61412345678");
    await user.type(screen.getByLabelText("Message"), "Another one");
    await user.click(screen.getByRole("button", { name: "Send SMS" }));
    await waitFor(() => {
      expect(callsOf("send_sms")).toHaveLength(3);
    });
    expect(callsOf("send_sms")[2]?.params.idempotency_key).not.toBe(first?.params.idempotency_key);
  });

  it("says a replayed send was never confirmed, and keeps the draft", async () => {
    overrides.send_sms = () =>
      ok({
        idempotent_replay: true,
        recipients: 1,
        accepted: 0,
        rejected: 1,
        invalid_numbers: [],
        total_price: 0,
        currency: null,
        clicksend_requests: 0,
        messages: [
          { to: "+61412345678", message_id: null, status: "UNKNOWN", parts: null, price: null },
        ],
      });
    const { user } = await openMessagesPage();

    await user.type(await screen.findByLabelText("To"), "+61412345678");
    await user.type(screen.getByLabelText("Message"), "Did it go?");
    await user.click(screen.getByRole("button", { name: "Send SMS" }));

    const toasts = screen.getByRole("status", { name: "Notifications" });
    expect(await within(toasts).findByText("SMS not sent again")).toBeInTheDocument();
    expect(
      screen.getByText("Not sent again: ClickSend has not confirmed the first attempt"),
    ).toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Recipients" })).toHaveTextContent(
      "+61412345678: Not confirmed. ClickSend never answered for it",
    );
    expect(screen.queryByText(/ClickSend refused it/)).not.toBeInTheDocument();
    expect(screen.getByLabelText("Message")).toHaveValue("Did it go?");
  });

  it("keeps the message when ClickSend refuses every recipient, and a resend is a new message", async () => {
    overrides.send_sms = () =>
      ok({
        idempotent_replay: false,
        recipients: 1,
        accepted: 0,
        rejected: 1,
        invalid_numbers: [],
        total_price: 0,
        currency: "AUD",
        clicksend_requests: 1,
        messages: [
          {
            to: "+61412345678",
            message_id: null,
            status: "INSUFFICIENT_CREDIT",
            parts: 1,
            price: 0,
          },
        ],
      });
    const { user } = await openMessagesPage();

    await user.type(await screen.findByLabelText("To"), "+61412345678");
    await user.type(screen.getByLabelText("Message"), "Top up first");
    await user.click(screen.getByRole("button", { name: "Send SMS" }));

    const toasts = screen.getByRole("status", { name: "Notifications" });
    expect(await within(toasts).findByText("SMS not sent")).toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Recipients" })).toHaveTextContent(
      "+61412345678: Refused: not enough credit. The ClickSend balance does not cover it; top up the account, then send again.",
    );
    expect(screen.getByLabelText("Message")).toHaveValue("Top up first");

    // ClickSend answered, so sending again is a new attempt, not a replay of the refusal.
    delete overrides.send_sms;
    await user.click(screen.getByRole("button", { name: "Send SMS" }));
    expect(await within(toasts).findByText("SMS sent")).toBeInTheDocument();
    const [first, second] = callsOf("send_sms");
    expect(second?.params.idempotency_key).not.toBe(first?.params.idempotency_key);
  });

  it("refuses an invalid number before sending", async () => {
    const { user } = await openMessagesPage();

    await user.type(await screen.findByLabelText("To"), "+61412345678, 12345");
    await user.type(screen.getByLabelText("Message"), "Hi");
    await user.click(screen.getByRole("button", { name: "Send SMS" }));

    expect(screen.getByLabelText("To")).toHaveAccessibleDescription(
      expect.stringContaining("12345 is not a valid phone number in AU.") as string,
    );
    expect(screen.getByLabelText("To")).toBeInvalid();
    expect(callsOf("send_sms")).toHaveLength(0);
  });

  it("schedules a message for later", async () => {
    const { user } = await openMessagesPage();

    await user.type(await screen.findByLabelText("To"), "+61412345678");
    await user.type(screen.getByLabelText("Message"), "Later");
    await user.click(screen.getByLabelText("Send later"));
    await user.click(screen.getByRole("button", { name: "Schedule SMS" }));
    expect(screen.getByLabelText("Send at")).toHaveAccessibleDescription(
      /Choose the date and time to send\./,
    );

    const tomorrow = new Date(Date.now() + DAY * 1000);
    const local = `${tomorrow.getFullYear().toString()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}T09:30`;
    await user.type(screen.getByLabelText("Send at"), local);
    await user.click(screen.getByRole("button", { name: "Schedule SMS" }));

    const toasts = screen.getByRole("status", { name: "Notifications" });
    expect(await within(toasts).findByText("SMS scheduled")).toBeInTheDocument();
    expect(lastCallOf("send_sms")?.params.schedule).toBe(new Date(local).toISOString());
  });

  it("refuses an MMS image that is too large before uploading anything", async () => {
    const { user } = await openMessagesPage();

    await user.click(await screen.findByRole("radio", { name: "MMS (picture)" }));
    const big = new File([new Uint8Array(300 * 1024)], "big.jpg", { type: "image/jpeg" });
    await user.upload(screen.getByLabelText("Image"), big);

    expect(screen.getByLabelText("Image")).toHaveAccessibleDescription(
      expect.stringContaining("MMS images can be at most 250 kB; this one is 300 kB.") as string,
    );
    await user.type(screen.getByLabelText("To"), "+61412345678");
    await user.type(screen.getByLabelText("Subject"), "Photo");
    await user.type(screen.getByLabelText("Message"), "Look");
    await user.click(screen.getByRole("button", { name: "Send MMS" }));

    // Still refused: nothing is uploaded or sent.
    expect(screen.getByLabelText("Image")).toHaveAccessibleDescription(
      expect.stringContaining("MMS images can be at most 250 kB") as string,
    );
    expect(screen.getByLabelText("Image")).toHaveValue("");
    expect(callsOf("upload_media")).toHaveLength(0);
    expect(callsOf("send_mms")).toHaveLength(0);
  });

  it("uploads an MMS image, then sends the MMS with the uploaded URL", async () => {
    const { user } = await openMessagesPage();

    await user.click(await screen.findByRole("radio", { name: "MMS (picture)" }));
    const photo = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], "photo.jpg", {
      type: "image/jpeg",
    });
    await user.type(screen.getByLabelText("To"), "+61412345678");
    await user.type(screen.getByLabelText("Subject"), "Photo");
    await user.type(screen.getByLabelText("Message"), "Look at this");
    expect(screen.getByText("12 of 1500 characters")).toBeInTheDocument();
    await user.upload(screen.getByLabelText("Image"), photo);
    await user.click(screen.getByRole("button", { name: "Send MMS" }));

    const toasts = screen.getByRole("status", { name: "Notifications" });
    expect(await within(toasts).findByText("MMS sent")).toBeInTheDocument();
    expect(lastCallOf("upload_media")?.params).toEqual({
      content_type: "image/jpeg",
      content_base64: "/9j/4A==",
    });
    expect(lastCallOf("send_mms")?.params).toMatchObject({
      to: ["+61412345678"],
      subject: "Photo",
      body: "Look at this",
      media_url: "https://media.example.test/uploads/photo.jpg",
    });
  });
});

describe("Messages page: usage by agent", () => {
  it("shows messages, success rate and cost per agent, as a table and a chart", async () => {
    agents = [
      { id: "a1", name: "Support bot" },
      { id: "a2", name: "Reminder bot" },
    ];
    const row = (
      agent: string | null,
      status: string,
      code: string | null,
      price: number | null,
    ) => ({
      user_oauth_connection_id: CONNECTION.id,
      agent_id: agent,
      status,
      status_code: code,
      price,
      currency: "AUD",
      channel: "sms",
      created_at: new Date().toISOString(),
    });
    usageRows = [
      row("a1", "Sent", "201", 0.077),
      row("a1", "Sent", "201", 0.077),
      row("a1", "SUCCESS", null, 0.077),
      row("a1", "Failed", "301", 0.077),
      row("a2", "INSUFFICIENT_CREDIT", null, null),
      row("a2", "pending", null, null),
      row(null, "SUCCESS", "201", 0.154),
    ];
    await openMessagesPage();

    const section = screen.getByRole("region", { name: "Usage by agent" });
    const table = await within(section).findByRole("table", { name: /Usage per agent/ });
    const cells = (name: string) =>
      within(within(table).getByRole("row", { name: new RegExp(name) }))
        .getAllByRole("cell")
        .map((cell) => cell.textContent);
    // Messages, delivered, failed, pending, cancelled, success rate (delivered / final), cost.
    expect(cells("Support bot")).toEqual([
      "Support bot",
      "4",
      "2",
      "1",
      "1",
      "0",
      "67%",
      "0.308 AUD",
    ]);
    expect(cells("Reminder bot")).toEqual(["Reminder bot", "2", "0", "1", "1", "0", "0%", "0.00"]);
    expect(cells("Sent from this dashboard")).toEqual([
      "Sent from this dashboard",
      "1",
      "1",
      "0",
      "0",
      "0",
      "100%",
      "0.154 AUD",
    ]);

    const chart = within(section).getByRole("figure", { name: "Messages per agent, by outcome" });
    expect(within(chart).getByText("4 messages · 67% success")).toBeInTheDocument();
    expect(within(chart).getByText("2 messages · 0% success")).toBeInTheDocument();
  });

  it("says how usage appears when nothing was sent in the period", async () => {
    await openMessagesPage();
    const section = screen.getByRole("region", { name: "Usage by agent" });
    expect(
      await within(section).findByRole("heading", { name: "No messages in the last 30 days" }),
    ).toBeInTheDocument();
  });
});

describe("Messages page: connections", () => {
  it("links to Integrations when no ClickSend account is connected", async () => {
    connections = [];
    await openMessagesPage();

    const empty = await screen.findByRole("region", {
      name: "Connect ClickSend to see your messages",
    });
    expect(
      within(empty).getByRole("link", { name: "Connect ClickSend on Integrations" }),
    ).toHaveAttribute("href", "/integrations");
    // Nothing to ask ClickSend about.
    expect(calls).toHaveLength(0);
    expect(screen.queryByRole("region", { name: "Balance" })).not.toBeInTheDocument();
  });

  it("offers only connections that work: a disconnected one is not shown", async () => {
    connections = [
      { ...CONNECTION, id: "c0000000-0000-4000-8000-000000000003", connection_status: "revoked" },
      CONNECTION,
    ];
    await openMessagesPage();
    await historyTable();

    expect(screen.queryByLabelText("ClickSend connection")).not.toBeInTheDocument();
    expect(calls.every((call) => call.connection_id === CONNECTION.id)).toBe(true);
  });

  it("switches between several connections", async () => {
    const second = {
      ...CONNECTION,
      id: "c0000000-0000-4000-8000-000000000002",
      connection_name: "Marketing",
      external_username: "marketing_user",
    };
    connections = [CONNECTION, second];
    const { user } = await openMessagesPage();
    await historyTable();

    await user.selectOptions(
      screen.getByLabelText("ClickSend connection"),
      "Marketing (marketing_user)",
    );
    await waitFor(() => {
      expect(lastCallOf("get_balance")?.connection_id).toBe(second.id);
    });
    await historyTable();
    expect(lastCallOf("get_sms_history")?.connection_id).toBe(second.id);
  });
});

describe("Messages page: live statuses", { timeout: 60_000 }, () => {
  // Fake clocks that still move with real time, so the page's own waits (MSW, React) proceed.
  beforeEach(() => {
    vi.useFakeTimers({
      shouldAdvanceTime: true,
      toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"],
    });
  });
  afterEach(() => {
    setTabHidden(false);
    vi.useRealTimers();
  });

  /** The row of the message with this text (by text: naming every row by role is slow). */
  function rowOf(table: HTMLElement, body: string): HTMLElement {
    const row = within(table).getByText(body).closest<HTMLElement>('[role="row"]');
    if (!row) throw new Error(`no row for ${body}`);
    return row;
  }

  /** ClickSend actions asked for since `from` (an index into `calls`). */
  const actionsSince = (from: number) => calls.slice(from).map((call) => call.action);

  function setTabHidden(hidden: boolean) {
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => (hidden ? "hidden" : "visible"),
    });
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  }

  /** A message stored `secondsAgo` by a send, still waiting for its receipt. */
  function storedSend(index: number, secondsAgo = 0): StoredRow {
    const at = new Date(Date.now() - secondsAgo * 1000).toISOString();
    return {
      message_id: `MSG-${String(index).padStart(4, "0")}`,
      updated_at: at,
      created_at: at,
      status: "SUCCESS",
      status_code: null,
      scheduled_for: null,
    };
  }

  /** A receipt stored by the webhook: our database changes, and so will ClickSend's history. */
  function storeReceipt(index: number, statusCode: string) {
    const row = smsRows[index - 1];
    if (!row) throw new Error(`no SMS row ${String(index)}`);
    Object.assign(row, { statusCode, statusText: null });
    stored = stored.map((message) =>
      message.message_id === row.messageId
        ? { ...message, status_code: statusCode, updated_at: new Date().toISOString() }
        : message,
    );
  }

  /** One message sent a minute ago that still waits for its receipt. */
  function awaitingOne(index: number) {
    smsRows[index - 1] = smsRow(index, { status: "Sent", statusCode: null, statusText: null });
    stored = [storedSend(index, 60)];
  }

  it("an idle open dashboard asks ClickSend nothing in a minute, even as the user comes and goes", async () => {
    awaitingOne(1);
    await openMessagesPage();
    await historyTable();
    await screen.findByText("25.00 AUD");
    const settled = calls.length;
    const readsBefore = storedReads;

    // Away and back every 10 s: each return is a window focus, which once refetched stale data.
    for (let second = 0; second < 60; second += 10) {
      setTabHidden(true);
      await vi.advanceTimersByTimeAsync(5_000);
      setTabHidden(false);
      await vi.advanceTimersByTimeAsync(5_000);
    }

    expect(actionsSince(settled)).toEqual([]);
    // It kept reading our own database instead.
    expect(storedReads).toBeGreaterThan(readsBefore);
    expect(screen.getByText(/^Live · updated 1 min ago$/)).toBeInTheDocument();
  });

  it("shows a stored receipt at once and refreshes from ClickSend within 30 s, keeping the filters, the page and the focus", async () => {
    awaitingOne(30);
    const { router } = await openMessagesPage("/messages?status=Sent&page=2");
    const table = await historyTable(/SMS history, page 2/);
    expect(
      within(rowOf(table, "Message number 30")).getByText("Sent to network"),
    ).toBeInTheDocument();
    const settled = calls.length;
    const next = screen.getByRole("button", { name: "Next page" });
    next.focus();

    await vi.advanceTimersByTimeAsync(7_000);
    storeReceipt(30, "201");
    // The next read of our database (every 5 s while something waits) shows it at once…
    await vi.advanceTimersByTimeAsync(5_000);
    await waitFor(() => {
      expect(
        within(rowOf(table, "Message number 30")).getByText("Delivered to handset"),
      ).toBeInTheDocument();
    });
    expect(
      screen.getByText(/^New statuses arrived · refreshing from ClickSend in \d+ s$/),
    ).toBeInTheDocument();
    // …but ClickSend is asked again only 30 s after the first load.
    expect(actionsSince(settled)).toEqual([]);

    await vi.advanceTimersByTimeAsync(20_000);
    await waitFor(() => {
      expect(actionsSince(settled).sort()).toEqual(["get_balance", "get_sms_history"]);
    });
    expect(
      within(rowOf(table, "Message number 30")).getByText("Delivered to handset"),
    ).toBeInTheDocument();
    expect(lastCallOf("get_sms_history")?.params).toEqual({ page: 2, limit: 25, status: "Sent" });
    // The same view, in place: URL, filter, table and focus.
    expect(router.state.location.search).toBe("?status=Sent&page=2");
    expect(
      within(screen.getByRole("form", { name: "Filter SMS history" })).getByLabelText("Status"),
    ).toHaveValue("Sent");
    expect(screen.getByRole("table", { name: /SMS history, page 2/ })).toBe(table);
    expect(next).toHaveFocus();
    expect(screen.getByText(/^Live · updated just now$/)).toBeInTheDocument();
  });

  it("asks ClickSend nothing while the tab is hidden, and catches up when it is shown", async () => {
    awaitingOne(1);
    await openMessagesPage();
    const table = await historyTable();
    await screen.findByText("25.00 AUD");
    const settled = calls.length;

    setTabHidden(true);
    const readsWhileShown = storedReads;
    storeReceipt(1, "301");
    await vi.advanceTimersByTimeAsync(60_000);
    expect(actionsSince(settled)).toEqual([]);
    // Not even our database is read for a tab nobody sees.
    expect(storedReads).toBe(readsWhileShown);

    setTabHidden(false);
    await vi.advanceTimersByTimeAsync(1_000);
    await waitFor(() => {
      expect(within(rowOf(table, "Message number 1")).getByText("Failed")).toBeInTheDocument();
    });
    expect(actionsSince(settled).sort()).toEqual(["get_balance", "get_sms_history"]);
  });

  it("asks ClickSend at most every 30 s however often the database changes", async () => {
    awaitingOne(1);
    const times: number[] = [];
    overrides.get_sms_history = (call) => {
      times.push(Date.now());
      return clickSendApi(call);
    };
    await openMessagesPage();
    await historyTable();
    times.length = 0;

    // A send or receipt stored every 5 s for two minutes.
    for (let second = 0; second < 120; second += 5) {
      stored = [...stored, storedSend(1000 + second)];
      await vi.advanceTimersByTimeAsync(5_000);
    }

    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times.length).toBeLessThanOrEqual(4);
    for (const [index, time] of times.entries()) {
      if (index > 0) expect(time - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(30_000);
    }
    expect(callsOf("get_balance").length).toBeLessThanOrEqual(times.length + 1);
  });
});
