import type { QueryClient } from "@tanstack/react-query";

import { integrationsKeys } from "@/features/integrations/api/keys";
import type { Account } from "@/features/integrations/api/schemas";

/**
 * After a connection changed: mark every cached query stale without refetching it, since other
 * screens (agents, messages) list connections too and this feature cannot know their keys; they
 * refetch when next shown. Then store the balance the server just read from ClickSend, if any,
 * so nobody asks ClickSend again, and refetch this feature's list.
 */
export async function refreshConnections(
  queryClient: QueryClient,
  latestBalance?: { connectionId: string; account: Account },
): Promise<void> {
  await queryClient.invalidateQueries({ refetchType: "none" });
  if (latestBalance) {
    queryClient.setQueryData(
      integrationsKeys.balance(latestBalance.connectionId),
      latestBalance.account,
    );
  }
  await queryClient.invalidateQueries({ queryKey: integrationsKeys.connections() });
}
