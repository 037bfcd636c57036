// Policy suite (issue 15): what an agent's policy costs on the send path.
//
// One user, one sandbox account and connection, three agents granted `sms` on it:
//   * plain: no policy row (no limits beyond the grant);
//   * rules: every rule but a spend limit, set the way a careful user would set them: a daily
//     limit that never refuses here, 50 allowed recipients (exact numbers and prefixes, the
//     recipient matched by the last one, so every rule is read), allowed countries, quiet hours
//     in Australia/Sydney at a time the run is not in, approval for a first contact (the
//     recipient already texted, so nothing is held); the account also has opt-outs for other
//     numbers (some of them on the allowed list);
//   * spend: the same rules plus a monthly spend limit (prepare answers needs_price, the function
//     prices the send at ClickSend, POST /v3/sms/price, and prepares again with the quote).
// Opt-outs belong to the account, so every agent's send is checked against them (the plain
// agent's too, as every send is).
//
// Before anything is measured the rules agent must refuse what its rules say (sanity checks,
// never timed): an unlisted number RECIPIENT_NOT_ALLOWED, an opted-out one OPTED_OUT, a listed
// number never texted held for approval (202), and with one rule changed at a time, quiet hours
// covering now and a daily limit already used answer 403 policy_denied with that reason.
//
// Counted (calls.ts's counting: the function's gateway requests, the database transactions and
// statements they ran, the ClickSend requests, 5 samples each after warm-up, on a quiet stack):
// one single-recipient send by each agent. The figures are the differences: rules - plain
// (designed: nothing more), spend - rules (designed: one more prepare, i.e. one gateway request
// and one transaction, and one ClickSend price request).
//
// Timed: the same single-recipient send by plain and by rules, interleaved (each round sends
// once from each, in a fresh random order; warm-up rounds first), from fetch to the end of the
// body. policy_check_overhead_vs_plain_send = p50(rules) / p50(plain). Both send to the same
// ClickSend test number (+61411111111: accepted and recorded like any number, never a receipt,
// so no receipt push competes with the measurement).
import { loadavg } from "node:os";
import { z } from "zod";
import type { FullStack } from "../local/integration/full-stack.ts";
import {
  agentPolicySchema,
  approvalPendingBodySchema,
  matchesRecipientRule,
  policyDeniedBodySchema,
  type AgentPolicy,
  type PolicyReason,
} from "../supabase/functions/_shared/contracts/guardrails.ts";
import { cost, measure, type Cost } from "./calls.ts";
import { CpuMeter, cpuSample } from "./cpu.ts";
import { breakdown, type Recording } from "./probe.ts";
import type { Figure } from "./report.ts";
import {
  AU_TEST_NUMBERS,
  callFunction,
  oneSendReplySchema,
  readReply,
  tenant,
  waitForQuiet,
  type BenchStack,
  type BenchUser,
  type Reply,
  type StackSuite,
} from "./stack.ts";
import { measureInterleaved, positiveInt, roundRatio, summarize } from "./stats.ts";

/** Every measured send goes here: a ClickSend test number (no receipt, so no pushes). */
const RECIPIENT = AU_TEST_NUMBERS[0] as string;
/** A test number the rules agent may not text (on no rule of its list). */
const UNLISTED = AU_TEST_NUMBERS[1] as string;
export const QUIET_HOURS_TIMEZONE = "Australia/Sydney";
const WARMUP_ROUNDS = 20;
/** BENCH_POLICY_ROUNDS: timed rounds (one send by each of the two agents per round). */
const DEFAULT_ROUNDS = 300;
/**
 * The connection's executor limit (service_providers.configuration_metadata.limits
 * rate_limit_per_hour): every send of the suite is on one connection, so they must fit in it.
 */
const CALLS_PER_HOUR = 1000;
/** Sends outside the timed rounds: warm-ups, counting, sanity checks (generous). */
const OTHER_SENDS = 60;
const PRICE_REQUEST = "POST /v3/sms/price";
const SEND_REQUEST = "POST /v3/sms/send";

function log(engine: string, message: string): void {
  console.log(`bench policy [${engine}]: ${message}`);
}

// ---------------------------------------------------------------------------------------------
// The policy
// ---------------------------------------------------------------------------------------------

/** Exact numbers on the allowed list (+61 412 5xx xxx, distinct), then prefixes. */
const LISTED_EXACT = Array.from(
  { length: 46 },
  (_, i) => `+61412${String(500_000 + i * 137).padStart(6, "0")}`,
);

/**
 * The rules agent's allowed recipients: 50 rules, 46 exact numbers and 4 prefixes (Australian
 * 040x, New Zealand mobiles, UK drama numbers), the only rule that lets `recipient` through last.
 */
export function allowedRecipients(recipient: string = RECIPIENT): string[] {
  const rules = [
    "+6140*",
    ...LISTED_EXACT.slice(0, 23),
    "+6421*",
    ...LISTED_EXACT.slice(23),
    "+447700*",
    `${recipient.slice(0, 7)}*`,
  ];
  return rules;
}

/** Opt-outs on the account: three numbers on the allowed list, two not on it. */
export const OPTED_OUT: readonly string[] = [
  LISTED_EXACT[0] as string,
  LISTED_EXACT[10] as string,
  LISTED_EXACT[30] as string,
  "+61412999001",
  "+61412999002",
];

/** A listed number never texted (and not opted out): a first contact, so a send is held. */
export const FIRST_CONTACT = LISTED_EXACT[45] as string;

/** The local hour (0-23) at `now` in `timezone`. */
function localHour(now: Date, timezone: string): number {
  const text = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    hour: "2-digit",
    hourCycle: "h23",
  }).format(now);
  return Number(text);
}

const hhmm = (hour: number): string => `${String(((hour % 24) + 24) % 24).padStart(2, "0")}:00`;

/**
 * Quiet hours the run is not in: 8 hours starting 7 hours after the current local hour, so a run
 * has at least 6 hours before they start (5 on the night the clocks go forward); they may span
 * midnight.
 */
export function quietHoursAvoiding(now: Date, timezone: string): { start: string; end: string } {
  const hour = localHour(now, timezone);
  return { start: hhmm(hour + 7), end: hhmm(hour + 15) };
}

/** Quiet hours that cover `now`: from the current local hour for 2 hours. */
export function quietHoursCovering(now: Date, timezone: string): { start: string; end: string } {
  const hour = localHour(now, timezone);
  return { start: hhmm(hour), end: hhmm(hour + 2) };
}

/** Every rule but a spend limit, none of which refuses a send to RECIPIENT now. */
export function rulesPolicy(now: Date): AgentPolicy {
  const quiet = quietHoursAvoiding(now, QUIET_HOURS_TIMEZONE);
  return agentPolicySchema.parse({
    daily_message_limit: 1_000_000,
    monthly_spend_limit: null,
    allowed_recipients: allowedRecipients(),
    allowed_countries: ["AU", "NZ", "GB"],
    quiet_hours_start: quiet.start,
    quiet_hours_end: quiet.end,
    quiet_hours_timezone: QUIET_HOURS_TIMEZONE,
    approval_mode: "first_contact",
  });
}

// ---------------------------------------------------------------------------------------------
// REST, as the user
// ---------------------------------------------------------------------------------------------

function restHeaders(stack: FullStack, user: BenchUser): Record<string, string> {
  return {
    authorization: `Bearer ${user.token}`,
    apikey: stack.anonKey,
    "content-type": "application/json",
  };
}

const policyRowSchema = z
  .array(
    z.object({
      agent_id: z.uuid(),
      user_id: z.uuid(),
      approval_mode: z.string(),
      allowed_recipients: z.array(z.string()).nullable(),
    }),
  )
  .length(1);

/** Creates or replaces the agent's policy row through /rest/v1 (RLS), as the app does. */
async function setPolicy(
  stack: FullStack,
  user: BenchUser,
  agentId: string,
  policy: AgentPolicy,
): Promise<void> {
  const response = await fetch(`${stack.url}/rest/v1/agent_policies?on_conflict=agent_id`, {
    method: "POST",
    headers: {
      ...restHeaders(stack, user),
      prefer: "resolution=merge-duplicates,return=representation",
    },
    body: JSON.stringify({ agent_id: agentId, ...policy }),
  });
  const reply = await readReply(response);
  if (reply.status !== 200 && reply.status !== 201)
    throw new Error(
      `policy of agent ${agentId}: HTTP ${String(reply.status)} ${JSON.stringify(reply.body).slice(0, 300)}`,
    );
  const [row] = policyRowSchema.parse(reply.body);
  if (
    row?.agent_id !== agentId ||
    row.user_id !== user.id ||
    row.approval_mode !== policy.approval_mode ||
    JSON.stringify(row.allowed_recipients) !== JSON.stringify(policy.allowed_recipients)
  )
    throw new Error(`policy of agent ${agentId}: stored ${JSON.stringify(row)}`);
}

const optOutAddedSchema = z.object({ added: z.literal(true), phone: z.string() });

/** Adds a number to the connection's account's opt-out list (clicksend_opt_out_add, RLS). */
async function addOptOut(
  stack: FullStack,
  user: BenchUser,
  connectionId: string,
  phone: string,
): Promise<void> {
  const response = await fetch(`${stack.url}/rest/v1/rpc/clicksend_opt_out_add`, {
    method: "POST",
    headers: restHeaders(stack, user),
    body: JSON.stringify({ p_connection_id: connectionId, p_phone: phone }),
  });
  const reply = await readReply(response);
  if (reply.status !== 200)
    throw new Error(
      `opt-out of ${phone}: HTTP ${String(reply.status)} ${JSON.stringify(reply.body).slice(0, 300)}`,
    );
  if (optOutAddedSchema.parse(reply.body).phone !== phone)
    throw new Error(`opt-out of ${phone}: answered ${JSON.stringify(reply.body)}`);
}

// ---------------------------------------------------------------------------------------------
// Sends
// ---------------------------------------------------------------------------------------------

function sendRequest(stack: FullStack, token: string, agentId: string, key: string, to: string) {
  return callFunction(stack, token, "execute-agent-tool", {
    agent_id: agentId,
    tool: "clicksend_send_sms",
    arguments: { to: [to], body: "Bench policy message", custom_string: key },
    idempotency_key: key,
  });
}

function describeReply(reply: Reply): string {
  return `HTTP ${String(reply.status)} ${JSON.stringify(reply.body).slice(0, 300)}`;
}

/** Throws unless `reply` is a 200 for a one-recipient send ClickSend accepted (not a replay). */
function expectSent(what: string, reply: Reply, to: string): void {
  if (reply.status !== 200) throw new Error(`${what}: ${describeReply(reply)}`);
  const parsed = oneSendReplySchema.safeParse(reply.body);
  if (
    !parsed.success ||
    parsed.data.result.messages[0]?.to !== to ||
    parsed.data.result.idempotent_replay
  )
    throw new Error(`${what}: not one accepted message to ${to}: ${describeReply(reply)}`);
}

const refusedReplySchema = z.object({
  ok: z.literal(true),
  result: z.object({
    accepted: z.literal(0),
    messages: z
      .array(z.object({ to: z.string(), status: z.string(), message_id: z.null() }))
      .length(1),
  }),
});

/** Throws unless the one recipient came back refused with `status` and nothing was sent. */
function expectRefused(what: string, reply: Reply, to: string, status: string): void {
  const parsed = refusedReplySchema.safeParse(reply.body);
  const message = parsed.success ? parsed.data.result.messages[0] : undefined;
  if (reply.status !== 200 || message?.to !== to || message.status !== status)
    throw new Error(`${what}: expected ${to} refused as ${status}, got ${describeReply(reply)}`);
}

function expectPolicyDenied(what: string, reply: Reply, reason: PolicyReason): void {
  const parsed = policyDeniedBodySchema.safeParse(reply.body);
  if (reply.status !== 403 || !parsed.success || parsed.data.error.reason !== reason)
    throw new Error(`${what}: expected 403 policy_denied (${reason}), got ${describeReply(reply)}`);
}

function expectHeld(what: string, reply: Reply): void {
  if (reply.status !== 202 || !approvalPendingBodySchema.safeParse(reply.body).success)
    throw new Error(`${what}: expected 202 pending_approval, got ${describeReply(reply)}`);
}

/** Durations (ns) of the gateway requests to `path` in the recordings. */
function requestNs(recordings: readonly Recording[], path: string): number[] {
  return recordings
    .flatMap((recording) => recording.requests)
    .filter((request) => request.path === path && Number.isFinite(request.endMs))
    .map((request) => (request.endMs - request.startMs) * 1e6);
}

function merged(recordings: readonly Recording[]): Recording {
  return {
    db: { transaction: 0, query: 0, exec: 0, batch: 0, statements: 0 },
    requests: recordings.flatMap((recording) => recording.requests),
    lines: recordings.flatMap((recording) => recording.lines),
    startMs: 0,
    endMs: 0,
  };
}

/** The difference of two counts as an exact figure: `designed` is what the design says. */
function extra(key: string, label: string, value: number, designed: number | undefined): Figure {
  return {
    key,
    label,
    value,
    unit: "count",
    ...(designed === undefined
      ? {}
      : { goal: { min: designed, max: designed, text: `= ${String(designed)}` } }),
  };
}

export const policySuite: StackSuite = {
  name: "policy",
  async run(bench: BenchStack): Promise<Figure[]> {
    const { stack, probe, engine } = bench;
    const say = (message: string): void => {
      log(engine, message);
    };
    const rounds = positiveInt(process.env.BENCH_POLICY_ROUNDS, DEFAULT_ROUNDS);
    if (2 * (WARMUP_ROUNDS + rounds) + OTHER_SENDS > CALLS_PER_HOUR)
      throw new Error(
        `BENCH_POLICY_ROUNDS=${String(rounds)}: ${String(2 * (WARMUP_ROUNDS + rounds))} timed and warm-up sends on one connection would run into its ${String(CALLS_PER_HOUR)} calls an hour`,
      );

    const owner = await tenant(stack, "policy", 3, 25);
    const [plain, rules, spend] = owner.agentIds as [string, string, string];
    const token = owner.user.token;
    const runId = Date.now().toString(36);
    let sent = 0;
    const nextKey = (what: string): string => {
      sent += 1;
      return `policy-${runId}-${what}-${String(sent)}`;
    };

    // The account's opt-outs, then the policies. Approval on first contact comes last: each
    // policy agent first texts the recipient once (approval never), as it would have before.
    for (const phone of OPTED_OUT) await addOptOut(stack, owner.user, owner.connectionId, phone);
    const now = new Date();
    const rulesOnly = rulesPolicy(now);
    const withSpend = agentPolicySchema.parse({ ...rulesOnly, monthly_spend_limit: 1000 });
    for (const [agentId, policy] of [
      [rules, rulesOnly],
      [spend, withSpend],
    ] as const) {
      await setPolicy(stack, owner.user, agentId, { ...policy, approval_mode: "never" });
      expectSent(
        "first contact",
        await sendRequest(stack, token, agentId, nextKey("first"), RECIPIENT),
        RECIPIENT,
      );
      await setPolicy(stack, owner.user, agentId, policy);
    }
    if (!allowedRecipients().some((rule) => matchesRecipientRule(rule, RECIPIENT)))
      throw new Error("the allowed list does not let the recipient through");
    say(
      `rules: daily limit ${String(rulesOnly.daily_message_limit)}, ${String(rulesOnly.allowed_recipients?.length)} allowed recipients, countries ${String(rulesOnly.allowed_countries?.join(","))}, quiet hours ${String(rulesOnly.quiet_hours_start)}-${String(rulesOnly.quiet_hours_end)} ${QUIET_HOURS_TIMEZONE}, approval ${rulesOnly.approval_mode}; ${String(OPTED_OUT.length)} opt-outs on the account; spend limit ${String(withSpend.monthly_spend_limit)} on the third agent`,
    );

    // Sanity: the rules agent refuses what its rules say; the plain agent sends.
    expectRefused(
      "rules agent, unlisted number",
      await sendRequest(stack, token, rules, nextKey("unlisted"), UNLISTED),
      UNLISTED,
      "RECIPIENT_NOT_ALLOWED",
    );
    expectRefused(
      "rules agent, opted-out number",
      await sendRequest(stack, token, rules, nextKey("opted-out"), OPTED_OUT[0] as string),
      OPTED_OUT[0] as string,
      "OPTED_OUT",
    );
    expectHeld(
      "rules agent, first contact",
      await sendRequest(stack, token, rules, nextKey("held"), FIRST_CONTACT),
    );
    const covering = quietHoursCovering(new Date(), QUIET_HOURS_TIMEZONE);
    for (const [reason, variant] of [
      [
        "quiet_hours",
        { ...rulesOnly, quiet_hours_start: covering.start, quiet_hours_end: covering.end },
      ],
      // The first-contact send above used 1 of it.
      ["daily_message_limit", { ...rulesOnly, daily_message_limit: 1 }],
    ] as const) {
      await setPolicy(stack, owner.user, rules, variant);
      expectPolicyDenied(
        `rules agent, ${reason}`,
        await sendRequest(stack, token, rules, nextKey(reason), RECIPIENT),
        reason,
      );
    }
    await setPolicy(stack, owner.user, rules, rulesOnly);
    expectSent(
      "plain agent, a number the rules agent may not text",
      await sendRequest(stack, token, plain, nextKey("plain-unlisted"), UNLISTED),
      UNLISTED,
    );

    // Counted: one send by each agent, on a quiet stack, after warm-up (Deno's first run of the
    // priced path included).
    for (let w = 0; w < 2; w++) {
      for (const agentId of [plain, rules, spend])
        expectSent(
          "warm-up",
          await sendRequest(stack, token, agentId, nextKey("warm"), RECIPIENT),
          RECIPIENT,
        );
    }
    const { quiet } = await waitForQuiet(stack, 120_000);
    if (!quiet) throw new Error("the sandbox never went quiet; counting would include its pushes");
    const countSend = async (agentId: string, what: string): Promise<Cost> => {
      const window = probe.window();
      const reply = await sendRequest(stack, token, agentId, nextKey(what), RECIPIENT);
      const recording = window.close();
      expectSent(what, reply, RECIPIENT);
      return cost(recording, "/functions/v1/execute-agent-tool");
    };
    const plainCost = await measure(say, "send, no policy", () => countSend(plain, "count-plain"));
    const rulesCost = await measure(say, "send, every rule but a spend limit", () =>
      countSend(rules, "count-rules"),
    );
    const spendCost = await measure(say, "send, every rule and a monthly spend limit", () =>
      countSend(spend, "count-spend"),
    );
    for (const [what, measured, expected] of [
      ["no policy", plainCost, SEND_REQUEST],
      ["rules", rulesCost, SEND_REQUEST],
      ["spend limit", spendCost, `${PRICE_REQUEST}, ${SEND_REQUEST}`],
    ] as const) {
      if (measured.clicksendPaths !== expected)
        throw new Error(
          `${what}: ClickSend saw ${measured.clicksendPaths || "nothing"}, expected ${expected}`,
        );
    }

    // Timed: plain and rules interleaved.
    const recordings = new Map<string, Recording[]>([
      ["plain", []],
      ["rules", []],
    ]);
    const timedCase = (name: "plain" | "rules", agentId: string) => ({
      name,
      async run(iteration: number): Promise<number> {
        const key = nextKey(`t-${name}`);
        const window = probe.window();
        const started = process.hrtime.bigint();
        const reply = await sendRequest(stack, token, agentId, key, RECIPIENT);
        const ns = Number(process.hrtime.bigint() - started);
        const recording = window.close();
        expectSent(`timed send ${key}`, reply, RECIPIENT);
        if (iteration >= WARMUP_ROUNDS) recordings.get(name)?.push(recording);
        return ns;
      },
    });
    const cpu = new CpuMeter();
    const cpuStart = await cpuSample(bench);
    say(
      `timing ${String(rounds)} rounds after ${String(WARMUP_ROUNDS)} warm-up; load average ${loadavg()[0]?.toFixed(2) ?? "?"}`,
    );
    const summaries = await measureInterleaved(
      [timedCase("plain", plain), timedCase("rules", rules)],
      { warmup: WARMUP_ROUNDS, iterations: rounds, seed: 15 },
    );
    cpu.add(cpuStart, await cpuSample(bench));
    const plainTime = summaries.get("plain");
    const rulesTime = summaries.get("rules");
    if (plainTime === undefined || rulesTime === undefined) throw new Error("a case was not timed");
    const ratio = rulesTime.p50Ns / plainTime.p50Ns;
    const prepare = "/rest/v1/rpc/clicksend_prepare_call";
    const plainPrepare = summarize(requestNs(recordings.get("plain") ?? [], prepare));
    const rulesPrepare = summarize(requestNs(recordings.get("rules") ?? [], prepare));
    say(
      `send p50/p95: no policy ${plainTime.p50Ms.toFixed(1)}/${plainTime.p95Ms.toFixed(1)} ms, every rule but a spend limit ${rulesTime.p50Ms.toFixed(1)}/${rulesTime.p95Ms.toFixed(1)} ms (ratio of p50s ${ratio.toFixed(3)}); prepare_call p50 ${plainPrepare.p50Ms.toFixed(2)} vs ${rulesPrepare.p50Ms.toFixed(2)} ms; load average ${loadavg()[0]?.toFixed(2) ?? "?"}`,
    );
    for (const [name, list] of recordings) say(`${name}: ${breakdown(merged(list))}`);
    say(`CPU while timing: ${cpu.describe()}`);

    return [
      {
        key: "policy_check_overhead_vs_plain_send",
        label: "send with every rule but a spend limit / no policy (p50s)",
        value: roundRatio(ratio),
        unit: "ratio",
        goal: { max: 1.2, text: "<= 1.2x" },
      },
      {
        key: "policy_send_p50_ms",
        label: "send, every rule but a spend limit, p50",
        value: rulesTime.p50Ms,
        unit: "ms",
      },
      {
        key: "policy_send_p95_ms",
        label: "send, every rule but a spend limit, p95",
        value: rulesTime.p95Ms,
        unit: "ms",
      },
      {
        key: "policy_plain_send_p50_ms",
        label: "send, no policy (baseline), p50",
        value: plainTime.p50Ms,
        unit: "ms",
      },
      {
        key: "policy_plain_send_p95_ms",
        label: "send, no policy (baseline), p95",
        value: plainTime.p95Ms,
        unit: "ms",
      },
      {
        key: "policy_prepare_p50_ms",
        label: "its clicksend_prepare_call (gateway), every rule, p50",
        value: rulesPrepare.p50Ms,
        unit: "ms",
      },
      {
        key: "policy_plain_prepare_p50_ms",
        label: "its clicksend_prepare_call (gateway), no policy, p50",
        value: plainPrepare.p50Ms,
        unit: "ms",
      },
      {
        key: "policy_send_samples",
        label: "timed sends per agent",
        value: rulesTime.samples,
        unit: "count",
      },
      extra(
        "policy_rules_extra_gateway_calls",
        "every rule but a spend limit: extra gateway requests",
        rulesCost.gateway - plainCost.gateway,
        0,
      ),
      extra(
        "policy_rules_extra_db_transactions",
        "every rule but a spend limit: extra database transactions",
        rulesCost.transactions - plainCost.transactions,
        0,
      ),
      extra(
        "policy_rules_extra_clicksend_requests",
        "every rule but a spend limit: extra ClickSend requests",
        rulesCost.clicksend - plainCost.clicksend,
        0,
      ),
      extra(
        "monthly_spend_limit_extra_gateway_calls",
        "monthly spend limit: extra gateway requests (2nd prepare)",
        spendCost.gateway - rulesCost.gateway,
        1,
      ),
      extra(
        "monthly_spend_limit_extra_db_transactions",
        "monthly spend limit: extra database transactions",
        spendCost.transactions - rulesCost.transactions,
        1,
      ),
      extra(
        "monthly_spend_limit_extra_db_statements",
        "monthly spend limit: extra SQL statements",
        spendCost.statements - rulesCost.statements,
        undefined,
      ),
      extra(
        "monthly_spend_limit_extra_clicksend_requests",
        "monthly spend limit: extra ClickSend requests (price)",
        spendCost.clicksend - rulesCost.clicksend,
        1,
      ),
    ];
  },
};
