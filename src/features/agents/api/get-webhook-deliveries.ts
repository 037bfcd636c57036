import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/** The most recent attempts shown. */
export const DELIVERIES_SHOWN = 20;
/** Attempts are retried for about a minute after a reply: look again while the page is visible. */
const DELIVERIES_REFRESH_MS = 10_000;

const deliverySchema = z.object({
  // A bigint: a number from PostgREST, kept either way since it is only a key.
  id: z.union([z.number(), z.string()]),
  event_id: z.string(),
  event_type: z.string(),
  attempt: z.number().int(),
  url: z.string(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  succeeded: z.boolean(),
  attempted_at: z.string(),
});
export type WebhookDelivery = z.infer<typeof deliverySchema>;

/** The agent's latest webhook delivery attempts, newest first (RLS: the user's own). */
async function getWebhookDeliveries(agentId: string): Promise<WebhookDelivery[]> {
  const { data, error, status } = await supabase
    .from("agent_webhook_deliveries")
    .select("id, event_id, event_type, attempt, url, status_code, error, succeeded, attempted_at")
    .eq("agent_id", agentId)
    .order("attempted_at", { ascending: false })
    .limit(DELIVERIES_SHOWN);
  if (error) throw toApiError(error, status);
  return parseResponse(z.array(deliverySchema), data, "the webhook deliveries");
}

function webhookDeliveriesQueryOptions(agentId: string) {
  return queryOptions({
    queryKey: agentsKeys.webhookDeliveries(agentId),
    queryFn: () => getWebhookDeliveries(agentId),
    refetchInterval: DELIVERIES_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

export function useWebhookDeliveries(agentId: string) {
  return useQuery(webhookDeliveriesQueryOptions(agentId));
}
