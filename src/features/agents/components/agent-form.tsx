import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogActions } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import {
  AGENT_DESCRIPTION_MAX,
  AGENT_NAME_MAX,
  agentInputSchema,
  type AgentInput,
} from "@/features/agents/api/create-agent";

type AgentFormProps = {
  defaultValues?: AgentInput;
  submitLabel: string;
  busy: boolean;
  /** The server's reason when the last save failed. */
  error?: string;
  onSubmit: (values: AgentInput) => void;
  onCancel: () => void;
};

/** Name and description of an agent, for the create and rename dialogs. */
export function AgentForm({
  defaultValues = { name: "", description: "" },
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
}: AgentFormProps) {
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<AgentInput>({ resolver: zodResolver(agentInputSchema), defaultValues });

  return (
    <form
      noValidate
      onSubmit={(event) => {
        void handleSubmit(onSubmit)(event);
      }}
      className="space-y-4"
    >
      <Field label="Name" error={errors.name?.message}>
        <Input autoComplete="off" maxLength={AGENT_NAME_MAX} {...register("name")} />
      </Field>
      <Field
        label="Description"
        optional
        description="What the agent is for, so you remember what to allow it."
        error={errors.description?.message}
      >
        <Textarea rows={3} maxLength={AGENT_DESCRIPTION_MAX} {...register("description")} />
      </Field>
      {error ? <Alert tone="error">{error}</Alert> : null}
      <DialogActions>
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" busy={busy}>
          {submitLabel}
        </Button>
      </DialogActions>
    </form>
  );
}
