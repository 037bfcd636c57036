import { useMutation, useQueryClient } from "@tanstack/react-query";

import { agentWebhookRemovedSchema } from "@contracts/function-requests.ts";
import { agentsKeys } from "@/features/agents/api/query-keys";
import type { ApiError } from "@/lib/api-error";
import { invokeFunction } from "@/lib/functions";

/** Removes the webhook and its secret; replies are still stored, just not sent anywhere. */
async function removeAgentWebhook(agentId: string): Promise<boolean> {
  const { removed } = await invokeFunction(
    "agent-webhooks",
    { action: "remove", agent_id: agentId },
    { schema: agentWebhookRemovedSchema },
  );
  return removed;
}

export function useRemoveAgentWebhook(agentId: string) {
  const queryClient = useQueryClient();
  return useMutation<boolean, ApiError>({
    mutationFn: () => removeAgentWebhook(agentId),
    onSuccess: () => {
      queryClient.setQueryData(agentsKeys.webhook(agentId), null);
    },
  });
}
