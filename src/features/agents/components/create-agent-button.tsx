import { useState } from "react";

import { Button } from "@/components/ui/button";
import type { ButtonVariant } from "@/components/ui/button-styles";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast/use-toast";
import { useCreateAgent } from "@/features/agents/api/create-agent";
import type { Agent } from "@/features/agents/api/get-agents";
import { AgentForm } from "@/features/agents/components/agent-form";

type CreateAgentButtonProps = {
  onCreated?: (agent: Agent) => void;
  variant?: ButtonVariant;
  className?: string;
};

/** "New agent": a dialog asking for a name and an optional description. */
export function CreateAgentButton({
  onCreated,
  variant = "primary",
  className,
}: CreateAgentButtonProps) {
  const [open, setOpen] = useState(false);
  const toast = useToast();
  const createAgent = useCreateAgent({
    onSuccess: (agent) => {
      setOpen(false);
      toast.success(
        "Agent created",
        `${agent.name} has no permissions yet: turn on what it needs.`,
      );
      onCreated?.(agent);
    },
  });

  function close() {
    if (createAgent.isPending) return;
    setOpen(false);
    createAgent.reset();
  }

  return (
    <>
      <Button
        variant={variant}
        className={className}
        onClick={() => {
          setOpen(true);
        }}
      >
        New agent
      </Button>
      <Dialog open={open} onClose={close} title="Create agent">
        <AgentForm
          submitLabel="Create agent"
          busy={createAgent.isPending}
          error={createAgent.error?.message}
          onSubmit={(values) => {
            createAgent.mutate(values);
          }}
          onCancel={close}
        />
      </Dialog>
    </>
  );
}
