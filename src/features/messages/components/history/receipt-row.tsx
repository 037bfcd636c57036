import { useId, useState } from "react";

import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { ClickSendReceipt } from "@/features/messages/api/get-delivery-receipts";
import type { StoredReceipt } from "@/features/messages/api/get-stored-receipts";
import { ReceiptTimeline } from "@/features/messages/components/history/receipt-timeline";
import { formatIsoTime, plural } from "@/features/messages/utils/format";
import {
  describePolicyRefusalDetail,
  describeReceiptError,
  describeStatus,
  describeStatusCode,
  describeStoredStatus,
} from "@/features/messages/utils/status";

/** One message and where it is, whether this app stored it or only ClickSend knows it. */
export type ReceiptSummary = {
  key: string;
  /** Our clicksend_messages row: set when the message has a stored timeline. */
  messageRowId: string | null;
  messageId: string | null;
  recipient: string | null;
  excerpt: string | null;
  /** Who sent it, in words. */
  sender: string;
  channel: string | null;
  /** ISO time. */
  sentAt: string | null;
  label: string;
  tone: BadgeTone;
  statusCode: string | null;
  /** The status code in a sentence. */
  meaning: string | null;
  /** The gateway error in words. */
  error: string | null;
  statusText: string | null;
  /** ISO time of the latest status. */
  updatedAt: string | null;
  /** Receipts stored; null when unknown (a message only ClickSend knows). */
  receipts: number | null;
  /** Refused before ClickSend (opted out, or outside the agent's rules): never sent. */
  withheld: boolean;
};

const DASHBOARD_SENDER = "You, from this dashboard";
const EXCERPT_LENGTH = 160;

function excerptOf(row: StoredReceipt): string | null {
  if (row.body_excerpt === null) return null;
  return (row.body_length ?? 0) > EXCERPT_LENGTH ? `${row.body_excerpt}…` : row.body_excerpt;
}

/** A message this app sent, summed up from our database. */
export function summariseStored(row: StoredReceipt): ReceiptSummary {
  const { label, tone } = describeStoredStatus(row.status, row.status_code);
  return {
    key: row.id,
    messageRowId: row.id,
    messageId: row.message_id,
    recipient: row.recipient,
    excerpt: excerptOf(row),
    sender: row.agent_id === null ? DASHBOARD_SENDER : (row.agent_name ?? "A deleted agent"),
    channel: row.channel,
    sentAt: row.created_at,
    label,
    tone,
    statusCode: row.status_code,
    meaning: describePolicyRefusalDetail(row.status) ?? describeStatusCode(row.status_code),
    error: describeReceiptError(row.error_code, row.error_text),
    statusText: row.status_text,
    updatedAt: row.status_updated_at,
    receipts: row.receipts,
    withheld: describePolicyRefusalDetail(row.status) !== null,
  };
}

const unixToIsoOrNull = (seconds: number | null) =>
  seconds === null || seconds <= 0 ? null : new Date(seconds * 1000).toISOString();

/**
 * ClickSend's receipt of a looked-up message. When this app sent it too, our row adds the
 * recipient, text, agent and timeline; ClickSend's receipt gives the status either way.
 */
export function summariseClickSend(
  receipt: ClickSendReceipt,
  stored: StoredReceipt | null,
): ReceiptSummary {
  const { label, tone } = describeStatus(null, receipt.statusCode);
  const base = stored ? summariseStored(stored) : null;
  return {
    key: `clicksend:${receipt.messageId}`,
    messageRowId: base?.messageRowId ?? null,
    messageId: receipt.messageId,
    recipient: base?.recipient ?? null,
    excerpt: base?.excerpt ?? null,
    sender: base?.sender ?? "Not sent through this app",
    channel: base?.channel ?? receipt.messageType,
    sentAt: base?.sentAt ?? unixToIsoOrNull(receipt.sentAt),
    label,
    tone,
    statusCode: receipt.statusCode,
    meaning: describeStatusCode(receipt.statusCode),
    error: describeReceiptError(receipt.errorCode, receipt.errorText),
    statusText: receipt.statusText,
    updatedAt: unixToIsoOrNull(receipt.receivedAt),
    receipts: base?.receipts ?? null,
    withheld: false,
  };
}

type ReceiptRowProps = {
  connectionId: string;
  summary: ReceiptSummary;
};

/** One message: who, what, how it ended (explained), and its receipts on demand. */
export function ReceiptRow({ connectionId, summary }: ReceiptRowProps) {
  const [open, setOpen] = useState(false);
  const timelineId = useId();
  const recipient = summary.recipient ?? "Recipient unknown";
  const receiptCount = summary.receipts === null ? "" : ` (${plural(summary.receipts, "receipt")})`;

  return (
    <li
      aria-label={`${recipient}: ${summary.label}`}
      className="rounded-lg border border-slate-200 p-3 sm:p-4 dark:border-slate-800"
    >
      <div className="grid gap-3 md:grid-cols-[minmax(0,13rem)_minmax(0,1fr)_minmax(0,17rem)]">
        <div className="min-w-0 space-y-0.5 text-sm">
          <p className="font-medium tabular-nums">{recipient}</p>
          <p className="text-slate-600 dark:text-slate-300">
            {summary.channel ? `${summary.channel.toUpperCase()} · ` : ""}
            {summary.sender}
          </p>
          {summary.sentAt ? (
            <p className="text-slate-600 dark:text-slate-300">
              {summary.withheld ? "Not sent, refused" : "Sent"}{" "}
              <time dateTime={summary.sentAt}>{formatIsoTime(summary.sentAt)}</time>
            </p>
          ) : null}
        </div>
        <p className="min-w-0 text-sm wrap-break-word whitespace-pre-line">
          {summary.excerpt ?? (
            <span className="text-slate-600 italic dark:text-slate-300">
              {summary.messageRowId ? "Text not recorded" : "Text not known to this app"}
            </span>
          )}
        </p>
        <div className="min-w-0 space-y-1 text-sm">
          <p className="flex flex-wrap items-center gap-1.5">
            <Badge tone={summary.tone}>{summary.label}</Badge>
            {summary.statusCode ? (
              <span className="text-xs text-slate-600 tabular-nums dark:text-slate-300">
                code {summary.statusCode}
              </span>
            ) : null}
          </p>
          {summary.meaning ? (
            <p className="text-slate-600 dark:text-slate-300">{summary.meaning}</p>
          ) : null}
          {summary.error ? (
            <p className="text-slate-800 dark:text-slate-100">{summary.error}</p>
          ) : null}
        </div>
      </div>
      <div className="mt-2 flex flex-wrap items-center justify-between gap-2">
        {summary.messageId ? (
          <p className="min-w-0 text-xs break-all text-slate-600 dark:text-slate-300">
            ClickSend ID <code>{summary.messageId}</code>
          </p>
        ) : (
          <span />
        )}
        {summary.messageRowId ? (
          <Button
            variant="secondary"
            size="sm"
            aria-expanded={open}
            aria-controls={open ? timelineId : undefined}
            onClick={() => {
              setOpen((value) => !value);
            }}
          >
            {open ? "Hide timeline" : `Timeline${receiptCount}`}
          </Button>
        ) : null}
      </div>
      {open && summary.messageRowId && summary.sentAt ? (
        <div className="mt-3 border-t border-slate-200 pt-3 dark:border-slate-800">
          <ReceiptTimeline
            id={timelineId}
            connectionId={connectionId}
            messageRowId={summary.messageRowId}
            sentAt={summary.sentAt}
          />
        </div>
      ) : null}
    </li>
  );
}
