import type { QueryClient } from "@tanstack/react-query";

import type { AccountBalance } from "@contracts/connection-schemas.ts";
import { connectionKeys } from "@/lib/connections/query-keys";

/**
 * After a connection changed: store the balance the server just read from ClickSend, if any, so
 * nobody asks ClickSend again, then refetch the connection list every screen shares.
 */
export async function refreshConnections(
  queryClient: QueryClient,
  latestBalance?: { connectionId: string; account: AccountBalance },
): Promise<void> {
  if (latestBalance) {
    queryClient.setQueryData(
      connectionKeys.balance(latestBalance.connectionId),
      latestBalance.account,
    );
  }
  await queryClient.invalidateQueries({ queryKey: connectionKeys.list() });
}
