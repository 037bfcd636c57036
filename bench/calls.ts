// Calls suite: what one execute-agent-tool send costs inside the stack, counted, not estimated.
//
// For one single-recipient clicksend_send_sms call, counted between the moment the bench sends
// the request and the moment it has read the answer (probe.ts):
//   * the requests the function makes to the gateway (/auth/v1 and /rest/v1), seen by the
//     gateway's route handlers. The client's own inbound POST /functions/v1/execute-agent-tool is
//     not counted (it is the call being measured); exactly one /functions/v1 request must arrive
//     in the window, so a receipt push (POST /functions/v1/clicksend-webhook) would fail the suite
//     rather than be counted;
//   * the database transactions those requests ran: every call on the Database the gateway was
//     given (transaction, query, exec, batch: each is one transaction) and, for information, the
//     SQL statements inside them;
//   * the ClickSend requests (sandbox /v3 log lines).
// The stack is quiet: the suite drains the sandbox first, and sends to ClickSend's test number
// +61411111111, which is accepted and recorded like any number but never gets a delivery receipt,
// so no receipt push can land inside the window. Measured for a signed-in user's token (the
// agent path: getUser, then the executor) and for the service role (the platform path: no
// getUser), after warm-up calls (the REST schema cache, Deno's first run of each path), 5 times
// each; the counts must be identical every time, otherwise the suite reports the largest and
// says so. get-agent-tools is counted the same way.
import type { Figure } from "./report.ts";
import { describe, transactions, type Recording } from "./probe.ts";
import {
  AU_TEST_NUMBERS,
  callFunction,
  sendOne,
  tenant,
  waitForQuiet,
  type BenchStack,
  type StackSuite,
} from "./stack.ts";

const SAMPLES = 5;
const WARMUP = 2;

function log(engine: string, message: string): void {
  console.log(`bench calls [${engine}]: ${message}`);
}

export interface Cost {
  gateway: number;
  transactions: number;
  statements: number;
  clicksend: number;
  /** The function's gateway requests, each with the transactions and statements it ran. */
  paths: string;
  /** The ClickSend requests, e.g. "POST /v3/sms/send", in order. */
  clicksendPaths: string;
}

/** What one function call cost, from its recording; `inbound` is the call being measured. */
export function cost(recording: Recording, inbound: string): Cost {
  const functionCalls = recording.requests.filter((r) => r.prefix === "/functions/v1");
  if (functionCalls.length !== 1 || functionCalls[0]?.path !== inbound)
    throw new Error(
      `expected only the inbound ${inbound} in the window, the gateway served ${functionCalls.map(describe).join(", ")}: the stack was not quiet`,
    );
  const made = recording.requests.filter((r) => r.prefix !== "/functions/v1");
  // Every sandbox request line ("POST /v3/sms/send 200 12ms"), also one it held unanswered.
  const clicksend = recording.lines
    .filter((entry) => /^[A-Z]+ \/v3\//.test(entry.line))
    .map((entry) => entry.line.split(" ").slice(0, 2).join(" "));
  return {
    gateway: made.length,
    transactions: transactions(recording.db),
    statements: recording.db.statements,
    clicksend: clicksend.length,
    clicksendPaths: clicksend.join(", "),
    paths: made
      .map(
        (r) => `${describe(r)}: ${String(transactions(r.db))} tx / ${String(r.db.statements)} st`,
      )
      .join(", "),
  };
}

/** Runs `once` SAMPLES times; every sample must cost the same (else the largest is kept). */
export async function measure(
  log: (message: string) => void,
  what: string,
  once: (sample: number) => Promise<Cost>,
): Promise<Cost> {
  const costs: Cost[] = [];
  for (let sample = 0; sample < SAMPLES; sample++) costs.push(await once(sample));
  const first = costs[0] as Cost;
  const same = costs.every(
    (c) =>
      c.gateway === first.gateway &&
      c.transactions === first.transactions &&
      c.statements === first.statements &&
      c.clicksend === first.clicksend,
  );
  const worst: Cost = {
    gateway: Math.max(...costs.map((c) => c.gateway)),
    transactions: Math.max(...costs.map((c) => c.transactions)),
    statements: Math.max(...costs.map((c) => c.statements)),
    clicksend: Math.max(...costs.map((c) => c.clicksend)),
    paths: first.paths,
    clicksendPaths: first.clicksendPaths,
  };
  log(
    `${what}: ${String(worst.gateway)} gateway requests (${first.paths}), ${String(worst.transactions)} database transactions (tx), ${String(worst.statements)} statements (st), ${String(worst.clicksend)} ClickSend requests (${first.clicksendPaths})${same ? `, the same in all ${String(SAMPLES)} samples` : `; samples differ, largest kept: ${JSON.stringify(costs.map(({ paths: _p, clicksendPaths: _c, ...c }) => c))}`}`,
  );
  return worst;
}

export const callsSuite: StackSuite = {
  name: "calls",
  async run({ stack, probe, engine }: BenchStack): Promise<Figure[]> {
    const owner = await tenant(stack, "calls", 1, 25);
    const agentId = owner.agentIds[0] as string;
    const to = AU_TEST_NUMBERS[0] as string;
    const runId = Date.now().toString(36);
    const keyFor = (who: string, n: number): string => `calls-${runId}-${who}-${String(n)}`;

    for (let w = 0; w < WARMUP; w++) {
      await sendOne(stack, owner.user.token, agentId, keyFor("warm-user", w), to);
      await sendOne(stack, stack.serviceRoleKey, agentId, keyFor("warm-service", w), to);
      await callFunction(stack, owner.user.token, "get-agent-tools", { agent_id: agentId });
    }
    // Connecting the account and the warm-up sends to the test number push nothing, but earlier
    // suites' receipts may still be on their way.
    const { quiet } = await waitForQuiet(stack, 120_000);
    if (!quiet) throw new Error("the sandbox never went quiet; counting would include its pushes");

    const countSend = async (token: string, who: string, sample: number): Promise<Cost> => {
      const window = probe.window();
      await sendOne(stack, token, agentId, keyFor(who, sample), to);
      return cost(window.close(), "/functions/v1/execute-agent-tool");
    };
    const say = (message: string): void => {
      log(engine, message);
    };
    const user = await measure(say, "user send", (n) => countSend(owner.user.token, "user", n));
    const service = await measure(say, "service-role send", (n) =>
      countSend(stack.serviceRoleKey, "service", n),
    );
    const discovery = await measure(say, "get-agent-tools", async () => {
      const window = probe.window();
      const reply = await callFunction(stack, owner.user.token, "get-agent-tools", {
        agent_id: agentId,
      });
      const recording = window.close();
      if (reply.status !== 200)
        throw new Error(
          `get-agent-tools: HTTP ${String(reply.status)} ${JSON.stringify(reply.body)}`,
        );
      return cost(recording, "/functions/v1/get-agent-tools");
    });
    if (user.clicksend !== 1 || service.clicksend !== 1)
      throw new Error("a one-recipient send did not make exactly one ClickSend request");

    return [
      {
        key: "execute_gateway_calls_per_send",
        label: "send (user): the function's requests to the gateway",
        value: user.gateway,
        unit: "count",
        goal: { max: 3, text: "<= 3" },
      },
      {
        key: "execute_db_transactions_per_send",
        label: "send (user): database transactions they run",
        value: user.transactions,
        unit: "count",
        goal: { max: 3, text: "<= 3" },
      },
      {
        key: "execute_db_statements_per_send",
        label: "send (user): SQL statements in those transactions",
        value: user.statements,
        unit: "count",
      },
      {
        key: "execute_clicksend_requests_per_send",
        label: "send (user): ClickSend requests",
        value: user.clicksend,
        unit: "count",
      },
      {
        key: "execute_gateway_calls_per_send_service",
        label: "send (service role): requests to the gateway",
        value: service.gateway,
        unit: "count",
      },
      {
        key: "execute_db_transactions_per_send_service",
        label: "send (service role): database transactions",
        value: service.transactions,
        unit: "count",
      },
      {
        key: "execute_db_statements_per_send_service",
        label: "send (service role): SQL statements",
        value: service.statements,
        unit: "count",
      },
      {
        key: "discovery_gateway_calls_per_call",
        label: "get-agent-tools: requests to the gateway",
        value: discovery.gateway,
        unit: "count",
      },
      {
        key: "discovery_db_transactions_per_call",
        label: "get-agent-tools: database transactions",
        value: discovery.transactions,
        unit: "count",
      },
    ];
  },
};
