// Discovery suite: how long an agent waits for its tools. get-agent-tools (gateway, JWT check,
// Deno, the agent and its grants read through RLS) against the cheapest authenticated call the
// gateway serves, a REST select of the agent's id (GET /rest/v1/agents?select=id&id=eq.X, one
// RLS-filtered primary-key lookup), both with the same user's token. The two are interleaved in
// a fresh random order each round after a warm-up, over 5 agents in turn. Each answer is checked
// (exactly the granted tool; exactly the agent's id) before its time is kept; a wrong answer
// fails the suite. A request is timed from fetch to the last byte of the body.
import { z } from "zod";
import type { FullStack } from "../local/integration/full-stack.ts";
import type { Figure } from "./report.ts";
import {
  agentWithGrant,
  connectClickSend,
  sandboxAccount,
  signUp,
  waitForQuiet,
  type BenchStack,
  type StackSuite,
} from "./stack.ts";
import { measureInterleaved, positiveInt, roundRatio, type Case } from "./stats.ts";

const AGENTS = 5;
const ITERATIONS = positiveInt(process.env.BENCH_DISCOVERY_ITERATIONS, 1000);
const WARMUP = Math.max(50, Math.round(ITERATIONS / 10));
const RANDOM_SEED = 20250912;

let engineName = "";
function log(message: string): void {
  console.log(`bench discovery [${engineName}]: ${message}`);
}

const toolsSchema = z.object({
  tools: z.array(
    z.object({
      type: z.literal("function"),
      function: z.object({ name: z.string(), parameters: z.object({ type: z.literal("object") }) }),
    }),
  ),
});
const idsSchema = z.array(z.object({ id: z.uuid() }));

/** Times one request up to its last body byte; returns the status, the body and nanoseconds. */
async function timedFetch(
  url: string,
  init: RequestInit,
): Promise<{ status: number; text: string; ns: number }> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, init);
  const text = await response.text();
  const ns = Number(process.hrtime.bigint() - started);
  return { status: response.status, text, ns };
}

function checkTools(agentId: string, status: number, text: string): void {
  if (status !== 200)
    throw new Error(`get-agent-tools for ${agentId}: HTTP ${String(status)} ${text}`);
  const names = toolsSchema.parse(JSON.parse(text)).tools.map((tool) => tool.function.name);
  if (names.length !== 1 || names[0] !== "clicksend_send_sms")
    throw new Error(`get-agent-tools for ${agentId} listed ${JSON.stringify(names)}`);
}

function checkSelect(agentId: string, status: number, text: string): void {
  if (status !== 200) throw new Error(`REST select of ${agentId}: HTTP ${String(status)} ${text}`);
  const rows = idsSchema.parse(JSON.parse(text));
  if (rows.length !== 1 || rows[0]?.id !== agentId)
    throw new Error(`REST select of ${agentId} returned ${text}`);
}

async function setUp(stack: FullStack): Promise<{ token: string; agentIds: string[] }> {
  const runId = Date.now().toString(36);
  const username = `bench_discovery_${runId}`;
  const apiKey = `BENCH-DISCOVERY-${runId}-KEY`;
  await sandboxAccount(stack, username, apiKey, 25);
  const user = await signUp(stack, `discovery-${runId}@example.com`);
  const connectionId = await connectClickSend(stack, user, username, apiKey);
  const agentIds: string[] = [];
  for (let a = 0; a < AGENTS; a++) {
    agentIds.push(
      await agentWithGrant(stack, user, connectionId, `Discovery ${String(a)}`, ["sms"]),
    );
  }
  // A second grant-less agent of another user must not be visible: proves the select is RLS-bound.
  const stranger = await signUp(stack, `discovery-stranger-${runId}@example.com`);
  const probe = await fetch(`${stack.url}/rest/v1/agents?select=id&id=eq.${agentIds[0] ?? ""}`, {
    headers: { authorization: `Bearer ${stranger.token}`, apikey: stack.anonKey },
  });
  const seen = idsSchema.parse(await probe.json());
  if (seen.length !== 0)
    throw new Error("another user's token can read the agent: RLS is not applied");
  return { token: user.token, agentIds };
}

export const discoverySuite: StackSuite = {
  name: "discovery",
  async run({ stack, engine }: BenchStack): Promise<Figure[]> {
    engineName = engine;
    const { token, agentIds } = await setUp(stack);
    await waitForQuiet(stack, 120_000);
    const headers = { authorization: `Bearer ${token}`, apikey: stack.anonKey };
    const agentAt = (iteration: number): string => agentIds[iteration % agentIds.length] as string;

    const cases: Case[] = [
      {
        name: "discovery",
        async run(iteration) {
          const agentId = agentAt(iteration);
          const { status, text, ns } = await timedFetch(
            `${stack.url}/functions/v1/get-agent-tools`,
            {
              method: "POST",
              headers: { ...headers, "content-type": "application/json" },
              body: JSON.stringify({ agent_id: agentId }),
            },
          );
          checkTools(agentId, status, text);
          return ns;
        },
      },
      {
        name: "rest_select",
        async run(iteration) {
          const agentId = agentAt(iteration);
          const { status, text, ns } = await timedFetch(
            `${stack.url}/rest/v1/agents?select=id&id=eq.${agentId}`,
            { headers },
          );
          checkSelect(agentId, status, text);
          return ns;
        },
      },
    ];
    // Sanity before timing: every agent answers correctly on both paths.
    for (const [index] of agentIds.entries()) {
      for (const c of cases) await c.run(index);
    }

    log(`${String(WARMUP)} warm-up + ${String(ITERATIONS)} timed rounds, interleaved`);
    const summaries = await measureInterleaved(cases, {
      warmup: WARMUP,
      iterations: ITERATIONS,
      seed: RANDOM_SEED,
    });
    const discovery = summaries.get("discovery");
    const rest = summaries.get("rest_select");
    if (!discovery || !rest) throw new Error("a discovery case produced no samples");
    return [
      { key: "discovery_p50_ms", label: "get-agent-tools p50", value: discovery.p50Ms, unit: "ms" },
      { key: "discovery_p95_ms", label: "get-agent-tools p95", value: discovery.p95Ms, unit: "ms" },
      { key: "rest_select_p50_ms", label: "REST select by id p50", value: rest.p50Ms, unit: "ms" },
      { key: "rest_select_p95_ms", label: "REST select by id p95", value: rest.p95Ms, unit: "ms" },
      {
        key: "discovery_vs_rest_select",
        label: "get-agent-tools p50 / REST select p50",
        value: roundRatio(discovery.p50Ns / rest.p50Ns),
        unit: "ratio",
      },
    ];
  },
};
