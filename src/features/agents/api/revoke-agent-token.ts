import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import type { AgentToken } from "@contracts/agent-tokens.ts";
import { agentsKeys } from "@/features/agents/api/query-keys";
import type { ApiError } from "@/lib/api-error";
import { invokeFunction } from "@/lib/functions";

const revokedSchema = z.object({ id: z.string(), revoked: z.literal(true) });

/** Deletes the token: the next request an MCP client makes with it is refused. */
async function revokeAgentToken(id: string): Promise<string> {
  const revoked = await invokeFunction(
    "agent-tokens",
    { id },
    {
      method: "DELETE",
      schema: revokedSchema,
    },
  );
  return revoked.id;
}

export function useRevokeAgentToken() {
  const queryClient = useQueryClient();
  const drop = (id: string) => {
    queryClient.setQueryData<AgentToken[]>(agentsKeys.tokens(), (tokens) =>
      tokens?.filter((token) => token.id !== id),
    );
  };
  return useMutation<string, ApiError, string>({
    mutationFn: revokeAgentToken,
    onSuccess: drop,
    onError: (error, id) => {
      // Already gone (revoked elsewhere, or its agent deleted): the list should not show it.
      if (error.code === "token_not_found") drop(id);
    },
  });
}
