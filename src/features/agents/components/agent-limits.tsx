import { useId, useState } from "react";
import { useForm, type FieldErrors, type Resolver } from "react-hook-form";

import type { AgentPolicy } from "@contracts/guardrails.ts";
import { QueryError } from "@/components/errors/query-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast/use-toast";
import { useClearAgentPolicy } from "@/features/agents/api/clear-agent-policy";
import { useAgentPolicy } from "@/features/agents/api/get-agent-policy";
import type { Agent } from "@/features/agents/api/get-agents";
import { useSaveAgentPolicy } from "@/features/agents/api/save-agent-policy";
import { ClearLimitsButton } from "@/features/agents/components/clear-limits-button";
import type { SaveState } from "@/features/agents/components/connection-scopes";
import { PolicyFields } from "@/features/agents/components/policy-fields";
import {
  browserTimeZone,
  fieldOfServerMessage,
  formToPolicy,
  POLICY_FIELD_LABELS,
  policyToForm,
  type PolicyField,
  type PolicyFormValues,
} from "@/features/agents/components/policy-form";
import { cn } from "@/utils/cn";

const SAVE_STATE_TEXT: Record<SaveState, string> = {
  saving: "Saving…",
  saved: "Saved",
  failed: "Not saved",
};

/** react-hook-form's resolver over formToPolicy: one set of rules for the form and the save. */
const policyResolver: Resolver<PolicyFormValues, unknown, AgentPolicy> = (values) => {
  const parsed = formToPolicy(values);
  if (parsed.ok) return { values: parsed.policy, errors: {} };
  const errors: FieldErrors<PolicyFormValues> = {};
  for (const [field, message] of Object.entries(parsed.errors)) {
    errors[field as PolicyField] = { type: "validate", message };
  }
  return { values: {}, errors };
};

function LimitsSkeleton() {
  return (
    <SkeletonGroup
      label="Loading limits"
      className="space-y-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      <Skeleton className="w-1/2" />
      <Skeleton className="h-9" />
      <Skeleton className="h-9" />
      <Skeleton className="h-24" />
    </SkeletonGroup>
  );
}

function PolicyEditor({ agent, policy }: { agent: Agent; policy: AgentPolicy | null }) {
  const toast = useToast();
  const statusId = useId();
  const [saveState, setSaveState] = useState<SaveState | undefined>(undefined);
  const [serverError, setServerError] = useState<string | undefined>(undefined);
  const save = useSaveAgentPolicy(agent.id);
  const clear = useClearAgentPolicy(agent.id);
  const form = useForm<PolicyFormValues, unknown, AgentPolicy>({
    resolver: policyResolver,
    defaultValues: policyToForm(policy, browserTimeZone()),
  });
  const { handleSubmit, formState, reset, setError } = form;
  const fieldErrors = Object.values(formState.errors)
    .map((error) => error.message)
    .filter((message): message is string => typeof message === "string");

  const onValid = (next: AgentPolicy) => {
    setSaveState("saving");
    setServerError(undefined);
    save.mutate(
      { agentId: agent.id, policy: next },
      {
        onSuccess: (saved) => {
          setSaveState("saved");
          reset(policyToForm(saved, browserTimeZone()));
        },
        onError: (error) => {
          setSaveState("failed");
          // The database names the column it refused: put its words under that field.
          const field = fieldOfServerMessage(error.message);
          if (field) {
            const words = error.message.replace(/^[a-z_]+:\s*/, "");
            setError(field, { type: "server", message: `${POLICY_FIELD_LABELS[field]}: ${words}` });
          } else {
            setServerError(error.message);
          }
        },
      },
    );
  };

  return (
    <form
      noValidate
      aria-describedby={statusId}
      onSubmit={(event) => {
        setServerError(undefined);
        void handleSubmit(onValid, () => {
          setSaveState(undefined);
        })(event);
      }}
      className="space-y-5 rounded-lg border border-slate-200 p-4 dark:border-slate-800"
    >
      {/* No row: the agent has no rules at all (a saved row always holds its approval mode). */}
      {policy !== null ? null : (
        <Alert tone="info" title="No limits" role="none">
          {agent.name} is held only by its permissions and by the numbers that opted out. Set any
          rule below and save to limit it.
        </Alert>
      )}
      <PolicyFields form={form} />
      {fieldErrors.length > 0 ? (
        <Alert tone="error" title="Not saved: fix these first">
          <ul className="list-disc space-y-1 pl-5">
            {fieldErrors.map((message) => (
              <li key={message} className="wrap-anywhere">
                {message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
      {serverError ? (
        <Alert tone="error" title="Not saved">
          <p className="wrap-anywhere">{serverError}</p>
        </Alert>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" busy={save.isPending}>
          Save limits
        </Button>
        <ClearLimitsButton
          agentName={agent.name}
          enabled={policy !== null && !clear.isPending}
          busy={clear.isPending}
          onConfirm={() => {
            clear.mutate(undefined, {
              onSuccess: () => {
                setSaveState(undefined);
                setServerError(undefined);
                reset(policyToForm(null, browserTimeZone()));
                toast.success(
                  "Limits cleared",
                  `${agent.name} has no limits beyond its permissions.`,
                );
              },
              onError: (error) => {
                toast.error("Could not clear the limits", `${error.message} Nothing was changed.`);
              },
            });
          }}
        />
        <span
          id={statusId}
          aria-live="polite"
          className={cn(
            "text-sm text-slate-600 dark:text-slate-300",
            saveState === "failed" && "font-medium text-red-700 dark:text-red-300",
            saveState === "saved" && "text-green-700 dark:text-green-300",
          )}
        >
          {saveState ? SAVE_STATE_TEXT[saveState] : null}
        </span>
      </div>
    </form>
  );
}

/**
 * The agent's limits and safety rules (public.agent_policies), which the server applies to every
 * send of the agent. Edited as one form: checked in the browser first, saved whole.
 */
export function AgentLimits({ agent }: { agent: Agent }) {
  const headingId = useId();
  const policy = useAgentPolicy(agent.id);

  let body;
  if (policy.isPending) {
    body = <LimitsSkeleton />;
  } else if (policy.isError) {
    body = (
      <QueryError
        title="Could not load this agent's limits"
        error={policy.error}
        retrying={policy.isFetching}
        onRetry={() => void policy.refetch()}
      />
    );
  } else {
    body = <PolicyEditor key={agent.id} agent={agent} policy={policy.data} />;
  }

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <h3 id={headingId} className="text-lg font-semibold">
        Limits and safety
      </h3>
      <div className="space-y-2 text-sm text-slate-600 dark:text-slate-300">
        <p>
          Rules the server applies to every send of this agent, whichever way it sends. A number
          that a recipient rule or an opt-out refuses is left out and reported as not sent; the
          other recipients still get the message. Quiet hours and the limits refuse the whole call,
          so nothing is sent.
        </p>
      </div>
      {body}
    </section>
  );
}
