import { useEffect, useId, useRef, useState, type ReactNode } from "react";

import type { Connection } from "@contracts/connection-schemas.ts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConnectionBalance } from "@/features/integrations/components/connection-balance";
import { ConnectionReplies } from "@/features/integrations/components/connection-replies";
import { DisconnectDialog } from "@/features/integrations/components/disconnect-dialog";
import { ReconnectDialog } from "@/features/integrations/components/reconnect-dialog";
import { RemoveDialog } from "@/features/integrations/components/remove-dialog";
import { RenameDialog } from "@/features/integrations/components/rename-dialog";
import { RotateKeyDialog } from "@/features/integrations/components/rotate-key-dialog";
import { formatDate, statusDisplay } from "@/features/integrations/utils/format";
import { cn } from "@/utils/cn";

type Action = { dialog: "rotate" | "rename" | "disconnect" | "reconnect" | "remove" };
type OpenDialog = Action["dialog"] | null;

/** What a card offers in each state: a disconnected one can only come back or go for good. */
function actionsFor(
  status: Connection["connection_status"],
): (Action & { label: string; danger?: boolean })[] {
  if (status === "revoked") {
    return [
      { dialog: "reconnect", label: "Reconnect" },
      { dialog: "remove", label: "Remove", danger: true },
    ];
  }
  return [
    // A connection whose setup never finished has no key to rotate.
    ...(status === "inactive" ? [] : [{ dialog: "rotate" as const, label: "Rotate key" }]),
    { dialog: "rename", label: "Rename" },
    { dialog: "disconnect", label: "Disconnect", danger: true },
  ];
}

const statusNotes: Partial<Record<Connection["connection_status"], string>> = {
  inactive:
    "Setting up this connection did not finish. Disconnect it and connect the account again.",
  error: "ClickSend no longer accepts the stored key. Rotate the key to restore access.",
  expired: "The stored key has expired. Rotate the key to restore access.",
  revoked:
    "Disconnected: the key was deleted and no agent can use this account. Reconnect it with a key to use it again, or remove it with its message history.",
};

/** One connection: its ClickSend account, balance and status, and what can be done with it. */
export function ConnectionItem({ connection }: { connection: Connection }) {
  const [dialog, setDialog] = useState<OpenDialog>(null);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusHeadingOnClose = useRef(false);
  const status = statusDisplay[connection.connection_status];
  const revoked = connection.connection_status === "revoked";
  const note = statusNotes[connection.connection_status];

  // After a disconnect or reconnect its button is gone, so the dialog cannot return focus to it.
  useEffect(() => {
    if (dialog !== null || !focusHeadingOnClose.current) return;
    focusHeadingOnClose.current = false;
    headingRef.current?.focus();
  }, [dialog]);

  const close = () => {
    setDialog(null);
  };
  // Visible text stays short; screen readers hear which connection each button is for.
  const name = (
    <>
      {" "}
      <span className="sr-only">{connection.connection_name}</span>
    </>
  );

  return (
    <li>
      <article
        aria-labelledby={headingId}
        className={cn(
          "rounded-lg border border-slate-200 p-4 dark:border-slate-800",
          revoked && "bg-slate-50 dark:bg-slate-950/40",
        )}
      >
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <h4
            id={headingId}
            ref={headingRef}
            tabIndex={-1}
            className="min-w-0 text-base font-semibold wrap-break-word focus:outline-none"
          >
            {connection.connection_name}
          </h4>
          <Badge tone={status.tone}>{status.label}</Badge>
        </div>
        <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          <Detail term="ClickSend username">
            <span className="wrap-anywhere">{connection.external_username ?? "Unknown"}</span>
          </Detail>
          {connection.connection_status === "active" ? (
            <Detail term="Balance">
              <ConnectionBalance
                connectionId={connection.id}
                connectionName={connection.connection_name}
              />
            </Detail>
          ) : null}
          <Detail term="API key">
            {connection.credential_hint ? (
              <span className="font-mono">
                <span aria-hidden="true">••••</span>
                <span className="sr-only">ending in </span>
                {connection.credential_hint}
              </span>
            ) : revoked ? (
              "Deleted"
            ) : (
              "Not stored"
            )}
          </Detail>
          <Detail term="Default sender ID">
            {connection.default_sender_id ?? "ClickSend's default"}
          </Detail>
          <Detail term="Connected">
            <time dateTime={connection.created_at}>{formatDate(connection.created_at)}</time>
          </Detail>
          {connection.connection_status === "active" ? (
            <Detail term="Replies" className="sm:col-span-2">
              <ConnectionReplies connection={connection} />
            </Detail>
          ) : null}
        </dl>
        {note ? <p className="mt-3 text-sm text-slate-600 dark:text-slate-300">{note}</p> : null}
        <div className="mt-4 flex flex-wrap gap-2">
          {actionsFor(connection.connection_status).map((action) => (
            <Button
              key={action.dialog}
              variant="secondary"
              size="sm"
              className={action.danger ? "text-red-700 dark:text-red-400" : undefined}
              onClick={() => {
                setDialog(action.dialog);
              }}
            >
              {action.label}
              {name}
            </Button>
          ))}
        </div>
      </article>
      <RotateKeyDialog connection={connection} open={dialog === "rotate"} onClose={close} />
      <RenameDialog connection={connection} open={dialog === "rename"} onClose={close} />
      <ReconnectDialog
        connection={connection}
        open={dialog === "reconnect"}
        onClose={() => {
          // Reconnected, its button is gone; cancelled, the heading is next to it anyway.
          focusHeadingOnClose.current = true;
          close();
        }}
      />
      <RemoveDialog connection={connection} open={dialog === "remove"} onClose={close} />
      <DisconnectDialog
        connection={connection}
        open={dialog === "disconnect"}
        onClose={close}
        onDisconnected={() => {
          focusHeadingOnClose.current = true;
          close();
        }}
      />
    </li>
  );
}

function Detail({
  term,
  className,
  children,
}: {
  term: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={cn("min-w-0", className)}>
      <dt className="text-slate-600 dark:text-slate-400">{term}</dt>
      <dd className="mt-0.5">{children}</dd>
    </div>
  );
}
