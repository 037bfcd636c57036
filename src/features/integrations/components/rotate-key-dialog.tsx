import type { Connection } from "@contracts/connection-schemas.ts";
import { apiKeySchema } from "@/features/integrations/api/connection-rules";
import { ConnectionFieldDialog } from "@/features/integrations/components/connection-field-dialog";

type RotateKeyDialogProps = {
  connection: Connection;
  open: boolean;
  onClose: () => void;
};

/**
 * Replaces the stored key; the new one is verified with ClickSend first, or nothing changes.
 * Never pre-filled: the stored key is not readable, and the field starts empty each time.
 */
export function RotateKeyDialog({ connection, open, onClose }: RotateKeyDialogProps) {
  return (
    <ConnectionFieldDialog
      connection={connection}
      open={open}
      onClose={onClose}
      title="Rotate API key"
      description={`Paste a new API key for ${connection.external_username ?? connection.connection_name}. ClickSend checks it first; the old key keeps working until the new one is accepted.`}
      label="New API key"
      schema={apiKeySchema}
      initialValue=""
      secret
      submitLabel="Rotate key"
      failureTitle="Key not changed"
      toChange={(apiKey) => ({ api_key: apiKey })}
      success={() => ["API key rotated", `${connection.connection_name} uses the new key.`]}
    />
  );
}
