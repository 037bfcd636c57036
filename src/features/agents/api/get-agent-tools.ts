import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { invokeFunction } from "@/lib/functions";

/** The `tools` array an agent receives, in OpenAI function-calling format. */
const agentToolsSchema = z.object({
  tools: z.array(
    z.object({
      type: z.literal("function"),
      function: z.object({
        name: z.string(),
        description: z.string(),
        parameters: z.record(z.string(), z.unknown()),
      }),
    }),
  ),
});

type AgentTools = z.infer<typeof agentToolsSchema>;

/** What the agent itself would discover: only the tools its grants in force allow. */
function getAgentTools(agentId: string, signal?: AbortSignal): Promise<AgentTools> {
  return invokeFunction(
    "get-agent-tools",
    { agent_id: agentId },
    { schema: agentToolsSchema, signal },
  );
}

function agentToolsQueryOptions(agentId: string) {
  return queryOptions({
    queryKey: agentsKeys.tools(agentId),
    queryFn: ({ signal }) => getAgentTools(agentId, signal),
    staleTime: 0,
  });
}

export function useAgentTools(agentId: string) {
  return useQuery(agentToolsQueryOptions(agentId));
}
