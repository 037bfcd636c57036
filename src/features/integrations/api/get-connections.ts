import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { integrationsKeys } from "@/features/integrations/api/keys";
import {
  connectionStatusSchema,
  parseResponse,
  type Connection,
} from "@/features/integrations/api/schemas";
import { toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

const connectionRowSchema = z
  .object({
    id: z.string(),
    connection_name: z.string(),
    external_username: z.string().nullable(),
    connection_status: connectionStatusSchema,
    credential_hint: z.string().nullable(),
    connection_metadata: z.looseObject({ default_sender_id: z.string().nullish() }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .transform(({ connection_metadata, ...row }): Connection => ({
    ...row,
    default_sender_id: connection_metadata.default_sender_id ?? null,
  }));

/** The signed-in user's ClickSend connections (RLS shows only their own), oldest first. */
export async function getConnections(): Promise<Connection[]> {
  const { data, error, status } = await supabase
    .from("user_oauth_connections")
    .select(
      "id, connection_name, external_username, connection_status, credential_hint, connection_metadata, created_at, updated_at",
    )
    .order("created_at");
  if (error) throw toApiError(error, status);
  return parseResponse(z.array(connectionRowSchema), data, "your connections");
}

export const connectionsQueryOptions = () =>
  queryOptions({ queryKey: integrationsKeys.connections(), queryFn: getConnections });

export function useConnections() {
  return useQuery(connectionsQueryOptions());
}
