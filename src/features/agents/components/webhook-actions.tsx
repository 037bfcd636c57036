import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";

type Confirmation = "rotate" | "remove" | null;

type WebhookActionsProps = {
  rotating: boolean;
  removing: boolean;
  onRotate: () => void;
  onRemove: () => void;
};

/** "Rotate secret" and "Remove webhook", each after a confirmation that says what follows. */
export function WebhookActions({ rotating, removing, onRotate, onRemove }: WebhookActionsProps) {
  const [confirming, setConfirming] = useState<Confirmation>(null);
  const close = () => {
    setConfirming(null);
  };

  return (
    <>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size="sm"
          busy={rotating}
          disabled={removing}
          onClick={() => {
            setConfirming("rotate");
          }}
        >
          Rotate secret
        </Button>
        <Button
          variant="secondary"
          size="sm"
          className="text-red-700 dark:text-red-400"
          busy={removing}
          disabled={rotating}
          onClick={() => {
            setConfirming("remove");
          }}
        >
          Remove webhook
        </Button>
      </div>
      <Dialog
        open={confirming === "rotate"}
        onClose={close}
        title="Rotate the signing secret?"
        description="A new secret is made and shown once. The current one stops working at once: requests signed with it are no longer sent, so update your agent straight away."
      >
        <DialogActions>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button
            onClick={() => {
              close();
              onRotate();
            }}
          >
            Rotate secret
          </Button>
        </DialogActions>
      </Dialog>
      <Dialog
        open={confirming === "remove"}
        onClose={close}
        title="Remove the webhook?"
        description="Replies are no longer sent to this agent, and its secret is deleted. Replies are still stored and shown in Conversations; the agent can read them with clicksend_get_replies."
      >
        <DialogActions>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              close();
              onRemove();
            }}
          >
            Remove webhook
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
