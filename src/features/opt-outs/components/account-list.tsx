import { useId } from "react";

import { OptOutRow } from "@/features/opt-outs/components/opt-out-row";
import type { AccountList as AccountListData } from "@/features/opt-outs/utils";
import { plural } from "@/features/opt-outs/utils";

/** One ClickSend account's list, with the connections that use it (or that none does any more). */
export function AccountList({ list }: { list: AccountListData }) {
  const headingId = useId();
  const names = list.connections.map((connection) => connection.connection_name);
  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <div className="space-y-1">
        <h2 id={headingId} className="text-lg font-semibold wrap-anywhere">
          ClickSend account {list.account}
          <span className="font-normal text-slate-600 dark:text-slate-300">
            {` · ${plural(list.entries.length, "number")}`}
          </span>
        </h2>
        <p className="text-sm wrap-anywhere text-slate-600 dark:text-slate-300">
          {names.length > 0
            ? `Applies to every send from ${names.join(", ")}: agents, the composer and replies.`
            : "No connection uses this account now. The list is kept, and applies again if you connect this account."}
        </p>
      </div>
      {list.entries.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-4 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-300">
          No one has opted out of this account.
        </p>
      ) : (
        <ul aria-label={`Opted out of ${list.account}`} className="space-y-2">
          {list.entries.map((entry) => (
            <OptOutRow key={entry.phone} entry={entry} />
          ))}
        </ul>
      )}
    </section>
  );
}
