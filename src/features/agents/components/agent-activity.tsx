import { useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link } from "react-router";

import { POLICY_REFUSAL_STATUSES } from "@contracts/guardrails.ts";
import { describeRecipientStatus } from "@contracts/send-outcome.ts";
import { QueryError } from "@/components/errors/query-error";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { paths } from "@/config/paths";
import {
  ACTIVITY_PAGE,
  useAgentActivity,
  type ToolCallLog,
} from "@/features/agents/api/get-agent-activity";
import { agentsKeys } from "@/features/agents/api/query-keys";
import {
  REFUSED_WINDOW_HOURS,
  useRefusedRecipients,
} from "@/features/agents/api/get-refused-recipients";
import {
  describeCall,
  formatAgo,
  formatExact,
  toolLabel,
} from "@/features/agents/components/activity-words";

function CallItem({ call }: { call: ToolCallLog }) {
  const outcome = describeCall(call);
  return (
    <li className="flex flex-col gap-1 px-3 py-3 text-sm sm:flex-row sm:items-start sm:justify-between sm:gap-4">
      <div className="min-w-0 space-y-1">
        <p className="flex flex-wrap items-center gap-2">
          <span className="font-medium">{toolLabel(call.tool_name)}</span>
          <Badge tone={outcome.tone}>{outcome.label}</Badge>
        </p>
        {outcome.detail ? (
          <p className="text-slate-600 wrap-anywhere dark:text-slate-300">{outcome.detail}</p>
        ) : null}
        {outcome.held ? (
          <p className="text-slate-600 dark:text-slate-300">
            Nothing was sent when it was held.{" "}
            <Link to={paths.approvals} className={textLinkClasses}>
              Decide it in Approvals
            </Link>
          </p>
        ) : null}
      </div>
      <p className="shrink-0 text-xs text-slate-600 tabular-nums sm:text-right dark:text-slate-400">
        <time dateTime={call.created_at}>
          <span className="block">{formatAgo(call.created_at)}</span>
          <span className="block">{formatExact(call.created_at)}</span>
        </time>
      </p>
    </li>
  );
}

/** Recipients the agent's sends skipped one by one in the last day, by reason. */
function RefusedRecipients({ agentId }: { agentId: string }) {
  const headingId = useId();
  const refused = useRefusedRecipients(agentId);

  let body;
  if (refused.isPending) {
    body = (
      <SkeletonGroup label="Loading refused recipients">
        <Skeleton className="h-5 w-2/3" />
      </SkeletonGroup>
    );
  } else if (refused.isError) {
    body = (
      <QueryError
        title="Could not load the refused recipients"
        error={refused.error}
        retrying={refused.isFetching}
        onRetry={() => void refused.refetch()}
      />
    );
  } else {
    const { counts, capped } = refused.data;
    const shown = POLICY_REFUSAL_STATUSES.filter((status) => counts[status] > 0);
    body =
      shown.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          None. Every recipient of its sends passed the opt-outs and its recipient rules.
        </p>
      ) : (
        <ul className="space-y-1 text-sm">
          {shown.map((status) => (
            <li key={status}>
              <span className="font-semibold tabular-nums">
                {`${capped ? "At least " : ""}${String(counts[status])}`}
              </span>{" "}
              {describeRecipientStatus(status).label}
            </li>
          ))}
        </ul>
      );
  }

  return (
    <section
      aria-labelledby={headingId}
      className="space-y-2 rounded-lg border border-slate-200 p-3 dark:border-slate-800"
    >
      <h4 id={headingId} className="font-semibold">
        {`Recipients refused in the last ${String(REFUSED_WINDOW_HOURS)} hours`}
      </h4>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        A send goes ahead without the recipients who opted out or are outside this agent’s
        recipients or countries; those are never texted. Messages lists each one.
      </p>
      {body}
    </section>
  );
}

/**
 * The agent's latest tool calls as the executor logged them, refusals included: what it tried,
 * when, and what came of it.
 */
export function AgentActivity({ agentId }: { agentId: string }) {
  const headingId = useId();
  const [limit, setLimit] = useState(ACTIVITY_PAGE);
  const activity = useAgentActivity(agentId, limit);
  const queryClient = useQueryClient();
  const loadingMore = activity.isFetching && activity.isPlaceholderData;

  let body;
  if (activity.isPending) {
    body = (
      <SkeletonGroup label="Loading activity">
        <Skeleton className="h-12 w-full" />
        <Skeleton className="h-12 w-full" />
        <Skeleton className="h-12 w-full" />
      </SkeletonGroup>
    );
  } else if (activity.isError) {
    body = (
      <QueryError
        title="Could not load the activity"
        error={activity.error}
        retrying={activity.isFetching}
        onRetry={() => void activity.refetch()}
      />
    );
  } else if (activity.data.calls.length === 0) {
    body = (
      <EmptyState title="No calls yet">
        <p>
          Each tool call this agent makes is listed here, newest first: sends, reads, and calls its
          permissions or limits refused. Try one in the playground above.
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <div className="space-y-3">
        <ol
          aria-label="Tool calls, newest first"
          className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
        >
          {activity.data.calls.map((call) => (
            <CallItem key={call.id} call={call} />
          ))}
        </ol>
        {activity.data.hasMore ? (
          <Button
            variant="secondary"
            size="sm"
            busy={loadingMore}
            onClick={() => {
              setLimit((current) => current + ACTIVITY_PAGE);
            }}
          >
            Show more <span className="sr-only">calls</span>
          </Button>
        ) : null}
      </div>
    );
  }

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id={headingId} className="text-lg font-semibold">
          Activity
        </h3>
        <Button
          variant="ghost"
          size="sm"
          busy={activity.isFetching && !activity.isPending && !loadingMore}
          disabled={activity.isPending}
          onClick={() => {
            void queryClient.invalidateQueries({ queryKey: agentsKeys.activity(agentId) });
            void queryClient.invalidateQueries({
              queryKey: agentsKeys.refusedRecipients(agentId),
            });
          }}
        >
          Refresh <span className="sr-only">activity</span>
        </Button>
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        What this agent asked ClickSend to do, and what came of it, including every call its
        permissions or limits refused.
      </p>
      {body}
      <RefusedRecipients agentId={agentId} />
    </section>
  );
}
