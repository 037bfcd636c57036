// Concurrent suite: do sends on one ClickSend connection overlap, or queue behind each other?
//
// One user, one sandbox account and connection, 10 agents granted `sms` on it. The connection's
// executor limit is 10 calls in flight (service_providers.configuration_metadata.limits), so 10
// concurrent sends fit exactly. Each round, after a warm-up:
//   * serial: 10 sends one after another, each timed (fetch to the end of the body);
//   * concurrent: 10 sends at once, one per agent, timed as a whole (first fetch to last body).
// Rounds alternate the two so machine drift hits both alike. The figure is
//   concurrent_vs_serial = median(concurrent wall) / (10 x median(serial latency)):
// 1 means no overlap at all (the 10 ran one after another), 0.1 perfect overlap.
// For comparison each round also sends 10 at once from 10 users with a connection each
// (concurrent_10_connections_vs_serial): what the per-connection part of the executor (its call
// slots, decided under one advisory lock per connection) adds over the stack's general limits.
// The log shows each phase's parts (gateway requests, ClickSend) and the CPU it took (cpu.ts).
//
// Sends go to ClickSend's test numbers (accepted and recorded like any number, never a receipt),
// so no receipt push competes with the measurement. A 429 (the connection's slots taken) is
// retried after its Retry-After, as an agent would, and counted; it is part of the wall time.
import { CpuMeter, cpuSample } from "./cpu.ts";
import { breakdown, type Recording } from "./probe.ts";
import type { Figure } from "./report.ts";
import {
  AU_TEST_NUMBERS,
  callFunction,
  oneSendReplySchema,
  tenant,
  waitForQuiet,
  type BenchStack,
  type StackSuite,
  type Tenant,
} from "./stack.ts";
import { percentile, roundMs, roundRatio } from "./stats.ts";
import type { FullStack } from "../local/integration/full-stack.ts";

const AGENTS = 10;
const ROUNDS = 30;
const WARMUP_ROUNDS = 1;
const MAX_ATTEMPTS = 5;

function log(engine: string, message: string): void {
  console.log(`bench concurrent [${engine}]: ${message}`);
}

interface Counters {
  tooMany: number;
}

/** One send, 429s retried after Retry-After; nanoseconds from the first fetch to the answer. */
async function send(
  stack: FullStack,
  token: string,
  agentId: string,
  key: string,
  to: string,
  counters: Counters,
): Promise<number> {
  const started = process.hrtime.bigint();
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const reply = await callFunction(stack, token, "execute-agent-tool", {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: [to], body: "Bench concurrent message", custom_string: key },
      idempotency_key: key,
    });
    if (reply.status === 429) {
      counters.tooMany += 1;
      const wait = Number(reply.headers.get("retry-after") ?? "1");
      await new Promise((resolve) =>
        setTimeout(resolve, (Number.isFinite(wait) ? wait : 1) * 1000),
      );
      continue;
    }
    if (reply.status !== 200)
      throw new Error(
        `send ${key}: HTTP ${String(reply.status)} ${JSON.stringify(reply.body).slice(0, 300)}`,
      );
    const parsed = oneSendReplySchema.parse(reply.body);
    if (parsed.result.messages[0]?.to !== to)
      throw new Error(`send ${key}: answered for another number`);
    return Number(process.hrtime.bigint() - started);
  }
  throw new Error(`send ${key}: still 429 after ${String(MAX_ATTEMPTS)} attempts`);
}

interface Phase {
  ns: number[];
  cpu: CpuMeter;
  recordings: Recording[];
}

function phase(): Phase {
  return { ns: [], cpu: new CpuMeter(), recordings: [] };
}

function merged(recordings: readonly Recording[]): Recording {
  return {
    db: { transaction: 0, query: 0, exec: 0, batch: 0, statements: 0 },
    requests: recordings.flatMap((r) => r.requests),
    lines: recordings.flatMap((r) => r.lines),
    startMs: 0,
    endMs: 0,
  };
}

function median(samples: readonly number[]): number {
  return percentile(
    [...samples].sort((a, b) => a - b),
    50,
  );
}

export const concurrentSuite: StackSuite = {
  name: "concurrent",
  async run(bench: BenchStack): Promise<Figure[]> {
    const { stack, probe, engine } = bench;
    const owner = await tenant(stack, "conc", AGENTS, 25);
    // The comparison: 10 users, each with a connection of their own and one agent on it.
    const others: Tenant[] = [];
    for (let i = 0; i < AGENTS; i++) others.push(await tenant(stack, `concx${String(i)}`, 1, 25));
    await waitForQuiet(stack, 120_000);
    const runId = Date.now().toString(36);
    const counters: Counters = { tooMany: 0 };
    const numberFor = (i: number): string => AU_TEST_NUMBERS[i % AU_TEST_NUMBERS.length] as string;
    const serial = phase();
    const oneConnection = phase();
    const tenConnections = phase();

    /** Runs `work`, timing it and recording what the stack did and the CPU it took. */
    const measured = async (into: Phase, timed: boolean, work: () => Promise<void>) => {
      const cpuStart = await cpuSample(bench);
      const window = probe.window();
      const started = process.hrtime.bigint();
      await work();
      const ns = Number(process.hrtime.bigint() - started);
      const recording = window.close();
      const cpuEnd = await cpuSample(bench);
      if (!timed) return;
      into.ns.push(ns);
      into.cpu.add(cpuStart, cpuEnd);
      into.recordings.push(recording);
    };

    for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
      const timed = round >= WARMUP_ROUNDS;
      const key = (what: string, i: number): string =>
        `conc-${runId}-r${String(round)}-${what}${String(i)}`;
      for (let i = 0; i < AGENTS; i++) {
        await measured(serial, timed, async () => {
          await send(
            stack,
            owner.user.token,
            owner.agentIds[i] as string,
            key("s", i),
            numberFor(i),
            counters,
          );
        });
      }
      await measured(oneConnection, timed, async () => {
        await Promise.all(
          owner.agentIds.map((agentId, i) =>
            send(stack, owner.user.token, agentId, key("c", i), numberFor(i), counters),
          ),
        );
      });
      await measured(tenConnections, timed, async () => {
        await Promise.all(
          others.map((other, i) =>
            send(
              stack,
              other.user.token,
              other.agentIds[0] as string,
              key("x", i),
              numberFor(i),
              counters,
            ),
          ),
        );
      });
    }

    const serialP50 = median(serial.ns);
    const ratio = median(oneConnection.ns) / (AGENTS * serialP50);
    const spreadRatio = median(tenConnections.ns) / (AGENTS * serialP50);
    log(
      engine,
      `serial send p50 ${(serialP50 / 1e6).toFixed(1)} ms; 10 at once on one connection p50 ${(median(oneConnection.ns) / 1e6).toFixed(1)} ms (ratio ${ratio.toFixed(2)}); 10 at once on 10 connections p50 ${(median(tenConnections.ns) / 1e6).toFixed(1)} ms (ratio ${spreadRatio.toFixed(2)}); ${String(counters.tooMany)} x 429`,
    );
    for (const [name, p] of [
      ["serial", serial],
      ["10 at once, one connection", oneConnection],
      ["10 at once, 10 connections", tenConnections],
    ] as const) {
      log(engine, `${name}: ${breakdown(merged(p.recordings))}`);
      log(engine, `${name}: CPU ${p.cpu.describe()}`);
    }
    return [
      {
        key: "concurrent_vs_serial",
        label: "10 sends at once on one connection / (10 x serial p50)",
        value: roundRatio(ratio),
        unit: "ratio",
        goal: { max: 0.6, text: "<= 0.6x" },
      },
      {
        key: "concurrent_10_connections_vs_serial",
        label: "same, the 10 sends on 10 connections (comparison)",
        value: roundRatio(spreadRatio),
        unit: "ratio",
      },
      {
        key: "serial_send_p50_ms",
        label: "one send, serial, p50",
        value: roundMs(serialP50 / 1e6),
        unit: "ms",
      },
      {
        key: "concurrent_10_wall_p50_ms",
        label: "10 sends at once on one connection, wall p50",
        value: roundMs(median(oneConnection.ns) / 1e6),
        unit: "ms",
      },
      {
        key: "concurrent_429_responses",
        label: "concurrent suite: 429 answers (retried)",
        value: counters.tooMany,
        unit: "count",
      },
    ];
  },
};
