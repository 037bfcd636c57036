// Bulk suite: one SMS to 5,000 recipients through the product, counting the HTTP requests the
// ClickSend sandbox receives. The path is the agent's: one execute-agent-tool call with
// clicksend_send_sms and 5,000 numbers (the tool catalog allows up to MAX_RECIPIENTS_PER_CALL per
// call; the executor sends up to 1000 per ClickSend request). The baseline is one request per
// message, 5,000.
//
// The user has a sandbox account of their own, so every /v3 request the sandbox logs during the
// call is this send's. Counted: every /v3 request line the sandbox logged while the call ran
// (authenticated or not); it must equal the account's own request counter. Sanity checks (a
// failure fails the suite): HTTP 200 with 5,000 accepted, 5,000 rows recorded with a ClickSend
// message id, 5,000 messages in the sandbox for the account, every one to a distinct number.
//
// Overhead: the call's wall time (fetch to the end of the body) against the time spent inside
// its ClickSend requests, which the sandbox states in its own log lines
// ("POST /v3/sms/send 200 224ms", timed from arrival to the answer; the union of their intervals,
// so overlapping requests would count once). Everything else is ours: the gateway and the
// function's getUser, clicksend_prepare_call and clicksend_finish_call (timed at the gateway's
// route handlers), and the rest (Deno: parsing and normalising 5,000 numbers, building and
// parsing the ClickSend bodies, the HTTP hops). Receipts for the first chunks are pushed while
// later chunks are still being sent, as ClickSend would; their pushes are counted in the log.
// When the call is done its remaining pushes are dropped (clear-pending) so the next suite
// starts quiet.
import { z } from "zod";
import { MAX_RECIPIENTS_PER_CALL } from "../supabase/functions/_shared/contracts/tool-catalog.ts";
import { loggedRequests, unionMs, type Recording, type RequestRecord } from "./probe.ts";
import type { Figure } from "./report.ts";
import {
  agentWithGrant,
  callFunction,
  clearPending,
  connectClickSend,
  mobileNumber,
  sandboxAccount,
  signUp,
  waitForQuiet,
  type BenchStack,
  type StackSuite,
} from "./stack.ts";
import { roundMs, roundRatio } from "./stats.ts";

const RECIPIENTS = 5000;
/** 5,000 AU messages at 0.0792 AUD a part, with room to spare. */
const SANDBOX_BALANCE_AUD = 1000;
/** Sandbox log lines of /v3 requests: "POST /v3/sms/send 200 12ms". */
const SANDBOX_REQUEST_LINE = /^[A-Z]+ \/v3(\/|\s)/;

let engineName = "";
function log(message: string): void {
  console.log(`bench bulk [${engineName}]: ${message}`);
}

interface Step {
  name: string;
  /** plan: the function between getUser and prepare (validation, normalising the numbers);
   * chunks: the function around its first and after its last ClickSend request (building
   * bodies, reading answers); between: from one ClickSend request's end to the next one's start
   * (reading the answer, building the next body, waiting for the next part's reservation);
   * served: a request the gateway or the sandbox served; other: hops. */
  kind: "plan" | "chunks" | "between" | "served" | "other";
  ms: number;
}

/**
 * The call as a sequence of steps, from the gateway's view of the function's requests and the
 * sandbox's log: what the function did between them is the gap between one and the next.
 */
function timeline(recording: Recording, wallMs: number): Step[] {
  const matching = (method: string, path: string): RequestRecord[] =>
    recording.requests.filter((r) => r.method === method && r.path === path);
  const find = (method: string, path: string): RequestRecord | undefined =>
    matching(method, path)[0];
  const inbound = find("POST", "/functions/v1/execute-agent-tool");
  const auth = find("GET", "/auth/v1/user");
  const prepare = find("POST", "/rest/v1/rpc/clicksend_prepare_call");
  // A bulk send reserves later parts and records earlier ones while requests are out: the
  // timeline follows the first prepare and the last finish, the ones nothing overlaps.
  const finish = matching("POST", "/rest/v1/rpc/clicksend_finish_call").at(-1);
  const sends = loggedRequests(recording.lines, "/v3/").sort((a, b) => a.startMs - b.startMs);
  if (!inbound || !auth || !prepare || !finish || sends.length === 0)
    throw new Error("the bulk call did not make the requests the timeline expects");
  const steps: Step[] = [];
  let at = recording.startMs;
  const gap = (name: string, kind: Step["kind"], until: number): void => {
    steps.push({ name, kind, ms: until - at });
    at = until;
  };
  const served = (name: string, interval: { startMs: number; endMs: number }): void => {
    steps.push({ name, kind: "served", ms: interval.endMs - interval.startMs });
    at = interval.endMs;
  };
  gap("to the gateway", "other", inbound.startMs);
  gap("function start", "other", auth.startMs);
  served("getUser", auth);
  gap("function: validate and plan", "plan", prepare.startMs);
  served("prepare", prepare);
  for (const [index, send] of sends.entries()) {
    gap(
      index === 0 ? "function: first chunk" : "between requests",
      index === 0 ? "chunks" : "between",
      send.startMs,
    );
    served(`ClickSend #${String(index + 1)}`, send);
  }
  gap("function: results", "chunks", finish.startMs);
  served("finish", finish);
  gap("function: answer", "other", inbound.endMs);
  gap("back to the bench", "other", recording.startMs + wallMs);
  return steps;
}

/** Milliseconds the gateway spent serving requests to `path` (union of their intervals). */
function servedMs(requests: readonly RequestRecord[], method: string, path: string): number {
  return unionMs(requests.filter((r) => r.method === method && r.path === path));
}

const bulkReplySchema = z.object({
  ok: z.literal(true),
  result: z.object({
    recipients: z.number(),
    accepted: z.number(),
    rejected: z.number(),
    clicksend_requests: z.number(),
    messages: z.array(
      z.object({ to: z.string(), message_id: z.string().nullable(), status: z.string() }),
    ),
  }),
});

export const bulkSuite: StackSuite = {
  name: "bulk",
  async run({ stack, probe, engine }: BenchStack): Promise<Figure[]> {
    engineName = engine;
    const runId = Date.now().toString(36);
    const username = `bench_bulk_${runId}`;
    const apiKey = `BENCH-BULK-${runId}-KEY`;
    await sandboxAccount(stack, username, apiKey, SANDBOX_BALANCE_AUD);
    const user = await signUp(stack, `bulk-${runId}@example.com`);
    const connectionId = await connectClickSend(stack, user, username, apiKey);
    const agentId = await agentWithGrant(stack, user, connectionId, "Bulk", ["sms"]);
    await waitForQuiet(stack, 120_000);

    const recipients = Array.from({ length: RECIPIENTS }, (_, i) => mobileNumber(100_000 + i));
    const key = `bulk-${runId}`;
    const account = stack.sandbox.state.accounts.get(username);
    if (!account) throw new Error(`sandbox account ${username} missing`);
    const requestsBefore = account.requests;

    log(`execute-agent-tool clicksend_send_sms to ${String(RECIPIENTS)} recipients`);
    const window = probe.window();
    const started = process.hrtime.bigint();
    const reply = await callFunction(stack, user.token, "execute-agent-tool", {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: recipients, body: "Bench bulk message", custom_string: key },
      idempotency_key: key,
    });
    const wallNs = Number(process.hrtime.bigint() - started);
    const recording = window.close();
    const seconds = wallNs / 1e9;
    const sandboxLines = recording.lines
      .map((entry) => entry.line)
      .filter((line) => SANDBOX_REQUEST_LINE.test(line));
    const accountRequests = account.requests - requestsBefore;
    const dropped = await clearPending(stack);

    if (reply.status !== 200)
      throw new Error(
        `bulk send of ${String(RECIPIENTS)} recipients (tool limit ${String(MAX_RECIPIENTS_PER_CALL)}): HTTP ${String(reply.status)} ${JSON.stringify(reply.body).slice(0, 500)}`,
      );
    const result = bulkReplySchema.parse(reply.body).result;
    log(
      `${String(result.accepted)} accepted in ${seconds.toFixed(1)} s with ${String(sandboxLines.length)} ClickSend requests (${sandboxLines.join(", ")})`,
    );
    if (result.recipients !== RECIPIENTS || result.accepted !== RECIPIENTS || result.rejected !== 0)
      throw new Error(
        `bulk send: ${JSON.stringify({ ...result, messages: result.messages.length })}`,
      );
    if (sandboxLines.length !== accountRequests)
      throw new Error(
        `the sandbox logged ${String(sandboxLines.length)} /v3 requests but counted ${String(accountRequests)} for the account`,
      );
    if (result.clicksend_requests !== sandboxLines.length)
      throw new Error(
        `the executor says it made ${String(result.clicksend_requests)} ClickSend requests, the sandbox saw ${String(sandboxLines.length)}`,
      );

    const [recorded] = await stack.db.query<{ rows: number; distinct_recipients: number }>(
      `select count(*)::int as rows, count(distinct recipient)::int as distinct_recipients
         from public.clicksend_messages
        where user_oauth_connection_id = $1 and message_id is not null`,
      [connectionId],
    );
    const inSandbox = stack.sandbox.state.messages.filter(
      (message) => message.username === username,
    );
    const sandboxRecipients = new Set(inSandbox.map((message) => message.to));
    if (recorded?.rows !== RECIPIENTS || recorded.distinct_recipients !== RECIPIENTS)
      throw new Error(
        `bulk send recorded ${JSON.stringify(recorded)}, expected ${String(RECIPIENTS)} rows`,
      );
    if (inSandbox.length !== RECIPIENTS || sandboxRecipients.size !== RECIPIENTS)
      throw new Error(
        `the sandbox received ${String(inSandbox.length)} messages to ${String(sandboxRecipients.size)} numbers, expected ${String(RECIPIENTS)}`,
      );

    const wallMs = wallNs / 1e6;
    const clicksendMs = unionMs(loggedRequests(recording.lines, "/v3/"));
    const authMs = servedMs(recording.requests, "GET", "/auth/v1/user");
    const prepareMs = servedMs(recording.requests, "POST", "/rest/v1/rpc/clicksend_prepare_call");
    const finishMs = servedMs(recording.requests, "POST", "/rest/v1/rpc/clicksend_finish_call");
    const steps = timeline(recording, wallMs);
    const stepMs = (kind: Step["kind"]): number =>
      steps.filter((step) => step.kind === kind).reduce((sum, step) => sum + step.ms, 0);
    const planMs = stepMs("plan");
    const chunksMs = stepMs("chunks");
    const betweenMs = stepMs("between");
    const firstPrepareMs = steps.find((step) => step.name === "prepare")?.ms ?? 0;
    const lastFinishMs = steps.find((step) => step.name === "finish")?.ms ?? 0;
    // The timeline partitions the wall time; what is not named above is hops, getUser, answer.
    const otherMs =
      wallMs - clicksendMs - planMs - chunksMs - betweenMs - firstPrepareMs - lastFinishMs;
    const pushes = recording.requests.filter(
      (r) => r.path === "/functions/v1/clicksend-webhook",
    ).length;
    log(
      `${wallMs.toFixed(0)} ms: ClickSend ${clicksendMs.toFixed(0)} ms, prepare ${prepareMs.toFixed(0)} ms, finish ${finishMs.toFixed(0)} ms, getUser ${authMs.toFixed(0)} ms; ${String(pushes)} receipt pushes landed during the call; ${String(dropped.pushes)} pushes and ${String(dropped.events)} timed receipts dropped afterwards`,
    );
    log(`timeline: ${steps.map((step) => `${step.name} ${step.ms.toFixed(0)}`).join(" | ")} (ms)`);
    if (clicksendMs <= 0) throw new Error("no time inside ClickSend requests was logged");

    return [
      {
        key: "bulk_overhead_vs_clicksend",
        label: "bulk 5,000: (wall - ClickSend time) / ClickSend time",
        value: roundRatio((wallMs - clicksendMs) / clicksendMs),
        unit: "ratio",
        goal: { max: 1, text: "<= 1x" },
      },
      { key: "bulk_wall_ms", label: "bulk 5,000: wall time", value: roundMs(wallMs), unit: "ms" },
      {
        key: "bulk_clicksend_ms",
        label: "bulk 5,000: inside ClickSend requests",
        value: roundMs(clicksendMs),
        unit: "ms",
      },
      {
        key: "bulk_prepare_ms",
        label: "bulk 5,000: clicksend_prepare_call, all parts (overlap ClickSend)",
        value: roundMs(prepareMs),
        unit: "ms",
      },
      {
        key: "bulk_finish_ms",
        label: "bulk 5,000: clicksend_finish_call, all parts (overlap ClickSend)",
        value: roundMs(finishMs),
        unit: "ms",
      },
      {
        key: "bulk_plan_ms",
        label: "bulk 5,000: function, from getUser to the first prepare",
        value: roundMs(planMs),
        unit: "ms",
      },
      {
        key: "bulk_first_prepare_ms",
        label: "bulk 5,000: first prepare (2 parts), before any request",
        value: roundMs(firstPrepareMs),
        unit: "ms",
      },
      {
        key: "bulk_between_requests_ms",
        label: "bulk 5,000: between ClickSend requests (function, next part)",
        value: roundMs(betweenMs),
        unit: "ms",
      },
      {
        key: "bulk_chunks_ms",
        label: "bulk 5,000: function before the first and after the last request",
        value: roundMs(chunksMs),
        unit: "ms",
      },
      {
        key: "bulk_last_finish_ms",
        label: "bulk 5,000: last finish (last part, slots, audit row)",
        value: roundMs(lastFinishMs),
        unit: "ms",
      },
      {
        key: "bulk_other_ms",
        label: "bulk 5,000: the rest (HTTP hops, getUser, answer)",
        value: roundMs(otherMs),
        unit: "ms",
      },
      {
        key: "bulk_send_5000_requests",
        label: "ClickSend requests to send 1 SMS to 5,000 recipients",
        value: sandboxLines.length,
        unit: "count",
        goal: { max: 5, text: "<= 5" },
      },
      {
        key: "bulk_send_5000_naive_requests",
        label: "baseline: one request per message",
        value: RECIPIENTS,
        unit: "count",
      },
    ];
  },
};
