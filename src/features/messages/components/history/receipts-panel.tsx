import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";

import { QueryError } from "@/components/errors/query-error";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import {
  useDeliveryReceipts,
  type ReceiptRow,
  type ReceiptsParams,
} from "@/features/messages/api/get-delivery-receipts";
import { HISTORY_PAGE_SIZE } from "@/features/messages/api/get-message-history";
import { ComposerLink } from "@/features/messages/components/composer/composer-link";
import { DataTable, type DataColumn } from "@/features/messages/components/history/data-table";
import { ExportCsvButton } from "@/features/messages/components/history/export-csv-button";
import { Pager } from "@/features/messages/components/history/pager";
import { StatusBadge } from "@/features/messages/components/history/status-badge";
import type { CsvColumn } from "@/features/messages/utils/csv";
import { localToday } from "@/features/messages/utils/dates";
import { formatUnixTime, plural, unixToIso } from "@/features/messages/utils/format";
import { describeStatus } from "@/features/messages/utils/status";

const lookupSchema = z.object({
  messageId: z
    .string()
    .trim()
    .max(64, "A ClickSend message ID has at most 64 characters.")
    .regex(/^[A-Za-z0-9-]*$/, "A ClickSend message ID has only letters, digits and dashes."),
});

const columns: DataColumn<ReceiptRow>[] = [
  {
    header: "Message ID",
    cell: (row) => <code className="text-xs break-all">{row.messageId}</code>,
  },
  { header: "Sent", cell: (row) => formatUnixTime(row.sentAt) },
  { header: "Receipt", cell: (row) => formatUnixTime(row.receivedAt) },
  {
    header: "Status",
    cell: (row) => (
      <StatusBadge
        status={null}
        statusCode={row.statusCode}
        detail={row.errorText ?? row.statusText}
      />
    ),
  },
  { header: "Custom string", cell: (row) => row.customString ?? "—" },
];

const csvColumns: CsvColumn<ReceiptRow>[] = [
  { header: "Message ID", value: (row) => row.messageId },
  { header: "Sent (UTC)", value: (row) => unixToIso(row.sentAt) },
  { header: "Receipt (UTC)", value: (row) => unixToIso(row.receivedAt) },
  { header: "Status", value: (row) => describeStatus(null, row.statusCode).label },
  { header: "Status code", value: (row) => row.statusCode },
  { header: "Status text", value: (row) => row.statusText },
  { header: "Error code", value: (row) => row.errorCode },
  { header: "Error text", value: (row) => row.errorText },
  { header: "Custom string", value: (row) => row.customString },
  { header: "Type", value: (row) => row.messageType },
];

type ReceiptsPanelProps = {
  connectionId: string;
  page: number;
  messageId: string;
  onPageChange: (page: number) => void;
  onMessageIdChange: (messageId: string) => void;
};

/** Unread delivery receipts page by page, or the receipt of one message. */
export function ReceiptsPanel({
  connectionId,
  page,
  messageId,
  onPageChange,
  onMessageIdChange,
}: ReceiptsPanelProps) {
  const params = useMemo<ReceiptsParams>(
    () => (messageId ? { message_id: messageId } : { page, limit: HISTORY_PAGE_SIZE }),
    [messageId, page],
  );
  const receipts = useDeliveryReceipts(connectionId, params);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<z.input<typeof lookupSchema>, unknown, z.output<typeof lookupSchema>>({
    resolver: zodResolver(lookupSchema),
    values: { messageId },
  });
  const rows = receipts.data?.receipts ?? [];

  let body;
  if (receipts.isPending) {
    body = (
      <SkeletonGroup label="Loading delivery receipts">
        {Array.from({ length: 4 }, (_, index) => (
          <Skeleton key={index} className="h-10 w-full" />
        ))}
      </SkeletonGroup>
    );
  } else if (receipts.isError) {
    body = (
      <QueryError
        title="Could not load delivery receipts"
        error={receipts.error}
        retrying={receipts.isFetching}
        onRetry={() => void receipts.refetch()}
      />
    );
  } else if (rows.length === 0) {
    body = messageId ? (
      <EmptyState title="No receipt for that message yet">
        <p>
          Receipts arrive from a few seconds up to 72 hours after sending. Check the message ID, or
          refresh later.
        </p>
      </EmptyState>
    ) : (
      <EmptyState title="No unread delivery receipts">
        <p>
          A receipt appears here when a message reaches the handset or fails, usually within
          seconds. Send a message with the <ComposerLink>composer above</ComposerLink>, then
          refresh.
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <div className="space-y-3">
        <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite">
          {plural(receipts.data.total, "receipt")}
        </p>
        <DataTable
          caption={`Delivery receipts, page ${String(receipts.data.page)}`}
          rows={rows}
          columns={columns}
          rowKey={(row) => `${row.messageId}:${row.statusCode ?? ""}:${String(row.receivedAt)}`}
          stale={receipts.isPlaceholderData}
        />
        <Pager
          label="Delivery receipt pages"
          page={receipts.data.page}
          lastPage={receipts.data.last_page}
          disabled={receipts.isFetching}
          onPageChange={onPageChange}
        />
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <form
        noValidate
        aria-label="Find a delivery receipt"
        className="flex flex-col gap-3 sm:flex-row sm:items-start"
        onSubmit={(event) => {
          void handleSubmit((values) => {
            onMessageIdChange(values.messageId);
          })(event);
        }}
      >
        <Field
          label="Message ID"
          description="Leave empty to list all unread receipts."
          error={errors.messageId?.message}
          className="sm:w-96"
        >
          <Input autoComplete="off" spellCheck={false} {...register("messageId")} />
        </Field>
        <div className="flex gap-2 sm:mt-12">
          <Button type="submit" size="sm">
            Find receipt
          </Button>
          {messageId ? (
            <Button
              variant="secondary"
              size="sm"
              onClick={() => {
                reset({ messageId: "" });
                onMessageIdChange("");
              }}
            >
              Show all
            </Button>
          ) : null}
        </div>
      </form>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size="sm"
          busy={receipts.isFetching && !receipts.isPending}
          disabled={receipts.isPending}
          onClick={() => void receipts.refetch()}
          aria-label="Refresh delivery receipts"
        >
          Refresh
        </Button>
        <ExportCsvButton
          rows={rows}
          columns={csvColumns}
          filename={`delivery-receipts-page-${String(receipts.data?.page ?? page)}-${localToday()}.csv`}
        />
      </div>
      {body}
    </div>
  );
}
