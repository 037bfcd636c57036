// agent-approvals' logic: the caller's held sends, and a person's decision on one. A decision is
// taken in the database (agent_approval_decide locks the approval); approving then runs the held
// send through the executor (agent-tools.ts) under the approval's own idempotency key with every
// check but approval again, so approving twice, or at the same moment, sends once: the second
// finds the first's messages and answers with them. What the send answered is kept on the
// approval (the first answer stays) and reaches the agent as an approval_decided event.
import { z } from "zod";
import { notifyAgent } from "./agent-webhooks.ts";
import { approvalClosedError, executeTool } from "./agent-tools.ts";
import type { Json } from "./contracts/database.types.ts";
import { isErrorCode } from "./contracts/errors.ts";
import {
  APPROVAL_STATES,
  approvalSchema,
  heldRequestSchema,
  type Approval,
  type ApprovalList,
  type DecideApprovalBody,
  type DecideApprovalResult,
} from "./contracts/guardrails.ts";
import { SEND_FAILURE_MAY_HAVE_SENT } from "./contracts/send-outcome.ts";
import { toolArgumentSchemas } from "./contracts/tool-catalog.ts";
import type { FunctionEnv } from "./env.ts";
import { ApiError } from "./http.ts";
import { databaseError } from "./prepared-call.ts";
import type { Db } from "./supabase.ts";

/** Decided and expired approvals listed after the pending ones. */
const RECENT = 50;

/** An approval row as the table (and agent_approval_decide) holds it. */
const approvalRowSchema = z.object({
  id: z.string(),
  agent_id: z.string(),
  connection_id: z.string().nullable(),
  tool: z.enum(["clicksend_send_sms", "clicksend_send_mms"]),
  idempotency_key: z.string(),
  request: heldRequestSchema,
  recipients: z.number(),
  parts: z.number(),
  price: z.coerce.number().nullable(),
  currency: z.string().nullable(),
  status: z.enum(["pending", "approved", "rejected"]),
  created_at: z.string(),
  expires_at: z.string(),
  decided_at: z.string().nullable(),
  edited_body: z.boolean(),
  outcome: z.object({ status: z.number(), body: z.unknown() }).nullable(),
});
type ApprovalRow = z.infer<typeof approvalRowSchema>;

const COLUMNS =
  "id, agent_id, connection_id, tool, idempotency_key, request, recipients, parts, price, currency, status, created_at, expires_at, decided_at, edited_body, outcome";

const iso = (value: string) => new Date(value).toISOString();

function view(row: ApprovalRow, agentName: string | null): Approval {
  const expired = row.status === "pending" && Date.parse(row.expires_at) <= Date.now();
  return approvalSchema.parse({
    id: row.id,
    agent_id: row.agent_id,
    agent_name: agentName,
    connection_id: row.connection_id,
    tool: row.tool,
    request: row.request,
    recipients: row.recipients,
    parts: row.parts,
    price: row.price,
    currency: row.currency,
    state: expired ? "expired" : row.status,
    created_at: iso(row.created_at),
    expires_at: iso(row.expires_at),
    decided_at: row.decided_at === null ? null : iso(row.decided_at),
    edited_body: row.edited_body,
    outcome: row.outcome,
  } satisfies Record<keyof Approval, unknown>);
}

async function agentNames(
  service: Db,
  userId: string,
  ids: string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { data, error, status } = await service
    .from("agents")
    .select("id, name")
    .eq("user_id", userId)
    .in("id", [...new Set(ids)]);
  if (error) throw databaseError(status, "Could not read the agents.");
  return new Map(data.map((agent) => [agent.id, agent.name]));
}

/** The caller's pending approvals (oldest first: they expire first), then the recent others. */
export async function listApprovals(service: Db, userId: string): Promise<ApprovalList> {
  const now = new Date().toISOString();
  const [pending, recent] = await Promise.all([
    service
      .from("agent_approvals")
      .select(COLUMNS)
      .eq("user_id", userId)
      .eq("status", "pending")
      .gt("expires_at", now)
      .order("created_at", { ascending: true }),
    service
      .from("agent_approvals")
      .select(COLUMNS)
      .eq("user_id", userId)
      .order("created_at", { ascending: false })
      .limit(RECENT * 2),
  ]);
  if (pending.error || recent.error)
    throw databaseError(
      pending.error ? pending.status : recent.status,
      "Could not read the approvals.",
    );
  const open = z.array(approvalRowSchema).parse(pending.data);
  const held = new Set(open.map((row) => row.id));
  const rows = [
    ...open,
    ...z
      .array(approvalRowSchema)
      .parse(recent.data)
      .filter((row) => !held.has(row.id))
      .slice(0, RECENT),
  ];
  const names = await agentNames(
    service,
    userId,
    rows.map((row) => row.agent_id),
  );
  return { approvals: rows.map((row) => view(row, names.get(row.agent_id) ?? null)) };
}

const decisionSchema = z.discriminatedUnion("outcome", [
  z.object({ outcome: z.literal("not_found") }),
  z.object({
    outcome: z.literal("closed"),
    state: z.enum(APPROVAL_STATES),
  }),
  z.object({ outcome: z.literal("rejected"), approval: approvalRowSchema }),
  z.object({ outcome: z.literal("approve"), approval: approvalRowSchema, first: z.boolean() }),
]);

function notFound(): ApiError {
  return new ApiError(404, "approval_not_found", "No such approval in your account.");
}

/** The held send's arguments, with the edited text when the person changed it. */
function heldArguments(row: ApprovalRow, body: string | undefined): Record<string, unknown> {
  return body === undefined ? row.request : { ...row.request, body };
}

/** Whether the send's answer means messages may have gone out (then it is the outcome for good). */
function final(outcome: { status: number; body: unknown }): boolean {
  if (outcome.status === 200) return true;
  const parsed = z.object({ error: z.object({ code: z.string() }) }).safeParse(outcome.body);
  return parsed.success && isErrorCode(parsed.data.error.code)
    ? SEND_FAILURE_MAY_HAVE_SENT[parsed.data.error.code]
    : false;
}

export interface Decided {
  status: number;
  body: DecideApprovalResult | { error: Record<string, unknown> };
}

/**
 * Decides one approval. An edited text is checked against the tool's arguments before anything
 * is decided. Approving answers the send's own failure when it could not go out (a policy
 * refusal, a revoked grant): the approval stays approved and may be approved again, which tries
 * the send again under the same key; once messages may have gone out, that answer is final.
 */
export async function decideApproval(
  env: FunctionEnv,
  service: Db,
  userId: string,
  body: DecideApprovalBody,
): Promise<Decided> {
  if (body.decision === "approve" && body.body !== undefined) {
    const { data, error, status } = await service
      .from("agent_approvals")
      .select(COLUMNS)
      .eq("user_id", userId)
      .eq("id", body.approval_id)
      .limit(1);
    if (error) throw databaseError(status, "Could not read the approval.");
    if (data[0] === undefined) throw notFound();
    const row = approvalRowSchema.parse(data[0]);
    const checked = toolArgumentSchemas[row.tool].safeParse(heldArguments(row, body.body));
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new ApiError(400, "invalid_request", `body: ${issue?.message ?? "not accepted"}`);
    }
  }
  const { data, error, status } = await service.rpc("agent_approval_decide", {
    p_user_id: userId,
    p_approval_id: body.approval_id,
    p_decision: body.decision,
    ...(body.body === undefined ? {} : { p_body: body.body }),
  });
  if (error) throw databaseError(status, "Could not record the decision; nothing was sent.");
  const decision = decisionSchema.parse(data);
  if (decision.outcome === "not_found") throw notFound();
  if (decision.outcome === "closed") throw approvalClosedError(decision.state, body.approval_id);
  const names = await agentNames(service, userId, [decision.approval.agent_id]);
  const name = names.get(decision.approval.agent_id) ?? null;
  const row = decision.approval;

  if (decision.outcome === "rejected") {
    void notifyAgent(env, service, {
      type: "approval_decided",
      agent_id: row.agent_id,
      data: { approval_id: row.id, decision: "rejected", idempotency_key: row.idempotency_key },
    });
    return { status: 200, body: { approval: view(row, name) } };
  }

  // A second approve after a send that may have gone out answers the first outcome.
  if (row.outcome !== null) return { status: 200, body: { approval: view(row, name) } };
  const sent = await executeTool(
    env,
    service,
    userId,
    {
      agent_id: row.agent_id,
      tool: row.tool,
      arguments: heldArguments(row, undefined),
      idempotency_key: row.idempotency_key,
    },
    row.id,
  );
  const outcome = { status: sent.status, body: sent.body };
  if (!final(outcome)) {
    // Nothing went out: the person sees why and may approve again later (before it expires).
    const failure = z.object({ error: z.record(z.string(), z.unknown()) }).safeParse(sent.body);
    return {
      status: sent.status,
      body: failure.success
        ? failure.data
        : { error: { code: "internal_error", message: "The send failed.", retryable: true } },
    };
  }
  const recorded = await service.rpc("agent_approval_record", {
    p_approval_id: row.id,
    p_outcome: outcome as unknown as Json,
  });
  if (recorded.error) throw databaseError(recorded.status, "The send's outcome could not be kept.");
  const kept = z
    .object({
      outcome: z.object({ status: z.number(), body: z.unknown() }).nullable(),
      recorded: z.boolean(),
    })
    .parse(recorded.data);
  const answer = kept.outcome ?? outcome;
  if (kept.recorded) {
    // Told once, by the decision whose send's answer is kept.
    void notifyAgent(env, service, {
      type: "approval_decided",
      agent_id: row.agent_id,
      data: {
        approval_id: row.id,
        decision: "approved",
        idempotency_key: row.idempotency_key,
        edited_body: row.edited_body,
        outcome: answer,
      },
    });
  }
  return { status: 200, body: { approval: view({ ...row, outcome: answer }, name) } };
}
