import type { Approval } from "@contracts/guardrails.ts";
import { formatMoney } from "@/lib/format-money";
import { formatDateTime } from "@/lib/format-time";

function count(amount: number, one: string, many: string): string {
  return `${String(amount)} ${amount === 1 ? one : many}`;
}

/** The cost line of a held send: parts per recipient, the price if it was priced. */
export function costLine({ recipients, parts, price, currency }: Approval): string {
  const size = `${count(recipients, "recipient", "recipients")} × ${count(parts, "segment", "segments")}`;
  return price === null
    ? `${size}; price not known until it is sent`
    : `${size}; ${formatMoney(price, currency, { precise: true })}`;
}

/** What an approval holds: who it goes to, the text as it stands, and what it costs. */
export function HeldSend({ approval, body }: { approval: Approval; body?: string }) {
  const { request } = approval;
  return (
    <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[8rem_minmax(0,1fr)]">
      <dt className="font-medium text-slate-600 dark:text-slate-300">To</dt>
      <dd className="min-w-0">
        <ul aria-label="Recipients" className="flex flex-wrap gap-x-3 gap-y-1">
          {request.to.map((number, index) => (
            <li key={`${number}-${String(index)}`} className="font-mono wrap-anywhere">
              {number}
            </li>
          ))}
        </ul>
      </dd>
      {request.subject ? (
        <>
          <dt className="font-medium text-slate-600 dark:text-slate-300">Subject</dt>
          <dd className="min-w-0 wrap-anywhere">{request.subject}</dd>
        </>
      ) : null}
      <dt className="font-medium text-slate-600 dark:text-slate-300">Text</dt>
      <dd className="min-w-0 whitespace-pre-wrap wrap-anywhere">{body ?? request.body}</dd>
      {request.media_url ? (
        <>
          <dt className="font-medium text-slate-600 dark:text-slate-300">Image</dt>
          <dd className="min-w-0 font-mono text-xs wrap-anywhere">{request.media_url}</dd>
        </>
      ) : null}
      {request.from ? (
        <>
          <dt className="font-medium text-slate-600 dark:text-slate-300">From</dt>
          <dd className="min-w-0 wrap-anywhere">{request.from}</dd>
        </>
      ) : null}
      {request.schedule ? (
        <>
          <dt className="font-medium text-slate-600 dark:text-slate-300">Scheduled for</dt>
          <dd className="min-w-0">{formatDateTime(request.schedule)}</dd>
        </>
      ) : null}
      <dt className="font-medium text-slate-600 dark:text-slate-300">Size and price</dt>
      <dd className="min-w-0">{costLine(approval)}</dd>
    </dl>
  );
}
