import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import {
  createAgentTokenBodySchema,
  createdAgentTokenSchema,
  type AgentToken,
  type CreatedAgentToken,
} from "@contracts/agent-tokens.ts";
import { agentsKeys } from "@/features/agents/api/query-keys";
import type { ApiError } from "@/lib/api-error";
import { invokeFunction } from "@/lib/functions";

/** The name field: agent-tokens' own rule (1 to 100 characters, no control characters). */
export const tokenFormSchema = z.object({ name: createAgentTokenBodySchema.shape.name });
export type TokenFormValues = z.infer<typeof tokenFormSchema>;

/** A new token for the agent; the answer is the only one that ever holds the token itself. */
function createAgentToken(agentId: string, name: string): Promise<CreatedAgentToken> {
  return invokeFunction(
    "agent-tokens",
    { agent_id: agentId, name },
    { schema: createdAgentTokenSchema },
  );
}

/** What the list keeps of a new token: everything but the token and its endpoint. */
function listed({ id, agent_id, name, prefix, created_at, last_used_at }: CreatedAgentToken) {
  return { id, agent_id, name, prefix, created_at, last_used_at } satisfies AgentToken;
}

export function useCreateAgentToken(agentId: string) {
  const queryClient = useQueryClient();
  return useMutation<CreatedAgentToken, ApiError, string>({
    mutationFn: (name) => createAgentToken(agentId, name),
    // The answer holds the token: gone from memory as soon as nothing shows the mutation.
    gcTime: 0,
    onSuccess: (created) => {
      queryClient.setQueryData<AgentToken[]>(agentsKeys.tokens(), (tokens) =>
        tokens === undefined ? undefined : [listed(created), ...tokens],
      );
      void queryClient.invalidateQueries({ queryKey: agentsKeys.tokens() });
    },
  });
}
