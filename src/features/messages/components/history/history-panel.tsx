import { useMemo, useState } from "react";

import type { Connection } from "@contracts/connection-schemas.ts";
import { QueryError } from "@/components/errors/query-error";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import {
  HISTORY_PAGE_SIZE,
  useMessageHistory,
  type Channel,
  type HistoryParams,
  type MessageRow,
} from "@/features/messages/api/get-message-history";
import { newerFinalCode, useStoredStatuses } from "@/features/messages/api/get-stored-statuses";
import { ComposerLink } from "@/features/messages/components/composer/composer-link";
import { CancelScheduledDialog } from "@/features/messages/components/history/cancel-scheduled-dialog";
import { DataTable } from "@/features/messages/components/history/data-table";
import { ExportCsvButton } from "@/features/messages/components/history/export-csv-button";
import {
  historyColumns,
  historyCsvColumns,
} from "@/features/messages/components/history/history-columns";
import { HistoryFiltersForm } from "@/features/messages/components/history/history-filters";
import { LiveIndicator } from "@/features/messages/components/history/live-indicator";
import { Pager } from "@/features/messages/components/history/pager";
import { NO_FILTERS, type HistoryFilters } from "@/features/messages/hooks/use-history-view";
import type { LiveMessages } from "@/features/messages/hooks/use-live-messages";
import { localToday, startOfLocalDay } from "@/features/messages/utils/dates";
import { formatUnixTime, plural } from "@/features/messages/utils/format";
import { HISTORY_STATUSES, MMS_ONLY_STATUSES } from "@/features/messages/utils/status";

type HistoryPanelProps = {
  connection: Connection;
  channel: Channel;
  live: LiveMessages;
  filters: HistoryFilters;
  page: number;
  onFiltersChange: (filters: HistoryFilters) => void;
  onPageChange: (page: number) => void;
};

/** The URL's filters as the server's history arguments (dates are whole local days). */
function historyParams(filters: HistoryFilters, page: number): HistoryParams {
  return {
    page,
    limit: HISTORY_PAGE_SIZE,
    ...(filters.from ? { date_from: startOfLocalDay(filters.from) } : {}),
    ...(filters.to ? { date_to: startOfLocalDay(filters.to, 1) } : {}),
    ...(filters.number ? { to: filters.number } : {}),
    ...(filters.status ? { status: filters.status } : {}),
  };
}

/** One channel's history: filters, the rows of one page, paging and CSV export. */
export function HistoryPanel({
  connection,
  channel,
  live,
  filters,
  page,
  onFiltersChange,
  onPageChange,
}: HistoryPanelProps) {
  const name = channel.toUpperCase();
  const params = useMemo(() => historyParams(filters, page), [filters, page]);
  const history = useMessageHistory(connection.id, channel, params);
  const [cancelling, setCancelling] = useState<MessageRow | null>(null);
  const filtered = Object.values(filters).some((value) => value !== "");
  const statuses =
    channel === "mms" ? [...HISTORY_STATUSES, ...MMS_ONLY_STATUSES] : HISTORY_STATUSES;

  // A receipt the webhook stored shows at once, before ClickSend's history is asked again.
  const messageIds = useMemo(
    () => (history.data?.rows ?? []).map((row) => row.messageId),
    [history.data],
  );
  const stored = useStoredStatuses(connection.id, messageIds);

  // ClickSend filters by one field at a time and the recipient wins; apply the status here too.
  const bothFilters = filters.number !== "" && filters.status !== "";
  const rows = useMemo(() => {
    const all = (history.data?.rows ?? []).map((row) => {
      const code = newerFinalCode(row.statusCode, stored.data?.get(row.messageId));
      return code === null ? row : { ...row, statusCode: code, statusText: null };
    });
    return bothFilters ? all.filter((row) => row.status === filters.status) : all;
  }, [history.data, stored.data, bothFilters, filters.status]);

  // Only scheduled SMS can be cancelled; the column appears when this page has one.
  const cancellable = channel === "sms" && rows.some((row) => row.status === "Scheduled");
  const columns = useMemo(
    () =>
      historyColumns(
        channel,
        cancellable
          ? (row) =>
              row.status === "Scheduled" ? (
                <Button
                  variant="secondary"
                  size="sm"
                  aria-label={`Cancel the SMS to ${row.to} scheduled for ${formatUnixTime(row.schedule ?? row.date)}`}
                  onClick={() => {
                    setCancelling(row);
                  }}
                >
                  Cancel
                </Button>
              ) : null
          : undefined,
      ),
    [channel, cancellable],
  );

  let body;
  if (history.isPending) {
    body = (
      <SkeletonGroup label={`Loading ${name} history`}>
        {Array.from({ length: 5 }, (_, index) => (
          <Skeleton key={index} className="h-10 w-full" />
        ))}
      </SkeletonGroup>
    );
  } else if (history.isError) {
    body = (
      <QueryError
        title={`Could not load the ${name} history`}
        error={history.error}
        retrying={history.isFetching}
        onRetry={() => void history.refetch()}
      />
    );
  } else if (rows.length === 0) {
    body = filtered ? (
      <EmptyState title={`No ${name} messages match these filters`}>
        <p>Widen the date range, choose another status or clear the filters.</p>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            onFiltersChange(NO_FILTERS);
          }}
        >
          Clear filters
        </Button>
      </EmptyState>
    ) : (
      <EmptyState title={`No ${name} messages yet`}>
        <p>
          Messages sent from this account appear here, newest first. Use the{" "}
          <ComposerLink>composer above</ComposerLink> to send your first {name}.
        </p>
      </EmptyState>
    );
  } else {
    const { total, lastPage } = history.data;
    const first = (page - 1) * HISTORY_PAGE_SIZE + 1;
    body = (
      <div className="space-y-3">
        <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite">
          {`Showing ${String(first)}–${String(first + history.data.rows.length - 1)} of ${plural(total, "message")}`}
        </p>
        {bothFilters ? (
          <p className="text-sm text-slate-600 dark:text-slate-300">
            ClickSend searches by number first; the status filter is applied to each page.
          </p>
        ) : null}
        <DataTable
          caption={`${name} history, page ${String(history.data.page)}`}
          rows={rows}
          columns={columns}
          rowKey={(row) => row.messageId}
          stale={history.isPlaceholderData}
        />
        <Pager
          label={`${name} history pages`}
          page={page}
          lastPage={lastPage}
          // Only while another page loads: a background refresh keeps the buttons (and focus).
          disabled={history.isPlaceholderData}
          onPageChange={onPageChange}
        />
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <HistoryFiltersForm
        label={`Filter ${name} history`}
        statuses={statuses}
        filters={filters}
        defaultCountry={connection.default_country}
        onApply={onFiltersChange}
      />
      <div className="flex flex-wrap items-center gap-x-2 gap-y-3">
        <Button
          variant="secondary"
          size="sm"
          busy={history.isFetching && !history.isPending}
          disabled={history.isPending}
          onClick={() => void history.refetch()}
          aria-label={`Refresh ${name} history`}
        >
          Refresh
        </Button>
        <ExportCsvButton
          rows={rows}
          columns={historyCsvColumns(channel)}
          filename={`${channel}-history-page-${String(page)}-${localToday()}.csv`}
        />
        <div className="basis-full sm:ms-auto sm:basis-auto">
          <LiveIndicator live={live} updatedAt={history.dataUpdatedAt} />
        </div>
      </div>
      {body}
      <CancelScheduledDialog
        connectionId={connection.id}
        message={cancelling}
        onClose={() => {
          setCancelling(null);
        }}
      />
    </div>
  );
}
