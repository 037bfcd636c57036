import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import {
  approvalPendingBodySchema,
  type PolicyDetails,
  type PolicyReason,
} from "@contracts/guardrails.ts";
import { toolAccountSchema, type ToolAccount } from "@contracts/tool-account.ts";
import { agentsKeys } from "@/features/agents/api/query-keys";
import { TOOL_CATALOG, type ToolName } from "@/features/agents/catalog";
import { ApiError } from "@/lib/api-error";
import { approvalsKeys } from "@/lib/approvals/query-keys";
import { connectionKeys } from "@/lib/connections/query-keys";
import { invokeGuardedFunction, PolicyDeniedError } from "@/lib/policy-denied";

const toolNames = TOOL_CATALOG.map((tool) => tool.name) as [ToolName, ...ToolName[]];

/** One tool call as the agent would make it; the playground form reuses the pieces. */
export const toolCallSchema = z.object({
  tool: z.enum(toolNames),
  arguments: z.record(z.string(), z.unknown()),
});

type ToolCall = z.infer<typeof toolCallSchema>;
export type ExecuteAgentToolInput = ToolCall & { agentId: string };

/**
 * Allowed (the tool ran), denied (the agent lacks the scope), held for the owner's approval
 * (202, nothing sent), or refused whole by the agent's quiet hours or limits (403
 * policy_denied, nothing sent); other failures are thrown.
 */
export type ToolRun =
  | {
      outcome: "allowed";
      tool: ToolName;
      result: unknown;
      /** The ClickSend account the call used, as the executor names it. */
      account: ToolAccount | undefined;
    }
  | { outcome: "denied"; tool: ToolName; reason: string }
  | { outcome: "pending_approval"; tool: ToolName; approvalId: string; expiresAt: string }
  | {
      outcome: "policy_denied";
      tool: ToolName;
      reason: PolicyReason;
      message: string;
      retryable: boolean;
      details: PolicyDetails;
    };

const executeResponseSchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown(), account: toolAccountSchema.optional() }),
  approvalPendingBodySchema,
]);

async function executeAgentTool({
  agentId,
  tool,
  arguments: args,
}: ExecuteAgentToolInput): Promise<ToolRun> {
  try {
    const answer = await invokeGuardedFunction(
      "execute-agent-tool",
      { agent_id: agentId, tool, arguments: args },
      { schema: executeResponseSchema },
    );
    if (answer.ok) {
      return { outcome: "allowed", tool, result: answer.result, account: answer.account };
    }
    return {
      outcome: "pending_approval",
      tool,
      approvalId: answer.approval_id,
      expiresAt: answer.expires_at,
    };
  } catch (error) {
    if (error instanceof PolicyDeniedError) {
      const { reason, message, retryable, details } = error;
      return { outcome: "policy_denied", tool, reason, message, retryable, details };
    }
    if (error instanceof ApiError && error.code === "permission_denied") {
      return { outcome: "denied", tool, reason: error.message };
    }
    throw error;
  }
}

const SENDS: ReadonlySet<ToolName> = new Set(["clicksend_send_sms", "clicksend_send_mms"]);

/**
 * Runs a tool as the agent. Never retried: a send may already have gone out. A send that ran
 * spent credit, so every shown balance is asked for again; a send held for approval adds one
 * to the navigation's count.
 */
export function useExecuteAgentTool() {
  const queryClient = useQueryClient();
  return useMutation<ToolRun, ApiError, ExecuteAgentToolInput>({
    mutationFn: executeAgentTool,
    onSuccess: async (run) => {
      if (run.outcome === "allowed" && SENDS.has(run.tool))
        await queryClient.invalidateQueries({ queryKey: connectionKeys.balances() });
      if (run.outcome === "pending_approval")
        await queryClient.invalidateQueries({ queryKey: approvalsKeys.all });
    },
    // Every call, allowed or refused, is a new row in the agent's activity.
    onSettled: async (_run, _error, { agentId }) => {
      await queryClient.invalidateQueries({ queryKey: agentsKeys.activity(agentId) });
      await queryClient.invalidateQueries({ queryKey: agentsKeys.refusedRecipients(agentId) });
    },
  });
}
