// Load suite: 50 agents (5 users x 10 agents, each user with their own sandbox ClickSend account
// and connection) call execute-agent-tool concurrently, 20 single-recipient SMS sends each, through
// the gateway and real Deno functions, once per engine (PGlite, PostgreSQL). Each agent sends its calls one after another;
// all 50 agents run at once. Every call carries a unique idempotency_key, also used as the
// message's custom_string so the sandbox's copy of each message can be traced back to its call.
//
// Limits: the executor allows each connection 1000 ClickSend calls per hour and 10 at a time
// (service_providers.configuration_metadata.limits). 10 agents per connection, each with one call
// in flight, stay within both, and each user's own sandbox account keeps the sandbox's per-account
// limit (6000/60 s on POST /sms/send) far away, so nothing is raised for the bench. A 429 is
// retried after its Retry-After with the same idempotency key, as an agent would.
//
// Before the timed phase each user's warm-up agent sends one SMS and the whole path is checked
// (answer, recorded row, message in the sandbox). During the phase every 200 answer is checked
// (one recipient accepted, a message id); afterwards every 200 call must have exactly its one
// recorded row with that message id, present in the sandbox. Only 200 answers are timed.
//
// Where the time goes: the probe records every gateway request during the phase, so the suite
// logs p50/p99 of the parts of a send (getUser, prepare, finish as the gateway served them,
// ClickSend's /sms/send as the sandbox served it, and the whole call at the gateway).
import type { FullStack } from "../local/integration/full-stack.ts";
import { CpuMeter, cpuSample } from "./cpu.ts";
import { breakdown } from "./probe.ts";
import type { Figure } from "./report.ts";
import {
  agentWithGrant,
  callFunction,
  connectClickSend,
  mobileNumber,
  oneSendReplySchema,
  pool,
  sandboxAccount,
  signUp,
  waitForQuiet,
  type BenchStack,
  type BenchUser,
  type Reply,
  type StackSuite,
} from "./stack.ts";
import { roundRatio, summarize } from "./stats.ts";

const USERS = 5;
const AGENTS_PER_USER = 10;
const CALLS_PER_AGENT = 20;
/** Attempts per call while the answer is 429 (the first try included). */
const MAX_ATTEMPTS = 5;
const SANDBOX_BALANCE_AUD = 1000;

let engineName = "";
function log(message: string): void {
  console.log(`bench load [${engineName}]: ${message}`);
}

const sendReplySchema = oneSendReplySchema;

interface LoadAgent {
  user: BenchUser;
  userIndex: number;
  agentIndex: number;
  agentId: string;
}

interface LoadUser {
  user: BenchUser;
  username: string;
  connectionId: string;
  warmupAgentId: string;
}

interface CallOutcome {
  key: string;
  /** ClickSend's message id from a 200 answer; null when the call did not succeed. */
  messageId: string | null;
}

async function setUpUsers(
  stack: FullStack,
  runId: string,
): Promise<{ users: LoadUser[]; agents: LoadAgent[] }> {
  const users: LoadUser[] = [];
  const agents: LoadAgent[] = [];
  for (let u = 0; u < USERS; u++) {
    const username = `bench_load_${runId}_${String(u)}`;
    const apiKey = `BENCH-LOAD-${runId}-${String(u)}-KEY`;
    await sandboxAccount(stack, username, apiKey, SANDBOX_BALANCE_AUD);
    const user = await signUp(stack, `load-${runId}-${String(u)}@example.com`);
    const connectionId = await connectClickSend(stack, user, username, apiKey);
    const warmupAgentId = await agentWithGrant(stack, user, connectionId, "Warm-up", ["sms"]);
    for (let a = 0; a < AGENTS_PER_USER; a++) {
      const agentId = await agentWithGrant(stack, user, connectionId, `Load ${String(a)}`, ["sms"]);
      agents.push({ user, userIndex: u, agentIndex: a, agentId });
    }
    users.push({ user, username, connectionId, warmupAgentId });
  }
  return { users, agents };
}

function sendArguments(key: string, to: string): Record<string, unknown> {
  return { to: [to], body: "Bench load message", custom_string: key };
}

interface RecordedRow {
  custom_string: string | null;
  message_id: string | null;
  [column: string]: unknown;
}

async function recordedRows(stack: FullStack, prefix: string): Promise<RecordedRow[]> {
  return stack.db.query<RecordedRow>(
    "select custom_string, message_id from public.clicksend_messages where custom_string like $1",
    [`${prefix}%`],
  );
}

/** One call through the full path, checked end to end, before anything is timed. */
async function warmUp(stack: FullStack, runId: string, users: readonly LoadUser[]): Promise<void> {
  for (const [index, loadUser] of users.entries()) {
    const key = `warm-${runId}-${String(index)}`;
    const to = mobileNumber(900_000 + index);
    const reply = await callFunction(stack, loadUser.user.token, "execute-agent-tool", {
      agent_id: loadUser.warmupAgentId,
      tool: "clicksend_send_sms",
      arguments: sendArguments(key, to),
      idempotency_key: key,
    });
    if (reply.status !== 200)
      throw new Error(`warm-up send: HTTP ${String(reply.status)} ${JSON.stringify(reply.body)}`);
    const parsed = sendReplySchema.parse(reply.body);
    const message = parsed.result.messages[0];
    if (message?.to !== to)
      throw new Error(`warm-up send answered for ${String(message?.to)}, not ${to}`);
    const rows = await recordedRows(stack, key);
    if (rows.length !== 1 || rows[0]?.message_id !== message.message_id)
      throw new Error(
        `warm-up send: expected one recorded row with ${message.message_id}, got ${JSON.stringify(rows)}`,
      );
    const inSandbox = stack.sandbox.state.messages.filter((m) => m.customString === key);
    if (inSandbox.length !== 1 || inSandbox[0]?.messageId !== message.message_id)
      throw new Error(
        `warm-up send: the sandbox holds ${String(inSandbox.length)} messages for it`,
      );
  }
}

export const loadSuite: StackSuite = {
  name: "load",
  async run(bench: BenchStack): Promise<Figure[]> {
    const { stack, probe, engine } = bench;
    engineName = engine;
    const runId = Date.now().toString(36);
    log(
      `creating ${String(USERS)} users, sandbox accounts and connections, ${String(USERS * AGENTS_PER_USER)} agents`,
    );
    const { users, agents } = await setUpUsers(stack, runId);
    await warmUp(stack, runId, users);
    await waitForQuiet(stack, 30_000);

    const prefix = `load-${runId}-`;
    const latenciesNs: number[] = [];
    const outcomes: CallOutcome[] = [];
    const wrongAnswers: string[] = [];
    let requests = 0;
    let tooMany = 0;
    let otherErrors = 0;
    const errorSamples: string[] = [];

    const callOnce = async (agent: LoadAgent, call: number): Promise<void> => {
      const key = `${prefix}u${String(agent.userIndex)}-a${String(agent.agentIndex)}-c${String(call)}`;
      const recipientIndex =
        (agent.userIndex * AGENTS_PER_USER + agent.agentIndex) * CALLS_PER_AGENT + call;
      const to = mobileNumber(recipientIndex);
      const body = {
        agent_id: agent.agentId,
        tool: "clicksend_send_sms",
        arguments: sendArguments(key, to),
        idempotency_key: key,
      };
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        requests += 1;
        const started = process.hrtime.bigint();
        let reply: Reply;
        try {
          reply = await callFunction(stack, agent.user.token, "execute-agent-tool", body);
        } catch (error) {
          otherErrors += 1;
          errorSamples.push(`network: ${error instanceof Error ? error.message : String(error)}`);
          outcomes.push({ key, messageId: null });
          return;
        }
        const ns = Number(process.hrtime.bigint() - started);
        if (reply.status === 429) {
          tooMany += 1;
          const wait = Number(reply.headers.get("retry-after") ?? "1");
          await new Promise((resolve) =>
            setTimeout(resolve, (Number.isFinite(wait) ? wait : 1) * 1000),
          );
          continue;
        }
        if (reply.status !== 200) {
          otherErrors += 1;
          errorSamples.push(
            `HTTP ${String(reply.status)}: ${JSON.stringify(reply.body).slice(0, 300)}`,
          );
          outcomes.push({ key, messageId: null });
          return;
        }
        const parsed = sendReplySchema.safeParse(reply.body);
        const message = parsed.success ? parsed.data.result.messages[0] : undefined;
        if (!parsed.success || message?.to !== to) {
          wrongAnswers.push(`${key}: ${JSON.stringify(reply.body).slice(0, 300)}`);
          outcomes.push({ key, messageId: null });
          return;
        }
        latenciesNs.push(ns);
        outcomes.push({ key, messageId: message.message_id });
        return;
      }
      outcomes.push({ key, messageId: null });
    };

    log(`${String(agents.length)} agents x ${String(CALLS_PER_AGENT)} calls, all agents at once`);
    const cpuStart = await cpuSample(bench);
    const window = probe.window();
    const started = process.hrtime.bigint();
    await pool(agents, agents.length, async (agent) => {
      for (let call = 0; call < CALLS_PER_AGENT; call++) await callOnce(agent, call);
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const recording = window.close();
    const cpu = new CpuMeter();
    cpu.add(cpuStart, await cpuSample(bench));
    const succeeded = outcomes.filter((outcome) => outcome.messageId !== null);
    log(
      `${String(succeeded.length)}/${String(outcomes.length)} calls succeeded in ${seconds.toFixed(1)} s; ${String(tooMany)} x 429, ${String(otherErrors)} other errors`,
    );
    for (const sample of errorSamples.slice(0, 5)) log(`error: ${sample}`);
    log(`where the time went: ${breakdown(recording)}`);
    log(`CPU ${cpu.describe()}`);
    if (wrongAnswers.length > 0)
      throw new Error(
        `${String(wrongAnswers.length)} wrong 200 answers, e.g. ${wrongAnswers.slice(0, 3).join("; ")}`,
      );
    if (outcomes.length !== USERS * AGENTS_PER_USER * CALLS_PER_AGENT)
      throw new Error(
        `expected ${String(USERS * AGENTS_PER_USER * CALLS_PER_AGENT)} calls, made ${String(outcomes.length)}`,
      );
    if (succeeded.length === 0) throw new Error("no call succeeded; nothing to time");

    // Receipts are pushed to clicksend-webhook after the sends; let them land before counting.
    const { waitedMs, webhooks } = await waitForQuiet(stack, 120_000);
    log(
      `receipts drained ${String(waitedMs)} ms after the last answer; receipt pushes so far: ${String(webhooks.delivered)} delivered, ${String(webhooks.failed)} failed after retries, ${String(webhooks.attempts)} attempts`,
    );

    // Duplicates: per call (custom_string = idempotency key), messages the sandbox accepted beyond
    // the rows recorded with a ClickSend message id, plus load messages no call accounts for.
    const loadAccounts = new Set(users.map((u) => u.username));
    const sandboxByKey = new Map<string, string[]>();
    for (const message of stack.sandbox.state.messages) {
      if (!loadAccounts.has(message.username) || !message.customString.startsWith(prefix)) continue;
      const ids = sandboxByKey.get(message.customString) ?? [];
      ids.push(message.messageId);
      sandboxByKey.set(message.customString, ids);
    }
    const recordedByKey = new Map<string, string[]>();
    for (const row of await recordedRows(stack, prefix)) {
      if (row.custom_string === null || row.message_id === null) continue;
      const ids = recordedByKey.get(row.custom_string) ?? [];
      ids.push(row.message_id);
      recordedByKey.set(row.custom_string, ids);
    }
    let duplicates = 0;
    for (const [key, ids] of sandboxByKey) {
      duplicates += Math.max(0, ids.length - (recordedByKey.get(key)?.length ?? 0));
    }
    for (const outcome of succeeded) {
      const recorded = recordedByKey.get(outcome.key) ?? [];
      const inSandbox = sandboxByKey.get(outcome.key) ?? [];
      if (
        recorded.length !== 1 ||
        recorded[0] !== outcome.messageId ||
        !inSandbox.includes(recorded[0])
      )
        throw new Error(
          `call ${outcome.key} answered ${String(outcome.messageId)} but recorded ${JSON.stringify(recorded)} and the sandbox holds ${JSON.stringify(inSandbox)}`,
        );
    }

    const summary = summarize(latenciesNs);
    return [
      {
        key: "load_requests",
        label: "load: execute-agent-tool HTTP requests (incl. 429 retries)",
        value: requests,
        unit: "count",
      },
      {
        key: "load_throughput_rps",
        label: "load: successful sends per second",
        value: Math.round((succeeded.length / seconds) * 10) / 10,
        unit: "per_s",
      },
      {
        key: "load_p50_ms",
        label: "load: p50 latency of a successful send",
        value: summary.p50Ms,
        unit: "ms",
      },
      {
        key: "load_p99_ms",
        label: "load: p99 latency of a successful send",
        value: summary.p99Ms,
        unit: "ms",
      },
      {
        key: "load_tail_ratio",
        label: "load: p99 / p50 latency",
        value: roundRatio(summary.p99Ns / summary.p50Ns),
        unit: "ratio",
        goal: { max: 3, text: "<= 3x" },
      },
      { key: "load_429_responses", label: "load: 429 answers", value: tooMany, unit: "count" },
      {
        key: "load_non_429_errors",
        label: "load: other non-2xx answers or network errors",
        value: otherErrors,
        unit: "count",
        goal: { max: 0, text: "0" },
      },
      {
        key: "load_duplicate_messages",
        label: "load: messages sent more often than recorded",
        value: duplicates,
        unit: "count",
        goal: { max: 0, text: "0" },
      },
    ];
  },
};
