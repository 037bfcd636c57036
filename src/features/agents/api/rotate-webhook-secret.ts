import { useMutation, useQueryClient } from "@tanstack/react-query";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { webhookChangeSchema, type WebhookChange } from "@/features/agents/api/set-agent-webhook";
import type { ApiError } from "@/lib/api-error";
import { invokeFunction } from "@/lib/functions";

/** A new signing secret (answered once); the old one stops working at once. */
function rotateWebhookSecret(agentId: string): Promise<WebhookChange> {
  return invokeFunction(
    "agent-webhooks",
    { action: "rotate_secret", agent_id: agentId },
    { schema: webhookChangeSchema },
  );
}

export function useRotateWebhookSecret(agentId: string) {
  const queryClient = useQueryClient();
  return useMutation<WebhookChange, ApiError>({
    mutationFn: () => rotateWebhookSecret(agentId),
    // The answer holds the secret: gone from memory as soon as nothing shows the mutation.
    gcTime: 0,
    onSuccess: ({ webhook }) => {
      queryClient.setQueryData(agentsKeys.webhook(agentId), webhook);
    },
  });
}
