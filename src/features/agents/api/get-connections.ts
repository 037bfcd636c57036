import { queryOptions, useQuery } from "@tanstack/react-query";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

export type Connection = {
  id: string;
  connectionName: string | null;
  externalUsername: string | null;
};

/** The user's active ClickSend connections: what an agent can be granted scopes on. */
export async function getConnections(): Promise<Connection[]> {
  const { data, error, status } = await supabase
    .from("clicksend_connections")
    .select("id, connection_name, external_username")
    .order("created_at");
  if (error) throw toApiError(error, status);
  // A view's columns are nullable in the generated types; an active connection always has an id.
  return data.flatMap((row) =>
    row.id === null
      ? []
      : [
          {
            id: row.id,
            connectionName: row.connection_name,
            externalUsername: row.external_username,
          },
        ],
  );
}

export function connectionsQueryOptions() {
  return queryOptions({
    queryKey: agentsKeys.connections(),
    queryFn: getConnections,
    // Connections are added and removed on the Integrations page: check again on every visit.
    staleTime: 0,
  });
}

export function useConnections() {
  return useQuery(connectionsQueryOptions());
}
