import { useId, useState } from "react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConsentHistory } from "@/features/opt-outs/components/consent-history";
import { RemoveOptOutDialog } from "@/features/opt-outs/components/remove-opt-out-dialog";
import { formatAgo, formatExact } from "@/features/opt-outs/utils";
import { optOutSource, type OptOutEntry } from "@/lib/opt-outs/get-opt-outs";

/** One number on a list: since when (relative and exact), why, its history on demand, remove. */
export function OptOutRow({ entry }: { entry: OptOutEntry }) {
  const historyId = useId();
  const [showHistory, setShowHistory] = useState(false);
  const [removing, setRemoving] = useState(false);

  return (
    <li
      aria-label={entry.phone}
      className="rounded-lg border border-slate-200 p-3 sm:p-4 dark:border-slate-800"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <p className="flex flex-wrap items-center gap-2">
            <span className="font-mono font-semibold tabular-nums">{entry.phone}</span>
            <Badge tone={entry.source === "reply" ? "warning" : "neutral"}>
              {optOutSource(entry)}
            </Badge>
          </p>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            Since {formatAgo(entry.since)} ·{" "}
            <time dateTime={entry.since} className="tabular-nums">
              {formatExact(entry.since)}
            </time>
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button
            variant="secondary"
            size="sm"
            aria-expanded={showHistory}
            aria-controls={showHistory ? historyId : undefined}
            onClick={() => {
              setShowHistory((value) => !value);
            }}
          >
            {showHistory ? "Hide history" : "History"}{" "}
            <span className="sr-only">of {entry.phone}</span>
          </Button>
          <Button
            variant="secondary"
            size="sm"
            onClick={() => {
              setRemoving(true);
            }}
          >
            Remove <span className="sr-only">{entry.phone}</span>
          </Button>
        </div>
      </div>
      {showHistory ? (
        <ConsentHistory id={historyId} account={entry.account_username} phone={entry.phone} />
      ) : null}
      <RemoveOptOutDialog
        entry={entry}
        open={removing}
        onClose={() => {
          setRemoving(false);
        }}
      />
    </li>
  );
}
