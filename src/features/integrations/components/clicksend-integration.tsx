import { QueryError } from "@/components/errors/query-error";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useProvider } from "@/features/integrations/api/get-provider";
import { ClickSendCard } from "@/features/integrations/components/clicksend-card";

/** The ClickSend integration, once its provider record has loaded. */
export function ClickSendIntegration() {
  const provider = useProvider();

  if (provider.isPending) {
    return (
      <SkeletonGroup
        label="Loading the ClickSend integration"
        className="rounded-xl border border-slate-200 p-4 sm:p-6 dark:border-slate-800"
      >
        <Skeleton className="h-6 w-48" />
        <Skeleton className="w-full max-w-md" />
        <Skeleton className="h-28 w-full rounded-lg" />
        <div className="grid gap-3 md:grid-cols-2">
          <Skeleton className="h-24 w-full" />
          <Skeleton className="h-24 w-full" />
        </div>
      </SkeletonGroup>
    );
  }
  if (provider.isError) {
    return (
      <QueryError
        title="Could not load the ClickSend integration"
        error={provider.error}
        retrying={provider.isFetching}
        onRetry={() => void provider.refetch()}
      />
    );
  }
  return <ClickSendCard provider={provider.data} />;
}
