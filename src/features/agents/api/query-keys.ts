/** Every query key of the agents feature, so invalidation cannot miss a spelling. */
export const agentsKeys = {
  all: ["agents"] as const,
  list: () => [...agentsKeys.all, "list"] as const,
  /** Everything cached about one agent (its grants, tools, webhook and policy). */
  agent: (agentId: string) => [...agentsKeys.all, "agent", agentId] as const,
  grants: (agentId: string) => [...agentsKeys.agent(agentId), "grants"] as const,
  tools: (agentId: string) => [...agentsKeys.agent(agentId), "tools"] as const,
  webhook: (agentId: string) => [...agentsKeys.agent(agentId), "webhook"] as const,
  /** Its limits and safety rules (public.agent_policies); null when it has none. */
  policy: (agentId: string) => [...agentsKeys.agent(agentId), "policy"] as const,
  webhookDeliveries: (agentId: string) =>
    [...agentsKeys.agent(agentId), "webhook-deliveries"] as const,
  /** Its latest tool calls (public.tool_execution_logs), `limit` of them. */
  activity: (agentId: string, limit?: number) =>
    limit === undefined
      ? ([...agentsKeys.agent(agentId), "activity"] as const)
      : ([...agentsKeys.agent(agentId), "activity", limit] as const),
  /**
   * Every agent token of the user (agent-tokens answers them all; each agent's section keeps its
   * own). Never a token itself: only the list's names, prefixes and dates.
   */
  tokens: () => [...agentsKeys.all, "tokens"] as const,
  /** Its recipients refused one by one in the last 24 hours (public.clicksend_messages). */
  refusedRecipients: (agentId: string) =>
    [...agentsKeys.agent(agentId), "refused-recipients"] as const,
};
