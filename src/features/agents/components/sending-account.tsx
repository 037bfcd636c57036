import type { Connection } from "@contracts/connection-schemas.ts";
import { useId, useState } from "react";

import { QueryError } from "@/components/errors/query-error";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast/use-toast";
import { scopesOn, type AgentGrant } from "@/features/agents/api/get-agent-grants";
import type { Agent } from "@/features/agents/api/get-agents";
import { useSendingAccount } from "@/features/agents/api/get-sending-account";
import { useSetDefaultAccount } from "@/features/agents/api/set-default-account";
import type { SaveState } from "@/features/agents/components/connection-scopes";
import { connectionTitle } from "@/lib/connections/get-connections";
import { cn } from "@/utils/cn";

const SAVE_STATE_TEXT: Record<SaveState, string> = {
  saving: "Saving…",
  saved: "Saved",
  failed: "Not saved — try again",
};

type SendingAccountProps = {
  agent: Agent;
  /** The user's active connections. */
  connections: readonly Connection[];
  grants: readonly AgentGrant[];
};

const boxClasses = "rounded-lg border border-slate-200 p-4 dark:border-slate-800";

/**
 * Which ClickSend account the agent sends from. With grants on two or more accounts the owner
 * chooses one (stored as the agent's default, which the executor uses whenever that grant allows
 * the tool); with one grant the page just names it.
 */
export function SendingAccount({ agent, connections, grants }: SendingAccountProps) {
  const legendId = useId();
  const noteId = useId();
  const statusId = useId();
  const toast = useToast();
  const granted = connections.filter((connection) => scopesOn(grants, connection.id).length > 0);
  const account = useSendingAccount(agent.id, granted.length > 1);
  const [saveState, setSaveState] = useState<SaveState | undefined>(undefined);
  const setDefault = useSetDefaultAccount(agent.id, {
    onSuccess: () => {
      setSaveState("saved");
    },
    onError: (error, { connectionId }) => {
      setSaveState("failed");
      const connection = connections.find((candidate) => candidate.id === connectionId);
      toast.error(
        "Could not choose the account",
        `${connection ? connectionTitle(connection) : "That account"}: ${error.message} The choice was set back.`,
      );
    },
  });

  if (granted.length === 0) return null;

  if (granted.length === 1) {
    const [only] = granted;
    return (
      <p className={cn(boxClasses, "text-sm")}>
        {agent.name} sends from{" "}
        <strong className="font-semibold wrap-anywhere">
          {only ? connectionTitle(only) : null}
        </strong>
        , the only ClickSend account it is granted on. Every tool result names the account.
      </p>
    );
  }

  if (account.isPending) {
    return (
      <SkeletonGroup label="Loading the sending account" className={boxClasses}>
        <Skeleton className="w-2/3" />
        <Skeleton className="h-3 w-1/2" />
      </SkeletonGroup>
    );
  }
  if (account.isError) {
    return (
      <QueryError
        title="Could not load which account this agent sends from"
        error={account.error}
        retrying={account.isFetching}
        onRetry={() => void account.refetch()}
      />
    );
  }

  const { defaultConnectionId, grantedAt } = account.data;
  const chosen = granted.find((connection) => connection.id === defaultConnectionId);
  // Without a usable default the executor takes the newest grant that allows the tool.
  const canSend = (connection: Connection) => scopesOn(grants, connection.id).includes("sms");
  const newest = [...granted]
    .sort((a, b) => (grantedAt[b.id] ?? "").localeCompare(grantedAt[a.id] ?? ""))
    .sort((a, b) => Number(canSend(b)) - Number(canSend(a)))[0];

  return (
    <div
      role="radiogroup"
      className={cn(boxClasses, "min-w-0")}
      aria-labelledby={legendId}
      aria-describedby={`${noteId} ${statusId}`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <p id={legendId} className="text-sm font-semibold wrap-anywhere">
          Which ClickSend account does {agent.name} send from?
        </p>
        <span
          id={statusId}
          aria-live="polite"
          className={cn(
            "text-xs whitespace-nowrap text-slate-600 dark:text-slate-300",
            saveState === "failed" && "font-medium text-red-700 dark:text-red-300",
            saveState === "saved" && "text-green-700 dark:text-green-300",
          )}
        >
          {saveState ? SAVE_STATE_TEXT[saveState] : null}
        </span>
      </div>
      <div className="mt-3 space-y-2">
        {granted.map((connection) => (
          <label
            key={connection.id}
            className={cn(
              "flex cursor-pointer items-start gap-3 rounded-md border border-slate-200 px-3 py-2 dark:border-slate-700",
              "has-checked:border-blue-600 has-checked:bg-blue-50 dark:has-checked:border-blue-400 dark:has-checked:bg-blue-950",
              "has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-blue-600 dark:has-focus-visible:outline-blue-400",
            )}
          >
            <input
              type="radio"
              name={`sending-account-${agent.id}`}
              value={connection.id}
              checked={chosen?.id === connection.id}
              onChange={() => {
                setSaveState("saving");
                setDefault.mutate({ agentId: agent.id, connectionId: connection.id });
              }}
              className="mt-0.5 size-4 shrink-0 accent-blue-600 focus-visible:outline-none dark:accent-blue-400"
            />
            <span className="min-w-0 text-sm">
              <span className="font-medium wrap-anywhere">{connectionTitle(connection)}</span>
              {canSend(connection) ? null : (
                <span className="block text-slate-600 dark:text-slate-300">
                  Cannot send SMS here: its permissions do not include Send SMS.
                </span>
              )}
            </span>
          </label>
        ))}
      </div>
      <p id={noteId} className="mt-3 text-sm text-slate-600 dark:text-slate-300">
        {chosen === undefined && newest ? (
          <>
            Not chosen yet: it sends from{" "}
            <strong className="font-semibold wrap-anywhere">{connectionTitle(newest)}</strong>, the
            account granted most recently.{" "}
          </>
        ) : null}
        If the chosen account’s permissions do not allow a tool, the agent uses another granted
        account that does. Every tool result names the account used.
      </p>
    </div>
  );
}
