/** Query keys of the integrations feature; mutations invalidate through these. */
export const integrationsKeys = {
  all: ["integrations"] as const,
  provider: () => [...integrationsKeys.all, "provider"] as const,
  sandbox: () => [...integrationsKeys.all, "sandbox"] as const,
  connectionAgents: (connectionId: string) =>
    [...integrationsKeys.all, "connection-agents", connectionId] as const,
};
