import type { Connection } from "@contracts/connection-schemas.ts";
import { Alert } from "@/components/ui/alert";
import { Dialog, ConfirmActions } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast/use-toast";
import { useRemoveConnection } from "@/features/integrations/api/remove-connection";

type RemoveDialogProps = {
  connection: Connection;
  open: boolean;
  onClose: () => void;
};

/**
 * Confirms removing a disconnected connection for good. Its sent messages and replies reference
 * it with cascading foreign keys, so they are deleted with it: the dialog says so first.
 */
export function RemoveDialog({ connection, open, onClose }: RemoveDialogProps) {
  const remove = useRemoveConnection();
  const toast = useToast();

  const close = () => {
    if (remove.isPending) return;
    remove.reset();
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Remove ${connection.connection_name}?`}
      description="The connection is deleted for good, and its message history is deleted with it."
    >
      <div className="space-y-2 text-sm">
        <p>
          Every message sent through this connection and every reply received on it are deleted, and
          cannot be recovered. To keep its history, leave it disconnected instead.
        </p>
        <p>No agent can use it now, so none loses access.</p>
      </div>
      {remove.error ? (
        <Alert tone="error" title="Not removed" className="mt-4">
          {remove.error.message}
        </Alert>
      ) : null}
      <ConfirmActions
        confirmLabel="Remove with its history"
        busy={remove.isPending}
        onCancel={close}
        onConfirm={() => {
          remove.mutate(connection.id, {
            onSuccess: () => {
              toast.success(
                `${connection.connection_name} removed`,
                "The connection and its message history were deleted.",
              );
              remove.reset();
              onClose();
            },
          });
        }}
      />
    </Dialog>
  );
}
