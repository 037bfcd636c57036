import { queryOptions, useQuery } from "@tanstack/react-query";

import { agentTokenListSchema, type AgentToken } from "@contracts/agent-tokens.ts";
import { agentsKeys } from "@/features/agents/api/query-keys";
import { invokeFunction } from "@/lib/functions";

/** The user's agent tokens, newest first: names, prefixes and dates, never a token. */
async function getAgentTokens(): Promise<AgentToken[]> {
  const { tokens } = await invokeFunction("agent-tokens", undefined, {
    method: "GET",
    schema: agentTokenListSchema,
  });
  return tokens;
}

const agentTokensQueryOptions = queryOptions({
  queryKey: agentsKeys.tokens(),
  queryFn: getAgentTokens,
});

/** One agent's tokens, out of the user's list. */
export function useAgentTokens(agentId: string) {
  return useQuery({
    ...agentTokensQueryOptions,
    select: (tokens) => tokens.filter((token) => token.agent_id === agentId),
  });
}
