import { useId } from "react";

import { QueryError } from "@/components/errors/query-error";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { useAgentTools } from "@/features/agents/api/get-agent-tools";
import { JsonBlock } from "@/features/agents/components/json-block";

function summary(names: string[]): string {
  if (names.length === 0) {
    return "No tools: the agent has no permissions in force, so it discovers an empty list.";
  }
  return `${names.length} ${names.length === 1 ? "tool" : "tools"}: ${names.join(", ")}.`;
}

/** Exactly what the agent discovers from get-agent-tools, refreshed after every change. */
export function ToolsPreview({ agentId }: { agentId: string }) {
  const headingId = useId();
  const tools = useAgentTools(agentId);

  let body;
  if (tools.isPending) {
    body = (
      <SkeletonGroup label="Loading the agent's tools">
        <Skeleton className="w-2/3" />
        <Skeleton className="h-40" />
      </SkeletonGroup>
    );
  } else if (tools.isError) {
    body = (
      <QueryError
        title="Could not load the agent's tools"
        error={tools.error}
        retrying={tools.isFetching}
        onRetry={() => void tools.refetch()}
      />
    );
  } else {
    const names = tools.data.tools.map((tool) => tool.function.name);
    body = (
      <div className="space-y-2">
        <p className="text-sm wrap-anywhere">{summary(names)}</p>
        <JsonBlock value={tools.data} label="Tools JSON" />
      </div>
    );
  }

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <h3 id={headingId} className="text-lg font-semibold">
          Tools the agent sees
        </h3>
        {tools.isFetching && !tools.isPending ? (
          <span className="inline-flex items-center gap-1 text-sm text-slate-600 dark:text-slate-300">
            <Spinner className="size-4" label="Updating the tools" />
          </span>
        ) : null}
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        The live answer of <code className="font-mono text-xs">get-agent-tools</code>, in OpenAI
        function-calling format: the agent is offered these tools and no others.
      </p>
      {body}
    </section>
  );
}
