import { useEffect, useState } from "react";

import type { LiveMessages } from "@/features/messages/hooks/use-live-messages";
import { cn } from "@/utils/cn";

type LiveIndicatorProps = {
  live: LiveMessages;
  /** When what is on screen was last read from ClickSend (ms); 0 before the first answer. */
  updatedAt: number;
};

/** The current time, again every `everyMs`. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, everyMs);
    return () => {
      clearInterval(timer);
    };
  }, [everyMs]);
  return now;
}

/** "just now", "20 s ago", "3 min ago": coarse, so the line does not flicker every second. */
function ago(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 10) return "just now";
  if (seconds < 60) return `${String(Math.floor(seconds / 10) * 10)} s ago`;
  return `${String(Math.floor(seconds / 60))} min ago`;
}

/**
 * Says that the history follows new receipts by itself, and when it last did. Not a live region:
 * a clock that ticks would be read out again and again; the rows' own summary is announced.
 */
export function LiveIndicator({ live, updatedAt }: LiveIndicatorProps) {
  const counting = live.refreshDueAt !== null;
  const now = useNow(counting ? 1000 : 5000);

  let text: string;
  if (!live.ok) text = "Not following new receipts: your messages could not be read. Use Refresh.";
  else if (live.refreshDueAt !== null) {
    const wait = Math.ceil((live.refreshDueAt - now) / 1000);
    text =
      wait > 0
        ? `New statuses arrived · refreshing from ClickSend in ${String(wait)} s`
        : "Refreshing from ClickSend…";
  } else if (updatedAt === 0) text = "Live";
  else text = `Live · updated ${ago(now - updatedAt)}`;

  return (
    <p className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-300">
      <span
        aria-hidden="true"
        className={cn(
          "size-2 shrink-0 rounded-full",
          live.ok ? "bg-emerald-500 dark:bg-emerald-400" : "bg-amber-500 dark:bg-amber-400",
          counting && "motion-safe:animate-pulse",
        )}
      />
      <span>{text}</span>
    </p>
  );
}
