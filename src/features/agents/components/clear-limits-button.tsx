import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog, ConfirmActions } from "@/components/ui/dialog";

type ClearLimitsButtonProps = {
  agentName: string;
  /** False when the agent has no limits to clear. */
  enabled: boolean;
  busy: boolean;
  onConfirm: () => void;
};

/** "Clear all limits", after a confirmation that says what the agent may then do. */
export function ClearLimitsButton({ agentName, enabled, busy, onConfirm }: ClearLimitsButtonProps) {
  const [open, setOpen] = useState(false);
  const close = () => {
    setOpen(false);
  };

  return (
    <>
      <Button
        variant="secondary"
        disabled={!enabled}
        busy={busy}
        onClick={() => {
          setOpen(true);
        }}
      >
        Clear all limits
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title="Clear all limits?"
        description={
          <span className="wrap-anywhere">
            {agentName} loses its daily and monthly limits, recipient and country rules, quiet hours
            and approvals: it may then send to any number, at any time, as much as its permissions
            allow. Numbers that opted out stay refused.
          </span>
        }
      >
        <ConfirmActions
          confirmLabel="Clear all limits"
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
