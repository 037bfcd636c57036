import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { agentWebhookSchema } from "@/features/agents/api/get-agent-webhook";
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

/** What agent-webhooks answers for "set" and "rotate_secret". */
export const webhookChangeSchema = z.object({
  webhook: agentWebhookSchema,
  /** The signing secret, only when a new one was made: shown once, kept nowhere else. */
  secret: z.string().nullable(),
});
export type WebhookChange = z.infer<typeof webhookChangeSchema>;

type SetAgentWebhookInput = { agentId: string; url: string };

/** Sets the webhook's URL; a new webhook gets a signing secret (answered once). */
function setAgentWebhook({ agentId, url }: SetAgentWebhookInput): Promise<WebhookChange> {
  return invokeFunction(
    "agent-webhooks",
    { action: "set", agent_id: agentId, url },
    { schema: webhookChangeSchema },
  );
}

export function useSetAgentWebhook(agentId: string) {
  const queryClient = useQueryClient();
  return useMutation<WebhookChange, ApiError, SetAgentWebhookInput>({
    mutationFn: setAgentWebhook,
    // The answer holds the secret: gone from memory as soon as nothing shows the mutation.
    gcTime: 0,
    onSuccess: ({ webhook }) => {
      queryClient.setQueryData(agentsKeys.webhook(agentId), webhook);
    },
  });
}
