import { Alert } from "@/components/ui/alert";
import { Dialog, ConfirmActions } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast/use-toast";
import { useRemoveOptOut } from "@/features/opt-outs/api/remove-opt-out";
import { formatExact } from "@/features/opt-outs/utils";
import type { OptOutEntry } from "@/lib/opt-outs/get-opt-outs";

type RemoveOptOutDialogProps = {
  entry: OptOutEntry;
  open: boolean;
  onClose: () => void;
};

/**
 * Confirms taking a number off an account's list. It says first that the person asked not to be
 * texted, and when, because removing them is what lets every send path text them again.
 */
export function RemoveOptOutDialog({ entry, open, onClose }: RemoveOptOutDialogProps) {
  const remove = useRemoveOptOut();
  const toast = useToast();
  const when = formatExact(entry.since);

  const close = () => {
    if (remove.isPending) return;
    remove.reset();
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Remove ${entry.phone} from opt-outs?`}
      description="This person asked not to be texted."
    >
      <div className="space-y-2 text-sm">
        <p>
          {entry.source === "reply"
            ? `They opted out by replying ${entry.keyword ?? "STOP"} on ${when}.`
            : `The number was added to the opt-out list by hand on ${when}.`}
        </p>
        <p>
          Removing it lets your agents and the composer text {entry.phone} again from ClickSend
          account <strong className="font-semibold wrap-anywhere">{entry.account_username}</strong>.
          Only remove it if they have asked to hear from you again.
        </p>
        <p>The change is kept in the number&apos;s consent history.</p>
      </div>
      {remove.error ? (
        <Alert tone="error" title="Not removed" className="mt-4">
          {remove.error.message}
        </Alert>
      ) : null}
      <ConfirmActions
        confirmLabel="Remove and allow texts"
        busy={remove.isPending}
        onCancel={close}
        onConfirm={() => {
          remove.mutate(
            { account: entry.account_username, phone: entry.phone },
            {
              onSuccess: (removed) => {
                if (removed) {
                  toast.success(
                    `${entry.phone} removed from opt-outs`,
                    "Agents and the composer can text this number again.",
                  );
                } else {
                  toast.info(`${entry.phone} was already removed`, "Nothing changed.");
                }
                remove.reset();
                onClose();
              },
            },
          );
        }}
      />
    </Dialog>
  );
}
