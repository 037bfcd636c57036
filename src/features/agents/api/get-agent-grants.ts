import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { scopeSchema, type Scope } from "@/features/agents/catalog";
import { ApiError, toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

/** What an agent may do on one connection right now. */
export type AgentGrant = {
  connectionId: string;
  /** The scopes in force: none when the grant is revoked or expired. */
  scopes: Scope[];
  /** A future expiry, if the grant has one; an expired grant reads as no grant at all. */
  expiresAt: string | null;
};

const grantRowSchema = z.object({
  user_oauth_connection_id: z.string(),
  allowed_scopes: z.array(scopeSchema),
  is_active: z.boolean(),
  expires_at: z.string().nullable(),
});

function toAgentGrant(row: z.infer<typeof grantRowSchema>, now = Date.now()): AgentGrant {
  const expired = row.expires_at !== null && Date.parse(row.expires_at) <= now;
  const inForce = row.is_active && !expired;
  return {
    connectionId: row.user_oauth_connection_id,
    scopes: inForce ? row.allowed_scopes : [],
    expiresAt: inForce ? row.expires_at : null,
  };
}

async function getAgentGrants(agentId: string): Promise<AgentGrant[]> {
  const { data, error, status } = await supabase
    .from("agent_integration_permissions")
    .select("user_oauth_connection_id, allowed_scopes, is_active, expires_at")
    .eq("agent_id", agentId);
  if (error) throw toApiError(error, status);
  const rows = z.array(grantRowSchema).safeParse(data);
  if (!rows.success) {
    throw new ApiError(
      "unexpected_response",
      "This agent's permissions could not be read. Reload the page; if it persists, the app and server versions differ.",
    );
  }
  return rows.data.map((row) => toAgentGrant(row));
}

function agentGrantsQueryOptions(agentId: string) {
  return queryOptions({
    queryKey: agentsKeys.grants(agentId),
    queryFn: () => getAgentGrants(agentId),
    // Disconnecting on the Integrations page deactivates grants: check again on every visit.
    staleTime: 0,
  });
}

export function useAgentGrants(agentId: string) {
  return useQuery(agentGrantsQueryOptions(agentId));
}

/** The scopes in force for the agent on one connection. */
export function scopesOn(grants: readonly AgentGrant[], connectionId: string): Scope[] {
  return grants.find((grant) => grant.connectionId === connectionId)?.scopes ?? [];
}
