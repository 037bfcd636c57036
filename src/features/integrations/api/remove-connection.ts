import { useMutation, useQueryClient } from "@tanstack/react-query";

import { integrationsKeys } from "@/features/integrations/api/keys";
import { refreshConnections } from "@/features/integrations/api/refresh-connections";
import { ApiError, toApiError } from "@/lib/api-error";
import { connectionKeys } from "@/lib/connections/query-keys";
import { repliesKeys } from "@/lib/replies/query-keys";
import { supabase } from "@/lib/supabase";

/**
 * Deletes a disconnected connection for good (RLS: only the caller's own). The database deletes
 * its sent messages and replies with it (their foreign keys cascade). Only a disconnected one:
 * a live connection still has a key in Vault, which disconnecting removes first.
 */
async function removeConnection(connectionId: string): Promise<string> {
  const { error, status, count } = await supabase
    .from("user_oauth_connections")
    .delete({ count: "exact" })
    .eq("id", connectionId)
    .eq("connection_status", "revoked");
  if (error) throw toApiError(error, status);
  if (count === 0)
    throw new ApiError(
      "connection_not_found",
      "Nothing was removed: the connection is gone or was reconnected meanwhile. Reload the page to see it as it is now.",
    );
  return connectionId;
}

export function useRemoveConnection() {
  const queryClient = useQueryClient();
  return useMutation<string, ApiError, string>({
    mutationFn: removeConnection,
    onSuccess: async (connectionId) => {
      queryClient.removeQueries({ queryKey: connectionKeys.balance(connectionId) });
      queryClient.removeQueries({ queryKey: integrationsKeys.connectionAgents(connectionId) });
      await Promise.all([
        refreshConnections(queryClient),
        queryClient.invalidateQueries({ queryKey: repliesKeys.all }),
      ]);
    },
  });
}
