import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";

import type { Connection } from "@contracts/connection-schemas.ts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PasswordInput } from "@/components/ui/password-input";
import { useToast } from "@/components/ui/toast/use-toast";
import {
  useUpdateConnection,
  type UpdateConnectionInput,
} from "@/features/integrations/api/update-connection";
import { asSentence } from "@/features/integrations/utils/format";

type ConnectionFieldDialogProps = {
  connection: Connection;
  open: boolean;
  onClose: () => void;
  title: string;
  description?: string;
  /** The one field: its label, rule, starting value, and whether it is a secret. */
  label: string;
  schema: z.ZodType<string, string>;
  initialValue: string;
  secret?: boolean;
  submitLabel: string;
  /** The alert's title when clicksend-connect refuses the change. */
  failureTitle: string;
  /** The PATCH for a value, or null when nothing would change (the dialog just closes). */
  toChange: (value: string) => Omit<UpdateConnectionInput, "connection_id"> | null;
  /** The success toast's title and description. */
  success: (value: string) => [string, string];
};

/** Changes one thing on a connection through clicksend-connect's PATCH: rename, rotate the key. */
export function ConnectionFieldDialog({
  connection,
  open,
  onClose,
  title,
  description,
  failureTitle,
  toChange,
  success,
  ...field
}: ConnectionFieldDialogProps) {
  const update = useUpdateConnection();
  const toast = useToast();

  const close = () => {
    if (update.isPending) return;
    update.reset();
    onClose();
  };

  return (
    <Dialog open={open} onClose={close} title={title} description={description}>
      <FieldForm
        {...field}
        pending={update.isPending}
        errorMessage={update.error?.message}
        failureTitle={failureTitle}
        onCancel={close}
        onSubmit={(value) => {
          const change = toChange(value);
          if (change === null) {
            close();
            return;
          }
          update.mutate(
            { connection_id: connection.id, ...change },
            {
              onSuccess: () => {
                toast.success(...success(value));
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

type FieldFormProps = {
  label: string;
  schema: z.ZodType<string, string>;
  initialValue: string;
  secret?: boolean;
  submitLabel: string;
  failureTitle: string;
  onSubmit: (value: string) => void;
  onCancel: () => void;
  pending: boolean;
  errorMessage: string | undefined;
};

function FieldForm({
  label,
  schema,
  initialValue,
  secret = false,
  submitLabel,
  failureTitle,
  onSubmit,
  onCancel,
  pending,
  errorMessage,
}: FieldFormProps) {
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<{ value: string }>({
    resolver: zodResolver(z.object({ value: schema })),
    mode: "onTouched",
    defaultValues: { value: initialValue },
  });
  const FieldInput = secret ? PasswordInput : Input;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        void handleSubmit(({ value }) => {
          onSubmit(value);
        })(event);
      }}
    >
      <fieldset disabled={pending} className="min-w-0">
        <Field label={label} error={asSentence(errors.value?.message)}>
          <FieldInput autoComplete="off" {...register("value")} />
        </Field>
      </fieldset>
      {errorMessage ? (
        <Alert tone="error" title={failureTitle} className="mt-4">
          {errorMessage}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" busy={pending}>
          {submitLabel}
        </Button>
      </DialogActions>
    </form>
  );
}
