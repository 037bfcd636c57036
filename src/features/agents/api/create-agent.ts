import { z } from "zod";

import { useAgentMutation, type AgentCallbacks } from "@/features/agents/api/agent-mutation";
import type { Agent } from "@/features/agents/api/get-agents";
import { toApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

export const AGENT_NAME_MAX = 100;
export const AGENT_DESCRIPTION_MAX = 2000;

/** Name and description of an agent, as the create and rename forms and the database see them. */
export const agentInputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter a name for the agent.")
    .max(AGENT_NAME_MAX, `Use at most ${AGENT_NAME_MAX} characters.`),
  description: z
    .string()
    .trim()
    .max(AGENT_DESCRIPTION_MAX, `Use at most ${AGENT_DESCRIPTION_MAX} characters.`),
});

export type AgentInput = z.infer<typeof agentInputSchema>;

/** An empty description is stored as none. */
export function agentRow({ name, description }: AgentInput) {
  return { name, description: description === "" ? null : description };
}

async function createAgent(input: AgentInput): Promise<Agent> {
  const { data, error, status } = await supabase
    .from("agents")
    .insert(agentRow(input))
    .select("id, name, description, created_at")
    .single();
  if (error) throw toApiError(error, status);
  return data;
}

export function useCreateAgent(callbacks: AgentCallbacks = {}) {
  return useAgentMutation<AgentInput>(createAgent, callbacks);
}
