import { useId } from "react";
import { useSearchParams } from "react-router";

import { PageHeader } from "@/components/layout/page-header";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useAgents, type Agent } from "@/features/agents/api/get-agents";
import { AgentActivity } from "@/features/agents/components/agent-activity";
import { AgentLimits } from "@/features/agents/components/agent-limits";
import { AgentList } from "@/features/agents/components/agent-list";
import { AgentPermissions } from "@/features/agents/components/agent-permissions";
import { AgentWebhookSection } from "@/features/agents/components/agent-webhook";
import { McpConnectSection } from "@/features/agents/components/mcp-connect";
import { CreateAgentButton } from "@/features/agents/components/create-agent-button";
import { DeleteAgentButton } from "@/features/agents/components/delete-agent-button";
import { RenameAgentButton } from "@/features/agents/components/rename-agent-button";
import { ToolPlayground } from "@/features/agents/components/tool-playground";
import { ToolsPreview } from "@/features/agents/components/tools-preview";

/** The selected agent lives in the URL, so a reload or a shared link shows the same agent. */
const AGENT_PARAM = "agent";

function AgentsSkeleton() {
  return (
    <SkeletonGroup label="Loading agents">
      <div className="grid gap-8 lg:grid-cols-[14rem_minmax(0,1fr)]">
        <div className="space-y-2">
          <Skeleton className="h-9" />
          <Skeleton className="h-9" />
        </div>
        <div className="space-y-4">
          <Skeleton className="h-7 w-1/3" />
          <Skeleton className="w-2/3" />
          <Skeleton className="h-64" />
        </div>
      </div>
    </SkeletonGroup>
  );
}

function AgentDetail({ agent, onDeleted }: { agent: Agent; onDeleted: () => void }) {
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className="min-w-0 space-y-10">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 space-y-1">
          <h2 id={headingId} className="text-xl font-semibold tracking-tight wrap-anywhere">
            {agent.name}
          </h2>
          {agent.description ? (
            <p className="text-sm text-slate-600 wrap-anywhere dark:text-slate-300">
              {agent.description}
            </p>
          ) : null}
        </div>
        <div className="flex gap-2">
          <RenameAgentButton agent={agent} />
          <DeleteAgentButton agent={agent} onDeleted={onDeleted} />
        </div>
      </div>
      <AgentPermissions agent={agent} />
      <AgentLimits key={agent.id} agent={agent} />
      <AgentWebhookSection key={agent.id} agent={agent} />
      <McpConnectSection key={agent.id} agent={agent} />
      <ToolsPreview agentId={agent.id} />
      <ToolPlayground key={agent.id} agentId={agent.id} />
      <AgentActivity key={agent.id} agentId={agent.id} />
    </section>
  );
}

export function AgentsPage() {
  const agents = useAgents();
  const [searchParams, setSearchParams] = useSearchParams();
  const select = (agentId: string | null) => {
    setSearchParams(agentId ? { [AGENT_PARAM]: agentId } : {});
  };

  let content;
  if (agents.isPending) {
    content = <AgentsSkeleton />;
  } else if (agents.isError) {
    content = (
      <Alert
        tone="error"
        title="Could not load your agents"
        action={
          <Button
            variant="secondary"
            size="sm"
            busy={agents.isFetching}
            onClick={() => void agents.refetch()}
          >
            Try again
          </Button>
        }
      >
        {agents.error.message}
      </Alert>
    );
  } else if (agents.data.length === 0) {
    content = (
      <EmptyState title="No agents yet">
        <p>
          Create an agent, then choose which ClickSend capabilities it may use. It starts with no
          permissions at all.
        </p>
        <CreateAgentButton
          className="mt-2"
          onCreated={(agent) => {
            select(agent.id);
          }}
        />
      </EmptyState>
    );
  } else {
    const selected =
      agents.data.find((agent) => agent.id === searchParams.get(AGENT_PARAM)) ?? agents.data[0];
    content = (
      <div className="grid gap-8 lg:grid-cols-[14rem_minmax(0,1fr)]">
        <div className="space-y-3">
          <CreateAgentButton
            variant="secondary"
            className="w-full"
            onCreated={(agent) => {
              select(agent.id);
            }}
          />
          <AgentList
            agents={agents.data}
            selectedId={selected?.id ?? ""}
            hrefFor={(agentId) => `?${new URLSearchParams({ [AGENT_PARAM]: agentId }).toString()}`}
          />
        </div>
        {selected ? (
          <AgentDetail
            agent={selected}
            onDeleted={() => {
              select(null);
            }}
          />
        ) : null}
      </div>
    );
  }

  return (
    <>
      <PageHeader title="Agents">
        Choose, agent by agent, what each may do with ClickSend; see the tools it is offered, and
        try them out.
      </PageHeader>
      {content}
    </>
  );
}
