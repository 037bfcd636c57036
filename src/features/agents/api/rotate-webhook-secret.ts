import { useMutation, useQueryClient } from "@tanstack/react-query";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { agentWebhookChangeSchema, type AgentWebhookChange } from "@contracts/function-requests.ts";
import type { ApiError } from "@/lib/api-error";
import { invokeFunction } from "@/lib/functions";

/** A new signing secret (answered once); the old one stops working at once. */
function rotateWebhookSecret(agentId: string): Promise<AgentWebhookChange> {
  return invokeFunction(
    "agent-webhooks",
    { action: "rotate_secret", agent_id: agentId },
    { schema: agentWebhookChangeSchema },
  );
}

export function useRotateWebhookSecret(agentId: string) {
  const queryClient = useQueryClient();
  return useMutation<AgentWebhookChange, ApiError>({
    mutationFn: () => rotateWebhookSecret(agentId),
    // The answer holds the secret: gone from memory as soon as nothing shows the mutation.
    gcTime: 0,
    onSuccess: ({ webhook }) => {
      queryClient.setQueryData(agentsKeys.webhook(agentId), webhook);
    },
  });
}
