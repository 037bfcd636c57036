// Storm suite: does an agent still get its tools quickly while the stack is busy taking a receipt
// storm?
//
// A sender tenant sends one SMS to STORM_RECIPIENTS real-looking numbers in one execute-agent-tool
// call (charged numbers get two receipts each: "sent" at once, "delivered" RECEIPT_DELAY_MS later),
// so when that call returns the sandbox holds thousands of receipt pushes for clicksend-webhook
// (queued, in flight, waiting to retry) and thousands of timed receipts still to come. The pushes
// go out like a push service's: at most 4 in flight to the gateway.
//
// Another tenant (own user, account, connection, agent) calls get-agent-tools, one call at a
// time, each on a fresh TCP connection (no keep-alive: a new client arriving, which is what a full
// accept queue hurts first), timed from connect to the last byte of the body:
//   * quiet: WARMUP then QUIET_SAMPLES calls with the sandbox drained;
//   * storm: calls one after another from the moment the bulk call returns, kept while the storm
//     is still going after the answer (pushes or timed receipts pending), up to STORM_SAMPLES or
//     STORM_MAX_MS.
// storm_discovery_ratio = median(storm) / median(quiet). Every answer must be the agent's one
// tool; non-200 answers (e.g. a 503 from the gateway's load shedder) are counted, not timed.
// The storm's size is the pending pushes (and timed receipts) when the bulk call returned. At
// the end what is left of the storm is dropped (clear-pending).
import { request } from "node:http";
import { z } from "zod";
import type { FullStack } from "../local/integration/full-stack.ts";
import { loggedRequests } from "./probe.ts";
import type { Figure } from "./report.ts";
import {
  callFunction,
  clearPending,
  mobileNumber,
  sandboxState,
  tenant,
  waitForQuiet,
  type BenchStack,
  type StackSuite,
} from "./stack.ts";
import { percentile, roundMs, roundRatio } from "./stats.ts";

const STORM_RECIPIENTS = 4000;
const WARMUP = 10;
const QUIET_SAMPLES = 50;
const STORM_SAMPLES = 300;
const STORM_MAX_MS = 120_000;

function log(engine: string, message: string): void {
  console.log(`bench storm [${engine}]: ${message}`);
}

const toolsSchema = z.object({
  tools: z.array(z.object({ function: z.object({ name: z.string() }) })).length(1),
});

/** POST on a connection of its own (agent: false, Connection: close); times it to the last byte. */
function freshPost(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string; ns: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      url,
      {
        method: "POST",
        agent: false,
        headers: {
          ...headers,
          connection: "close",
          "content-length": String(Buffer.byteLength(body)),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
            ns: Number(process.hrtime.bigint() - started),
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface Discovery {
  ok: boolean;
  status: number;
  ns: number;
}

async function discover(stack: FullStack, token: string, agentId: string): Promise<Discovery> {
  const { status, text, ns } = await freshPost(
    `${stack.url}/functions/v1/get-agent-tools`,
    {
      authorization: `Bearer ${token}`,
      apikey: stack.anonKey,
      "content-type": "application/json",
    },
    JSON.stringify({ agent_id: agentId }),
  );
  if (status !== 200) return { ok: false, status, ns };
  const tools = toolsSchema.parse(JSON.parse(text)).tools;
  if (tools[0]?.function.name !== "clicksend_send_sms")
    throw new Error(`get-agent-tools listed ${text}`);
  return { ok: true, status, ns };
}

function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

export const stormSuite: StackSuite = {
  name: "storm",
  async run({ stack, probe, engine }: BenchStack): Promise<Figure[]> {
    const sender = await tenant(stack, "storm", 1, 1000);
    const reader = await tenant(stack, "stormread", 1, 25);
    const readerAgent = reader.agentIds[0] as string;
    const ask = (): Promise<Discovery> => discover(stack, reader.user.token, readerAgent);
    await waitForQuiet(stack, 120_000);

    for (let i = 0; i < WARMUP; i++) await ask();
    const quietNs: number[] = [];
    for (let i = 0; i < QUIET_SAMPLES; i++) {
      const answer = await ask();
      if (!answer.ok)
        throw new Error(`quiet get-agent-tools answered HTTP ${String(answer.status)}`);
      quietNs.push(answer.ns);
    }

    const key = `storm-${Date.now().toString(36)}`;
    log(engine, `starting the storm: one send to ${String(STORM_RECIPIENTS)} numbers`);
    const reply = await callFunction(stack, sender.user.token, "execute-agent-tool", {
      agent_id: sender.agentIds[0],
      tool: "clicksend_send_sms",
      arguments: {
        to: Array.from({ length: STORM_RECIPIENTS }, (_, i) => mobileNumber(300_000 + i)),
        body: "Bench storm message",
        custom_string: key,
      },
      idempotency_key: key,
    });
    if (reply.status !== 200)
      throw new Error(
        `storm send: HTTP ${String(reply.status)} ${JSON.stringify(reply.body).slice(0, 300)}`,
      );
    const atStart = await sandboxState(stack);
    const window = probe.window();
    log(
      engine,
      `storm running: ${String(atStart.webhooks.pending)} pushes pending (${String(atStart.webhooks.queued)} queued, ${String(atStart.webhooks.in_flight)} in flight, ${String(atStart.webhooks.waiting_retry)} waiting to retry), ${String(atStart.pendingEvents)} timed receipts to come`,
    );

    const stormNs: number[] = [];
    let errors = 0;
    let stormEndedAfterMs: number | undefined;
    const started = performance.now();
    while (stormNs.length < STORM_SAMPLES && performance.now() - started < STORM_MAX_MS) {
      const answer = await ask();
      const state = await sandboxState(stack);
      const stormGoing = state.webhooks.pending > 0 || state.pendingEvents > 0;
      if (!stormGoing) {
        stormEndedAfterMs = performance.now() - started;
        break;
      }
      if (answer.ok) stormNs.push(answer.ns);
      else errors += 1;
    }
    // 503s the gateway answered (its load shedder, or a function's backend_busy), from its log.
    const shed = loggedRequests(window.close().lines, "/").filter((r) => r.status === 503).length;
    const dropped = await clearPending(stack);
    log(
      engine,
      `${String(stormNs.length)} calls timed during the storm, ${String(errors)} not answered 200; ${String(shed)} requests answered 503 by the gateway; ${stormEndedAfterMs === undefined ? `storm still going after ${((performance.now() - started) / 1000).toFixed(1)} s: ${String(dropped.pushes)} pushes and ${String(dropped.events)} timed receipts dropped` : `storm over after ${(stormEndedAfterMs / 1000).toFixed(1)} s`}`,
    );
    if (stormNs.length < 5)
      throw new Error(
        `only ${String(stormNs.length)} get-agent-tools calls were answered during the storm; nothing to compare`,
      );

    const quiet = median(quietNs);
    const storm = median(stormNs);
    return [
      {
        key: "storm_discovery_ratio",
        label: "get-agent-tools p50 during a receipt storm / quiet p50",
        value: roundRatio(storm / quiet),
        unit: "ratio",
        goal: { max: 10, text: "< 10x", strict: true },
      },
      {
        key: "storm_discovery_p50_ms",
        label: "get-agent-tools p50 during the storm (fresh connections)",
        value: roundMs(storm / 1e6),
        unit: "ms",
      },
      {
        key: "storm_discovery_p95_ms",
        label: "get-agent-tools p95 during the storm",
        value: roundMs(
          percentile(
            [...stormNs].sort((a, b) => a - b),
            95,
          ) / 1e6,
        ),
        unit: "ms",
      },
      {
        key: "storm_quiet_discovery_p50_ms",
        label: "get-agent-tools p50, quiet (fresh connections)",
        value: roundMs(quiet / 1e6),
        unit: "ms",
      },
      {
        key: "storm_pending_pushes",
        label: "storm size: receipt pushes pending at its start",
        value: atStart.webhooks.pending,
        unit: "count",
      },
      {
        key: "storm_pending_receipts",
        label: "storm: timed receipts still to come at its start",
        value: atStart.pendingEvents,
        unit: "count",
      },
      {
        key: "storm_discovery_samples",
        label: "storm: get-agent-tools calls timed during it",
        value: stormNs.length,
        unit: "count",
      },
      {
        key: "storm_discovery_errors",
        label: "storm: get-agent-tools answers other than 200",
        value: errors,
        unit: "count",
      },
    ];
  },
};
