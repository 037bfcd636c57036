import { useId } from "react";
import { Link } from "react-router";

import { PageHeader } from "@/components/layout/page-header";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { buttonClasses } from "@/components/ui/button-styles";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { paths } from "@/config/paths";
import { useAgents } from "@/features/agents/api/get-agents";
import { useHasGrantInForce, useHasTriedIt } from "@/features/onboarding/api/get-setup-progress";
import { useActiveConnections } from "@/lib/connections/get-connections";
import { cn } from "@/utils/cn";

type Step = {
  key: string;
  title: string;
  /** What to do, while the step is still to do. */
  todo: string;
  /** What is true, once it is done. */
  done: string;
  complete: boolean;
  to: string;
  action: string;
};

type StepState = "done" | "next" | "later";

const sections = [
  { to: paths.integrations, title: "Integrations", text: "ClickSend accounts and keys" },
  { to: paths.agents, title: "Agents", text: "what each agent may do" },
  { to: paths.messages, title: "Messages", text: "balance, history, receipts" },
  { to: paths.conversations, title: "Conversations", text: "replies, thread by thread" },
] as const;

function agentHref(agentId: string | undefined): string {
  if (agentId === undefined) return paths.agents;
  return `${paths.agents}?${new URLSearchParams({ agent: agentId }).toString()}`;
}

/** The four steps from nothing to an agent sending, each read from what the account holds now. */
function useSetupSteps() {
  const connections = useActiveConnections();
  const agents = useAgents();
  const grant = useHasGrantInForce();
  const tried = useHasTriedIt();
  const queries = [connections, agents, grant, tried];

  if (connections.isPending || agents.isPending || grant.isPending || tried.isPending) {
    return { status: "pending" as const };
  }
  if (connections.isError || agents.isError || grant.isError || tried.isError) {
    const failed = queries.filter((query) => query.isError);
    return {
      status: "error" as const,
      message: failed.map((query) => query.error.message).join(" "),
      retrying: failed.some((query) => query.isFetching),
      retry: () => {
        for (const query of failed) void query.refetch();
      },
    };
  }

  const connection = connections.data[0];
  const firstAgent = agents.data[0];
  const steps: Step[] = [
    {
      key: "connect",
      title: "Connect ClickSend",
      todo: "Add your ClickSend username and API key. The key is checked with ClickSend first and never shown again.",
      done: connection
        ? `Connected: ${connection.connection_name}${connections.data.length > 1 ? ` and ${String(connections.data.length - 1)} more` : ""}.`
        : "",
      complete: connection !== undefined,
      to: paths.integrations,
      action: connection ? "Open Integrations" : "Connect ClickSend",
    },
    {
      key: "agent",
      title: "Create an agent",
      todo: "An agent is one AI assistant or script that will send through your account. It starts with no permissions.",
      done: firstAgent
        ? agents.data.length === 1
          ? `You have one agent: ${firstAgent.name}.`
          : `You have ${String(agents.data.length)} agents.`
        : "",
      complete: firstAgent !== undefined,
      to: paths.agents,
      action: firstAgent ? "Open Agents" : "Create an agent",
    },
    {
      key: "grant",
      title: "Grant it a permission",
      todo: "Choose what the agent may do on your ClickSend account, such as send SMS or check the balance.",
      done: "An agent has permission to use ClickSend.",
      complete: grant.data,
      to: agentHref(firstAgent?.id),
      action: "Choose permissions",
    },
    {
      key: "try",
      title: "Try it",
      todo: "Run a tool from the agent's Tool playground, or send a message from Messages, and see what happens.",
      done: "Your account has sent a message or run a tool.",
      complete: tried.data,
      to: agentHref(firstAgent?.id),
      action: "Open the Tool playground",
    },
  ];
  const nextIndex = steps.findIndex((step) => !step.complete);
  const states: StepState[] = steps.map((step, index) =>
    step.complete ? "done" : index === nextIndex ? "next" : "later",
  );
  return { status: "success" as const, steps, states, allDone: nextIndex === -1 };
}

const stateLabel: Record<StepState, string> = { done: "Done", next: "Next", later: "To do" };

function StepMarker({ state, number }: { state: StepState; number: number }) {
  return (
    <span
      aria-hidden="true"
      className={cn(
        "flex size-7 shrink-0 items-center justify-center rounded-full text-sm font-semibold",
        state === "done" && "bg-green-700 text-white",
        state === "next" && "bg-blue-600 text-white",
        state === "later" &&
          "border border-slate-300 text-slate-600 dark:border-slate-600 dark:text-slate-300",
      )}
    >
      {state === "done" ? (
        <svg
          viewBox="0 0 16 16"
          className="size-4"
          fill="none"
          stroke="currentColor"
          strokeWidth={2}
        >
          <path d="M3.5 8.5l3 3 6-7" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      ) : (
        number
      )}
    </span>
  );
}

function SetupChecklist() {
  const setup = useSetupSteps();
  const headingId = useId();

  let body;
  if (setup.status === "pending") {
    body = (
      <SkeletonGroup label="Checking your setup">
        {[0, 1, 2, 3].map((index) => (
          <Skeleton key={index} className="h-12" />
        ))}
      </SkeletonGroup>
    );
  } else if (setup.status === "error") {
    body = (
      <Alert
        tone="error"
        title="Could not check your setup"
        action={
          <Button variant="secondary" size="sm" busy={setup.retrying} onClick={setup.retry}>
            Try again
          </Button>
        }
      >
        {setup.message}
      </Alert>
    );
  } else {
    body = (
      <>
        {setup.allDone ? (
          <p className="mb-4 text-sm text-slate-700 dark:text-slate-300">
            All four steps are done: your agents can use ClickSend within the permissions you gave
            them. Follow their activity in Messages.
          </p>
        ) : null}
        <ol className="space-y-3">
          {setup.steps.map((step, index) => {
            const state = setup.states[index] ?? "later";
            return (
              <li
                key={step.key}
                aria-current={state === "next" ? "step" : undefined}
                className={cn(
                  "flex gap-3 rounded-lg border p-4",
                  state === "next"
                    ? "border-blue-300 bg-blue-50/60 dark:border-blue-800 dark:bg-blue-950/40"
                    : "border-slate-200 dark:border-slate-800",
                )}
              >
                <StepMarker state={state} number={index + 1} />
                <div className="min-w-0 flex-1">
                  <h3 className="font-semibold">
                    {step.title}
                    <span className="sr-only">{`: ${stateLabel[state].toLowerCase()}`}</span>
                  </h3>
                  <p
                    aria-hidden="true"
                    className={cn(
                      "text-xs font-medium tracking-wide uppercase",
                      state === "done" && "text-green-800 dark:text-green-300",
                      state === "next" && "text-blue-800 dark:text-blue-200",
                      state === "later" && "text-slate-600 dark:text-slate-300",
                    )}
                  >
                    {stateLabel[state]}
                  </p>
                  <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
                    {step.complete ? step.done : step.todo}
                  </p>
                  {state === "next" ? (
                    <Link to={step.to} className={buttonClasses("primary", "mt-3", "sm")}>
                      {step.action}
                    </Link>
                  ) : (
                    <Link to={step.to} className={cn(textLinkClasses, "mt-2 inline-block text-sm")}>
                      {step.action}
                    </Link>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      </>
    );
  }

  return (
    <section aria-labelledby={headingId} className="max-w-2xl">
      <h2 id={headingId} className="mb-3 text-lg font-semibold">
        {setup.status === "success" && setup.allDone ? "You are set up" : "Get started"}
      </h2>
      {body}
    </section>
  );
}

export function HomePage() {
  return (
    <>
      <PageHeader title="Overview">
        Let your AI agents send SMS and MMS through your own ClickSend account, with you deciding
        what each agent may do.
      </PageHeader>
      <div className="space-y-8">
        <SetupChecklist />
        <nav aria-label="Sections">
          <ul className="grid max-w-2xl gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
            {sections.map((section) => (
              <li key={section.to}>
                <Link to={section.to} className={textLinkClasses}>
                  {section.title}
                </Link>
                <span className="text-slate-600 dark:text-slate-300">{` · ${section.text}`}</span>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </>
  );
}
