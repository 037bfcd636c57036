import { queryOptions, useQuery } from "@tanstack/react-query";
import { z } from "zod";

import { agentsKeys } from "@/features/agents/api/query-keys";
import { ApiError, toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

/**
 * Which ClickSend account an agent sends from: the default its owner chose (agents.
 * default_connection_id), and when each grant was made, because without a usable default the
 * executor takes the newest grant that allows the tool (clicksend_prepare_call).
 */
export type SendingAccount = {
  defaultConnectionId: string | null;
  /** Connection id -> when the agent was granted on it (ISO 8601). */
  grantedAt: Record<string, string>;
};

const agentRowSchema = z.object({ default_connection_id: z.string().nullable() });
const grantRowSchema = z.object({ user_oauth_connection_id: z.string(), granted_at: z.string() });

async function getSendingAccount(agentId: string): Promise<SendingAccount> {
  const [agent, grants] = await Promise.all([
    supabase.from("agents").select("default_connection_id").eq("id", agentId).single(),
    supabase
      .from("agent_integration_permissions")
      .select("user_oauth_connection_id, granted_at")
      .eq("agent_id", agentId),
  ]);
  if (agent.error) throw toApiError(agent.error, agent.status);
  if (grants.error) throw toApiError(grants.error, grants.status);
  const row = agentRowSchema.safeParse(agent.data);
  const rows = z.array(grantRowSchema).safeParse(grants.data);
  if (!row.success || !rows.success) {
    throw new ApiError(
      "unexpected_response",
      "This agent's ClickSend account could not be read. Reload the page; if it persists, the app and server versions differ.",
    );
  }
  return {
    defaultConnectionId: row.data.default_connection_id,
    grantedAt: Object.fromEntries(
      rows.data.map((grant) => [grant.user_oauth_connection_id, grant.granted_at]),
    ),
  };
}

/** Under the grants' key, so every change of a grant (which may make one newer) reads it again. */
export function sendingAccountKey(agentId: string) {
  return [...agentsKeys.grants(agentId), "sending-account"] as const;
}

function sendingAccountQueryOptions(agentId: string) {
  return queryOptions({
    queryKey: sendingAccountKey(agentId),
    queryFn: () => getSendingAccount(agentId),
    staleTime: 0,
  });
}

/** Read only when asked (`enabled`): the page needs it only for an agent on several accounts. */
export function useSendingAccount(agentId: string, enabled: boolean) {
  return useQuery({ ...sendingAccountQueryOptions(agentId), enabled });
}
