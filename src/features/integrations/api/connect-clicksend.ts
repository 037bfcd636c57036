import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { accountBalanceSchema, connectionViewSchema } from "@contracts/connection-schemas.ts";
import {
  apiKeySchema,
  connectionNameSchema,
  senderIdSchema,
  usernameSchema,
} from "@/features/integrations/api/connection-rules";
import { refreshConnections } from "@/features/integrations/api/refresh-connections";
import { blankAsUndefined } from "@/features/integrations/api/schemas";
import type { ApiError } from "@/lib/api-error";
import { invokeFunction } from "@/lib/functions";

/** The "Connect ClickSend" form: clicksend-connect's own rules, with blank optional fields. */
export const connectInputSchema = z.object({
  username: usernameSchema,
  api_key: apiKeySchema,
  connection_name: blankAsUndefined(connectionNameSchema),
  default_sender_id: blankAsUndefined(senderIdSchema),
});
export type ConnectFormValues = z.input<typeof connectInputSchema>;
export type ConnectInput = z.output<typeof connectInputSchema>;

const connectResultSchema = z.object({
  connection: connectionViewSchema,
  account: accountBalanceSchema,
});
export type ConnectResult = z.infer<typeof connectResultSchema>;

/** The server verifies the credentials with ClickSend, then stores the key in Vault. */
function connectClickSend(input: ConnectInput): Promise<ConnectResult> {
  return invokeFunction("clicksend-connect", input, { schema: connectResultSchema });
}

export function useConnectClickSend() {
  const queryClient = useQueryClient();
  return useMutation<ConnectResult, ApiError, ConnectInput>({
    mutationFn: connectClickSend,
    onSuccess: async ({ connection, account }) => {
      await refreshConnections(queryClient, { connectionId: connection.id, account });
    },
    onError: async (error) => {
      // The account is held by a connection this screen may not know yet (another tab).
      if (error.code === "already_connected") await refreshConnections(queryClient);
    },
  });
}
