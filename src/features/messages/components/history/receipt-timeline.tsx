import { QueryError } from "@/components/errors/query-error";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useReceiptTimeline } from "@/features/messages/api/get-stored-receipts";
import {
  describeReceiptError,
  describeStatus,
  describeStatusCode,
} from "@/features/messages/utils/status";
import { cn } from "@/utils/cn";

type ReceiptTimelineProps = {
  id: string;
  connectionId: string;
  messageRowId: string;
  /** When the message was sent (ISO), the timeline's first step. */
  sentAt: string;
};

/** Receipts of one message come seconds apart: their times show the seconds. */
const timeWithSeconds = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});
const formatTime = (iso: string) => timeWithSeconds.format(new Date(iso));

const dotClasses = {
  neutral: "bg-slate-400",
  info: "bg-blue-600",
  success: "bg-green-600",
  warning: "bg-amber-500",
  danger: "bg-red-600",
} as const;

/**
 * Every receipt of one message, oldest first, after the send itself: what each said, with the
 * code and error explained, and which ones arrived late and changed nothing. Read on opening.
 */
export function ReceiptTimeline({ id, connectionId, messageRowId, sentAt }: ReceiptTimelineProps) {
  const timeline = useReceiptTimeline(connectionId, messageRowId, true);

  if (timeline.isPending) {
    return (
      <SkeletonGroup label="Loading the receipt timeline">
        <Skeleton className="h-8 w-full" />
        <Skeleton className="h-8 w-full" />
      </SkeletonGroup>
    );
  }
  if (timeline.isError) {
    return (
      <QueryError
        title="Could not load the receipt timeline"
        error={timeline.error}
        retrying={timeline.isFetching}
        onRetry={() => void timeline.refetch()}
      />
    );
  }
  return (
    <ol id={id} aria-label="Receipt timeline" className="space-y-3">
      <li className="flex gap-3">
        <span
          aria-hidden="true"
          className={cn("mt-1.5 size-2 shrink-0 rounded-full", dotClasses.neutral)}
        />
        <div className="min-w-0 text-sm">
          <p>
            <span className="font-medium">Sent through ClickSend</span>{" "}
            <time dateTime={sentAt} className="text-slate-600 dark:text-slate-300">
              {formatTime(sentAt)}
            </time>
          </p>
        </div>
      </li>
      {timeline.data.map((event) => {
        const { label, tone } = describeStatus(event.status, event.status_code);
        const meaning = describeStatusCode(event.status_code);
        const error = describeReceiptError(event.error_code, event.error_text);
        return (
          <li key={event.id} className="flex gap-3">
            <span
              aria-hidden="true"
              className={cn("mt-1.5 size-2 shrink-0 rounded-full", dotClasses[tone])}
            />
            <div className="min-w-0 space-y-0.5 text-sm">
              <p>
                <span className="font-medium">{label}</span>
                {event.status_code ? (
                  <span className="text-slate-600 tabular-nums dark:text-slate-300">
                    {" "}
                    (code {event.status_code})
                  </span>
                ) : null}{" "}
                <time dateTime={event.receipt_at} className="text-slate-600 dark:text-slate-300">
                  {formatTime(event.receipt_at)}
                </time>
              </p>
              {meaning ? <p className="text-slate-600 dark:text-slate-300">{meaning}</p> : null}
              {error ? <p className="text-slate-700 dark:text-slate-200">{error}</p> : null}
              {event.status_text ? (
                <p className="text-xs text-slate-600 dark:text-slate-300">
                  ClickSend: “{event.status_text}”
                </p>
              ) : null}
              {event.applied ? null : (
                <p className="text-xs text-slate-600 dark:text-slate-300">
                  Arrived after a later or final receipt, so it did not change the status.
                </p>
              )}
            </div>
          </li>
        );
      })}
      {timeline.data.length === 0 ? (
        <li className="text-sm text-slate-600 dark:text-slate-300">
          No receipt yet. Receipts arrive from a few seconds up to 72 hours after sending.
        </li>
      ) : null}
    </ol>
  );
}
