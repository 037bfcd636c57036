import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { POLICY_REFUSAL_STATUSES, type PolicyRefusalStatus } from "@contracts/guardrails.ts";
import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** The window summarised: the same 24 hours as a daily message limit. */
export const REFUSED_WINDOW_HOURS = 24;
/** Rows read at most; a count that reaches it is shown as "at least". */
const REFUSED_ROWS_READ = 1000;
const REFUSED_REFRESH_MS = 10_000;

type RefusedRecipients = {
  counts: Record<PolicyRefusalStatus, number>;
  /** True when REFUSED_ROWS_READ rows came back: the counts are a lower bound. */
  capped: boolean;
};

const refusedRowSchema = z.object({ status: z.enum(POLICY_REFUSAL_STATUSES) });

/**
 * How many recipients the agent's sends had refused one by one (opted out, outside its recipient
 * rules or countries) in the last 24 hours, by reason. They are stored with the refusal as their
 * status and were never sent (RLS: the user's own).
 */
async function getRefusedRecipients(agentId: string, now: Date): Promise<RefusedRecipients> {
  const since = new Date(now.getTime() - REFUSED_WINDOW_HOURS * 3_600_000).toISOString();
  const { data, error, status } = await supabase
    .from("clicksend_messages")
    .select("status")
    .eq("agent_id", agentId)
    .in("status", [...POLICY_REFUSAL_STATUSES])
    .gte("created_at", since)
    .limit(REFUSED_ROWS_READ);
  if (error) throw toApiError(error, status);
  const rows = parseResponse(z.array(refusedRowSchema), data, "the refused recipients");
  const counts = Object.fromEntries(POLICY_REFUSAL_STATUSES.map((code) => [code, 0])) as Record<
    PolicyRefusalStatus,
    number
  >;
  for (const row of rows) counts[row.status] += 1;
  return { counts, capped: rows.length >= REFUSED_ROWS_READ };
}

function refusedRecipientsQueryOptions(agentId: string) {
  return queryOptions({
    queryKey: agentsKeys.refusedRecipients(agentId),
    queryFn: () => getRefusedRecipients(agentId, new Date()),
    refetchInterval: REFUSED_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

export function useRefusedRecipients(agentId: string) {
  return useQuery(refusedRecipientsQueryOptions(agentId));
}
