import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { messagesKeys } from "@/features/messages/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

const FALLBACK_COUNTRY = "AU";

const metadataSchema = z
  .object({
    account_country: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .nullish()
      .catch(null),
    default_sender_id: z.string().min(1).nullish().catch(null),
  })
  .loose()
  .nullish()
  .catch(null);

export const connectionSchema = z
  .object({
    id: z.string(),
    connection_name: z.string().nullable(),
    external_username: z.string().nullable(),
    connection_metadata: metadataSchema,
  })
  .transform((row) => ({
    id: row.id,
    name: row.connection_name ?? row.external_username ?? "ClickSend",
    username: row.external_username,
    /** Numbers written without +country code are read in this country, as the server does. */
    defaultCountry: row.connection_metadata?.account_country ?? FALLBACK_COUNTRY,
    defaultSenderId: row.connection_metadata?.default_sender_id ?? null,
  }));

export type Connection = z.infer<typeof connectionSchema>;

/** The user's active ClickSend connections (RLS: only their own), oldest first. */
export async function getConnections(): Promise<Connection[]> {
  const { data, error, status } = await supabase
    .from("clicksend_connections")
    .select("id, connection_name, external_username, connection_metadata")
    .order("created_at", { ascending: true });
  if (error) throw toApiError(error, status);
  return z.array(connectionSchema).parse(data.filter((row) => row.id !== null));
}

export function connectionsQueryOptions() {
  return queryOptions({
    queryKey: messagesKeys.connections(),
    queryFn: getConnections,
    // Connections are made on the Integrations page; always check again on arrival.
    staleTime: 0,
  });
}

export function useConnections() {
  return useQuery(connectionsQueryOptions());
}
