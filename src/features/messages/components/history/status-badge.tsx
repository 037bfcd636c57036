import { Badge } from "@/components/ui/badge";
import { describeStatus } from "@/features/messages/utils/status";

type StatusBadgeProps = {
  status: string | null;
  statusCode: string | null;
  /** ClickSend's reason for a failure, shown under the badge. */
  detail?: string | null;
};

/** A message's state in words, with ClickSend's code beside it for reference. */
export function StatusBadge({ status, statusCode, detail }: StatusBadgeProps) {
  const { label, tone } = describeStatus(status, statusCode);
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap items-center gap-1.5">
        <Badge tone={tone}>{label}</Badge>
        {statusCode ? (
          <span className="text-xs text-slate-500 tabular-nums dark:text-slate-400">
            <span className="sr-only">code </span>
            {statusCode}
          </span>
        ) : null}
      </div>
      {detail ? <p className="text-xs text-slate-600 dark:text-slate-300">{detail}</p> : null}
    </div>
  );
}
