import { useLayoutEffect, useRef } from "react";

import { Badge } from "@/components/ui/badge";
import { DELETED_AGENT } from "@/features/messages/api/get-conversations";
import type { ThreadEntry } from "@/features/messages/api/get-thread";
import {
  ConsentBadge,
  consentReplyLabel,
} from "@/features/messages/components/conversations/consent-badge";
import { formatIsoTime, formatRecent } from "@/features/messages/utils/format";
import { describeStoredStatus } from "@/features/messages/utils/status";
import { cn } from "@/utils/cn";

/** Within this many pixels of the end counts as reading the newest message. */
const AT_END_PX = 48;

type ThreadLogProps = {
  contact: string;
  entries: ThreadEntry[];
  agentNames: Record<string, string>;
};

function senderOf(
  entry: Extract<ThreadEntry, { direction: "out" }>,
  names: Record<string, string>,
) {
  if (entry.agentId === null) return "You, from this dashboard";
  return names[entry.agentId] ?? DELETED_AGENT;
}

/**
 * The thread, oldest first, in a box that scrolls on its own. It opens at the newest message
 * and follows new ones only while the reader is at the end, so reading older ones is never
 * interrupted. A log region: screen readers hear new messages as they arrive.
 */
export function ThreadLog({ contact, entries, agentNames }: ThreadLogProps) {
  const boxRef = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  const newest = entries.at(-1)?.id;

  useLayoutEffect(() => {
    const box = boxRef.current;
    if (box && atEnd.current) box.scrollTop = box.scrollHeight;
  }, [newest, entries.length]);

  return (
    <div
      ref={boxRef}
      role="log"
      aria-label={`Messages with ${contact}`}
      // A box that scrolls must be reachable by keyboard to be scrolled (WCAG 2.1.1).
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      onScroll={(event) => {
        const box = event.currentTarget;
        atEnd.current = box.scrollHeight - box.scrollTop - box.clientHeight < AT_END_PX;
      }}
      className={cn(
        "max-h-[min(60dvh,32rem)] min-h-40 overflow-y-auto overscroll-contain rounded-lg border border-slate-200 bg-slate-50 p-3 sm:p-4",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600",
        "dark:border-slate-800 dark:bg-slate-900/60 dark:focus-visible:outline-blue-400",
      )}
    >
      <ol className="space-y-3">
        {entries.map((entry) =>
          entry.direction === "in" ? (
            <li key={entry.id} className="flex flex-col items-start">
              <p className="max-w-[85%] rounded-2xl rounded-bl-sm border border-slate-200 bg-white px-3 py-2 text-sm whitespace-pre-wrap wrap-anywhere text-slate-900 dark:border-slate-700 dark:bg-slate-800 dark:text-slate-100">
                <span className="sr-only">{contact} replied: </span>
                {entry.body}
              </p>
              <p className="mt-1 flex flex-wrap items-center gap-x-1.5 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
                <span>Reply</span>
                <span aria-hidden="true">·</span>
                <time dateTime={entry.at} title={formatIsoTime(entry.at)}>
                  {formatRecent(entry.at)}
                </time>
                {entry.consent ? (
                  <ConsentBadge
                    {...consentReplyLabel(entry.consent, entry.body.trim().toUpperCase())}
                  />
                ) : null}
              </p>
            </li>
          ) : (
            <li key={entry.id} className="flex flex-col items-end">
              <p className="max-w-[85%] rounded-2xl rounded-br-sm bg-blue-600 px-3 py-2 text-sm whitespace-pre-wrap wrap-anywhere text-white dark:bg-blue-700">
                <span className="sr-only">Sent to {contact}: </span>
                {entry.body ?? (
                  <em className="opacity-90">Text not recorded (sent before replies)</em>
                )}
              </p>
              <p className="mt-1 flex flex-wrap items-center justify-end gap-x-1.5 gap-y-1 text-right text-xs text-slate-600 dark:text-slate-400">
                <span className="wrap-anywhere">{senderOf(entry, agentNames)}</span>
                <span aria-hidden="true">·</span>
                <time dateTime={entry.at} title={formatIsoTime(entry.at)}>
                  {formatRecent(entry.at)}
                </time>
                <SentStatus status={entry.status} statusCode={entry.statusCode} />
              </p>
            </li>
          ),
        )}
      </ol>
    </div>
  );
}

function SentStatus({ status, statusCode }: { status: string; statusCode: string | null }) {
  const { label, tone } = describeStoredStatus(status, statusCode);
  return <Badge tone={tone}>{label}</Badge>;
}
