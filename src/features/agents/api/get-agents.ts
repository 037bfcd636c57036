import { queryOptions, useQuery } from "@tanstack/react-query";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError } from "@/lib/api-error";
import type { Tables } from "@/lib/database.types";
import { supabase } from "@/lib/supabase";

export type Agent = Pick<Tables<"agents">, "id" | "name" | "description" | "created_at">;

/** The signed-in user's agents (RLS shows only their own), oldest first. */
async function getAgents(): Promise<Agent[]> {
  const { data, error, status } = await supabase
    .from("agents")
    .select("id, name, description, created_at")
    .order("created_at")
    .order("name");
  if (error) throw toApiError(error, status);
  return data;
}

function agentsQueryOptions() {
  return queryOptions({ queryKey: agentsKeys.list(), queryFn: getAgents });
}

export function useAgents() {
  return useQuery(agentsQueryOptions());
}
