import type { ReactNode } from "react";

import type { MessageRow } from "@/features/messages/api/get-message-history";
import type { DataColumn } from "@/features/messages/components/history/data-table";
import { StatusBadge } from "@/features/messages/components/history/status-badge";
import type { CsvColumn } from "@/features/messages/utils/csv";
import { formatUnixTime, unixToIso } from "@/features/messages/utils/format";
import { describeStatus } from "@/features/messages/utils/status";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { formatMoney } from "@/lib/format-money";

const failureDetail = (row: MessageRow) => row.errorText ?? null;

export function historyColumns(
  channel: "sms" | "mms",
  /** E.g. a cancel button for a scheduled message; null for none. */
  actions?: (row: MessageRow) => ReactNode,
): DataColumn<MessageRow>[] {
  return [
    {
      header: "Date",
      cell: (row) => (
        <span className="whitespace-nowrap">
          {formatUnixTime((row.status === "Scheduled" ? row.schedule : null) ?? row.date)}
        </span>
      ),
    },
    { header: "To", cell: (row) => <span className="whitespace-nowrap">{row.to}</span> },
    { header: "From", cell: (row) => row.from ?? "—" },
    ...(channel === "mms"
      ? [{ header: "Subject", cell: (row: MessageRow) => row.subject ?? "—" }]
      : []),
    {
      header: "Message",
      className: "sm:max-w-xs",
      cell: (row) => <span className="whitespace-pre-line">{row.body ?? ""}</span>,
    },
    ...(channel === "mms"
      ? [
          {
            header: "Image",
            cell: (row: MessageRow) =>
              row.mediaUrl ? (
                <a
                  href={row.mediaUrl}
                  target="_blank"
                  rel="noreferrer"
                  aria-label={`View image sent to ${row.to} (opens in a new tab)`}
                  className={textLinkClasses}
                >
                  View
                </a>
              ) : (
                "—"
              ),
          },
        ]
      : []),
    {
      header: "Status",
      cell: (row) => (
        <StatusBadge status={row.status} statusCode={row.statusCode} detail={failureDetail(row)} />
      ),
    },
    { header: "Parts", cell: (row) => row.parts ?? "—" },
    {
      header: "Price",
      cell: (row) => (
        <span className="whitespace-nowrap tabular-nums">
          {row.price === null ? "—" : formatMoney(row.price, null, { precise: true })}
        </span>
      ),
    },
    ...(actions ? [{ header: "Actions", cell: actions }] : []),
  ];
}

export function historyCsvColumns(channel: "sms" | "mms"): CsvColumn<MessageRow>[] {
  return [
    { header: "Date (UTC)", value: (row) => unixToIso(row.date) },
    { header: "Message ID", value: (row) => row.messageId },
    { header: "Direction", value: (row) => row.direction },
    { header: "To", value: (row) => row.to },
    { header: "From", value: (row) => row.from },
    ...(channel === "mms" ? [{ header: "Subject", value: (row: MessageRow) => row.subject }] : []),
    { header: "Message", value: (row) => row.body },
    ...(channel === "mms"
      ? [{ header: "Image URL", value: (row: MessageRow) => row.mediaUrl }]
      : []),
    { header: "Status", value: (row) => describeStatus(row.status, row.statusCode).label },
    { header: "ClickSend status", value: (row) => row.status },
    { header: "Status code", value: (row) => row.statusCode },
    { header: "Status text", value: (row) => row.statusText },
    { header: "Error code", value: (row) => row.errorCode },
    { header: "Error text", value: (row) => row.errorText },
    { header: "Scheduled for (UTC)", value: (row) => unixToIso(row.schedule) },
    { header: "Parts", value: (row) => row.parts },
    { header: "Price", value: (row) => row.price },
    { header: "Country", value: (row) => row.country },
    { header: "Custom string", value: (row) => row.customString },
  ];
}
