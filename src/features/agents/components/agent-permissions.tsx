import { useId, useState } from "react";
import { Link } from "react-router";

import { QueryError } from "@/components/errors/query-error";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { useToast } from "@/components/ui/toast/use-toast";
import { paths } from "@/config/paths";
import { scopesOn, useAgentGrants } from "@/features/agents/api/get-agent-grants";
import type { Agent } from "@/features/agents/api/get-agents";
import { useRevokeAgentGrants } from "@/features/agents/api/revoke-agent-grants";
import { useSetGrantScopes } from "@/features/agents/api/set-grant-scopes";
import { SCOPES, SCOPE_LABELS, type Scope } from "@/features/agents/catalog";
import { ConnectionScopes, type SaveState } from "@/features/agents/components/connection-scopes";
import { RevokeAllButton } from "@/features/agents/components/revoke-all-button";
import { SendingAccount } from "@/features/agents/components/sending-account";
import { connectionTitle, useActiveConnections } from "@/lib/connections/get-connections";

function PermissionsSkeleton() {
  return (
    <SkeletonGroup
      label="Loading permissions"
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      {SCOPES.map((scope) => (
        <div key={scope} className="flex items-center justify-between gap-4">
          <div className="w-full max-w-xs space-y-2">
            <Skeleton className="w-1/2" />
            <Skeleton className="h-3 w-3/4" />
          </div>
          <Skeleton className="h-6 w-11 rounded-full" />
        </div>
      ))}
    </SkeletonGroup>
  );
}

function NoConnection() {
  return (
    <EmptyState title="No ClickSend account connected">
      <p>
        Permissions are granted on a ClickSend connection, and you have none yet.{" "}
        <Link to={paths.integrations} className={textLinkClasses}>
          Connect ClickSend on the Integrations page
        </Link>
        , then come back to choose what this agent may do.
      </p>
    </EmptyState>
  );
}

/** Per connection, one switch per scope; saved at once, optimistically; plus "Revoke all". */
export function AgentPermissions({ agent }: { agent: Agent }) {
  const headingId = useId();
  const toast = useToast();
  const connections = useActiveConnections();
  const grants = useAgentGrants(agent.id);

  const titleOf = (connectionId: string) => {
    const connection = connections.data?.find((candidate) => candidate.id === connectionId);
    return connection ? connectionTitle(connection) : "ClickSend";
  };
  // Each switch says whether its own save went through, so successes need no toast.
  const [saveStates, setSaveStates] = useState<Record<string, SaveState>>({});
  const markSave = (connectionId: string, scope: Scope, state: SaveState) => {
    setSaveStates((current) => ({ ...current, [`${connectionId}:${scope}`]: state }));
  };
  const setScopes = useSetGrantScopes(agent.id, {
    onSuccess: ({ connectionId, changed }) => {
      markSave(connectionId, changed, "saved");
    },
    onError: (error, { connectionId, changed }) => {
      markSave(connectionId, changed, "failed");
      toast.error(
        "Could not save permissions",
        `${SCOPE_LABELS[changed]} on ${titleOf(connectionId)}: ${error.message} The switch was set back.`,
      );
    },
  });
  const revokeAll = useRevokeAgentGrants(agent.id, {
    onSuccess: () => {
      setSaveStates({});
      toast.success("All permissions revoked", `${agent.name} can no longer use any tool.`);
    },
    onError: (error) => {
      toast.error("Could not revoke permissions", `${error.message} Nothing was changed.`);
    },
  });

  let body;
  if (connections.isPending || grants.isPending) {
    body = <PermissionsSkeleton />;
  } else if (connections.isError) {
    body = (
      <QueryError
        title="Could not load your ClickSend connections"
        error={connections.error}
        retrying={connections.isFetching}
        onRetry={() => void connections.refetch()}
      />
    );
  } else if (grants.isError) {
    body = (
      <QueryError
        title="Could not load this agent's permissions"
        error={grants.error}
        retrying={grants.isFetching}
        onRetry={() => void grants.refetch()}
      />
    );
  } else if (connections.data.length === 0) {
    body = <NoConnection />;
  } else {
    const grantList = grants.data;
    const toggle = (connectionId: string, scope: Scope, on: boolean) => {
      const current = scopesOn(grantList, connectionId);
      const scopes = SCOPES.filter((candidate) =>
        candidate === scope ? on : current.includes(candidate),
      );
      const expiresAt =
        grantList.find((grant) => grant.connectionId === connectionId)?.expiresAt ?? null;
      markSave(connectionId, scope, "saving");
      setScopes.mutate({ agentId: agent.id, connectionId, scopes, expiresAt, changed: scope });
    };
    body = (
      <div className="space-y-4">
        <SendingAccount agent={agent} connections={connections.data} grants={grantList} />
        {connections.data.map((connection) => {
          const grant = grantList.find((candidate) => candidate.connectionId === connection.id);
          return (
            <ConnectionScopes
              key={connection.id}
              connection={connection}
              scopes={grant?.scopes ?? []}
              expiresAt={grant?.expiresAt ?? null}
              saveStateOf={(scope) => saveStates[`${connection.id}:${scope}`]}
              onToggle={(scope, on) => {
                toggle(connection.id, scope, on);
              }}
            />
          );
        })}
      </div>
    );
  }

  const anyGranted = grants.data?.some((grant) => grant.scopes.length > 0) ?? false;

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 id={headingId} className="text-lg font-semibold">
          Permissions
        </h3>
        <RevokeAllButton
          agentName={agent.name}
          enabled={anyGranted}
          onConfirm={() => {
            revokeAll.mutate();
          }}
        />
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Each switch lets this agent use a ClickSend capability, and the tools listed under it.
        Changes are saved at once.
      </p>
      {body}
    </section>
  );
}
