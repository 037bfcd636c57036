import { useId, useState } from "react";

import { QueryError } from "@/components/errors/query-error";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import {
  USAGE_PERIODS,
  USAGE_ROW_LIMIT,
  useAgentUsage,
  type UsagePeriod,
} from "@/features/messages/api/get-agent-usage";
import { ComposerLink } from "@/features/messages/components/composer/composer-link";
import { DataTable, type DataColumn } from "@/features/messages/components/history/data-table";
import { UsageChart } from "@/features/messages/components/usage/usage-chart";
import { UsageDefinitions } from "@/features/messages/components/usage/usage-definitions";
import { costText, successRateText } from "@/features/messages/components/usage/usage-format";
import { plural } from "@/features/messages/utils/format";
import type { AccountUsage, AgentUsage as AgentUsageRow } from "@/features/messages/utils/usage";

const columns: DataColumn<AgentUsageRow>[] = [
  { header: "Agent", cell: (row) => row.name },
  { header: "Messages", cell: (row) => row.messages },
  { header: "Delivered", cell: (row) => row.delivered },
  { header: "Failed", cell: (row) => row.failed },
  { header: "Pending", cell: (row) => row.pending },
  { header: "Cancelled", cell: (row) => row.cancelled },
  { header: "Success rate", cell: (row) => successRateText(row) },
  {
    header: "Cost",
    cell: (row) => <span className="whitespace-nowrap tabular-nums">{costText(row)}</span>,
  },
];

/** One ClickSend account's usage: its agents' bars and table, under the account's name. */
function AccountUsageSection({ usage, period }: { usage: AccountUsage; period: UsagePeriod }) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="space-y-4">
      <h3 id={headingId} className="text-base font-semibold wrap-anywhere">
        From {usage.account}
      </h3>
      <UsageChart agents={usage.agents} />
      <DataTable
        caption={`Usage per agent from ${usage.account}, last ${String(period)} days`}
        rows={usage.agents}
        columns={columns}
        rowKey={(row) => row.agentId ?? "dashboard"}
      />
    </section>
  );
}

function isPeriod(value: number): value is UsagePeriod {
  return USAGE_PERIODS.some((period) => period === value);
}

/**
 * What each agent (and this dashboard) sent from each ClickSend account: messages, success rate
 * and cost, with a chart per account.
 */
export function AgentUsage() {
  const headingId = useId();
  const [period, setPeriod] = useState<UsagePeriod>(30);
  const usage = useAgentUsage(period);

  let body;
  if (usage.isPending) {
    body = (
      <SkeletonGroup label="Loading agent usage">
        <Skeleton className="h-32 w-full" />
      </SkeletonGroup>
    );
  } else if (usage.isError) {
    body = (
      <QueryError
        title="Could not load agent usage"
        error={usage.error}
        retrying={usage.isFetching}
        onRetry={() => void usage.refetch()}
      />
    );
  } else if (usage.data.accounts.length === 0) {
    body = (
      <EmptyState title={`No messages in the last ${String(period)} days`}>
        <p>
          Messages your agents send, and those sent with the <ComposerLink>composer</ComposerLink>,
          are counted here. Choose a longer period, or give an agent the “Send SMS” permission on
          the Agents page.
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <div className="space-y-8">
        {usage.data.accounts.map((account) => (
          <AccountUsageSection key={account.connectionId} usage={account} period={period} />
        ))}
        <div className="space-y-2">
          <p className="text-xs text-slate-600 dark:text-slate-300">
            {plural(usage.data.total, "message")} across all your connections.
            {usage.data.truncated
              ? ` Only the latest ${String(USAGE_ROW_LIMIT)} messages are counted.`
              : ""}
          </p>
          <UsageDefinitions />
        </div>
      </div>
    );
  }

  return (
    <section aria-labelledby={headingId} className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h2 id={headingId} className="text-lg font-semibold">
          Usage by agent
        </h2>
        <Field label="Period" className="w-40">
          <Select
            value={period}
            onChange={(event) => {
              const value = Number(event.target.value);
              if (isPeriod(value)) setPeriod(value);
            }}
          >
            {USAGE_PERIODS.map((days) => (
              <option key={days} value={days}>
                Last {days} days
              </option>
            ))}
          </Select>
        </Field>
      </div>
      {body}
    </section>
  );
}
