import type { Connection } from "@contracts/connection-schemas.ts";
import { QueryError } from "@/components/errors/query-error";
import { Alert } from "@/components/ui/alert";
import { Dialog, ConfirmActions } from "@/components/ui/dialog";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast/use-toast";
import { useDisconnectConnection } from "@/features/integrations/api/disconnect-connection";
import { useConnectionAgents } from "@/features/integrations/api/get-connection-agents";

type DisconnectDialogProps = {
  connection: Connection;
  open: boolean;
  onClose: () => void;
  onDisconnected: () => void;
};

/** Confirms a disconnect, naming every agent that loses access. */
export function DisconnectDialog({
  connection,
  open,
  onClose,
  onDisconnected,
}: DisconnectDialogProps) {
  const disconnect = useDisconnectConnection();
  const toast = useToast();

  const close = () => {
    if (disconnect.isPending) return;
    disconnect.reset();
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Disconnect ${connection.connection_name}?`}
      description="The stored API key is deleted and every agent's access to this ClickSend account ends at once. Its message history stays available."
    >
      <AgentsLosingAccess connectionId={connection.id} />
      {disconnect.error ? (
        <Alert tone="error" title="Still connected" className="mt-4">
          {disconnect.error.message}
        </Alert>
      ) : null}
      <ConfirmActions
        confirmLabel="Disconnect"
        busy={disconnect.isPending}
        onCancel={close}
        onConfirm={() => {
          disconnect.mutate(connection.id, {
            onSuccess: ({ revoked_grants }) => {
              toast.success(
                `${connection.connection_name} disconnected`,
                revoked_grants === 1
                  ? "1 agent lost access."
                  : `${String(revoked_grants)} agents lost access.`,
              );
              disconnect.reset();
              onDisconnected();
            },
          });
        }}
      />
    </Dialog>
  );
}

function AgentsLosingAccess({ connectionId }: { connectionId: string }) {
  const agents = useConnectionAgents(connectionId);

  if (agents.isPending) {
    return (
      <SkeletonGroup label="Checking which agents use this connection">
        <Skeleton className="w-3/4" />
        <Skeleton className="w-1/2" />
      </SkeletonGroup>
    );
  }
  if (agents.isError) {
    return (
      <QueryError
        title="Could not check which agents use this connection"
        error={agents.error}
        retrying={agents.isFetching}
        onRetry={() => void agents.refetch()}
      />
    );
  }
  if (agents.data.length === 0) {
    return <p className="text-sm">No agent has access to this connection, so none loses access.</p>;
  }
  return (
    <div className="text-sm">
      <p className="font-medium">
        {agents.data.length === 1
          ? "This agent loses access:"
          : `These ${String(agents.data.length)} agents lose access:`}
      </p>
      <ul className="mt-2 list-disc space-y-1 pl-5 wrap-break-word">
        {agents.data.map((agent) => (
          <li key={agent.id}>{agent.name}</li>
        ))}
      </ul>
    </div>
  );
}
