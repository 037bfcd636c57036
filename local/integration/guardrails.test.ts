// Guardrails through the whole stack (issue 15): opt-outs from STOP replies, an agent's policy
// (recipient rules, quiet hours, daily and monthly limits) and approvals, all enforced by the
// server whatever the path. What the product did is read through the product (function answers,
// REST as the user) and through ClickSend's own API (the account's SMS history, as its holder
// sees it); the sandbox's internals are never consulted. The handset's replies come from the
// sandbox's /_sandbox/inbound, which pushes them to the account's inbound rules as ClickSend does.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFullStack, type FullStack } from "./full-stack.ts";
import {
  sentCount,
  userWithOwnAccount,
  type FunctionReply,
  type UserWithAccount,
} from "./users.ts";

let stack: FullStack;
let made = 0;

const HANDSET = "+61411111111";
const OTHER_AU = "+61422222222";
const NZ = "+64211234567";
const REAL = "+61412345678";

beforeAll(async () => {
  stack = await startFullStack();
}, 240_000);

afterAll(async () => {
  await stack.stop();
});

type Setup = UserWithAccount;

/** A user with a ClickSend account of their own, connected, and an agent granted `scopes`. */
function setup(scopes: string[] = ["sms"]): Promise<Setup> {
  made += 1;
  return userWithOwnAccount(stack, `guardrails-${String(made)}`, scopes);
}

function send(
  s: Setup,
  to: string[],
  body = "Hello from the agent",
  extra: Record<string, unknown> = {},
  idempotencyKey?: string,
): Promise<FunctionReply> {
  return s.user.call("execute-agent-tool", "POST", {
    agent_id: s.agentId,
    tool: "clicksend_send_sms",
    arguments: { to, body, ...extra },
    ...(idempotencyKey === undefined ? {} : { idempotency_key: idempotencyKey }),
  });
}

interface Outcome {
  to: string;
  status: string;
  message_id: string | null;
}

function messagesOf(reply: FunctionReply): Outcome[] {
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return (reply.body.result as { messages: Outcome[] }).messages;
}

async function setPolicy(s: Setup, policy: Record<string, unknown>): Promise<void> {
  const { error } = await s.user.rest
    .from("agent_policies")
    .upsert({ agent_id: s.agentId, ...policy }, { onConflict: "agent_id" });
  expect(error).toBeNull();
}

/** The handset replies to an outbound message (the sandbox pushes it to the account's rules). */
async function handsetReplies(messageId: string, body: string): Promise<void> {
  const response = await fetch(`${stack.sandbox.origin}/_sandbox/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message_id: messageId, body }),
  });
  expect(response.status).toBeLessThan(300);
}

async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function optedOut(s: Setup): Promise<string[]> {
  const { data, error } = await s.user.rest.from("clicksend_opt_outs").select("phone");
  if (error) throw new Error(error.message);
  return data.map((row) => row.phone);
}

function policyError(reply: FunctionReply) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(403);
  return (
    reply.body as {
      error: {
        code: string;
        reason: string;
        retryable: boolean;
        message: string;
        details: Record<string, unknown>;
      };
    }
  ).error;
}

describe("opt-outs", () => {
  it("a STOP reply suppresses the number on every send path until START, and nothing reaches ClickSend", async () => {
    const s = await setup();
    const first = messagesOf(await send(s, [HANDSET]))[0];
    if (!first?.message_id) throw new Error("the first send was not accepted");
    await handsetReplies(first.message_id, "  stop ");
    await until(
      "the opt-out",
      () => optedOut(s),
      (phones) => phones.includes(HANDSET),
    );
    const before = await sentCount(stack, s);

    // The agent: refused per recipient, HTTP 200, the other recipient sent.
    const mixed = messagesOf(await send(s, [HANDSET, OTHER_AU]));
    expect(mixed.map((m) => [m.to, m.status])).toEqual([
      [HANDSET, "OPTED_OUT"],
      [OTHER_AU, "SUCCESS"],
    ]);
    expect(mixed[0]?.message_id).toBeNull();
    // Only the opted-out recipient: nothing goes to ClickSend at all.
    const alone = messagesOf(await send(s, [HANDSET]));
    expect(alone.map((m) => m.status)).toEqual(["OPTED_OUT"]);
    // The composer: the same.
    const composed = await s.user.call("clicksend-api", "POST", {
      connection_id: s.connectionId,
      action: "send_sms",
      params: { to: [HANDSET], body: "From the composer" },
    });
    expect(composed.status, JSON.stringify(composed.body)).toBe(200);
    expect((composed.body.result as { messages: Outcome[] }).messages.map((m) => m.status)).toEqual(
      ["OPTED_OUT"],
    );
    expect(await sentCount(stack, s)).toBe(before + 1);

    // The reply is marked, kept in the consent history, and not handed to the agent to act on.
    const { data: replies } = await s.user.rest
      .from("clicksend_inbound_messages")
      .select("body, consent");
    expect(replies).toEqual([{ body: "  stop ", consent: "opt_out" }]);
    const { data: history } = await s.user.rest
      .from("clicksend_consent_events")
      .select("phone, action, source, keyword");
    expect(history).toEqual([
      { phone: HANDSET, action: "opt_out", source: "reply", keyword: "STOP" },
    ]);
    const read = await s.user.call("execute-agent-tool", "POST", {
      agent_id: s.agentId,
      tool: "clicksend_get_replies",
      arguments: {},
    });
    if (read.status === 200) expect((read.body.result as { count: number }).count).toBe(0);

    // START takes the number off the list; the next send goes out.
    await handsetReplies(first.message_id, "Start");
    await until(
      "the opt-in",
      () => optedOut(s),
      (phones) => !phones.includes(HANDSET),
    );
    expect(messagesOf(await send(s, [HANDSET])).map((m) => m.status)).toEqual(["SUCCESS"]);
    expect(await sentCount(stack, s)).toBe(before + 2);
  });

  it("a STOP cancels the number's messages still scheduled at ClickSend", async () => {
    const s = await setup();
    // A real number: ClickSend's test numbers are never held as scheduled.
    const later = new Date(Date.now() + 3 * 3600_000).toISOString();
    const scheduled = messagesOf(await send(s, [REAL], "Reminder", { schedule: later }))[0];
    expect(scheduled?.status).toBe("Scheduled");
    const first = messagesOf(await send(s, [REAL], "Now"))[0];
    if (!first?.message_id) throw new Error("no message id");
    await handsetReplies(first.message_id, "UNSUBSCRIBE");
    await until(
      "the opt-out",
      () => optedOut(s),
      (phones) => phones.includes(REAL),
    );
    const row = await until(
      "the scheduled message's cancellation",
      async () => {
        const { data } = await s.user.rest
          .from("clicksend_messages")
          .select("status")
          .eq("message_id", scheduled?.message_id ?? "");
        return data?.[0]?.status;
      },
      (status) => status === "Cancelled",
    );
    expect(row).toBe("Cancelled");
  });

  it("a number added by hand is refused; another user's list never applies", async () => {
    const s = await setup();
    const other = await setup();
    const { error } = await s.user.rest.rpc("clicksend_opt_out_add", {
      p_connection_id: s.connectionId,
      p_phone: OTHER_AU,
    });
    expect(error).toBeNull();
    // Another user cannot add to this user's account through their connection id.
    const foreign = await other.user.rest.rpc("clicksend_opt_out_add", {
      p_connection_id: s.connectionId,
      p_phone: HANDSET,
    });
    expect(foreign.error).not.toBeNull();
    expect(await optedOut(s)).toEqual([OTHER_AU]);
    expect(messagesOf(await send(s, [OTHER_AU])).map((m) => m.status)).toEqual(["OPTED_OUT"]);
    expect(messagesOf(await send(other, [OTHER_AU])).map((m) => m.status)).toEqual(["SUCCESS"]);
  });
});

describe("an agent's policy", () => {
  it("a mixed call sends only to the allowed recipients, each refusal per recipient", async () => {
    const s = await setup();
    await setPolicy(s, { allowed_recipients: ["+6141*", NZ], allowed_countries: ["AU"] });
    const before = await sentCount(stack, s);
    const call = () => send(s, [HANDSET, OTHER_AU, NZ], "Hello", {}, "mixed-call");
    const expected = [
      [HANDSET, "SUCCESS"],
      [OTHER_AU, "RECIPIENT_NOT_ALLOWED"],
      [NZ, "COUNTRY_NOT_ALLOWED"],
    ];
    expect(messagesOf(await call()).map((m) => [m.to, m.status])).toEqual(expected);
    expect(await sentCount(stack, s)).toBe(before + 1);
    // The same call again replays the first answer, refusals included; nothing more is sent.
    const again = await call();
    expect((again.body.result as { idempotent_replay: boolean }).idempotent_replay).toBe(true);
    expect(messagesOf(again).map((m) => [m.to, m.status])).toEqual(expected);
    expect(await sentCount(stack, s)).toBe(before + 1);
  });

  it("quiet hours refuse the whole call, say when sending opens, and judge a scheduled send at its time", async () => {
    const s = await setup();
    const now = new Date();
    const hh = (offset: number) =>
      `${String((now.getUTCHours() + offset + 24) % 24).padStart(2, "0")}:00`;
    await setPolicy(s, {
      quiet_hours_start: hh(-1),
      quiet_hours_end: hh(2),
      quiet_hours_timezone: "UTC",
    });
    const before = await sentCount(stack, s);
    const refused = policyError(await send(s, [HANDSET]));
    expect(refused.code).toBe("policy_denied");
    expect(refused.reason).toBe("quiet_hours");
    expect(refused.retryable).toBe(true);
    const opensAt = Date.parse(String(refused.details.opens_at));
    const expected = new Date(now);
    expected.setUTCHours(now.getUTCHours() + 2, 0, 0, 0);
    expect(opensAt).toBe(expected.getTime());
    // Scheduled for after quiet hours: allowed now.
    const after = new Date(expected.getTime() + 3600_000).toISOString();
    expect(
      messagesOf(await send(s, [HANDSET], "Later", { schedule: after })).map((m) => m.status),
    ).toEqual(["Scheduled"]);
    expect(await sentCount(stack, s)).toBe(before + 1);
    // The refusal is on the agent's log.
    const { data: logs } = await s.user.rest
      .from("tool_execution_logs")
      .select("error_code, http_status")
      .eq("agent_id", s.agentId)
      .eq("error_code", "policy_denied");
    expect(logs).toEqual([{ error_code: "policy_denied", http_status: 403 }]);
  });

  it("the daily message limit counts recipients × parts and refuses the whole call with its figures", async () => {
    const s = await setup();
    await setPolicy(s, { daily_message_limit: 4 });
    messagesOf(await send(s, [HANDSET]));
    const before = await sentCount(stack, s);
    // 161 GSM characters: two parts, to two recipients = 4 more, over 1 + 4 > 4.
    const long = "x".repeat(161);
    const refused = policyError(await send(s, [HANDSET, OTHER_AU], long));
    expect(refused.reason).toBe("daily_message_limit");
    expect(refused.retryable).toBe(true);
    expect(refused.details).toMatchObject({ limit: 4, used: 1, requested: 4 });
    expect(await sentCount(stack, s)).toBe(before);
    // Three single-part messages fit exactly.
    expect(messagesOf(await send(s, [HANDSET, OTHER_AU, "+61433333333"])).length).toBe(3);
  });

  it("the monthly spend limit prices the send first and refuses what would cross it", async () => {
    const s = await setup();
    await setPolicy(s, { monthly_spend_limit: 0.1 });
    const before = await sentCount(stack, s);
    // Real numbers (ClickSend's test numbers are free): 3 × 0.0792 AUD crosses 0.10.
    const refused = policyError(await send(s, ["+61412345678", "+61412345679", "+61412345680"]));
    expect(refused.reason).toBe("monthly_spend_limit");
    expect(refused.retryable).toBe(false);
    expect(refused.details).toMatchObject({ limit: 0.1, used: 0 });
    expect(Number(refused.details.price)).toBeGreaterThan(0.1);
    expect(typeof refused.details.currency).toBe("string");
    expect(await sentCount(stack, s)).toBe(before);
  });

  it("holds under 20 concurrent calls: no overshoot, the rest refused", async () => {
    const s = await setup();
    await setPolicy(s, { daily_message_limit: 5 });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send(s, [`+614${String(40000000 + i).padStart(8, "0")}`], `Message ${String(i)}`),
      ),
    );
    const statuses = replies.map((reply) => reply.status);
    const sent = statuses.filter((status) => status === 200).length;
    const denied = replies.filter(
      (reply) =>
        reply.status === 403 && (reply.body.error as { code: string }).code === "policy_denied",
    ).length;
    expect(sent).toBeLessThanOrEqual(5);
    expect(denied).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => [200, 403, 429].includes(status))).toBe(true);
    const { count } = await s.user.rest
      .from("clicksend_messages")
      .select("id", { count: "exact", head: true })
      .eq("agent_id", s.agentId);
    expect(count).toBe(sent);
    expect(await sentCount(stack, s)).toBe(sent);
  });
});

describe("approvals", () => {
  interface Held {
    status: string;
    code: string;
    approval_id: string;
    expires_at: string;
  }

  async function held(s: Setup, key: string): Promise<Held> {
    const reply = await send(s, [HANDSET], "Needs a person", {}, key);
    expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    return reply.body as unknown as Held;
  }

  const decide = (s: Setup, approvalId: string, decision: string, body?: string) =>
    s.user.call("agent-approvals", "POST", {
      approval_id: approvalId,
      decision,
      ...(body === undefined ? {} : { body }),
    });

  it("always: 202 and nothing sent; the same key answers the same approval; approve sends once", async () => {
    const s = await setup();
    await setPolicy(s, { approval_mode: "always" });
    const before = await sentCount(stack, s);
    const first = await held(s, "approve-once");
    expect(first).toMatchObject({ status: "pending_approval", code: "approval_pending" });
    const again = await held(s, "approve-once");
    expect(again.approval_id).toBe(first.approval_id);
    expect(await sentCount(stack, s)).toBe(before);

    const listed = await s.user.call("agent-approvals", "GET");
    expect(listed.status).toBe(200);
    const approvals = (listed.body as { approvals: { id: string; state: string }[] }).approvals;
    expect(approvals.map((a) => [a.id, a.state])).toEqual([[first.approval_id, "pending"]]);

    const approved = await decide(s, first.approval_id, "approve", "Approved text");
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const approval = (approved.body as { approval: { state: string; outcome: { status: number } } })
      .approval;
    expect(approval.state).toBe("approved");
    expect(approval.outcome.status).toBe(200);
    expect(await sentCount(stack, s)).toBe(before + 1);

    // Approving again answers the first outcome; the agent's key now answers the send.
    const twice = await decide(s, first.approval_id, "approve");
    expect(twice.status).toBe(200);
    const replay = await send(s, [HANDSET], "Needs a person", {}, "approve-once");
    expect(replay.status, JSON.stringify(replay.body)).toBe(200);
    expect(await sentCount(stack, s)).toBe(before + 1);
    const { data: rows } = await s.user.rest
      .from("clicksend_messages")
      .select("body")
      .eq("agent_id", s.agentId);
    expect(rows).toEqual([{ body: "Approved text" }]);
  });

  it("two concurrent approvals send once", async () => {
    const s = await setup();
    await setPolicy(s, { approval_mode: "always" });
    const before = await sentCount(stack, s);
    const { approval_id: id } = await held(s, "concurrent");
    const both = await Promise.all([decide(s, id, "approve"), decide(s, id, "approve")]);
    expect(both.map((reply) => reply.status)).toEqual([200, 200]);
    expect(await sentCount(stack, s)).toBe(before + 1);
  });

  it("reject never sends, and deciding it again is 409 approval_closed", async () => {
    const s = await setup();
    await setPolicy(s, { approval_mode: "always" });
    const before = await sentCount(stack, s);
    const { approval_id: id } = await held(s, "rejected");
    expect((await decide(s, id, "reject")).status).toBe(200);
    const late = await decide(s, id, "approve");
    expect(late.status).toBe(409);
    expect((late.body.error as { code: string }).code).toBe("approval_closed");
    const agent = await send(s, [HANDSET], "Needs a person", {}, "rejected");
    expect(agent.status).toBe(409);
    expect(await sentCount(stack, s)).toBe(before);
  });

  it("first_contact holds only a number the agent never texted", async () => {
    const s = await setup();
    messagesOf(await send(s, [HANDSET]));
    await setPolicy(s, { approval_mode: "first_contact" });
    expect((await send(s, [HANDSET])).status).toBe(200);
    expect((await send(s, [OTHER_AU])).status).toBe(202);
  });

  it("another user can neither see nor decide the approval", async () => {
    const s = await setup();
    const other = await setup();
    await setPolicy(s, { approval_mode: "always" });
    const { approval_id: id } = await held(s, "private");
    const listed = await other.user.call("agent-approvals", "GET");
    expect((listed.body as { approvals: unknown[] }).approvals).toEqual([]);
    const stolen = await decide(other, id, "approve");
    expect(stolen.status).toBe(404);
    expect(await sentCount(stack, s)).toBe(0);
  });
});

describe("the agent hears what changed", () => {
  /** A webhook receiver on 127.0.0.1 that keeps every event it is sent. */
  async function receiver() {
    const events: { type: string; data: Record<string, unknown> }[] = [];
    const server: Server = createServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => {
        events.push(JSON.parse(body) as { type: string; data: Record<string, unknown> });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${String(port)}/hook`,
      events,
      close: () =>
        new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        ),
    };
  }

  it("a STOP reaches the agent as an opt_out event, never as a reply; a decision as approval_decided", async () => {
    const s = await setup();
    const hook = await receiver();
    try {
      const set = await s.user.call("agent-webhooks", "POST", {
        action: "set",
        agent_id: s.agentId,
        url: hook.url,
      });
      expect(set.status, JSON.stringify(set.body)).toBe(201);
      const first = messagesOf(await send(s, [HANDSET]))[0];
      if (!first?.message_id) throw new Error("no message id");
      await handsetReplies(first.message_id, "STOP");
      await until(
        "the opt_out event",
        () => Promise.resolve(hook.events.length),
        (n) => n >= 1,
      );
      expect(hook.events).toMatchObject([{ type: "opt_out", data: { contact: HANDSET } }]);

      await setPolicy(s, { approval_mode: "always" });
      const held = await send(s, [OTHER_AU], "Held", {}, "told");
      expect(held.status).toBe(202);
      const approvalId = (held.body as { approval_id: string }).approval_id;
      const decided = await s.user.call("agent-approvals", "POST", {
        approval_id: approvalId,
        decision: "approve",
      });
      expect(decided.status, JSON.stringify(decided.body)).toBe(200);
      await until(
        "the approval_decided event",
        () => Promise.resolve(hook.events.length),
        (n) => n >= 2,
      );
      expect(hook.events[1]).toMatchObject({
        type: "approval_decided",
        data: { approval_id: approvalId, decision: "approved", outcome: { status: 200 } },
      });
      expect(hook.events.map((event) => event.type)).not.toContain("reply");
    } finally {
      await hook.close();
    }
  });
});
