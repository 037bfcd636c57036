import { useId, useRef } from "react";
import { Link } from "react-router";

import { QueryError } from "@/components/errors/query-error";
import { PageHeader } from "@/components/layout/page-header";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { paths } from "@/config/paths";
import { useApprovals } from "@/features/approvals/api/get-approvals";
import { DecidedApproval } from "@/features/approvals/components/decided-approval";
import { PendingApproval } from "@/features/approvals/components/pending-approval";

function ApprovalsSkeleton() {
  return (
    <SkeletonGroup label="Loading approvals" className="space-y-4">
      <Skeleton className="h-6 w-1/3" />
      <Skeleton className="h-40" />
      <Skeleton className="h-6 w-1/4" />
      <Skeleton className="h-20" />
    </SkeletonGroup>
  );
}

const boxClasses =
  "rounded-lg border border-dashed border-slate-300 p-6 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-300";

/**
 * The approvals inbox: sends an agent's approval setting held, waiting for the owner, with
 * Approve, Edit and Reject; then recent decisions with what each send did.
 */
export function ApprovalsPage() {
  const approvals = useApprovals();
  const pendingHeadingId = useId();
  const decidedHeadingId = useId();
  // After a decision the card goes: focus moves to the list's heading, not to the page's start.
  const pendingHeadingRef = useRef<HTMLHeadingElement>(null);

  let content;
  if (approvals.isPending) {
    content = <ApprovalsSkeleton />;
  } else if (approvals.isError) {
    content = (
      <QueryError
        title="Could not load your approvals"
        error={approvals.error}
        retrying={approvals.isFetching}
        onRetry={() => void approvals.refetch()}
      />
    );
  } else {
    const pending = approvals.data.filter((approval) => approval.state === "pending");
    const decided = approvals.data.filter((approval) => approval.state !== "pending");
    content = (
      <div className="space-y-10">
        <section aria-labelledby={pendingHeadingId} className="space-y-3">
          <h2
            id={pendingHeadingId}
            ref={pendingHeadingRef}
            tabIndex={-1}
            className="text-lg font-semibold focus:outline-none"
          >
            Waiting for you{pending.length > 0 ? ` (${String(pending.length)})` : ""}
          </h2>
          {pending.length === 0 ? (
            <div className={boxClasses}>
              <p className="font-semibold text-slate-900 dark:text-slate-100">
                Nothing is waiting for your approval
              </p>
              <p className="mt-2">
                When an agent whose approval setting is “First contact” or “Always” sends, the send
                waits here until you approve, edit or reject it. Choose the setting under Limits and
                safety on the{" "}
                <Link to={paths.agents} className={textLinkClasses}>
                  Agents page
                </Link>
                .
              </p>
            </div>
          ) : (
            <div className="space-y-4">
              {pending.map((approval) => (
                <PendingApproval
                  key={approval.id}
                  approval={approval}
                  onDecided={() => {
                    pendingHeadingRef.current?.focus();
                  }}
                />
              ))}
            </div>
          )}
        </section>
        <section aria-labelledby={decidedHeadingId} className="space-y-3">
          <h2 id={decidedHeadingId} className="text-lg font-semibold">
            Decided
          </h2>
          {decided.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-300">
              No decisions yet. The 50 most recent approved, rejected and expired sends show here.
            </p>
          ) : (
            <div className="space-y-3">
              {decided.map((approval) => (
                <DecidedApproval key={approval.id} approval={approval} />
              ))}
            </div>
          )}
        </section>
      </div>
    );
  }

  return (
    <>
      <PageHeader title="Approvals">
        Sends your agents’ limits hold for you to decide. Approving sends it once, after checking
        the agent’s permissions, opt-outs and limits again; rejecting never sends. A send not
        decided within 24 hours expires unsent.
      </PageHeader>
      {content}
    </>
  );
}
