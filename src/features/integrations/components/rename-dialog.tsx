import type { Connection } from "@contracts/connection-schemas.ts";
import { connectionNameSchema } from "@/features/integrations/api/connection-rules";
import { ConnectionFieldDialog } from "@/features/integrations/components/connection-field-dialog";

type RenameDialogProps = {
  connection: Connection;
  open: boolean;
  onClose: () => void;
};

export function RenameDialog({ connection, open, onClose }: RenameDialogProps) {
  return (
    <ConnectionFieldDialog
      connection={connection}
      open={open}
      onClose={onClose}
      title="Rename connection"
      label="Connection name"
      schema={connectionNameSchema}
      initialValue={connection.connection_name}
      submitLabel="Save name"
      failureTitle="Name not changed"
      toChange={(name) => (name === connection.connection_name ? null : { connection_name: name })}
      success={(name) => ["Connection renamed", `It is now called ${name}.`]}
    />
  );
}
