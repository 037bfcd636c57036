import type { ReactNode } from "react";

import {
  describeRecipientStatus,
  type RecipientOutcomeKind,
  type SendOutcome,
} from "@contracts/send-outcome.ts";
import { isPolicyRefusal } from "@contracts/guardrails.ts";
import { describeAccount, type ToolAccount } from "@contracts/tool-account.ts";
import { Alert } from "@/components/ui/alert";
import { JsonBlock } from "@/components/ui/json-block";
import { formatMoney } from "@/lib/format-money";
import { cn } from "@/utils/cn";

/** The ClickSend account a send went out from, as the executor names it. */
export type SendAccount = ToolAccount;

type SendOutcomeReportProps = {
  outcome: SendOutcome;
  /** A scheduled send says "Scheduled" where a send says "Sent". */
  scheduled?: boolean;
  account?: SendAccount;
  /** ClickSend's answer as it came, shown only on demand. */
  raw: unknown;
  /** Shown when a recipient is unconfirmed: a way to look before sending again. */
  checkHistory?: ReactNode;
  /** A last line, e.g. where receipts will show. */
  note?: ReactNode;
};

const KIND_STYLES: Record<RecipientOutcomeKind, string> = {
  sent: "text-green-800 dark:text-green-300",
  scheduled: "text-green-800 dark:text-green-300",
  pending: "text-slate-800 dark:text-slate-200",
  unconfirmed: "text-amber-900 dark:text-amber-200",
  refused: "text-red-800 dark:text-red-300",
};

function recipients(count: number): string {
  return `${String(count)} ${count === 1 ? "recipient" : "recipients"}`;
}

/**
 * What a send did, per recipient and in words: sent, scheduled, refused and why, or not
 * confirmed; from which account, at what cost; ClickSend's raw answer behind a disclosure.
 * The tone follows the worst outcome, so a refusal never sits in a green box.
 */
export function SendOutcomeReport({
  outcome,
  scheduled = false,
  account,
  raw,
  checkHistory,
  note,
}: SendOutcomeReportProps) {
  const rows = outcome.messages.map((message) => ({
    ...message,
    described: describeRecipientStatus(message.status),
  }));
  const count = (kind: RecipientOutcomeKind) =>
    rows.filter((row) => row.described.kind === kind).length;
  const gone = count("sent") + count("scheduled");
  const unsure = count("unconfirmed") + count("pending");
  const refused = count("refused") + outcome.invalid_numbers.length;

  const tone =
    gone === 0 && unsure === 0 ? "error" : refused > 0 || unsure > 0 ? "warning" : "success";
  const total = rows.length + outcome.invalid_numbers.length;
  let title: string;
  if (outcome.idempotent_replay) {
    title =
      unsure > 0
        ? "Not sent again: ClickSend has not confirmed the first attempt"
        : "Not sent again: this message was sent before";
  } else if (gone === 0 && unsure === 0) {
    // Refused by our own guardrails (opted out, not allowed), not by ClickSend: say so.
    const ours = total === rows.length && rows.every((row) => isPolicyRefusal(row.status));
    if (ours) {
      title =
        total === 1
          ? "Not sent: this number may not be texted"
          : "Not sent: none of these numbers may be texted";
    } else {
      title =
        total === 1
          ? "Not sent: ClickSend refused it"
          : "Not sent: ClickSend refused every recipient";
    }
  } else if (gone === 0) {
    title = "Not confirmed by ClickSend";
  } else {
    title = `${scheduled ? "Scheduled" : "Sent"} to ${String(gone)} of ${recipients(total)}`;
  }

  return (
    <Alert tone={tone} title={title} role="none">
      {account ? (
        <p className="wrap-anywhere">
          {gone > 0 ? "Sent from" : "From"} ClickSend account{" "}
          <strong className="font-semibold">{describeAccount(account)}</strong>
        </p>
      ) : null}
      <ul aria-label="Recipients" className="mt-2 space-y-1.5">
        {rows.map((row, index) => (
          <li key={`${row.to}-${String(index)}`} className="wrap-anywhere">
            <span className="font-mono">{row.to}</span>:{" "}
            <strong className={cn("font-semibold", KIND_STYLES[row.described.kind])}>
              {row.described.label}.
            </strong>{" "}
            {row.described.kind === "sent" || row.described.kind === "scheduled"
              ? row.price !== null && row.price > 0 && outcome.currency !== null
                ? `Cost ${formatMoney(row.price, outcome.currency, { precise: true })}.`
                : null
              : row.described.detail}
          </li>
        ))}
        {outcome.invalid_numbers.map((invalid) => (
          <li key={`invalid-${invalid.input}`} className="wrap-anywhere">
            <span className="font-mono">{invalid.input}</span>:{" "}
            <strong className={cn("font-semibold", KIND_STYLES.refused)}>
              Not sent: not a valid number.
            </strong>{" "}
            It {invalid.reason}.
          </li>
        ))}
      </ul>
      {outcome.total_price > 0 ? (
        <p className="mt-2">
          Total cost: {formatMoney(outcome.total_price, outcome.currency, { precise: true })}
        </p>
      ) : null}
      {unsure > 0 && checkHistory ? <div className="mt-3">{checkHistory}</div> : null}
      {note ? <p className="mt-2">{note}</p> : null}
      <details className="mt-3">
        <summary className="cursor-pointer rounded-sm font-medium underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400">
          ClickSend&apos;s answer (JSON)
        </summary>
        <JsonBlock value={raw} label="ClickSend's answer JSON" className="mt-2 max-h-80" />
      </details>
    </Alert>
  );
}
