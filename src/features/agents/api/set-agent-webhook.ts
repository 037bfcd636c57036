import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { agentWebhookChangeSchema, type AgentWebhookChange } from "@contracts/function-requests.ts";
import { agentsKeys } from "@/features/agents/api/query-keys";
import type { ApiError } from "@/lib/api-error";
import { invokeFunction } from "@/lib/functions";

/** The webhook URL field: agent-webhooks' own length rule; the server checks the address. */
const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, "Enter the URL your agent receives replies at.")
  .max(2000, "Use at most 2000 characters.")
  .refine(
    (value) => /^https?:\/\//i.test(value) && URL.canParse(value),
    "Enter a full URL such as https://agent.example.com/replies.",
  );

export const webhookFormSchema = z.object({ url: webhookUrlSchema });
export type WebhookFormValues = z.infer<typeof webhookFormSchema>;

type SetAgentWebhookInput = { agentId: string; url: string };

/** Sets the webhook's URL; a new webhook gets a signing secret (answered once). */
function setAgentWebhook({ agentId, url }: SetAgentWebhookInput): Promise<AgentWebhookChange> {
  return invokeFunction(
    "agent-webhooks",
    { action: "set", agent_id: agentId, url },
    { schema: agentWebhookChangeSchema },
  );
}

export function useSetAgentWebhook(agentId: string) {
  const queryClient = useQueryClient();
  return useMutation<AgentWebhookChange, ApiError, SetAgentWebhookInput>({
    mutationFn: setAgentWebhook,
    // The answer holds the secret: gone from memory as soon as nothing shows the mutation.
    gcTime: 0,
    onSuccess: ({ webhook }) => {
      queryClient.setQueryData(agentsKeys.webhook(agentId), webhook);
    },
  });
}
