import { queryOptions, useQuery } from "@tanstack/react-query";

import { approvalsKeys } from "@/lib/approvals/query-keys";
import { toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

/** How often the badge looks again while the tab is visible: one HEAD request, no rows. */
const PENDING_REFRESH_MS = 30_000;

/**
 * How many sends wait for the user's decision (RLS: the user's own approvals). A pending row
 * past its expiry is expired, though nothing has rewritten it yet, so it is not counted.
 */
async function getPendingApprovals(): Promise<number> {
  const { count, error, status } = await supabase
    .from("agent_approvals")
    .select("id", { count: "exact", head: true })
    .eq("status", "pending")
    .gt("expires_at", new Date().toISOString());
  if (error) throw toApiError(error, status);
  return count ?? 0;
}

function pendingApprovalsQueryOptions() {
  return queryOptions({
    queryKey: approvalsKeys.pendingCount(),
    queryFn: getPendingApprovals,
    refetchInterval: PENDING_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

/** Sends waiting for the user's approval; undefined until known. */
export function usePendingApprovals(): number | undefined {
  return useQuery(pendingApprovalsQueryOptions()).data;
}
