import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { toApiError } from "@/lib/api-error";
import { useBalance } from "@/lib/connections/get-balance";
import { formatMoney } from "@/lib/format-money";

type ConnectionBalanceProps = {
  connectionId: string;
  connectionName: string;
};

/** The account's balance with its currency, read from ClickSend through the server. */
export function ConnectionBalance({ connectionId, connectionName }: ConnectionBalanceProps) {
  const balance = useBalance(connectionId);

  if (balance.isPending) {
    return (
      <span role="status" className="inline-flex items-center">
        <span className="sr-only">Loading balance</span>
        <Skeleton className="h-5 w-24" />
      </span>
    );
  }

  const refresh = (
    <Button
      variant="ghost"
      size="sm"
      className="-my-1 px-2 py-0.5"
      busy={balance.isFetching}
      onClick={() => void balance.refetch()}
    >
      {balance.isError ? "Try again" : "Refresh"}{" "}
      <span className="sr-only">balance of {connectionName}</span>
    </Button>
  );

  if (balance.isError) {
    const { message, retryable } = toApiError(balance.error);
    return (
      <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="text-red-700 dark:text-red-400">Balance unavailable: {message}</span>
        {retryable ? refresh : null}
      </span>
    );
  }

  return (
    <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
      <span className="font-medium tabular-nums">
        {formatMoney(balance.data.balance, balance.data.currency)}
      </span>
      {refresh}
    </span>
  );
}
