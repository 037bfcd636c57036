import { zodResolver } from "@hookform/resolvers/zod";
import { useMemo } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";

import { QueryError } from "@/components/errors/query-error";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useReceiptLookup } from "@/features/messages/api/get-delivery-receipts";
import {
  useStoredReceiptByMessageId,
  useStoredReceipts,
} from "@/features/messages/api/get-stored-receipts";
import { ComposerLink } from "@/features/messages/components/composer/composer-link";
import { ExportCsvButton } from "@/features/messages/components/history/export-csv-button";
import { Pager } from "@/features/messages/components/history/pager";
import {
  ReceiptRow,
  summariseClickSend,
  summariseStored,
  type ReceiptSummary,
} from "@/features/messages/components/history/receipt-row";
import { useReceiptsFilter } from "@/features/messages/hooks/use-receipts-filter";
import type { CsvColumn } from "@/features/messages/utils/csv";
import { localToday } from "@/features/messages/utils/dates";
import { plural } from "@/features/messages/utils/format";
import { RECEIPT_FILTERS, type ReceiptFilter } from "@/features/messages/utils/status";

const lookupSchema = z.object({
  messageId: z
    .string()
    .trim()
    .max(64, "A ClickSend message ID has at most 64 characters.")
    .regex(/^[A-Za-z0-9-]*$/, "A ClickSend message ID has only letters, digits and dashes."),
});

const csvColumns: CsvColumn<ReceiptSummary>[] = [
  { header: "Recipient", value: (row) => row.recipient },
  { header: "Text", value: (row) => row.excerpt },
  { header: "Sent by", value: (row) => row.sender },
  { header: "Channel", value: (row) => row.channel?.toUpperCase() ?? null },
  { header: "Sent (UTC)", value: (row) => row.sentAt },
  { header: "Status", value: (row) => row.label },
  { header: "Status code", value: (row) => row.statusCode },
  { header: "Meaning", value: (row) => row.meaning },
  { header: "Error", value: (row) => row.error },
  { header: "ClickSend status text", value: (row) => row.statusText },
  { header: "Status updated (UTC)", value: (row) => row.updatedAt },
  { header: "Receipts", value: (row) => row.receipts },
  { header: "ClickSend message ID", value: (row) => row.messageId },
];

type ReceiptsPanelProps = {
  connectionId: string;
  page: number;
  messageId: string;
  onPageChange: (page: number) => void;
  onMessageIdChange: (messageId: string) => void;
};

/**
 * Delivery receipts, one row per message sent through this connection (newest first, by status),
 * from our own database where the receipt webhook stores every receipt, read or unread at
 * ClickSend; each row opens its receipt timeline. A ClickSend message ID looks the receipt up at
 * ClickSend instead, which also finds messages this app did not send.
 */
export function ReceiptsPanel({
  connectionId,
  page,
  messageId,
  onPageChange,
  onMessageIdChange,
}: ReceiptsPanelProps) {
  const { filter, setFilter } = useReceiptsFilter();
  const params = useMemo(() => ({ page, filter }), [page, filter]);
  const lookingUp = messageId !== "";
  const stored = useStoredReceipts(connectionId, params, !lookingUp);
  const clickSend = useReceiptLookup(connectionId, messageId);
  const storedMatch = useStoredReceiptByMessageId(connectionId, messageId);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<z.input<typeof lookupSchema>, unknown, z.output<typeof lookupSchema>>({
    resolver: zodResolver(lookupSchema),
    values: { messageId },
  });

  const rows = useMemo<ReceiptSummary[]>(() => {
    if (lookingUp) {
      const match = storedMatch.data ?? null;
      if (clickSend.data) return [summariseClickSend(clickSend.data, match)];
      return match ? [summariseStored(match)] : [];
    }
    return (stored.data?.rows ?? []).map(summariseStored);
  }, [lookingUp, clickSend.data, storedMatch.data, stored.data]);

  const active = lookingUp ? clickSend : stored;
  const pending = lookingUp ? clickSend.isPending || storedMatch.isPending : stored.isPending;
  const failed = lookingUp ? (clickSend.isError ? clickSend : storedMatch) : stored;
  const filterLabel = RECEIPT_FILTERS.find((choice) => choice.value === filter)?.label;

  let body;
  if (pending) {
    body = (
      <SkeletonGroup label="Loading delivery receipts">
        {Array.from({ length: 4 }, (_, index) => (
          <Skeleton key={index} className="h-20 w-full" />
        ))}
      </SkeletonGroup>
    );
  } else if (failed.isError) {
    body = (
      <QueryError
        title="Could not load delivery receipts"
        error={failed.error}
        retrying={failed.isFetching}
        onRetry={() => void failed.refetch()}
      />
    );
  } else if (rows.length === 0) {
    if (lookingUp) {
      body = (
        <EmptyState title="No receipt for that message yet">
          <p>
            Receipts arrive from a few seconds up to 72 hours after sending. Check the message ID,
            or look again later.
          </p>
        </EmptyState>
      );
    } else if (filter !== "") {
      body = (
        <EmptyState title={`No messages with the status “${filterLabel ?? filter}”`}>
          <p>Choose another status, or All messages.</p>
        </EmptyState>
      );
    } else {
      body = (
        <EmptyState title="No messages sent through this app yet">
          <p>
            Each message sent here, by you or an agent, appears with its delivery receipts as they
            arrive, usually within seconds. Send one with the{" "}
            <ComposerLink>composer above</ComposerLink>.
          </p>
        </EmptyState>
      );
    }
  } else {
    body = (
      <div className="space-y-3">
        <p className="text-sm text-slate-600 dark:text-slate-300" aria-live="polite">
          {lookingUp
            ? storedMatch.data
              ? "ClickSend's receipt for this message, sent through this app."
              : clickSend.data
                ? "ClickSend's receipt for this message. It was not sent through this app, so its recipient, text and timeline are not known here."
                : "ClickSend has no receipt for this message yet; this is what this app recorded."
            : plural(stored.data?.total ?? rows.length, "message")}
        </p>
        <ul
          aria-label="Sent messages and their delivery receipts"
          aria-busy={stored.isPlaceholderData || undefined}
          className={stored.isPlaceholderData && !lookingUp ? "space-y-3 opacity-60" : "space-y-3"}
        >
          {rows.map((summary) => (
            <ReceiptRow key={summary.key} connectionId={connectionId} summary={summary} />
          ))}
        </ul>
        {lookingUp || !stored.data ? null : (
          <Pager
            label="Delivery receipt pages"
            page={stored.data.page}
            lastPage={stored.data.lastPage}
            disabled={stored.isFetching}
            onPageChange={onPageChange}
          />
        )}
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-4 lg:flex-row lg:items-start lg:justify-between">
        <Field
          label="Status"
          description="Messages sent through this app, newest first."
          className="sm:w-80"
        >
          <Select
            value={filter}
            disabled={lookingUp}
            onChange={(event) => {
              setFilter(event.target.value as ReceiptFilter | "");
            }}
          >
            <option value="">All messages</option>
            {RECEIPT_FILTERS.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </Select>
        </Field>
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
            label="ClickSend message ID"
            description="Asks ClickSend, so it also finds messages sent elsewhere."
            error={errors.messageId?.message}
            className="sm:w-96"
          >
            <Input autoComplete="off" spellCheck={false} {...register("messageId")} />
          </Field>
          <div className="flex gap-2 sm:mt-12">
            <Button type="submit" size="sm">
              Find receipt
            </Button>
            {lookingUp ? (
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
      </div>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size="sm"
          busy={active.isFetching && !pending}
          disabled={pending}
          onClick={() => {
            void active.refetch();
            if (lookingUp) void storedMatch.refetch();
          }}
          aria-label="Refresh delivery receipts"
        >
          Refresh
        </Button>
        <ExportCsvButton
          rows={rows}
          columns={csvColumns}
          filename={
            lookingUp
              ? `delivery-receipt-${messageId}-${localToday()}.csv`
              : `delivery-receipts-page-${String(stored.data?.page ?? page)}-${localToday()}.csv`
          }
        />
      </div>
      {body}
    </div>
  );
}
