import { screen, waitFor, within } from "@testing-library/react";
import { http, HttpResponse } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";

import { functionError } from "@/testing/msw/function-responses";
import { optOutBackend, optOutStore, seedConsent, type OptOutStore } from "@/testing/msw/opt-outs";
import { server } from "@/testing/msw/server";
import { unreadRepliesCount } from "@/testing/msw/unread-replies";
import { functionUrl, restUrl } from "@/testing/msw/urls";
import { renderRoute } from "@/testing/render-route";

// A stand-in for what Conversations reads and calls: the user's connections, the
// clicksend_conversations view, the replies and sent messages of a thread, the agents' names
// (PostgREST under RLS), the mark-read RPC, and clicksend-api's poll_replies and send_sms.

const CONNECTION = {
  id: "c0000000-0000-4000-8000-000000000001",
  connection_name: "ClickSend (sandbox_user)",
  external_username: "sandbox_user",
  connection_status: "active",
  credential_hint: "89AB",
  connection_metadata: {
    account_country: "AU",
    default_sender_id: null,
    inbound_rule_id: 11,
    inbound_poll_rule_id: 12,
  } as Record<string, unknown>,
  created_at: "2025-01-01T00:00:00.000Z",
  updated_at: "2025-01-01T00:00:00.000Z",
};

const SUPPORT = { id: "a0000000-0000-4000-8000-00000000000a", name: "Support bot" };
const REMINDERS = { id: "a0000000-0000-4000-8000-00000000000b", name: "Reminder bot" };
const ALICE = "+61412345678";
const BOB = "+61498765432";

type Reply = {
  id: string;
  user_oauth_connection_id: string;
  from_number: string;
  body: string;
  received_at: string;
  read_at: string | null;
  agent_id: string | null;
  consent: "opt_out" | "opt_in" | null;
};
type Sent = {
  id: string;
  user_oauth_connection_id: string;
  recipient: string;
  channel: string;
  body: string | null;
  status: string;
  status_code: string | null;
  agent_id: string | null;
  created_at: string;
};

const apiCallSchema = z.object({
  connection_id: z.string(),
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
});
type ApiCall = z.infer<typeof apiCallSchema>;

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

let connections: (typeof CONNECTION)[];
let replies: Reply[];
let sent: Sent[];
let calls: ApiCall[];
let markReadCalls: unknown[];
let optOuts: OptOutStore;
/** Answers one clicksend-api action differently while set. */
let overrides: Partial<Record<string, (call: ApiCall) => Response>>;

function reply(from: string, body: string, at: string, changes: Partial<Reply> = {}): Reply {
  return {
    id: crypto.randomUUID(),
    user_oauth_connection_id: CONNECTION.id,
    from_number: from,
    body,
    received_at: at,
    read_at: null,
    agent_id: null,
    consent: null,
    ...changes,
  };
}

function sentTo(recipient: string, body: string, at: string, changes: Partial<Sent> = {}): Sent {
  return {
    id: crypto.randomUUID(),
    user_oauth_connection_id: CONNECTION.id,
    recipient,
    channel: "sms",
    body,
    status: "SUCCESS",
    status_code: "201",
    agent_id: null,
    created_at: at,
    ...changes,
  };
}

/** PostgREST's `column=eq.value` filters, the only ones these reads use. */
function filtered<T extends object>(rows: T[], url: URL): T[] {
  return rows.filter((row) =>
    [...url.searchParams].every(([column, filter]) => {
      if (!filter.startsWith("eq.")) return true;
      return String((row as Record<string, unknown>)[column]) === filter.slice(3);
    }),
  );
}

/** The clicksend_conversations view over the fake tables. */
function conversationRows() {
  const contacts = [...new Set(replies.map((row) => row.from_number))];
  return contacts.map((contact) => {
    const theirs = replies
      .filter((row) => row.from_number === contact)
      .sort((a, b) => b.received_at.localeCompare(a.received_at));
    const ours = sent.filter((row) => row.recipient === contact);
    const latest = [...theirs.map((row) => row.received_at), ...ours.map((row) => row.created_at)]
      .sort()
      .at(-1);
    return {
      user_oauth_connection_id: CONNECTION.id,
      contact,
      last_reply_at: theirs[0]?.received_at,
      last_activity_at: latest,
      last_reply: theirs[0]?.body,
      unread: theirs.filter((row) => row.read_at === null).length,
      replies: theirs.length,
      agent_ids: [...new Set(ours.flatMap((row) => (row.agent_id ? [row.agent_id] : [])))],
    };
  });
}

const ok = (result: unknown) => HttpResponse.json({ ok: true, result });

function clickSendApi(call: ApiCall): Response {
  if (call.action === "poll_replies") return ok({ stored: 0, clicksend_requests: 1 });
  if (call.action === "send_sms") {
    const to = z.array(z.string()).parse(call.params.to);
    for (const recipient of to) {
      sent.push(sentTo(recipient, z.string().parse(call.params.body), new Date().toISOString()));
    }
    return ok({
      idempotent_replay: false,
      recipients: to.length,
      accepted: to.length,
      rejected: 0,
      invalid_numbers: [],
      total_price: 0.077,
      currency: "AUD",
      clicksend_requests: 1,
      messages: to.map((number) => ({
        to: number,
        message_id: "NEW-1",
        status: "SUCCESS",
        parts: 1,
        price: 0.077,
      })),
    });
  }
  return functionError(400, "invalid_request", `action: unexpected ${call.action}`);
}

const handlers = [
  unreadRepliesCount(),
  http.get(restUrl("/user_oauth_connections"), () => HttpResponse.json(connections)),
  http.get(restUrl("/agents"), () => HttpResponse.json([SUPPORT, REMINDERS])),
  http.get(restUrl("/clicksend_conversations"), ({ request }) =>
    HttpResponse.json(filtered(conversationRows(), new URL(request.url))),
  ),
  http.get(restUrl("/clicksend_inbound_messages"), ({ request }) =>
    HttpResponse.json(
      filtered(replies, new URL(request.url)).sort((a, b) =>
        b.received_at.localeCompare(a.received_at),
      ),
    ),
  ),
  http.get(restUrl("/clicksend_messages"), ({ request }) =>
    HttpResponse.json(
      filtered(sent, new URL(request.url)).sort((a, b) => b.created_at.localeCompare(a.created_at)),
    ),
  ),
  http.post(restUrl("/rpc/clicksend_mark_thread_read"), async ({ request }) => {
    const body = z
      .object({ p_connection_id: z.string(), p_contact: z.string() })
      .parse(await request.json());
    markReadCalls.push(body);
    const unread = replies.filter(
      (row) =>
        row.user_oauth_connection_id === body.p_connection_id &&
        row.from_number === body.p_contact &&
        row.read_at === null,
    );
    for (const row of unread) row.read_at = new Date().toISOString();
    return HttpResponse.json(unread.length);
  }),
  http.post(functionUrl("clicksend-api"), async ({ request }) => {
    const call = apiCallSchema.parse(await request.json());
    calls.push(call);
    const override = overrides[call.action];
    return override ? override(call) : clickSendApi(call);
  }),
];

beforeEach(() => {
  connections = [CONNECTION];
  replies = [];
  sent = [];
  calls = [];
  markReadCalls = [];
  overrides = {};
  optOuts = optOutStore({ [CONNECTION.id]: "sandbox_user" });
  server.use(...handlers, ...optOutBackend(optOuts));
});

/** Alice: a reminder went out, she answered twice (unread). Bob: answered support long ago. */
function seedTwoThreads() {
  sent.push(
    sentTo(BOB, "Your ticket is closed.", minutesAgo(300), { agent_id: SUPPORT.id }),
    sentTo(ALICE, "Your appointment is tomorrow at 10.", minutesAgo(30), {
      agent_id: REMINDERS.id,
    }),
  );
  replies.push(
    reply(BOB, "Thanks!", minutesAgo(290), { read_at: minutesAgo(280), agent_id: SUPPORT.id }),
    reply(ALICE, "Can we make it 11?", minutesAgo(20), { agent_id: REMINDERS.id }),
    reply(ALICE, "Or Friday?", minutesAgo(10), { agent_id: REMINDERS.id }),
  );
}

const callsOf = (action: string) => calls.filter((call) => call.action === action);

async function openConversations(path = "/conversations") {
  const view = await renderRoute(path);
  expect(
    await screen.findByRole("heading", { level: 1, name: "Conversations" }),
  ).toBeInTheDocument();
  return view;
}

const threadList = () => screen.getByRole("region", { name: /^Threads/ });

describe("Conversations: threads", () => {
  it("lists threads by newest activity with unread counts, agents and the last reply", async () => {
    seedTwoThreads();
    server.use(unreadRepliesCount(2));
    await openConversations();

    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(
      await within(nav).findByRole("link", { name: "Conversations 2 unread" }),
    ).toHaveAttribute("href", "/conversations");

    const list = await screen.findByRole("region", { name: /^Threads/ });
    const links = within(list).getAllByRole("link");
    expect(links.map((link) => link.querySelector(".font-mono")?.textContent)).toEqual([
      ALICE,
      BOB,
    ]);
    expect(links[0]).toHaveTextContent("Or Friday?");
    expect(links[0]).toHaveTextContent("2 unread");
    expect(links[0]).toHaveTextContent("Reminder bot");
    expect(links[1]).toHaveTextContent("Thanks!");
    expect(links[1]).toHaveTextContent("Support bot");
    expect(links[1]).not.toHaveTextContent("unread");
    expect(within(list).getByRole("heading", { level: 2 })).toHaveTextContent("Threads · 2 unread");
    // The catch-up with ClickSend runs once when the screen opens, never on the refresh timer.
    await waitFor(() => {
      expect(callsOf("poll_replies")).toHaveLength(1);
    });
    expect(callsOf("poll_replies")[0]).toEqual({
      connection_id: CONNECTION.id,
      action: "poll_replies",
      params: {},
    });
  });

  it("opens a thread with both directions in time order and marks it read", async () => {
    seedTwoThreads();
    const { user, router } = await openConversations();

    await user.click(
      await within(await screen.findByRole("region", { name: /^Threads/ })).findByRole("link", {
        name: new RegExp(`^\\${ALICE}`),
      }),
    );

    expect(await screen.findByRole("heading", { level: 2, name: ALICE })).toHaveFocus();
    expect(router.state.location.search).toBe(`?contact=${encodeURIComponent(ALICE)}`);
    const log = await screen.findByRole("log", { name: `Messages with ${ALICE}` });
    const items = within(log).getAllByRole("listitem");
    expect(items.map((item) => item.querySelector("p")?.textContent)).toEqual([
      `Sent to ${ALICE}: Your appointment is tomorrow at 10.`,
      `${ALICE} replied: Can we make it 11?`,
      `${ALICE} replied: Or Friday?`,
    ]);
    expect(items[0]).toHaveTextContent("Reminder bot");
    expect(items[0]).toHaveTextContent("Delivered to handset");
    expect(items[1]).toHaveTextContent("Reply");

    await waitFor(() => {
      expect(markReadCalls).toEqual([{ p_connection_id: CONNECTION.id, p_contact: ALICE }]);
    });
    await waitFor(() => {
      expect(threadList()).not.toHaveTextContent("unread");
    });

    // On a phone the list is hidden while a thread is open; "All conversations" goes back.
    await user.click(screen.getByRole("button", { name: "All conversations" }));
    expect(router.state.location.search).toBe("");
    expect(
      within(threadList()).getByRole("link", { name: new RegExp(`^\\${ALICE}`) }),
    ).toHaveFocus();
  });

  it("shows a new reply within seconds without a reload, keeping the open thread and the draft", async () => {
    seedTwoThreads();
    const { user } = await openConversations(`/conversations?contact=${encodeURIComponent(ALICE)}`);
    const log = await screen.findByRole("log", { name: `Messages with ${ALICE}` });
    await user.type(screen.getByLabelText("Reply"), "Friday works");

    replies.push(reply(ALICE, "Actually, Saturday", new Date().toISOString()));

    expect(
      await within(log).findByText("Actually, Saturday", {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText("Reply")).toHaveValue("Friday works");
    expect(screen.getByRole("heading", { level: 2, name: ALICE })).toBeInTheDocument();
    // Only our own database was read again: ClickSend was asked once, on opening.
    expect(callsOf("poll_replies")).toHaveLength(1);
    // The new reply is marked read too, since the thread is open.
    await waitFor(() => {
      expect(markReadCalls).toHaveLength(2);
    });
  });
});

describe("Conversations: replying", () => {
  it("sends the reply through send_sms with a key per draft, and keeps the draft when it fails", async () => {
    seedTwoThreads();
    let failNext = true;
    overrides.send_sms = (call) => {
      if (failNext) {
        failNext = false;
        return functionError(504, "upstream_timeout", "ClickSend did not answer in time.");
      }
      return clickSendApi(call);
    };
    const { user } = await openConversations(`/conversations?contact=${encodeURIComponent(ALICE)}`);
    const box = await screen.findByLabelText("Reply");

    await user.click(screen.getByRole("button", { name: "Send reply" }));
    expect(box).toHaveAccessibleDescription(/Write a message\./);
    expect(callsOf("send_sms")).toHaveLength(0);

    await user.type(box, "Friday at 11 is fine 😀");
    expect(box).toHaveAccessibleDescription(/UCS-2.*1 segment/);
    await user.click(screen.getByRole("button", { name: "Send reply" }));

    // A timeout is not a refusal: the reply may have gone out, so no blind "Try again" (issue
    // 13, point 4); "Check again" asks with the same key, which the server never sends twice.
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The reply may have been sent");
    expect(alert).toHaveTextContent("ClickSend did not answer in time.");
    expect(alert).not.toHaveTextContent(/trying again is safe/i);
    expect(within(alert).queryByRole("button", { name: "Try again" })).toBeNull();
    expect(box).toHaveValue("Friday at 11 is fine 😀");

    await user.click(within(alert).getByRole("button", { name: "Check again" }));
    const toasts = screen.getByRole("status", { name: "Notifications" });
    expect(await within(toasts).findByText("Reply sent")).toBeInTheDocument();
    const [first, retry] = callsOf("send_sms");
    expect(first?.params).toEqual({
      to: [ALICE],
      body: "Friday at 11 is fine 😀",
      default_country: "AU",
      idempotency_key: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
    expect(retry?.params.idempotency_key).toBe(first?.params.idempotency_key);
    expect(box).toHaveValue("");
    const log = screen.getByRole("log", { name: `Messages with ${ALICE}` });
    expect(await within(log).findByText("Friday at 11 is fine 😀")).toBeInTheDocument();

    await user.type(box, "See you then");
    await user.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() => {
      expect(callsOf("send_sms")).toHaveLength(3);
    });
    expect(callsOf("send_sms")[2]?.params.idempotency_key).not.toBe(first?.params.idempotency_key);
  });

  it("keeps each thread's draft while another thread is open", async () => {
    seedTwoThreads();
    const { user } = await openConversations(`/conversations?contact=${encodeURIComponent(ALICE)}`);
    await user.type(await screen.findByLabelText("Reply"), "Half-written");

    await user.click(within(threadList()).getByRole("link", { name: new RegExp(`^\\${BOB}`) }));
    expect(await screen.findByRole("heading", { level: 2, name: BOB })).toBeInTheDocument();
    expect(screen.getByLabelText("Reply")).toHaveValue("");

    await user.click(within(threadList()).getByRole("link", { name: new RegExp(`^\\${ALICE}`) }));
    expect(await screen.findByRole("heading", { level: 2, name: ALICE })).toBeInTheDocument();
    expect(screen.getByLabelText("Reply")).toHaveValue("Half-written");
  });
});

describe("Conversations: states", () => {
  it("explains where replies come from, and that replies are off on this connection", async () => {
    connections = [{ ...CONNECTION, connection_metadata: { account_country: "AU" } }];
    await openConversations();

    const empty = await screen.findByRole("region", { name: "No replies yet" });
    expect(empty).toHaveTextContent("When someone answers a message you or your agents sent");
    expect(empty).toHaveTextContent(
      "Replies must be enabled on the connection first, and they are off for this one",
    );
    expect(
      within(empty).getByRole("link", { name: "Enable replies on Integrations" }),
    ).toHaveAttribute("href", "/integrations");
    // Said once, in the empty state, not again above it.
    expect(screen.queryByText("Replies are off for this connection")).not.toBeInTheDocument();
  });

  it("warns above the threads when replies are off, and offers a check when only polled", async () => {
    seedTwoThreads();
    connections = [{ ...CONNECTION, connection_metadata: { account_country: "AU" } }];
    const first = await openConversations();
    await screen.findByRole("region", { name: /^Threads/ });
    expect(screen.getByText("Replies are off for this connection")).toBeInTheDocument();
    first.unmount();

    connections = [{ ...CONNECTION, connection_metadata: { inbound_poll_rule_id: 12 } }];
    const { user } = await openConversations();
    await screen.findByRole("region", { name: /^Threads/ });
    expect(screen.getByText("Replies are polled only")).toBeInTheDocument();
    await waitFor(() => {
      expect(callsOf("poll_replies")).toHaveLength(2);
    });
    await user.click(await screen.findByRole("button", { name: "Check ClickSend now" }));
    await waitFor(() => {
      expect(callsOf("poll_replies")).toHaveLength(3);
    });
  });

  it("says replies are on when they are pushed, even before the first one", async () => {
    await openConversations();
    const empty = await screen.findByRole("region", { name: "No replies yet" });
    expect(empty).toHaveTextContent("Replies are enabled for this connection");
    expect(screen.queryByText("Replies are off for this connection")).not.toBeInTheDocument();
  });

  it("shows a load failure the user can retry, and a failed catch-up as a warning", async () => {
    seedTwoThreads();
    let failing = true;
    server.use(
      http.get(restUrl("/clicksend_conversations"), ({ request }) =>
        failing
          ? HttpResponse.json(
              { code: "XX000", message: "internal error", details: null, hint: null },
              { status: 500 },
            )
          : HttpResponse.json(filtered(conversationRows(), new URL(request.url))),
      ),
    );
    overrides.poll_replies = () =>
      functionError(502, "upstream_unavailable", "ClickSend could not be reached.", {
        retryable: true,
      });
    const { user } = await openConversations();

    const alerts = await screen.findAllByRole("alert");
    const loadError = alerts.find((alert) =>
      alert.textContent.includes("Could not load your conversations"),
    );
    expect(loadError).toBeDefined();
    expect(
      await screen.findByText("Could not check ClickSend for missed replies"),
    ).toBeInTheDocument();

    failing = false;
    await user.click(within(loadError as HTMLElement).getByRole("button", { name: "Try again" }));
    expect(
      await within(await screen.findByRole("region", { name: /^Threads/ })).findByText(
        "Or Friday?",
      ),
    ).toBeInTheDocument();
  });
});

/** A STOP or START reply, stored as the database stores it: marked, and the list changed. */
function consentReply(from: string, word: string, consent: "opt_out" | "opt_in", at: string) {
  const row = reply(from, word, at, { consent, read_at: at });
  replies.push(row);
  seedConsent(optOuts, {
    account_username: "sandbox_user",
    phone: from,
    action: consent,
    source: "reply",
    keyword: word.trim().toUpperCase(),
    at,
  });
}

describe("Conversations: opt-outs", () => {
  it("marks STOP and START replies in the list and the thread, and says an opted-out contact cannot be answered", async () => {
    sent.push(sentTo(ALICE, "Your appointment is tomorrow at 10.", minutesAgo(30)));
    consentReply(ALICE, "Stop ", "opt_out", minutesAgo(20));
    sent.push(sentTo(BOB, "Sale ends today.", minutesAgo(300)));
    consentReply(BOB, "STOP", "opt_out", minutesAgo(290));
    consentReply(BOB, "start", "opt_in", minutesAgo(280));
    const { user } = await openConversations();

    const list = await screen.findByRole("region", { name: /^Threads/ });
    const alice = within(list).getByRole("link", { name: new RegExp(`^\\${ALICE}`) });
    const bob = within(list).getByRole("link", { name: new RegExp(`^\\${BOB}`) });
    expect(await within(alice).findByText("Opted out (STOP)")).toBeInTheDocument();
    expect(within(bob).getByText("Opted back in (START)")).toBeInTheDocument();

    await user.click(alice);
    const log = await screen.findByRole("log", { name: `Messages with ${ALICE}` });
    const stop = within(log)
      .getAllByRole("listitem")
      .find((item) => item.textContent.includes("replied: Stop"));
    expect(stop).toHaveTextContent("Opted out (STOP)");
    // No reply box: the server would refuse it (OPTED_OUT) anyway.
    expect(screen.queryByRole("form", { name: `Reply to ${ALICE}` })).toBeNull();
    expect(
      screen.getByText(`${ALICE} opted out: no reply can be sent`).parentElement,
    ).toHaveTextContent(
      /They replied STOP on .+\. Nothing is sent to them from this ClickSend account/,
    );
    expect(screen.getByRole("link", { name: "See Opt-outs" })).toHaveAttribute("href", "/opt-outs");

    // Bob opted back in: his thread shows both replies marked, and can be answered.
    await user.click(within(list).getByRole("link", { name: new RegExp(`^\\${BOB}`) }));
    const bobLog = await screen.findByRole("log", { name: `Messages with ${BOB}` });
    expect(within(bobLog).getByText("Opted out (STOP)")).toBeInTheDocument();
    expect(within(bobLog).getByText("Opted back in (START)")).toBeInTheDocument();
    expect(screen.getByRole("form", { name: `Reply to ${BOB}` })).toBeInTheDocument();
  });

  it("a STOP arriving in the open thread replaces the reply box within seconds", async () => {
    seedTwoThreads();
    await openConversations(`/conversations?contact=${encodeURIComponent(ALICE)}`);
    const log = await screen.findByRole("log", { name: `Messages with ${ALICE}` });
    expect(screen.getByRole("form", { name: `Reply to ${ALICE}` })).toBeInTheDocument();

    consentReply(ALICE, "STOP", "opt_out", new Date().toISOString());

    expect(
      await within(log).findByText("Opted out (STOP)", {}, { timeout: 5000 }),
    ).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.queryByRole("form", { name: `Reply to ${ALICE}` })).toBeNull();
    });
    expect(screen.getByText(`${ALICE} opted out: no reply can be sent`)).toBeInTheDocument();
  });

  it("a reply the server refuses as opted out says so in words", async () => {
    seedTwoThreads();
    overrides.send_sms = (call) =>
      ok({
        idempotent_replay: false,
        recipients: 1,
        accepted: 0,
        rejected: 1,
        invalid_numbers: [],
        total_price: 0,
        currency: "AUD",
        clicksend_requests: 0,
        messages: z
          .array(z.string())
          .parse(call.params.to)
          .map((to) => ({ to, message_id: null, status: "OPTED_OUT", parts: null, price: 0 })),
      });
    const { user } = await openConversations(`/conversations?contact=${encodeURIComponent(ALICE)}`);
    await user.type(await screen.findByLabelText("Reply"), "Are you sure?");
    await user.click(screen.getByRole("button", { name: "Send reply" }));

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Reply not sent");
    expect(alert).toHaveTextContent("Opted out — not sent. This person asked not to be texted");
    expect(alert).not.toHaveTextContent("OPTED_OUT");
  });
});
