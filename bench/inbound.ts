// Inbound suite (embedded stack only): how long from a handset's reply (the sandbox's
// /_sandbox/inbound, which pushes it to the account's inbound rule as ClickSend does) until the
// agent that sent the message can read it with clicksend_get_replies. Each iteration replies to
// a different outbound message of the agent's, waits until the push has stored it (the user's
// REST select of that reply, every 5 ms: the tool also polls ClickSend, so calling it first
// would find the reply without the push), then calls the tool until the reply is there (each
// answer checked: exactly that reply, from that number, linked to that message). The baseline,
// measured in the same rounds, is one clicksend_get_replies call once the reply is stored: the
// floor any reply's visibility pays.
import { z } from "zod";
import type { Figure } from "./report.ts";
import {
  agentWithGrant,
  callFunction,
  connectClickSend,
  sandboxAccount,
  sendOne,
  signUp,
  waitForQuiet,
  AU_TEST_NUMBERS,
  type BenchStack,
  type StackSuite,
} from "./stack.ts";
import { positiveInt, roundRatio, summarize } from "./stats.ts";

const ITERATIONS = positiveInt(process.env.BENCH_INBOUND_ITERATIONS, 50);
const WARMUP = 5;
/** Gap between two tool calls while a reply is not there yet. */
const RETRY_MS = 10;
const GIVE_UP_MS = 15_000;

function log(message: string): void {
  console.log(`bench inbound: ${message}`);
}

const repliesSchema = z.object({
  ok: z.literal(true),
  result: z.object({
    replies: z.array(
      z.object({
        message_id: z.string(),
        from: z.string(),
        body: z.string(),
        original_message_id: z.string().nullable(),
      }),
    ),
  }),
});

export const inboundSuite: StackSuite = {
  name: "inbound",
  async run({ stack, engine }: BenchStack): Promise<Figure[]> {
    if (engine !== "pglite") {
      log(`skipped on ${engine}: the goal is for the embedded stack`);
      return [];
    }
    const runId = Date.now().toString(36);
    const username = `bench_inbound_${runId}`;
    const apiKey = `BENCH-INBOUND-${runId}-KEY`;
    await sandboxAccount(stack, username, apiKey, 100);
    const user = await signUp(stack, `inbound-${runId}@example.com`);
    const connectionId = await connectClickSend(stack, user, username, apiKey);
    const agentId = await agentWithGrant(stack, user, connectionId, "Inbound", ["sms", "inbound"]);
    const total = WARMUP + ITERATIONS;
    const outbound: { messageId: string; to: string }[] = [];
    for (let i = 0; i < total; i++) {
      const to = AU_TEST_NUMBERS[i % AU_TEST_NUMBERS.length] ?? "+61411111111";
      const reply = await sendOne(stack, user.token, agentId, `inbound-${runId}-${String(i)}`, to);
      const sent = z
        .object({ result: z.object({ messages: z.array(z.object({ message_id: z.string() })) }) })
        .parse(reply.body);
      outbound.push({ messageId: sent.result.messages[0]?.message_id ?? "", to });
    }
    await waitForQuiet(stack, 120_000);

    /** The newest reply the agent reads, or null; one tool call, timed. */
    const latest = async () => {
      const started = process.hrtime.bigint();
      const reply = await callFunction(stack, user.token, "execute-agent-tool", {
        agent_id: agentId,
        tool: "clicksend_get_replies",
        arguments: { limit: 1 },
      });
      const ns = Number(process.hrtime.bigint() - started);
      if (reply.status !== 200)
        throw new Error(`get_replies: HTTP ${String(reply.status)} ${JSON.stringify(reply.body)}`);
      return { newest: repliesSchema.parse(reply.body).result.replies[0] ?? null, ns };
    };

    const stored: number[] = [];
    const visible: number[] = [];
    const baseline: number[] = [];
    let toolCalls = 0;
    for (let i = 0; i < total; i++) {
      const message = outbound[i];
      if (message === undefined) throw new Error("missing outbound message");
      const text = `Reply ${String(i)} (${runId})`;
      const started = process.hrtime.bigint();
      const response = await fetch(`${stack.sandbox.origin}/_sandbox/inbound`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ message_id: message.messageId, body: text }),
      });
      if (!response.ok) throw new Error(`sandbox inbound: HTTP ${String(response.status)}`);
      const inbound = z.object({ message_id: z.string() }).parse(await response.json());
      for (;;) {
        const stored = await fetch(
          `${stack.url}/rest/v1/clicksend_inbound_messages?select=id&clicksend_message_id=eq.${inbound.message_id}`,
          { headers: { authorization: `Bearer ${user.token}`, apikey: stack.anonKey } },
        );
        const rows = z.array(z.object({ id: z.uuid() })).parse(await stored.json());
        if (rows.length === 1) break;
        if (Number(process.hrtime.bigint() - started) / 1e6 > GIVE_UP_MS)
          throw new Error(
            `reply ${String(i)} not stored by its push after ${String(GIVE_UP_MS)} ms`,
          );
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const pushedNs = Number(process.hrtime.bigint() - started);
      for (;;) {
        const { newest } = await latest();
        toolCalls += 1;
        if (newest?.body === text) {
          if (newest.from !== message.to || newest.original_message_id !== message.messageId)
            throw new Error(`reply ${String(i)} read back wrong: ${JSON.stringify(newest)}`);
          break;
        }
        if (Number(process.hrtime.bigint() - started) / 1e6 > GIVE_UP_MS)
          throw new Error(`reply ${String(i)} not readable after ${String(GIVE_UP_MS)} ms`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
      const ns = Number(process.hrtime.bigint() - started);
      const floor = await latest();
      if (floor.newest?.body !== text) throw new Error(`reply ${String(i)} vanished`);
      if (i >= WARMUP) {
        stored.push(pushedNs);
        visible.push(ns);
        baseline.push(floor.ns);
      }
    }
    const toStored = summarize(stored);
    const toVisible = summarize(visible);
    const oneCall = summarize(baseline);
    log(
      `${String(ITERATIONS)} replies: stored by the push p50 ${String(toStored.p50Ms)} ms; visible p50 ${String(toVisible.p50Ms)} ms, p95 ${String(toVisible.p95Ms)} ms; one get_replies p50 ${String(oneCall.p50Ms)} ms; ${String(toolCalls)} tool calls`,
    );
    return [
      {
        key: "inbound_push_to_stored_p50_ms",
        label: "reply pushed → stored (REST select sees it), p50",
        value: toStored.p50Ms,
        unit: "ms",
      },
      {
        key: "inbound_push_to_stored_p95_ms",
        label: "reply pushed → stored (REST select sees it), p95",
        value: toStored.p95Ms,
        unit: "ms",
      },
      {
        key: "inbound_push_to_visible_p50_ms",
        label: "reply pushed → readable by the agent tool, p50",
        value: toVisible.p50Ms,
        unit: "ms",
      },
      {
        key: "inbound_push_to_visible_p95_ms",
        label: "reply pushed → readable by the agent tool, p95",
        value: toVisible.p95Ms,
        unit: "ms",
        goal: { max: 1000, text: "<= 1000 ms" },
      },
      {
        key: "inbound_get_replies_p50_ms",
        label: "one clicksend_get_replies call (baseline), p50",
        value: oneCall.p50Ms,
        unit: "ms",
      },
      {
        key: "inbound_visible_p50_vs_one_call",
        label: "reply → readable p50 / one tool call p50",
        value: roundRatio(toVisible.p50Ms / oneCall.p50Ms),
        unit: "ratio",
      },
      {
        key: "inbound_tool_calls_per_reply",
        label: "tool calls until a reply was readable (mean)",
        value: roundRatio(toolCalls / total),
        unit: "ratio",
      },
    ];
  },
};
