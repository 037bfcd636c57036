import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog, ConfirmActions } from "@/components/ui/dialog";

type RevokeAllButtonProps = {
  agentName: string;
  /** False when the agent has nothing to revoke. */
  enabled: boolean;
  onConfirm: () => void;
};

/** "Revoke all", after a confirmation; the save itself is optimistic, like the switches. */
export function RevokeAllButton({ agentName, enabled, onConfirm }: RevokeAllButtonProps) {
  const [open, setOpen] = useState(false);
  const close = () => {
    setOpen(false);
  };

  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        disabled={!enabled}
        onClick={() => {
          setOpen(true);
        }}
      >
        Revoke all
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title="Revoke all permissions?"
        description={
          <span className="wrap-anywhere">
            {agentName} loses every ClickSend permission on every connection, and sees no tools
            until you turn some on again.
          </span>
        }
      >
        <ConfirmActions
          confirmLabel="Revoke all"
          onCancel={close}
          onConfirm={() => {
            setOpen(false);
            onConfirm();
          }}
        />
      </Dialog>
    </>
  );
}
