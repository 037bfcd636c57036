import { ConnectionItem } from "@/features/integrations/components/connection-item";
import type { Connection } from "@contracts/connection-schemas.ts";

type ConnectionListProps = {
  connections: Connection[];
};

/**
 * Live connections first, then disconnected ones (kept: their message history refers to them).
 * One keyed list, so a connection that is disconnected moves instead of remounting mid-dialog.
 */
export function ConnectionList({ connections }: ConnectionListProps) {
  const live = connections.filter((connection) => connection.connection_status !== "revoked");
  const ordered = [
    ...live,
    ...connections.filter((connection) => connection.connection_status === "revoked"),
  ];

  return (
    <>
      {live.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 p-4 dark:border-slate-700">
          <h4 className="font-semibold">No ClickSend account connected</h4>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
            Choose <strong className="font-medium">Connect ClickSend</strong> and enter your API
            username and key (the steps below show where to find them). Then give your agents access
            on the Agents page.
          </p>
        </div>
      ) : null}
      {ordered.length > 0 ? (
        <ul className="space-y-3" aria-label="ClickSend connections">
          {ordered.map((connection) => (
            <ConnectionItem key={connection.id} connection={connection} />
          ))}
        </ul>
      ) : null}
    </>
  );
}
