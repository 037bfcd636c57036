import { useId } from "react";

import { QueryError } from "@/components/errors/query-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useBalance } from "@/lib/connections/get-balance";
import { formatMoney } from "@/lib/format-money";

/** Below this (in the account's currency) the dashboard warns; ClickSend's own default is 5.00. */
const LOW_BALANCE_THRESHOLD = 5;

type BalanceCardProps = {
  connectionId: string;
};

/** The account's credit with its currency, and a warning when it runs low. */
export function BalanceCard({ connectionId }: BalanceCardProps) {
  const balance = useBalance(connectionId);
  const headingId = useId();

  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <div className="flex items-start justify-between gap-3">
        <h2 id={headingId} className="text-base font-semibold">
          Balance
        </h2>
        <Button
          variant="ghost"
          size="sm"
          busy={balance.isFetching && !balance.isPending}
          disabled={balance.isPending}
          onClick={() => void balance.refetch()}
          aria-label="Refresh balance"
        >
          Refresh
        </Button>
      </div>
      <div className="mt-2">
        {balance.isPending ? (
          <SkeletonGroup label="Loading balance">
            <Skeleton className="h-8 w-40" />
          </SkeletonGroup>
        ) : balance.isError ? (
          <QueryError
            title="Could not load the balance"
            error={balance.error}
            retrying={balance.isFetching}
            onRetry={() => void balance.refetch()}
          />
        ) : (
          <>
            <p className="text-3xl font-semibold tracking-tight tabular-nums">
              {formatMoney(balance.data.balance, balance.data.currency)}
            </p>
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
              ClickSend account {balance.data.username}
            </p>
            {balance.data.balance < LOW_BALANCE_THRESHOLD ? (
              <Alert tone="warning" title="Low balance" className="mt-3">
                Less than {formatMoney(LOW_BALANCE_THRESHOLD, balance.data.currency)} left. Messages
                fail once the credit runs out; top up in your{" "}
                <a
                  href="https://dashboard.clicksend.com/"
                  target="_blank"
                  rel="noreferrer"
                  className="font-medium underline underline-offset-4"
                >
                  ClickSend dashboard
                  <span className="sr-only"> (opens in a new tab)</span>
                </a>
                .
              </Alert>
            ) : null}
          </>
        )}
      </div>
    </section>
  );
}
