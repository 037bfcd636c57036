import { useState } from "react";

import { QueryError } from "@/components/errors/query-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, ConfirmActions } from "@/components/ui/dialog";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import type { AgentToken } from "@contracts/agent-tokens.ts";
import { useAgentTokens } from "@/features/agents/api/get-agent-tokens";
import { useRevokeAgentToken } from "@/features/agents/api/revoke-agent-token";
import { errorTitle } from "@/lib/api-error";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function When({ at }: { at: string }) {
  return <time dateTime={at}>{dateTime.format(new Date(at))}</time>;
}

/** The agent's tokens (name, first characters, made, last used), each with Revoke. */
export function McpTokenList({ agentId }: { agentId: string }) {
  const tokens = useAgentTokens(agentId);
  const revoke = useRevokeAgentToken();
  // The last token asked about stays in state, so the dialog keeps its words while it closes.
  const [confirming, setConfirming] = useState<{ token: AgentToken | null; open: boolean }>({
    token: null,
    open: false,
  });
  const [revokedName, setRevokedName] = useState<string | null>(null);
  const close = () => {
    setConfirming((current) => ({ ...current, open: false }));
  };

  if (tokens.isPending) {
    return (
      <SkeletonGroup label="Loading the tokens">
        <Skeleton className="h-14 w-full max-w-xl" />
      </SkeletonGroup>
    );
  }
  if (tokens.isError) {
    return (
      <QueryError
        title="Could not load the tokens"
        error={tokens.error}
        retrying={tokens.isFetching}
        onRetry={() => void tokens.refetch()}
      />
    );
  }

  const shown = confirming.token;
  return (
    <div className="space-y-3">
      {tokens.data.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 p-3 text-sm text-slate-600 dark:border-slate-700 dark:text-slate-300">
          No tokens yet. Make one to connect an MCP client to this agent.
        </p>
      ) : (
        <ul
          aria-label="Tokens"
          className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
        >
          {tokens.data.map((token) => (
            <li
              key={token.id}
              className="flex flex-col gap-2 p-3 text-sm sm:flex-row sm:items-start sm:justify-between"
            >
              <div className="min-w-0 space-y-0.5">
                <p className="font-medium wrap-anywhere">{token.name}</p>
                <p className="font-mono text-xs text-slate-700 wrap-anywhere dark:text-slate-300">
                  {token.prefix}
                  <span aria-hidden="true">…</span>
                </p>
                <p className="text-slate-600 dark:text-slate-300">
                  Created <When at={token.created_at} />
                  {" · "}
                  Last used{" "}
                  {token.last_used_at === null ? "never" : <When at={token.last_used_at} />}
                </p>
              </div>
              <Button
                variant="secondary"
                size="sm"
                className="shrink-0 self-start"
                aria-label={`Revoke ${token.name}`}
                busy={revoke.isPending && revoke.variables === token.id}
                onClick={() => {
                  setRevokedName(null);
                  setConfirming({ token, open: true });
                }}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}

      {revoke.isError ? (
        <Alert tone="error" title={errorTitle(revoke.error, "Could not revoke the token")}>
          {revoke.error.code === "token_not_found"
            ? "That token was already revoked (or its agent deleted); it no longer works."
            : revoke.error.message}
        </Alert>
      ) : null}
      <p role="status" className="text-sm text-slate-600 empty:hidden dark:text-slate-300">
        {revokedName === null
          ? null
          : `Revoked “${revokedName}”. Clients using it are refused from their next request.`}
      </p>

      <Dialog
        open={confirming.open}
        onClose={close}
        title={shown ? `Revoke “${shown.name}”?` : "Revoke the token?"}
        description={`MCP clients using ${shown ? `${shown.prefix}…` : "it"} are refused from their next request. This cannot be undone: to connect again, make a new token.`}
      >
        <ConfirmActions
          confirmLabel="Revoke token"
          onCancel={close}
          onConfirm={() => {
            close();
            if (shown === null) return;
            revoke.mutate(shown.id, {
              onSuccess: () => {
                setRevokedName(shown.name);
              },
            });
          }}
        />
      </Dialog>
    </div>
  );
}
