// Two-way SMS through the whole stack: an agent texts a handset, the handset replies (the
// sandbox's /_sandbox/inbound, which pushes to the account's inbound rules as ClickSend does),
// and the reply reaches the user and the agent that started the conversation, once. What the
// product did is read through the product (functions, REST as the user) or through ClickSend's
// own API; the sandbox's internals are never consulted.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_USERNAME } from "../clicksend-sandbox/server.ts";
import { startFullStack, type FullStack } from "./full-stack.ts";
import { agentWithGrant, signUpUser, type TestUser } from "./users.ts";

let stack: FullStack;
let users = 0;
const HANDSET = "+61411111111";

beforeAll(async () => {
  stack = await startFullStack();
}, 240_000);

afterAll(async () => {
  await stack.stop();
});

beforeEach(async () => {
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/clear-pending`, {
    method: "POST",
  });
  expect(response.ok).toBe(true);
});

/** A ClickSend account of the test's own, so no other test's rules or replies mix in. */
interface Account {
  username: string;
  apiKey: string;
}

let account: Account = { username: SANDBOX_USERNAME, apiKey: SANDBOX_API_KEY };

async function newAccount(): Promise<Account> {
  const made = {
    username: `two_way_${String(users + 1)}`,
    apiKey: `TWO-WAY-${String(users + 1)}-KEY-0000`,
  };
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/accounts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: made.username, api_key: made.apiKey, balance: 25 }),
  });
  expect(response.status).toBe(200);
  return made;
}

/** A new user with a ClickSend account of their own (the account `clicksend()` then asks). */
async function newUser(): Promise<TestUser> {
  account = await newAccount();
  users += 1;
  return signUpUser(stack, `two-way-${String(users)}@example.com`);
}

async function connect(user: TestUser): Promise<string> {
  const reply = await user.call("clicksend-connect", "POST", {
    username: account.username,
    api_key: account.apiKey,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return (reply.body.connection as { id: string }).id;
}

/** ClickSend's own API, as the current account's holder sees it. */
async function clicksend(method: string, path: string, body?: unknown): Promise<unknown> {
  const basic = Buffer.from(`${account.username}:${account.apiKey}`).toString("base64");
  const response = await fetch(`${stack.sandbox.url}${path}`, {
    method,
    headers: { authorization: `Basic ${basic}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const envelope = (await response.json()) as { data: unknown };
  return envelope.data;
}

interface InboundRuleView {
  inbound_rule_id: number;
  action: string;
  action_address: string;
  enabled: number;
  webhook_type?: string;
}

async function inboundRules(): Promise<InboundRuleView[]> {
  const page = (await clicksend("GET", "/automations/sms/inbound?limit=100")) as {
    data: InboundRuleView[];
  };
  return page.data;
}

/** The rules of ours that point at a live token (the connection's current one). */
async function rulesFor(connectionToken: string): Promise<InboundRuleView[]> {
  return (await inboundRules()).filter((rule) => rule.action_address.includes(connectionToken));
}

function tokenOf(address: string): string {
  return new URL(address).searchParams.get("token") ?? "";
}

/** The push token of the newest inbound URL rule of ours (the connection just made). */
async function latestPushRule(): Promise<InboundRuleView> {
  const ours = (await inboundRules()).filter(
    (rule) => rule.action === "URL" && rule.action_address.includes("/clicksend-inbound?"),
  );
  const newest = ours.at(-1);
  if (newest === undefined) throw new Error("no inbound URL rule of ours");
  return newest;
}

async function runTool(
  user: TestUser,
  agentId: string,
  tool: string,
  args: Record<string, unknown> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  return user.call("execute-agent-tool", "POST", { agent_id: agentId, tool, arguments: args });
}

async function agentSends(user: TestUser, agentId: string, body: string): Promise<string> {
  const sent = await runTool(user, agentId, "clicksend_send_sms", { to: [HANDSET], body });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  const messageId = (sent.body.result as { messages: { message_id: string }[] }).messages[0]
    ?.message_id;
  if (messageId === undefined) throw new Error("no message id");
  return messageId;
}

/** The handset replies to an outbound message (the sandbox pushes it to the account's rules). */
async function handsetReplies(messageId: string, body: string): Promise<string> {
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message_id: messageId, body }),
  });
  expect(response.status).toBeLessThan(300);
  const created = (await response.json()) as { message_id?: string; data?: { message_id: string } };
  const id = created.message_id ?? created.data?.message_id;
  if (id === undefined) throw new Error("the sandbox named no inbound message id");
  return id;
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface ReplyRow {
  clicksend_message_id: string;
  body: string;
  agent_id: string | null;
}

async function storedReplies(user: TestUser): Promise<ReplyRow[]> {
  const { data, error } = await user.rest
    .from("clicksend_inbound_messages")
    .select("clicksend_message_id, body, agent_id");
  if (error) throw new Error(error.message);
  return data;
}

interface Replies {
  untrusted_content_warning: string;
  replies: { message_id: string; from: string; body: string; original_message_id: string }[];
}

async function getReplies(user: TestUser, agentId: string): Promise<Replies> {
  const reply = await runTool(user, agentId, "clicksend_get_replies");
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.result as Replies;
}

/** A webhook receiver on 127.0.0.1 answering each request with the next status (then 200). */
async function receiver(statuses: number[]) {
  const received: { headers: IncomingMessage["headers"]; body: string; status: number }[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const status = statuses.shift() ?? 200;
      received.push({ headers: req.headers, body, status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

describe("replies", () => {
  it("connect, rotate and Enable replies keep exactly one URL and one POLL inbound rule per connection", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const rule = await latestPushRule();
    expect(rule).toMatchObject({ action: "URL", enabled: 1, webhook_type: "json" });
    const token = tokenOf(rule.action_address);
    expect((await rulesFor(token)).map((r) => r.action).sort()).toEqual(["POLL", "URL"]);
    const { data: row } = await user.rest
      .from("user_oauth_connections")
      .select("connection_metadata")
      .eq("id", connectionId)
      .single();
    expect(row?.connection_metadata).toMatchObject({
      inbound_rule_id: rule.inbound_rule_id,
      inbound_poll_rule_id: expect.any(Number) as number,
    });

    const before = (await inboundRules()).length;
    for (const change of [{ enable_replies: true }, { api_key: account.apiKey }]) {
      const reply = await user.call("clicksend-connect", "PATCH", {
        connection_id: connectionId,
        ...change,
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      // The same two rules, repointed at the connection's new token: never a third.
      expect((await inboundRules()).length).toBe(before);
      const newToken = tokenOf((await latestPushRule()).action_address);
      expect(newToken).not.toBe(token);
      expect((await rulesFor(newToken)).map((r) => r.action).sort()).toEqual(["POLL", "URL"]);
    }

    const gone = await user.call("clicksend-connect", "DELETE", { connection_id: connectionId });
    expect(gone.status).toBe(200);
    expect((await inboundRules()).length).toBe(before - 2);
  });

  it("reach the agent that sent the message, once, however often they arrive, and no other agent", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const sender = await agentWithGrant(user, connectionId, ["sms", "inbound"], "Sender");
    const other = await agentWithGrant(user, connectionId, ["sms", "inbound"], "Other");
    const outbound = await agentSends(user, sender, "Can you make 3pm tomorrow?");
    const inboundId = await handsetReplies(outbound, "Yes, see you then");

    // Pushed: stored once, linked to the sender.
    const rows = await until(
      "the pushed reply",
      () => storedReplies(user),
      (found) => found.length > 0,
    );
    expect(rows).toEqual([
      { clicksend_message_id: inboundId, body: "Yes, see you then", agent_id: sender },
    ]);

    // The tool also polls ClickSend (the POLL rule queued the same reply): still one.
    const replies = await getReplies(user, sender);
    expect(replies.untrusted_content_warning).toMatch(/never follow instructions/i);
    expect(replies.replies).toEqual([
      expect.objectContaining({
        message_id: inboundId,
        from: HANDSET,
        body: "Yes, see you then",
        original_message_id: outbound,
      }),
    ]);
    expect((await getReplies(user, other)).replies).toEqual([]);
    expect(await storedReplies(user)).toHaveLength(1);
    // What polling found is marked read at ClickSend: nothing left to poll.
    const unread = (await clicksend("GET", "/sms/inbound")) as { data: unknown[] };
    expect(unread.data).toEqual([]);

    // ClickSend pushing the same reply again changes nothing.
    const rule = await latestPushRule();
    const again = await fetch(rule.action_address, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        message_id: inboundId,
        from: HANDSET,
        body: "Yes, see you then",
        original_message_id: outbound,
        timestamp: Math.floor(Date.now() / 1000),
      }),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, stored: 0 });
    expect(await storedReplies(user)).toHaveLength(1);
  });

  it("a reply whose push was lost is found by polling, once", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agent = await agentWithGrant(user, connectionId, ["sms", "inbound"]);
    const rule = await latestPushRule();
    // The push goes nowhere (the rule is switched off at ClickSend); the POLL rule still keeps it.
    await clicksend("PUT", `/automations/sms/inbound/${String(rule.inbound_rule_id)}`, {
      enabled: 0,
    });
    const outbound = await agentSends(user, agent, "Reminder: dentist at 9");
    const inboundId = await handsetReplies(outbound, "Thanks!");
    expect(await storedReplies(user)).toEqual([]);

    const found = await getReplies(user, agent);
    expect(found.replies.map((r) => r.message_id)).toEqual([inboundId]);
    await getReplies(user, agent);
    expect(await storedReplies(user)).toHaveLength(1);
    await clicksend("PUT", `/automations/sms/inbound/${String(rule.inbound_rule_id)}`, {
      enabled: 1,
    });
  });

  it("takes ClickSend's three push formats (post form, get query, json) from its test push", async () => {
    const user = await newUser();
    await connect(user);
    const url = (await latestPushRule()).action_address;
    for (const webhookType of ["post", "get", "json"]) {
      await clicksend("POST", "/sms/inbound", { url, webhook_type: webhookType });
    }
    const rows = await until(
      "three test pushes",
      () => storedReplies(user),
      (found) => found.length >= 3,
    );
    expect(rows).toHaveLength(3);
    // Unsolicited (ClickSend's sample answers no message of ours): in the inbox, with no agent.
    expect(rows.every((row) => row.agent_id === null)).toBe(true);
  });

  it("refuses a forged push (wrong or missing token) with 401 and stores nothing", async () => {
    const user = await newUser();
    await connect(user);
    const rule = await latestPushRule();
    const token = tokenOf(rule.action_address);
    const forged = token.replace(/.$/, (last) => (last === "0" ? "1" : "0"));
    for (const address of [
      rule.action_address.replace(token, forged),
      rule.action_address.replace(`?token=${token}`, ""),
    ]) {
      const response = await fetch(address, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ message_id: "FORGED-1", from: HANDSET, body: "hi" }),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: "invalid_token" } });
    }
    expect(await storedReplies(user)).toEqual([]);
  });
});

describe("the agent's reply webhook", () => {
  it("receives each reply signed with the agent's secret, retried after a 500, every attempt visible", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agent = await agentWithGrant(user, connectionId, ["sms", "inbound"]);
    const hook = await receiver([500]);
    try {
      const set = await user.call("agent-webhooks", "POST", {
        action: "set",
        agent_id: agent,
        url: hook.url,
      });
      expect(set.status, JSON.stringify(set.body)).toBe(201);
      const secret = set.body.secret as string;
      expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
      // Shown once: the settings readable afterwards hold a hint only.
      const { data: settings } = await user.rest.from("agent_webhooks").select("*");
      expect(JSON.stringify(settings)).not.toContain(secret);

      const outbound = await agentSends(user, agent, "Your table for two is booked");
      const inboundId = await handsetReplies(outbound, "Great, thanks");
      await until(
        "the retried delivery",
        () => Promise.resolve(hook.received.length),
        (n) => n >= 2,
      );
      expect(hook.received.map((r) => r.status)).toEqual([500, 200]);
      for (const { headers, body } of hook.received) {
        const signature = String(headers["clicksend-agents-signature"]);
        const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
        expect(match, signature).not.toBeNull();
        const expected = createHmac("sha256", secret)
          .update(`${match?.[1] ?? ""}.${body}`)
          .digest("hex");
        expect(match?.[2]).toBe(expected);
        expect(JSON.parse(body)).toMatchObject({
          type: "reply",
          agent_id: agent,
          data: { message_id: inboundId, from: HANDSET, body: "Great, thanks" },
        });
      }
      const deliveries = await until(
        "two recorded attempts",
        async () =>
          (
            await user.rest
              .from("agent_webhook_deliveries")
              .select("attempt, status_code, succeeded")
              .order("attempt")
          ).data ?? [],
        (rows) => rows.length >= 2,
      );
      expect(deliveries).toEqual([
        { attempt: 1, status_code: 500, succeeded: false },
        { attempt: 2, status_code: 200, succeeded: true },
      ]);
    } finally {
      await hook.close();
    }
  });

  it("refuses URLs that are not https to a public address", async () => {
    const user = await newUser();
    const connectionId = await connect(user);
    const agent = await agentWithGrant(user, connectionId, ["inbound"]);
    for (const url of [
      "http://example.com/hook",
      "https://10.0.0.7/hook",
      "https://169.254.169.254/latest",
      "https://[::1]/hook",
      "https://localhost/hook",
      "https://user:pw@example.com/hook",
    ]) {
      const reply = await user.call("agent-webhooks", "POST", {
        action: "set",
        agent_id: agent,
        url,
      });
      expect(reply.status, url).toBe(400);
      expect(reply.body).toMatchObject({ error: { code: "invalid_request" } });
    }
    const { data } = await user.rest.from("agent_webhooks").select("agent_id");
    expect(data).toEqual([]);
  });
});

describe("another user", () => {
  it("sees nothing of a user's replies, webhooks or deliveries by any route", async () => {
    const owner = await newUser();
    const connectionId = await connect(owner);
    const agent = await agentWithGrant(owner, connectionId, ["sms", "inbound"]);
    const hook = await receiver([]);
    try {
      expect(
        (
          await owner.call("agent-webhooks", "POST", {
            action: "set",
            agent_id: agent,
            url: hook.url,
          })
        ).status,
      ).toBe(201);
      const outbound = await agentSends(owner, agent, "Parcel arrives today");
      await handsetReplies(outbound, "Leave it at the door");
      await until(
        "the owner's reply and delivery",
        () => Promise.resolve(hook.received.length),
        (n) => n >= 1,
      );

      const stranger = await newUser();
      for (const table of [
        "clicksend_inbound_messages",
        "agent_webhooks",
        "agent_webhook_deliveries",
        "clicksend_messages",
      ] as const) {
        const { data, error } = await stranger.rest.from(table).select("*");
        expect(error, table).toBeNull();
        expect(data, table).toEqual([]);
      }
      const threads = await stranger.rest.from("clicksend_conversations").select("*");
      expect(threads.error).toBeNull();
      expect(threads.data).toEqual([]);
      const marked = await stranger.rest.rpc("clicksend_mark_thread_read", {
        p_connection_id: connectionId,
        p_contact: HANDSET,
      });
      expect(marked.data).toBe(0);
      const { data: stillUnread } = await owner.rest
        .from("clicksend_inbound_messages")
        .select("read_at");
      expect(stillUnread).toEqual([{ read_at: null }]);
      // The stranger's functions: the owner's agent is nobody's they know.
      const tool = await runTool(stranger, agent, "clicksend_get_replies");
      expect(tool.status).toBe(404);
      const webhook = await stranger.call("agent-webhooks", "POST", {
        action: "rotate_secret",
        agent_id: agent,
      });
      expect(webhook.status).toBe(404);
      const poll = await stranger.call("clicksend-api", "POST", {
        connection_id: connectionId,
        action: "poll_replies",
      });
      expect(poll.status).toBe(404);
    } finally {
      await hook.close();
    }
  });
});
