import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** Calls shown at first, and added by each "Show more". */
export const ACTIVITY_PAGE = 20;
/** An agent calls tools on its own, outside this page: look again while the page is visible. */
const ACTIVITY_REFRESH_MS = 10_000;

const toolCallSchema = z.object({
  id: z.string(),
  tool_name: z.string(),
  success: z.boolean(),
  error_code: z.string().nullable(),
  error_message: z.string().nullable(),
  http_status: z.number().int().nullable(),
  created_at: z.string(),
});
/** One row of public.tool_execution_logs: a call the agent made, allowed or refused. */
export type ToolCallLog = z.infer<typeof toolCallSchema>;

type AgentActivity = {
  calls: ToolCallLog[];
  /** Whether older calls exist beyond these. */
  hasMore: boolean;
};

/**
 * The agent's latest `limit` tool calls, newest first (RLS: the user's own). One more row than
 * shown is asked for, so "Show more" appears only when there is more.
 */
async function getAgentActivity(agentId: string, limit: number): Promise<AgentActivity> {
  const { data, error, status } = await supabase
    .from("tool_execution_logs")
    .select("id, tool_name, success, error_code, error_message, http_status, created_at")
    .eq("agent_id", agentId)
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(limit + 1);
  if (error) throw toApiError(error, status);
  const rows = parseResponse(z.array(toolCallSchema), data, "the agent's activity");
  return { calls: rows.slice(0, limit), hasMore: rows.length > limit };
}

function agentActivityQueryOptions(agentId: string, limit: number) {
  return queryOptions({
    queryKey: agentsKeys.activity(agentId, limit),
    queryFn: () => getAgentActivity(agentId, limit),
    // "Show more" keeps the calls already shown on screen while the longer list loads.
    placeholderData: keepPreviousData,
    refetchInterval: ACTIVITY_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

export function useAgentActivity(agentId: string, limit: number) {
  return useQuery(agentActivityQueryOptions(agentId, limit));
}
