import { zodResolver } from "@hookform/resolvers/zod";
import { useForm, useWatch } from "react-hook-form";

import type { Connection } from "@contracts/connection-schemas.ts";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogActions } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PasswordInput } from "@/components/ui/password-input";
import { useToast } from "@/components/ui/toast/use-toast";
import {
  connectInputSchema,
  useConnectClickSend,
  type ConnectFormValues,
  type ConnectInput,
} from "@/features/integrations/api/connect-clicksend";
import type { SandboxInfo } from "@/features/integrations/api/get-sandbox-info";
import { asSentence } from "@/features/integrations/utils/format";
import type { ApiError } from "@/lib/api-error";
import { formatMoney } from "@/lib/format-money";

type ConnectDialogProps = {
  open: boolean;
  onClose: () => void;
  sandboxAccount: SandboxInfo["sandbox_account"];
  /** The user's connections, to warn before connecting an account that already is. */
  connections: Connection[];
  /** Closes this dialog and opens the rotate dialog of the connection holding the account. */
  onRotateInstead: (connection: Connection) => void;
};

/** The statuses that hold an account: the server refuses a second connection to it (409). */
const HOLDS_ACCOUNT: ReadonlySet<Connection["connection_status"]> = new Set([
  "active",
  "error",
  "expired",
]);

/** "Connect ClickSend": the server verifies the credentials with ClickSend before saving. */
export function ConnectDialog({
  open,
  onClose,
  sandboxAccount,
  connections,
  onRotateInstead,
}: ConnectDialogProps) {
  const connect = useConnectClickSend();
  const toast = useToast();

  const close = () => {
    // Closing mid-request would hide whether the account was connected.
    if (connect.isPending) return;
    connect.reset();
    onClose();
  };

  const submit = (values: ConnectInput) => {
    connect.mutate(values, {
      onSuccess: ({ account }) => {
        toast.success(
          "ClickSend connected",
          `${account.username} · balance ${formatMoney(account.balance, account.currency)}`,
        );
        connect.reset();
        onClose();
      },
    });
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="Connect ClickSend"
      description="Enter the API username and key from ClickSend's dashboard (API Credentials). We check them with ClickSend before saving anything; the key is never shown again."
    >
      <ConnectForm
        onSubmit={submit}
        onCancel={close}
        pending={connect.isPending}
        error={connect.error}
        onEdit={() => {
          // A refusal is about the values sent; once they change it no longer applies.
          if (connect.error) connect.reset();
        }}
        holderOf={(username) => {
          const typed = username.trim().toLowerCase();
          if (typed === "") return undefined;
          return connections.find(
            (connection) =>
              HOLDS_ACCOUNT.has(connection.connection_status) &&
              connection.external_username?.toLowerCase() === typed,
          );
        }}
        onRotateInstead={(connection) => {
          connect.reset();
          onRotateInstead(connection);
        }}
        sandboxAccount={sandboxAccount}
      />
    </Dialog>
  );
}

type ConnectFormProps = {
  onSubmit: (values: ConnectInput) => void;
  onCancel: () => void;
  pending: boolean;
  /** Why the server or ClickSend refused, e.g. ClickSend's "Authorization failed.". */
  error: ApiError | null;
  /** Any field changed. */
  onEdit: () => void;
  /** The user's connection that already holds this ClickSend username, if any. */
  holderOf: (username: string) => Connection | undefined;
  onRotateInstead: (connection: Connection) => void;
  sandboxAccount: SandboxInfo["sandbox_account"];
};

/** Mounted only while the dialog is open, so every opening starts empty. */
function ConnectForm({
  onSubmit,
  onCancel,
  pending,
  error,
  onEdit,
  holderOf,
  onRotateInstead,
  sandboxAccount,
}: ConnectFormProps) {
  const {
    register,
    handleSubmit,
    setValue,
    control,
    formState: { errors },
  } = useForm<ConnectFormValues, unknown, ConnectInput>({
    resolver: zodResolver(connectInputSchema),
    mode: "onTouched",
    defaultValues: { username: "", api_key: "", connection_name: "", default_sender_id: "" },
  });
  // Every field tells the dialog it changed, so a refusal of the old values disappears.
  const field = {
    onChange: () => {
      onEdit();
    },
  };
  const holder = holderOf(useWatch({ control, name: "username" }));
  // The server's 409 says the same as the warning: one of them is enough.
  const serverError = error?.code === "already_connected" && holder ? null : error;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        void handleSubmit(onSubmit)(event);
      }}
    >
      <fieldset disabled={pending} className="min-w-0 space-y-4">
        {sandboxAccount ? (
          <Alert tone="info" role="none" title="Sandbox test account">
            <p>
              This server uses the ClickSend sandbox: nothing is really sent or charged. Its test
              account is <span className="font-mono wrap-anywhere">{sandboxAccount.username}</span>{" "}
              with API key <span className="font-mono wrap-anywhere">{sandboxAccount.api_key}</span>
              .
            </p>
            <Button
              variant="secondary"
              size="sm"
              className="mt-2"
              onClick={() => {
                const options = { shouldValidate: true, shouldDirty: true, shouldTouch: true };
                setValue("username", sandboxAccount.username, options);
                setValue("api_key", sandboxAccount.api_key, options);
                onEdit();
              }}
            >
              Use sandbox credentials
            </Button>
          </Alert>
        ) : null}
        <Field label="Username" error={asSentence(errors.username?.message)}>
          <Input
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            {...register("username", field)}
          />
        </Field>
        {holder ? (
          <Alert tone="warning" title="Already connected">
            <p>
              The ClickSend account{" "}
              <span className="wrap-anywhere">{holder.external_username}</span> is already connected
              as “{holder.connection_name}”. To use a new API key, rotate the key on that connection
              instead of connecting the account again.
            </p>
            <Button
              variant="secondary"
              size="sm"
              className="mt-2"
              onClick={() => {
                onRotateInstead(holder);
              }}
            >
              Rotate the key on {holder.connection_name} instead
            </Button>
          </Alert>
        ) : null}
        <Field label="API key" error={asSentence(errors.api_key?.message)}>
          <PasswordInput autoComplete="off" {...register("api_key", field)} />
        </Field>
        <Field
          label="Connection name"
          optional
          description="How this account appears here and on the Agents page."
          error={asSentence(errors.connection_name?.message)}
        >
          <Input autoComplete="off" {...register("connection_name", field)} />
        </Field>
        <Field
          label="Default sender ID"
          optional
          description="An E.164 number such as +61411111111, or 3–11 letters and digits."
          error={asSentence(errors.default_sender_id?.message)}
        >
          <Input autoComplete="off" spellCheck={false} {...register("default_sender_id", field)} />
        </Field>
      </fieldset>
      {serverError ? (
        <Alert tone="error" title="ClickSend account not connected" className="mt-4">
          {serverError.message}
        </Alert>
      ) : null}
      <DialogActions>
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" busy={pending}>
          Connect
        </Button>
      </DialogActions>
    </form>
  );
}
