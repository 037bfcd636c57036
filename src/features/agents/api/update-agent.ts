import { agentRow, type AgentInput } from "@/features/agents/api/create-agent";
import { useAgentMutation, type AgentCallbacks } from "@/features/agents/api/agent-mutation";
import type { Agent } from "@/features/agents/api/get-agents";
import { toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

export type UpdateAgentInput = AgentInput & { agentId: string };

/** Renames an agent or changes its description. */
async function updateAgent({ agentId, ...input }: UpdateAgentInput): Promise<Agent> {
  const { data, error, status } = await supabase
    .from("agents")
    .update(agentRow(input))
    .eq("id", agentId)
    .select("id, name, description, created_at")
    .single();
  if (error) throw toApiError(error, status);
  return data;
}

export function useUpdateAgent(callbacks: AgentCallbacks = {}) {
  return useAgentMutation<UpdateAgentInput>(updateAgent, callbacks);
}
