import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useToast } from "@/components/ui/toast/use-toast";
import type { Agent } from "@/features/agents/api/get-agents";
import { useUpdateAgent } from "@/features/agents/api/update-agent";
import { AgentForm } from "@/features/agents/components/agent-form";

/** "Rename": change the agent's name and description. */
export function RenameAgentButton({ agent }: { agent: Agent }) {
  const [open, setOpen] = useState(false);
  const toast = useToast();
  const updateAgent = useUpdateAgent({
    onSuccess: (updated) => {
      setOpen(false);
      toast.success("Agent saved", `It is now called ${updated.name}.`);
    },
  });

  function close() {
    if (updateAgent.isPending) return;
    setOpen(false);
    updateAgent.reset();
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
        Rename <span className="sr-only">{agent.name}</span>
      </Button>
      <Dialog open={open} onClose={close} title="Rename agent">
        <AgentForm
          defaultValues={{ name: agent.name, description: agent.description ?? "" }}
          submitLabel="Save"
          busy={updateAgent.isPending}
          error={updateAgent.error?.message}
          onSubmit={(values) => {
            updateAgent.mutate({ agentId: agent.id, ...values });
          }}
          onCancel={close}
        />
      </Dialog>
    </>
  );
}
