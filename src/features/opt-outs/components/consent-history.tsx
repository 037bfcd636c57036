import type { ConsentEvent } from "@contracts/guardrails.ts";
import { QueryError } from "@/components/errors/query-error";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { HISTORY_LIMIT, useConsentHistory } from "@/features/opt-outs/api/get-consent-history";
import { formatExact } from "@/features/opt-outs/utils";

/** One change of consent in words: "Opted out: replied STOP", "Opted back in: removed by hand". */
function describeEvent(event: ConsentEvent): string {
  const what = event.action === "opt_out" ? "Opted out" : "Opted back in";
  if (event.source === "manual") {
    return `${what}: ${event.action === "opt_out" ? "added" : "removed"} by hand`;
  }
  return `${what}: replied ${event.keyword ?? (event.action === "opt_out" ? "STOP" : "START")}`;
}

type ConsentHistoryProps = { id: string; account: string; phone: string };

/** Every opt-out and opt-in of one number on one account, newest first: kept, never overwritten. */
export function ConsentHistory({ id, account, phone }: ConsentHistoryProps) {
  const history = useConsentHistory(account, phone);

  let content;
  if (history.isPending) {
    content = (
      <SkeletonGroup label="Loading the consent history">
        <Skeleton className="h-5 w-64 max-w-full" />
        <Skeleton className="h-5 w-56 max-w-full" />
      </SkeletonGroup>
    );
  } else if (history.isError) {
    content = (
      <QueryError
        title="Could not load the consent history"
        error={history.error}
        retrying={history.isFetching}
        onRetry={() => void history.refetch()}
      />
    );
  } else if (history.data.length === 0) {
    content = <p className="text-sm text-slate-600 dark:text-slate-300">No changes recorded.</p>;
  } else {
    content = (
      <>
        <ol className="space-y-1 text-sm">
          {history.data.map((event) => (
            <li key={event.id} className="flex flex-wrap gap-x-2">
              <time
                dateTime={event.created_at}
                className="text-slate-600 tabular-nums dark:text-slate-300"
              >
                {formatExact(event.created_at)}
              </time>
              <span>{describeEvent(event)}</span>
            </li>
          ))}
        </ol>
        {history.data.length === HISTORY_LIMIT ? (
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">
            {`The latest ${String(HISTORY_LIMIT)} changes.`}
          </p>
        ) : null}
      </>
    );
  }

  return (
    <div
      id={id}
      role="region"
      aria-label={`Consent history of ${phone}`}
      className="mt-3 border-t border-slate-200 pt-3 dark:border-slate-800"
    >
      {content}
    </div>
  );
}
