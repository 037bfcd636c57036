import { useId } from "react";
import { Link } from "react-router";

import type { Agent } from "@/features/agents/api/get-agents";
import { cn } from "@/utils/cn";

type AgentListProps = {
  agents: Agent[];
  selectedId: string;
  /** Where each agent's link goes, e.g. "?agent=<id>". */
  hrefFor: (agentId: string) => string;
};

/** The user's agents; the selected one is marked aria-current. */
export function AgentList({ agents, selectedId, hrefFor }: AgentListProps) {
  const headingId = useId();
  return (
    <nav aria-labelledby={headingId}>
      <h2 id={headingId} className="sr-only">
        Your agents
      </h2>
      <ul className="space-y-1">
        {agents.map((agent) => {
          const selected = agent.id === selectedId;
          return (
            <li key={agent.id}>
              <Link
                to={hrefFor(agent.id)}
                aria-current={selected ? "true" : undefined}
                className={cn(
                  "block rounded-md px-3 py-2 text-sm font-medium wrap-anywhere transition-colors",
                  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400",
                  selected
                    ? "bg-blue-50 text-blue-800 dark:bg-blue-950 dark:text-blue-200"
                    : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800",
                )}
              >
                {agent.name}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
