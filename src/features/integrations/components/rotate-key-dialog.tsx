import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { PasswordInput } from "@/components/ui/password-input";
import { useToast } from "@/components/ui/toast/use-toast";
import type { Connection } from "@/features/integrations/api/schemas";
import {
  rotateKeyInputSchema,
  useUpdateConnection,
  type RotateKeyInput,
} from "@/features/integrations/api/update-connection";
import { asSentence } from "@/features/integrations/utils/format";

type RotateKeyDialogProps = {
  connection: Connection;
  open: boolean;
  onClose: () => void;
};

/** Replaces the stored key; the new one is verified with ClickSend first, or nothing changes. */
export function RotateKeyDialog({ connection, open, onClose }: RotateKeyDialogProps) {
  const update = useUpdateConnection();
  const toast = useToast();

  const close = () => {
    if (update.isPending) return;
    update.reset();
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Rotate API key"
      description={`Paste a new API key for ${connection.external_username ?? connection.connection_name}. ClickSend checks it first; the old key keeps working until the new one is accepted.`}
    >
      <RotateKeyForm
        pending={update.isPending}
        errorMessage={update.error?.message}
        onCancel={close}
        onSubmit={({ api_key }) => {
          update.mutate(
            { connection_id: connection.id, api_key },
            {
              onSuccess: () => {
                toast.success("API key rotated", `${connection.connection_name} uses the new key.`);
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

type RotateKeyFormProps = {
  onSubmit: (values: RotateKeyInput) => void;
  onCancel: () => void;
  pending: boolean;
  errorMessage: string | undefined;
};

/** Never pre-filled: the stored key is not readable, and the field starts empty each time. */
function RotateKeyForm({ onSubmit, onCancel, pending, errorMessage }: RotateKeyFormProps) {
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<RotateKeyInput>({
    resolver: zodResolver(rotateKeyInputSchema),
    mode: "onTouched",
    defaultValues: { api_key: "" },
  });

  return (
    <form
      noValidate
      onSubmit={(event) => {
        void handleSubmit(onSubmit)(event);
      }}
    >
      <fieldset disabled={pending} className="min-w-0">
        <Field label="New API key" error={asSentence(errors.api_key?.message)}>
          <PasswordInput autoComplete="off" {...register("api_key")} />
        </Field>
      </fieldset>
      {errorMessage ? (
        <Alert tone="error" title="Key not changed" className="mt-4">
          {errorMessage}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" busy={pending}>
          Rotate key
        </Button>
      </DialogActions>
    </form>
  );
}
