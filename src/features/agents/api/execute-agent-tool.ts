import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { toolAccountSchema, type ToolAccount } from "@contracts/tool-account.ts";
import { TOOL_CATALOG, type ToolName } from "@/features/agents/catalog";
import { ApiError } from "@/lib/api-error";
import { connectionKeys } from "@/lib/connections/query-keys";
import { invokeFunction } from "@/lib/functions";

const toolNames = TOOL_CATALOG.map((tool) => tool.name) as [ToolName, ...ToolName[]];

/** One tool call as the agent would make it; the playground form reuses the pieces. */
export const toolCallSchema = z.object({
  tool: z.enum(toolNames),
  arguments: z.record(z.string(), z.unknown()),
});

type ToolCall = z.infer<typeof toolCallSchema>;
export type ExecuteAgentToolInput = ToolCall & { agentId: string };

/** Allowed (the tool ran) or denied (the agent lacks the scope); other failures are thrown. */
export type ToolRun =
  | {
      outcome: "allowed";
      tool: ToolName;
      result: unknown;
      /** The ClickSend account the call used, as the executor names it. */
      account: ToolAccount | undefined;
    }
  | { outcome: "denied"; tool: ToolName; reason: string };

const executeResponseSchema = z.object({
  ok: z.literal(true),
  result: z.unknown(),
  account: toolAccountSchema.optional(),
});

async function executeAgentTool({
  agentId,
  tool,
  arguments: args,
}: ExecuteAgentToolInput): Promise<ToolRun> {
  try {
    const { result, account } = await invokeFunction(
      "execute-agent-tool",
      { agent_id: agentId, tool, arguments: args },
      { schema: executeResponseSchema },
    );
    return { outcome: "allowed", tool, result, account };
  } catch (error) {
    if (error instanceof ApiError && error.code === "permission_denied") {
      return { outcome: "denied", tool, reason: error.message };
    }
    throw error;
  }
}

const SENDS: ReadonlySet<ToolName> = new Set(["clicksend_send_sms", "clicksend_send_mms"]);

/**
 * Runs a tool as the agent. Never retried: a send may already have gone out. A send that ran
 * spent credit, so every shown balance is asked for again.
 */
export function useExecuteAgentTool() {
  const queryClient = useQueryClient();
  return useMutation<ToolRun, ApiError, ExecuteAgentToolInput>({
    mutationFn: executeAgentTool,
    onSuccess: async (run) => {
      if (run.outcome === "allowed" && SENDS.has(run.tool))
        await queryClient.invalidateQueries({ queryKey: connectionKeys.balances() });
    },
  });
}
