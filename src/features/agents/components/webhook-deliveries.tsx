import { useId } from "react";

import { QueryError } from "@/components/errors/query-error";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import {
  DELIVERIES_SHOWN,
  useWebhookDeliveries,
  type WebhookDelivery,
} from "@/features/agents/api/get-webhook-deliveries";

const EVENT_LABELS: Record<string, string> = {
  reply: "Reply",
  approval_decided: "Approval decided",
  opt_out: "Opt-out",
  opt_in: "Opt-in",
};

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

function outcome(delivery: WebhookDelivery): string {
  const status = delivery.status_code === null ? null : `HTTP ${String(delivery.status_code)}`;
  if (delivery.succeeded) return status ?? "Answered";
  // The error repeats the status when the receiver answered; say it once.
  return delivery.error ?? status ?? "Failed";
}

/** The agent's latest webhook delivery attempts: what was sent, and what the receiver said. */
export function WebhookDeliveries({ agentId }: { agentId: string }) {
  const headingId = useId();
  const deliveries = useWebhookDeliveries(agentId);

  let body;
  if (deliveries.isPending) {
    body = (
      <SkeletonGroup label="Loading deliveries">
        <Skeleton className="h-12 w-full" />
        <Skeleton className="h-12 w-full" />
      </SkeletonGroup>
    );
  } else if (deliveries.isError) {
    body = (
      <QueryError
        title="Could not load the deliveries"
        error={deliveries.error}
        retrying={deliveries.isFetching}
        onRetry={() => void deliveries.refetch()}
      />
    );
  } else if (deliveries.data.length === 0) {
    body = (
      <EmptyState title="No deliveries yet">
        <p>
          When someone replies to a message this agent sent, each attempt to reach the webhook is
          listed here. A reply is tried up to five times over about a minute, until the webhook
          answers with a 2xx status.
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <ol className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {deliveries.data.map((delivery) => (
          <li
            key={delivery.id}
            className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-3 py-2 text-sm"
          >
            <span className="flex min-w-0 flex-wrap items-center gap-2">
              <Badge tone={delivery.succeeded ? "success" : "danger"}>
                {delivery.succeeded ? "Delivered" : "Failed"}
              </Badge>
              <span>
                {`${EVENT_LABELS[delivery.event_type] ?? delivery.event_type}, attempt ${String(delivery.attempt)}`}
              </span>
              <span className="text-slate-600 wrap-anywhere dark:text-slate-300">
                {outcome(delivery)}
              </span>
            </span>
            <time
              dateTime={delivery.attempted_at}
              className="text-xs text-slate-600 tabular-nums dark:text-slate-400"
            >
              {dateTime.format(new Date(delivery.attempted_at))}
            </time>
          </li>
        ))}
      </ol>
    );
  }

  return (
    <section aria-labelledby={headingId} className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h4 id={headingId} className="font-semibold">
          Recent deliveries
        </h4>
        <Button
          variant="ghost"
          size="sm"
          busy={deliveries.isFetching && !deliveries.isPending}
          disabled={deliveries.isPending}
          onClick={() => void deliveries.refetch()}
        >
          Refresh <span className="sr-only">deliveries</span>
        </Button>
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        {`The latest ${String(DELIVERIES_SHOWN)} attempts, newest first.`}
      </p>
      {body}
    </section>
  );
}
