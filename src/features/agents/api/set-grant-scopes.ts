import { useMutation, useQueryClient } from "@tanstack/react-query";

import type { AgentGrant } from "@/features/agents/api/get-agent-grants";
import { agentsKeys } from "@/features/agents/api/query-keys";
import type { Scope } from "@/features/agents/catalog";
import { toApiError, type ApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

type SetGrantScopesInput = {
  agentId: string;
  connectionId: string;
  /** Every scope the agent should have on the connection afterwards; empty revokes the grant. */
  scopes: Scope[];
  /** The expiry to keep (null for none); an expired grant turned back on starts afresh. */
  expiresAt: string | null;
  /** The switch this save is for, so that switch can show whether it was saved. */
  changed: Scope;
};

/**
 * Grants exactly `scopes` on the connection. The database refuses an empty allowed_scopes, so
 * turning the last scope off deactivates the grant instead (revoked_at must then be set).
 */
async function setGrantScopes({
  agentId,
  connectionId,
  scopes,
  expiresAt,
}: SetGrantScopesInput): Promise<void> {
  const table = supabase.from("agent_integration_permissions");
  const { error, status } =
    scopes.length === 0
      ? await table
          .update({ is_active: false, revoked_at: new Date().toISOString() })
          .eq("agent_id", agentId)
          .eq("user_oauth_connection_id", connectionId)
          .eq("is_active", true)
      : await table.upsert(
          {
            agent_id: agentId,
            user_oauth_connection_id: connectionId,
            allowed_scopes: scopes,
            is_active: true,
            revoked_at: null,
            expires_at: expiresAt,
          },
          { onConflict: "agent_id,user_oauth_connection_id" },
        );
  if (error) throw toApiError(error, status);
}

function withScopes(grants: AgentGrant[], input: SetGrantScopesInput): AgentGrant[] {
  const next: AgentGrant = {
    connectionId: input.connectionId,
    scopes: input.scopes,
    expiresAt: input.scopes.length === 0 ? null : input.expiresAt,
  };
  const others = grants.filter((grant) => grant.connectionId !== input.connectionId);
  return [...others, next];
}

type Callbacks = {
  onSuccess?: (input: SetGrantScopesInput) => void;
  onError?: (error: ApiError, input: SetGrantScopesInput) => void;
};

/**
 * Saves a grant optimistically: the switches move at once and move back if the save fails.
 * Saves for one agent run one after another, so the last change is the one that stays.
 */
export function useSetGrantScopes(agentId: string, { onSuccess, onError }: Callbacks = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setGrantScopes,
    scope: { id: `agent-grants:${agentId}` },
    onMutate: async (input) => {
      const key = agentsKeys.grants(input.agentId);
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<AgentGrant[]>(key);
      queryClient.setQueryData<AgentGrant[]>(key, (grants = []) => withScopes(grants, input));
      return { previous };
    },
    onError: (error, input, context) => {
      queryClient.setQueryData(agentsKeys.grants(input.agentId), context?.previous);
      onError?.(toApiError(error), input);
    },
    onSuccess: (_data, input) => {
      onSuccess?.(input);
    },
    onSettled: (_data, _error, input) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: agentsKeys.grants(input.agentId) }),
        queryClient.invalidateQueries({ queryKey: agentsKeys.tools(input.agentId) }),
      ]),
  });
}
