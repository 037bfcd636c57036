import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { integrationsKeys } from "@/features/integrations/api/keys";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

const grantsSchema = z.array(z.object({ agent_id: z.string() }));
const agentsSchema = z.array(z.object({ id: z.string(), name: z.string() }));
export type AgentSummary = z.infer<typeof agentsSchema>[number];

/** The agents with an active grant on a connection: the ones that lose access on disconnect. */
async function getConnectionAgents(connectionId: string): Promise<AgentSummary[]> {
  const grants = await supabase
    .from("agent_integration_permissions")
    .select("agent_id, is_active")
    .eq("user_oauth_connection_id", connectionId)
    .eq("is_active", true);
  if (grants.error) throw toApiError(grants.error, grants.status);
  const agentIds = parseResponse(grantsSchema, grants.data, "the agents' permissions").map(
    (grant) => grant.agent_id,
  );
  if (agentIds.length === 0) return [];

  const agents = await supabase.from("agents").select("id, name").in("id", agentIds).order("name");
  if (agents.error) throw toApiError(agents.error, agents.status);
  return parseResponse(agentsSchema, agents.data, "your agents");
}

const connectionAgentsQueryOptions = (connectionId: string) =>
  queryOptions({
    queryKey: integrationsKeys.connectionAgents(connectionId),
    queryFn: () => getConnectionAgents(connectionId),
    // What the user confirms must be current, not what was true when the page opened.
    staleTime: 0,
  });

export function useConnectionAgents(connectionId: string) {
  return useQuery(connectionAgentsQueryOptions(connectionId));
}
