// MCP suite (issue 16): what the remote MCP endpoint (agent-mcp) costs against
// execute-agent-tool for the same send.
//
// One user, one sandbox account and connection, one agent granted `sms` on it, and an agent
// token for it (POST agent-tokens with the owner's JWT). Two ways to make the same
// single-recipient clicksend_send_sms call to ClickSend's test number +61411111111 (free, never
// a receipt, so no push lands in a window), each with a fresh idempotency key:
//   * execute: POST /functions/v1/execute-agent-tool with the owner's JWT, as an agent platform
//     calls it (getUser, then the executor);
//   * mcp: tools/call on an already-connected official SDK Client (Client +
//     StreamableHTTPClientTransport, `Authorization: Bearer <agent token>`), the key in
//     params._meta.idempotency_key (agent_token_verify, then the same executor).
//
// Sanity (never timed): tools/list names exactly the granted tool; a bad token is refused 401;
// an MCP send repeated with its key is a replay that makes no ClickSend request.
//
// Counted (calls.ts's counting: the function's gateway requests, the database transactions and
// statements they ran, the ClickSend requests; 5 samples each after warm-up, on a quiet stack):
// one send each way. Designed: the MCP path makes the executor's requests with the JWT check
// (GET /auth/v1/user) replaced by one token check (POST /rest/v1/rpc/agent_token_verify), so the
// same number of gateway requests and transactions and one ClickSend request; the suite checks
// the request lists match that exactly and reports the differences as exact goals (= 0).
//
// Timed: both ways interleaved (each round makes one call each, in a fresh random order;
// warm-up rounds first), from the call to its parsed answer. mcp_call_vs_execute_agent_tool =
// p50(mcp) / p50(execute).
import { loadavg } from "node:os";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { z } from "zod";
import type { FullStack } from "../local/integration/full-stack.ts";
import { createdAgentTokenSchema } from "../supabase/functions/_shared/contracts/agent-tokens.ts";
import { cost, measure, type Cost } from "./calls.ts";
import { CpuMeter, cpuSample } from "./cpu.ts";
import { breakdown, describe, type Recording } from "./probe.ts";
import type { Figure } from "./report.ts";
import {
  AU_TEST_NUMBERS,
  callFunction,
  oneSendReplySchema,
  tenant,
  waitForQuiet,
  type BenchStack,
  type StackSuite,
} from "./stack.ts";
import { measureInterleaved, positiveInt, roundRatio } from "./stats.ts";

const RECIPIENT = AU_TEST_NUMBERS[0] as string;
const TOOL = "clicksend_send_sms";
const WARMUP_ROUNDS = 20;
/** BENCH_MCP_ROUNDS: timed rounds (one call each way per round). */
const DEFAULT_ROUNDS = 200;
/** The connection's executor limit: every send of the suite is on one connection. */
const CALLS_PER_HOUR = 1000;
/** Sends outside the timed rounds: warm-ups, counting, sanity checks (generous). */
const OTHER_SENDS = 40;
export const JWT_CHECK = "GET /auth/v1/user";
export const TOKEN_CHECK = "POST /rest/v1/rpc/agent_token_verify";
const EXECUTE_PATH = "/functions/v1/execute-agent-tool";
const MCP_PATH = "/functions/v1/agent-mcp";

function log(engine: string, message: string): void {
  console.log(`bench mcp [${engine}]: ${message}`);
}

/**
 * The gateway requests the MCP path is designed to make, given the executor path's (with a
 * user's JWT): the same, with the JWT check replaced by the token check (first, as it is made
 * before anything else). Throws if the executor's list has no JWT check, or more than one.
 */
export function designedMcpRequests(executeRequests: readonly string[]): string[] {
  const checks = executeRequests.filter((request) => request === JWT_CHECK).length;
  if (checks !== 1)
    throw new Error(
      `the executor path made ${String(checks)} JWT checks (${JWT_CHECK}), expected 1: ${executeRequests.join(", ")}`,
    );
  return [TOKEN_CHECK, ...executeRequests.filter((request) => request !== JWT_CHECK)];
}

/** The difference of two counts as an exact figure (designed: the same). */
export function sameCount(key: string, label: string, mcp: number, execute: number): Figure {
  return {
    key,
    label,
    value: mcp - execute,
    unit: "count",
    goal: { min: 0, max: 0, text: "= 0" },
  };
}

/** An agent token for `agentId`, made by its owner through agent-tokens. */
async function makeToken(stack: FullStack, userToken: string, agentId: string): Promise<string> {
  const reply = await callFunction(stack, userToken, "agent-tokens", {
    agent_id: agentId,
    name: "bench",
  });
  if (reply.status !== 201)
    throw new Error(
      `agent-tokens: HTTP ${String(reply.status)} ${JSON.stringify(reply.body).slice(0, 300)}`,
    );
  return createdAgentTokenSchema.parse(reply.body).token;
}

async function connect(stack: FullStack, token: string): Promise<Client> {
  const client = new Client({ name: "bench", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${stack.url}${MCP_PATH}`), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

const toolResultSchema = z.object({
  isError: z.boolean().optional(),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
});

/** One send over MCP; throws unless it is one message ClickSend accepted (a replay if `replay`). */
async function mcpSend(client: Client, key: string, replay = false): Promise<void> {
  const result = toolResultSchema.parse(
    await client.callTool({
      name: TOOL,
      arguments: { to: [RECIPIENT], body: "Bench message", custom_string: key },
      _meta: { idempotency_key: key },
    }),
  );
  const parsed = oneSendReplySchema.safeParse(result.structuredContent);
  if (
    result.isError === true ||
    !parsed.success ||
    parsed.data.result.messages[0]?.to !== RECIPIENT ||
    parsed.data.result.idempotent_replay !== replay
  )
    throw new Error(
      `mcp send ${key}${replay ? " (replay)" : ""}: ${JSON.stringify(result).slice(0, 300)}`,
    );
}

/** One send through execute-agent-tool with the owner's JWT; throws unless ClickSend accepted it. */
async function executeSend(stack: FullStack, userToken: string, agentId: string, key: string) {
  const reply = await callFunction(stack, userToken, "execute-agent-tool", {
    agent_id: agentId,
    tool: TOOL,
    arguments: { to: [RECIPIENT], body: "Bench message", custom_string: key },
    idempotency_key: key,
  });
  const parsed = oneSendReplySchema.safeParse(reply.body);
  if (
    reply.status !== 200 ||
    !parsed.success ||
    parsed.data.result.messages[0]?.to !== RECIPIENT ||
    parsed.data.result.idempotent_replay
  )
    throw new Error(
      `execute send ${key}: HTTP ${String(reply.status)} ${JSON.stringify(reply.body).slice(0, 300)}`,
    );
}

/** The function's own gateway requests in a recording, in order ("METHOD /path"). */
function madeRequests(recording: Recording): string[] {
  return recording.requests.filter((r) => r.prefix !== "/functions/v1").map(describe);
}

export const mcpSuite: StackSuite = {
  name: "mcp",
  async run(bench: BenchStack): Promise<Figure[]> {
    const { stack, probe, engine } = bench;
    const say = (message: string): void => {
      log(engine, message);
    };
    const rounds = positiveInt(process.env.BENCH_MCP_ROUNDS, DEFAULT_ROUNDS);
    if (2 * (WARMUP_ROUNDS + rounds) + OTHER_SENDS > CALLS_PER_HOUR)
      throw new Error(
        `BENCH_MCP_ROUNDS=${String(rounds)}: ${String(2 * (WARMUP_ROUNDS + rounds))} timed and warm-up sends on one connection would run into its ${String(CALLS_PER_HOUR)} calls an hour`,
      );

    const owner = await tenant(stack, "mcp", 1, 25);
    const agentId = owner.agentIds[0] as string;
    const userToken = owner.user.token;
    const agentToken = await makeToken(stack, userToken, agentId);
    const runId = Date.now().toString(36);
    let made = 0;
    const nextKey = (what: string): string => {
      made += 1;
      return `mcp-${runId}-${what}-${String(made)}`;
    };

    const client = await connect(stack, agentToken);
    try {
      // Sanity: the agent's one tool, a bad token refused, a replay that sends nothing.
      const listed = (await client.listTools()).tools.map((tool) => tool.name);
      if (listed.join(",") !== TOOL)
        throw new Error(`tools/list named ${listed.join(", ") || "nothing"}, expected ${TOOL}`);
      const refused = await connect(stack, `csa_${"x".repeat(43)}`).then(
        async (other) => {
          await other.close();
          return null;
        },
        (error: unknown) => error,
      );
      if (!(refused instanceof StreamableHTTPError) || refused.code !== 401)
        throw new Error(`a bad token was not refused 401: ${String(refused)}`);
      for (let w = 0; w < 2; w++) {
        await executeSend(stack, userToken, agentId, nextKey("warm-execute"));
        await mcpSend(client, nextKey("warm-mcp"));
      }
      const { quiet } = await waitForQuiet(stack, 120_000);
      if (!quiet)
        throw new Error("the sandbox never went quiet; counting would include its pushes");
      const replayKey = nextKey("replay");
      await mcpSend(client, replayKey);
      const replayWindow = probe.window();
      await mcpSend(client, replayKey, true);
      const replayed = cost(replayWindow.close(), MCP_PATH);
      if (replayed.clicksend !== 0)
        throw new Error(`a replayed MCP send made ClickSend requests: ${replayed.clicksendPaths}`);

      // Counted: one send each way.
      const requestLists = new Map<string, string[]>();
      const counted = async (name: "execute" | "mcp", send: () => Promise<void>): Promise<Cost> => {
        const window = probe.window();
        await send();
        const recording = window.close();
        const requests = madeRequests(recording);
        const before = requestLists.get(name);
        if (before !== undefined && before.join(", ") !== requests.join(", "))
          throw new Error(
            `${name}: requests differ between samples: ${before.join(", ")} / ${requests.join(", ")}`,
          );
        requestLists.set(name, requests);
        return cost(recording, name === "mcp" ? MCP_PATH : EXECUTE_PATH);
      };
      const executeCost = await measure(say, "execute-agent-tool send (owner's JWT)", () =>
        counted("execute", () => executeSend(stack, userToken, agentId, nextKey("count-execute"))),
      );
      const mcpCost = await measure(say, "agent-mcp tools/call send (agent token)", () =>
        counted("mcp", () => mcpSend(client, nextKey("count-mcp"))),
      );
      const designed = designedMcpRequests(requestLists.get("execute") ?? []);
      const mcpRequests = requestLists.get("mcp") ?? [];
      if (designed.join(", ") !== mcpRequests.join(", "))
        throw new Error(
          `the MCP path's gateway requests are not the executor's with the JWT check replaced by the token check: expected ${designed.join(", ")}, got ${mcpRequests.join(", ")}`,
        );
      if (executeCost.clicksend !== 1 || mcpCost.clicksend !== 1)
        throw new Error("a one-recipient send did not make exactly one ClickSend request");
      say(
        `designed and found: the MCP path = the executor's requests - ${JWT_CHECK} + ${TOKEN_CHECK}`,
      );

      // Timed: both ways interleaved.
      const recordings = new Map<string, Recording[]>([
        ["execute", []],
        ["mcp", []],
      ]);
      const timedCase = (name: "execute" | "mcp", send: (key: string) => Promise<void>) => ({
        name,
        async run(iteration: number): Promise<number> {
          const key = nextKey(`t-${name}`);
          const window = probe.window();
          const started = process.hrtime.bigint();
          await send(key);
          const ns = Number(process.hrtime.bigint() - started);
          const recording = window.close();
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
        [
          timedCase("execute", (key) => executeSend(stack, userToken, agentId, key)),
          timedCase("mcp", (key) => mcpSend(client, key)),
        ],
        { warmup: WARMUP_ROUNDS, iterations: rounds, seed: 16 },
      );
      cpu.add(cpuStart, await cpuSample(bench));
      const executeTime = summaries.get("execute");
      const mcpTime = summaries.get("mcp");
      if (executeTime === undefined || mcpTime === undefined)
        throw new Error("a case was not timed");
      const ratio = mcpTime.p50Ns / executeTime.p50Ns;
      say(
        `send p50/p95: execute-agent-tool ${executeTime.p50Ms.toFixed(1)}/${executeTime.p95Ms.toFixed(1)} ms, agent-mcp ${mcpTime.p50Ms.toFixed(1)}/${mcpTime.p95Ms.toFixed(1)} ms (ratio of p50s ${ratio.toFixed(3)}); load average ${loadavg()[0]?.toFixed(2) ?? "?"}`,
      );
      for (const [name, list] of recordings) {
        const all: Recording = {
          db: { transaction: 0, query: 0, exec: 0, batch: 0, statements: 0 },
          requests: list.flatMap((recording) => recording.requests),
          lines: list.flatMap((recording) => recording.lines),
          startMs: 0,
          endMs: 0,
        };
        say(`${name}: ${breakdown(all)}`);
      }
      say(`CPU while timing: ${cpu.describe()}`);

      return [
        {
          key: "mcp_call_vs_execute_agent_tool",
          label: "send over MCP / through execute-agent-tool (p50s)",
          value: roundRatio(ratio),
          unit: "ratio",
          goal: { max: 1.3, text: "<= 1.3x" },
        },
        { key: "mcp_send_p50_ms", label: "send over MCP, p50", value: mcpTime.p50Ms, unit: "ms" },
        { key: "mcp_send_p95_ms", label: "send over MCP, p95", value: mcpTime.p95Ms, unit: "ms" },
        {
          key: "mcp_execute_send_p50_ms",
          label: "send through execute-agent-tool (baseline), p50",
          value: executeTime.p50Ms,
          unit: "ms",
        },
        {
          key: "mcp_execute_send_p95_ms",
          label: "send through execute-agent-tool (baseline), p95",
          value: executeTime.p95Ms,
          unit: "ms",
        },
        {
          key: "mcp_send_samples",
          label: "timed sends each way",
          value: mcpTime.samples,
          unit: "count",
        },
        {
          key: "mcp_gateway_calls_per_send",
          label: "send over MCP: the function's requests to the gateway",
          value: mcpCost.gateway,
          unit: "count",
        },
        {
          key: "mcp_db_transactions_per_send",
          label: "send over MCP: database transactions",
          value: mcpCost.transactions,
          unit: "count",
        },
        {
          key: "mcp_db_statements_per_send",
          label: "send over MCP: SQL statements",
          value: mcpCost.statements,
          unit: "count",
        },
        {
          key: "mcp_clicksend_requests_per_send",
          label: "send over MCP: ClickSend requests",
          value: mcpCost.clicksend,
          unit: "count",
        },
        sameCount(
          "mcp_extra_gateway_calls",
          "MCP - execute: gateway requests (token check for getUser)",
          mcpCost.gateway,
          executeCost.gateway,
        ),
        sameCount(
          "mcp_extra_db_transactions",
          "MCP - execute: database transactions",
          mcpCost.transactions,
          executeCost.transactions,
        ),
        sameCount(
          "mcp_extra_clicksend_requests",
          "MCP - execute: ClickSend requests",
          mcpCost.clicksend,
          executeCost.clicksend,
        ),
        {
          key: "mcp_extra_db_statements",
          label: "MCP - execute: SQL statements",
          value: mcpCost.statements - executeCost.statements,
          unit: "count",
        },
      ];
    } finally {
      await client.close();
    }
  },
};
