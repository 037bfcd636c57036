import { queryOptions, useQuery } from "@tanstack/react-query";

import { approvalListSchema, type Approval } from "@contracts/guardrails.ts";
import { approvalsKeys } from "@/lib/approvals/query-keys";
import { invokeGuardedFunction } from "@/lib/policy-denied";

/** Looked at again while the page is visible, like the navigation's count. */
const APPROVALS_REFRESH_MS = 30_000;

/** The caller's approvals as agent-approvals lists them: pending first, then recent decisions. */
async function getApprovals(): Promise<Approval[]> {
  const { approvals } = await invokeGuardedFunction("agent-approvals", undefined, {
    method: "GET",
    schema: approvalListSchema,
  });
  return approvals;
}

function approvalsQueryOptions() {
  return queryOptions({
    queryKey: approvalsKeys.list(),
    queryFn: getApprovals,
    staleTime: 0,
    refetchInterval: APPROVALS_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

export function useApprovals() {
  return useQuery(approvalsQueryOptions());
}
