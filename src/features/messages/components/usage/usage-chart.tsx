import { useId } from "react";

import type { AgentUsage } from "@/features/messages/utils/usage";
import { plural } from "@/features/messages/utils/format";
import { successRateText } from "@/features/messages/components/usage/usage-format";
import { USAGE_FIGURES, type UsageFigure } from "@/features/messages/utils/usage-figures";

const SEGMENT_CLASSES: Record<UsageFigure, string> = {
  delivered: "bg-green-600 dark:bg-green-500",
  failed: "bg-red-600 dark:bg-red-500",
  pending: "bg-blue-600 dark:bg-blue-400",
  cancelled: "bg-slate-400 dark:bg-slate-500",
};
const SEGMENTS = USAGE_FIGURES.map(({ figure, label }) => ({
  key: figure,
  label,
  className: SEGMENT_CLASSES[figure],
}));

/**
 * Messages per agent as horizontal stacked bars (plain CSS, no chart library). Each bar carries
 * its numbers as text too, and the table beside it is the full text equivalent.
 */
export function UsageChart({ agents }: { agents: readonly AgentUsage[] }) {
  const captionId = useId();
  const max = Math.max(1, ...agents.map((agent) => agent.messages));

  return (
    <figure aria-labelledby={captionId} className="space-y-3">
      <figcaption id={captionId} className="text-sm font-medium">
        Messages per agent, by outcome
      </figcaption>
      <ul className="space-y-3">
        {agents.map((agent) => (
          <li key={agent.agentId ?? "dashboard"}>
            <div className="flex flex-wrap items-baseline justify-between gap-x-3 text-sm">
              <span className="min-w-0 font-medium wrap-break-word">{agent.name}</span>
              <span className="text-slate-600 tabular-nums dark:text-slate-300">
                {plural(agent.messages, "message")} ·{" "}
                {agent.successRate === null
                  ? "no final outcome yet"
                  : `${successRateText(agent)} success`}
              </span>
            </div>
            <div
              aria-hidden="true"
              className="mt-1 flex h-3 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
              style={{ width: `${String(Math.max(4, (agent.messages / max) * 100))}%` }}
            >
              {SEGMENTS.map((segment) =>
                agent[segment.key] > 0 ? (
                  <div
                    key={segment.key}
                    className={segment.className}
                    style={{ width: `${String((agent[segment.key] / agent.messages) * 100)}%` }}
                  />
                ) : null,
              )}
            </div>
          </li>
        ))}
      </ul>
      <ul aria-label="Legend" className="flex flex-wrap gap-x-4 gap-y-1 text-xs">
        {SEGMENTS.map((segment) => (
          <li key={segment.key} className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className={`size-3 rounded-sm ${segment.className}`} />
            {segment.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
