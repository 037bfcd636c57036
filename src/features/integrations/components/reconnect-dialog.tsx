import type { Connection } from "@contracts/connection-schemas.ts";
import { apiKeySchema } from "@/features/integrations/api/connection-rules";
import { ConnectionFieldDialog } from "@/features/integrations/components/connection-field-dialog";

type ReconnectDialogProps = {
  connection: Connection;
  open: boolean;
  onClose: () => void;
};

/**
 * Brings a disconnected connection back with a key ClickSend accepts (clicksend-connect's PATCH
 * on a revoked connection): the same connection, so its message history stays with it.
 */
export function ReconnectDialog({ connection, open, onClose }: ReconnectDialogProps) {
  const account = connection.external_username ?? connection.connection_name;
  return (
    <ConnectionFieldDialog
      connection={connection}
      open={open}
      onClose={onClose}
      title={`Reconnect ${connection.connection_name}`}
      description={`Paste the API key for ${account}. ClickSend checks it first; nothing changes if it refuses. Its message history stays, and agents that had access get it back only when you grant it again on the Agents page.`}
      label="API key"
      schema={apiKeySchema}
      initialValue=""
      secret
      submitLabel="Reconnect"
      failureTitle="Still disconnected"
      toChange={(apiKey) => ({ api_key: apiKey })}
      success={() => ["Reconnected", `${connection.connection_name} is active again.`]}
    />
  );
}
