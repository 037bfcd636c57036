import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { useToast } from "@/components/ui/toast/use-toast";
import type { Connection } from "@/features/integrations/api/schemas";
import {
  renameInputSchema,
  useUpdateConnection,
  type RenameInput,
} from "@/features/integrations/api/update-connection";
import { asSentence } from "@/features/integrations/utils/format";

type RenameDialogProps = {
  connection: Connection;
  open: boolean;
  onClose: () => void;
};

export function RenameDialog({ connection, open, onClose }: RenameDialogProps) {
  const update = useUpdateConnection();
  const toast = useToast();

  const close = () => {
    if (update.isPending) return;
    update.reset();
    onClose();
  };

  return (
    <Dialog open={open} onClose={close} title="Rename connection">
      <RenameForm
        currentName={connection.connection_name}
        pending={update.isPending}
        errorMessage={update.error?.message}
        onCancel={close}
        onSubmit={({ connection_name }) => {
          if (connection_name === connection.connection_name) {
            close();
            return;
          }
          update.mutate(
            { connection_id: connection.id, connection_name },
            {
              onSuccess: () => {
                toast.success("Connection renamed", `It is now called ${connection_name}.`);
                update.reset();
                onClose();
              },
            },
          );
        }}
      />
    </Dialog>
  );
}

type RenameFormProps = {
  currentName: string;
  onSubmit: (values: RenameInput) => void;
  onCancel: () => void;
  pending: boolean;
  errorMessage: string | undefined;
};

function RenameForm({ currentName, onSubmit, onCancel, pending, errorMessage }: RenameFormProps) {
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<RenameInput>({
    resolver: zodResolver(renameInputSchema),
    mode: "onTouched",
    defaultValues: { connection_name: currentName },
  });

  return (
    <form
      noValidate
      onSubmit={(event) => {
        void handleSubmit(onSubmit)(event);
      }}
    >
      <fieldset disabled={pending} className="min-w-0">
        <Field label="Connection name" error={asSentence(errors.connection_name?.message)}>
          <Input autoComplete="off" {...register("connection_name")} />
        </Field>
      </fieldset>
      {errorMessage ? (
        <Alert tone="error" title="Name not changed" className="mt-4">
          {errorMessage}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" busy={pending}>
          Save name
        </Button>
      </DialogActions>
    </form>
  );
}
