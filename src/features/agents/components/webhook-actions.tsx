import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";

type Action = "rotate" | "remove";

/** Each action's button and the confirmation that says what follows it. */
const ACTIONS: Record<
  Action,
  { label: string; title: string; description: string; danger: boolean }
> = {
  rotate: {
    label: "Rotate secret",
    title: "Rotate the signing secret?",
    description:
      "A new secret is made and shown once. The current one stops working at once: requests signed with it are no longer sent, so update your agent straight away.",
    danger: false,
  },
  remove: {
    label: "Remove webhook",
    title: "Remove the webhook?",
    description:
      "Replies are no longer sent to this agent, and its secret is deleted. Replies are still stored and shown in Conversations; the agent can read them with clicksend_get_replies.",
    danger: true,
  },
};

type WebhookActionsProps = {
  rotating: boolean;
  removing: boolean;
  onRotate: () => void;
  onRemove: () => void;
};

/** "Rotate secret" and "Remove webhook", each after a confirmation that says what follows. */
export function WebhookActions({ rotating, removing, onRotate, onRemove }: WebhookActionsProps) {
  // The last action asked about stays in state, so the dialog keeps its words while it closes.
  const [confirming, setConfirming] = useState<{ action: Action; open: boolean }>({
    action: "rotate",
    open: false,
  });
  const busy: Record<Action, boolean> = { rotate: rotating, remove: removing };
  const run: Record<Action, () => void> = { rotate: onRotate, remove: onRemove };
  const close = () => {
    setConfirming((current) => ({ ...current, open: false }));
  };
  const shown = ACTIONS[confirming.action];

  return (
    <>
      <div className="flex flex-wrap gap-2">
        {(Object.keys(ACTIONS) as Action[]).map((action) => (
          <Button
            key={action}
            variant="secondary"
            size="sm"
            className={ACTIONS[action].danger ? "text-red-700 dark:text-red-400" : undefined}
            busy={busy[action]}
            // One change at a time: the other button waits while this one runs.
            disabled={action === "rotate" ? removing : rotating}
            onClick={() => {
              setConfirming({ action, open: true });
            }}
          >
            {ACTIONS[action].label}
          </Button>
        ))}
      </div>
      <Dialog
        open={confirming.open}
        onClose={close}
        title={shown.title}
        description={shown.description}
      >
        <DialogActions>
          <Button variant="secondary" onClick={close}>
            Cancel
          </Button>
          <Button
            variant={shown.danger ? "danger" : "primary"}
            onClick={() => {
              close();
              run[confirming.action]();
            }}
          >
            {shown.label}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
