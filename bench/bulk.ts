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
import { z } from "zod";
import { MAX_RECIPIENTS_PER_CALL } from "../supabase/functions/_shared/tool-catalog.ts";
import type { Figure, Suite } from "./report.ts";
import {
  agentWithGrant,
  callFunction,
  connectClickSend,
  mobileNumber,
  sandboxAccount,
  sharedStack,
  signUp,
  waitForQuiet,
} from "./stack.ts";

const RECIPIENTS = 5000;
/** 5,000 AU messages at 0.0792 AUD a part, with room to spare. */
const SANDBOX_BALANCE_AUD = 1000;
/** Sandbox log lines of /v3 requests: "POST /v3/sms/send 200 12ms". */
const SANDBOX_REQUEST_LINE = /^[A-Z]+ \/v3(\/|\s)/;

function log(message: string): void {
  console.log(`bench bulk: ${message}`);
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

export const bulkSuite: Suite = {
  name: "bulk",
  async run(): Promise<Figure[]> {
    const stack = await sharedStack();
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
    const logStart = stack.logs.length;

    log(`execute-agent-tool clicksend_send_sms to ${String(RECIPIENTS)} recipients`);
    const started = process.hrtime.bigint();
    const reply = await callFunction(stack, user.token, "execute-agent-tool", {
      agent_id: agentId,
      tool: "clicksend_send_sms",
      arguments: { to: recipients, body: "Bench bulk message", custom_string: key },
      idempotency_key: key,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const sandboxLines = stack.logs
      .slice(logStart)
      .filter((line) => SANDBOX_REQUEST_LINE.test(line));
    const accountRequests = account.requests - requestsBefore;

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

    return [
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
