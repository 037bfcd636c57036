import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { connectionViewSchema } from "@contracts/connection-schemas.ts";
import { integrationsKeys } from "@/features/integrations/api/keys";
import { refreshConnections } from "@/features/integrations/api/refresh-connections";
import type { ApiError } from "@/lib/api-error";
import { connectionKeys } from "@/lib/connections/query-keys";
import { invokeFunction } from "@/lib/functions";

const disconnectResultSchema = z.object({
  connection: connectionViewSchema,
  /** How many agents' grants on this connection were switched off. */
  revoked_grants: z.number().int().nonnegative(),
});
export type DisconnectResult = z.infer<typeof disconnectResultSchema>;

/** Deletes the stored key, revokes every agent's grant and marks the connection revoked. */
function disconnectConnection(connectionId: string): Promise<DisconnectResult> {
  return invokeFunction(
    "clicksend-connect",
    { connection_id: connectionId },
    { method: "DELETE", schema: disconnectResultSchema },
  );
}

export function useDisconnectConnection() {
  const queryClient = useQueryClient();
  return useMutation<DisconnectResult, ApiError, string>({
    mutationFn: disconnectConnection,
    onSuccess: async (_result, connectionId) => {
      queryClient.removeQueries({ queryKey: connectionKeys.balance(connectionId) });
      queryClient.removeQueries({ queryKey: integrationsKeys.connectionAgents(connectionId) });
      await refreshConnections(queryClient);
    },
  });
}
