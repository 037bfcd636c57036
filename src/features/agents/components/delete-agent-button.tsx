import { useState } from "react";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, ConfirmActions } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast/use-toast";
import { useDeleteAgent } from "@/features/agents/api/delete-agent";
import type { Agent } from "@/features/agents/api/get-agents";

type DeleteAgentButtonProps = {
  agent: Agent;
  onDeleted?: () => void;
};

/** "Delete", after a confirmation that says what goes with the agent. */
export function DeleteAgentButton({ agent, onDeleted }: DeleteAgentButtonProps) {
  const [open, setOpen] = useState(false);
  const toast = useToast();
  const deleteAgent = useDeleteAgent({
    onSuccess: () => {
      setOpen(false);
      toast.success("Agent deleted", `${agent.name} and its permissions are gone.`);
      onDeleted?.();
    },
  });

  function close() {
    if (deleteAgent.isPending) return;
    setOpen(false);
    deleteAgent.reset();
  }

  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        onClick={() => {
          setOpen(true);
        }}
      >
        Delete <span className="sr-only">{agent.name}</span>
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title={<span className="wrap-anywhere">Delete {agent.name}?</span>}
        description="The agent and all its ClickSend permissions are deleted, so it can no longer call any tool. Messages it sent stay in your history. This cannot be undone."
      >
        {deleteAgent.error ? (
          <Alert tone="error" title="Could not delete the agent">
            {deleteAgent.error.message}
          </Alert>
        ) : null}
        <ConfirmActions
          confirmLabel="Delete agent"
          busy={deleteAgent.isPending}
          onCancel={close}
          onConfirm={() => {
            deleteAgent.mutate(agent.id);
          }}
        />
      </Dialog>
    </>
  );
}
