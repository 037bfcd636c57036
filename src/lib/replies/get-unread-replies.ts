import { queryOptions, useQuery } from "@tanstack/react-query";

import { toApiError } from "@/lib/api-error";
import { useActiveConnections } from "@/lib/connections/get-connections";
import { repliesKeys } from "@/lib/replies/query-keys";
import { supabase } from "@/lib/supabase";

/** How often the badge looks again while the tab is visible: one HEAD request, no rows. */
const UNREAD_REFRESH_MS = 30_000;

/**
 * How many replies on these connections are unread (RLS: the user's own). A disconnected
 * connection's replies stay stored but are no longer shown, so they are not counted.
 */
async function getUnreadReplies(connectionIds: readonly string[]): Promise<number> {
  if (connectionIds.length === 0) return 0;
  const { count, error, status } = await supabase
    .from("clicksend_inbound_messages")
    .select("id", { count: "exact", head: true })
    .in("user_oauth_connection_id", [...connectionIds])
    .is("read_at", null);
  if (error) throw toApiError(error, status);
  return count ?? 0;
}

function unreadRepliesQueryOptions(connectionIds: readonly string[]) {
  return queryOptions({
    queryKey: repliesKeys.unread(connectionIds),
    queryFn: () => getUnreadReplies(connectionIds),
    refetchInterval: UNREAD_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

/** Unread replies across the user's working connections; undefined until known. */
export function useUnreadReplies(): number | undefined {
  const connections = useActiveConnections();
  const ids = connections.data?.map((connection) => connection.id) ?? [];
  const unread = useQuery({ ...unreadRepliesQueryOptions(ids), enabled: connections.isSuccess });
  return unread.data;
}
