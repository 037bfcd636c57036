import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { accountBalanceSchema, connectionViewSchema } from "@contracts/connection-schemas.ts";
import { refreshConnections } from "@/features/integrations/api/refresh-connections";
import type { ApiError } from "@/lib/api-error";
import { invokeFunction } from "@/lib/functions";

/** clicksend-connect's PATCH body: what to change on one connection (null clears the sender). */
export type UpdateConnectionInput = {
  connection_id: string;
  api_key?: string;
  connection_name?: string;
  default_sender_id?: string | null;
};

const updateResultSchema = z.object({
  connection: connectionViewSchema,
  /** Present when a new key was verified with ClickSend. */
  account: accountBalanceSchema.optional(),
});
export type UpdateConnectionResult = z.infer<typeof updateResultSchema>;

/** Rename, or rotate the key: the server verifies a new key with ClickSend before storing it. */
function updateConnection(input: UpdateConnectionInput): Promise<UpdateConnectionResult> {
  return invokeFunction("clicksend-connect", input, {
    method: "PATCH",
    schema: updateResultSchema,
  });
}

export function useUpdateConnection() {
  const queryClient = useQueryClient();
  return useMutation<UpdateConnectionResult, ApiError, UpdateConnectionInput>({
    mutationFn: updateConnection,
    onSuccess: async ({ connection, account }) => {
      await refreshConnections(
        queryClient,
        account ? { connectionId: connection.id, account } : undefined,
      );
    },
  });
}
