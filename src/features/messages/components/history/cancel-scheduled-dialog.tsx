import { Dialog, ConfirmActions } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast/use-toast";
import { useCancelScheduled } from "@/features/messages/api/cancel-scheduled";
import type { MessageRow } from "@/features/messages/api/get-message-history";
import { formatUnixTime } from "@/features/messages/utils/format";

type CancelScheduledDialogProps = {
  connectionId: string;
  /** The scheduled SMS to cancel; null while closed. */
  message: MessageRow | null;
  onClose: () => void;
};

/**
 * Asks before cancelling a scheduled SMS (ClickSend refunds it). Lives beside the table, not in
 * the row, because the row's button disappears once the message is no longer scheduled.
 */
export function CancelScheduledDialog({
  connectionId,
  message,
  onClose,
}: CancelScheduledDialogProps) {
  const cancel = useCancelScheduled(connectionId);
  const toast = useToast();
  const when = message ? formatUnixTime(message.schedule ?? message.date) : "";

  return (
    <Dialog
      open={message !== null}
      onClose={() => {
        if (!cancel.isPending) onClose();
      }}
      title="Cancel this scheduled SMS?"
      description={message ? `The SMS to ${message.to}, due ${when}, will not be sent.` : undefined}
    >
      <ConfirmActions
        confirmLabel="Cancel SMS"
        cancelLabel="Keep it"
        busy={cancel.isPending}
        onCancel={onClose}
        onConfirm={() => {
          if (!message) return;
          cancel.mutate(
            { message_id: message.messageId },
            {
              onSuccess: () => {
                onClose();
                toast.success("Scheduled SMS cancelled", `It will not go to ${message.to}.`);
              },
              onError: (error) => {
                onClose();
                toast.error("Could not cancel the SMS", error.message);
              },
            },
          );
        }}
      />
    </Dialog>
  );
}
