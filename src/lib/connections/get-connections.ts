import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import {
  CONNECTION_COLUMNS,
  connectionRowSchema,
  type Connection,
} from "@contracts/connection-schemas.ts";
import { toApiError } from "@/lib/api-error";
import { connectionKeys } from "@/lib/connections/query-keys";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** The signed-in user's ClickSend connections, whatever their status (RLS: only their own), oldest first. */
async function getConnections(): Promise<Connection[]> {
  const { data, error, status } = await supabase
    .from("user_oauth_connections")
    .select(CONNECTION_COLUMNS)
    .order("created_at");
  if (error) throw toApiError(error, status);
  return parseResponse(z.array(connectionRowSchema), data, "your connections");
}

function connectionsQueryOptions() {
  return queryOptions({
    queryKey: connectionKeys.list(),
    queryFn: getConnections,
    // Connections change on the Integrations page: every screen checks again when it appears.
    staleTime: 0,
  });
}

/** Every connection, as the Integrations page lists them (disconnected ones too). */
export function useConnections() {
  return useQuery(connectionsQueryOptions());
}

function activeOnly(connections: Connection[]): Connection[] {
  return connections.filter((connection) => connection.connection_status === "active");
}

/** The connections that work now: what an agent can be granted and messages go through. */
export function useActiveConnections() {
  return useQuery({ ...connectionsQueryOptions(), select: activeOnly });
}

/** The connection's name, with its ClickSend username unless the name already says it. */
export function connectionTitle({
  connection_name,
  external_username,
}: Pick<Connection, "connection_name" | "external_username">): string {
  if (!external_username || connection_name.includes(external_username)) return connection_name;
  return `${connection_name} (${external_username})`;
}
