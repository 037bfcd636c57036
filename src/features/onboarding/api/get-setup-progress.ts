import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { toApiError } from "@/lib/api-error";
import { parseResponse } from "@/lib/parse-response";
import { supabase } from "@/lib/supabase";

/**
 * What the home checklist needs beyond connections and agents: whether any agent may do anything
 * yet, and whether anything was ever tried. Each reads at most one row (RLS: the user's own), and
 * is read again whenever home appears, since both change on other pages.
 */
const onboardingKeys = {
  all: ["onboarding"] as const,
  grantInForce: () => [...onboardingKeys.all, "grant-in-force"] as const,
  tried: () => [...onboardingKeys.all, "tried"] as const,
};

const grantRowsSchema = z.array(z.object({ expires_at: z.string().nullable() }));

/** True when some agent holds a grant in force: active, not expired, with at least one scope. */
async function hasGrantInForce(): Promise<boolean> {
  const { data, error, status } = await supabase
    .from("agent_integration_permissions")
    // allowed_scopes is never empty (a check constraint): an active row grants something.
    .select("expires_at")
    .eq("is_active", true);
  if (error) throw toApiError(error, status);
  const now = Date.now();
  return parseResponse(grantRowsSchema, data, "your agents' permissions").some(
    (grant) => grant.expires_at === null || Date.parse(grant.expires_at) > now,
  );
}

const idRowsSchema = z.array(z.object({ id: z.string() }));

/**
 * True once the user has seen it work: an agent ran a tool (the playground or a real agent, each
 * logged in tool_execution_logs, refusals too) or a message was sent from this account.
 */
async function hasTriedIt(): Promise<boolean> {
  const [tools, messages] = await Promise.all([
    supabase.from("tool_execution_logs").select("id").limit(1),
    supabase.from("clicksend_messages").select("id").limit(1),
  ]);
  if (tools.error) throw toApiError(tools.error, tools.status);
  if (messages.error) throw toApiError(messages.error, messages.status);
  return (
    parseResponse(idRowsSchema, tools.data, "your agents' activity").length > 0 ||
    parseResponse(idRowsSchema, messages.data, "your messages").length > 0
  );
}

export function useHasGrantInForce() {
  return useQuery(
    queryOptions({
      queryKey: onboardingKeys.grantInForce(),
      queryFn: hasGrantInForce,
      staleTime: 0,
    }),
  );
}

export function useHasTriedIt() {
  return useQuery(
    queryOptions({ queryKey: onboardingKeys.tried(), queryFn: hasTriedIt, staleTime: 0 }),
  );
}

/**
 * Whether this connection has sent anything through the app yet (our database, not ClickSend).
 * Messages opens its composer for a first message and folds it once there is history to read.
 */
async function hasSentFrom(connectionId: string): Promise<boolean> {
  const { data, error, status } = await supabase
    .from("clicksend_messages")
    .select("id")
    .eq("user_oauth_connection_id", connectionId)
    .limit(1);
  if (error) throw toApiError(error, status);
  return parseResponse(idRowsSchema, data, "your messages").length > 0;
}

export function useHasSentFrom(connectionId: string) {
  return useQuery(
    queryOptions({
      queryKey: [...onboardingKeys.all, "sent-from", connectionId] as const,
      queryFn: () => hasSentFrom(connectionId),
    }),
  );
}
