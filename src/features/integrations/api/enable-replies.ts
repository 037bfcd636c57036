import { useMutation, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";

import { connectionViewSchema, type RepliesMode } from "@contracts/connection-schemas.ts";
import { refreshConnections } from "@/features/integrations/api/refresh-connections";
import type { ApiError } from "@/lib/api-error";
import type { Connection } from "@contracts/connection-schemas.ts";
import { connectionKeys } from "@/lib/connections/query-keys";
import { invokeFunction } from "@/lib/functions";

const enableRepliesResultSchema = z.object({ connection: connectionViewSchema });
type EnableRepliesResult = z.infer<typeof enableRepliesResultSchema>;

/**
 * Registers (again) the account's rules that push replies to this app and keep them for
 * polling, with the connection's stored key. Best effort at ClickSend: the mode it ends in is
 * read back from the connection.
 */
function enableReplies(connectionId: string): Promise<EnableRepliesResult> {
  return invokeFunction(
    "clicksend-connect",
    { connection_id: connectionId, enable_replies: true },
    { method: "PATCH", schema: enableRepliesResultSchema },
  );
}

type Callbacks = {
  /** With how replies reach the connection now. */
  onSuccess?: (mode: RepliesMode) => void;
};

export function useEnableReplies({ onSuccess }: Callbacks = {}) {
  const queryClient = useQueryClient();
  return useMutation<EnableRepliesResult, ApiError, string>({
    mutationFn: enableReplies,
    onSuccess: async (_result, connectionId) => {
      await refreshConnections(queryClient);
      const connection = queryClient
        .getQueryData<Connection[]>(connectionKeys.list())
        ?.find((candidate) => candidate.id === connectionId);
      onSuccess?.(connection?.replies_mode ?? "off");
    },
  });
}
