import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";

import { QueryError } from "@/components/errors/query-error";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Skeleton, SkeletonGroup } from "@/components/ui/skeleton";
import { useToast } from "@/components/ui/toast/use-toast";
import type { AgentWebhookView } from "@contracts/function-requests.ts";
import { useAgentWebhook } from "@/features/agents/api/get-agent-webhook";
import type { Agent } from "@/features/agents/api/get-agents";
import { useRemoveAgentWebhook } from "@/features/agents/api/remove-agent-webhook";
import { useRotateWebhookSecret } from "@/features/agents/api/rotate-webhook-secret";
import {
  useSetAgentWebhook,
  webhookFormSchema,
  type WebhookFormValues,
} from "@/features/agents/api/set-agent-webhook";
import { WebhookActions } from "@/features/agents/components/webhook-actions";
import { WebhookDeliveries } from "@/features/agents/components/webhook-deliveries";
import { WebhookSecret } from "@/features/agents/components/webhook-secret";
import type { ApiError } from "@/lib/api-error";

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** agent-webhooks names the field ("url: must start with https://"); the form shows the rest. */
function urlProblem(error: ApiError | null): string | undefined {
  if (error?.code !== "invalid_request" || !error.message.startsWith("url: ")) return undefined;
  const problem = error.message.slice("url: ".length);
  return `The URL ${problem}.`;
}

/** Where this agent is woken when someone replies to it: URL, secret, and delivery attempts. */
export function AgentWebhookSection({ agent }: { agent: Agent }) {
  const headingId = useId();
  const webhook = useAgentWebhook(agent.id);

  let body;
  if (webhook.isPending) {
    body = (
      <SkeletonGroup label="Loading the webhook">
        <Skeleton className="h-10 w-full max-w-xl" />
      </SkeletonGroup>
    );
  } else if (webhook.isError) {
    body = (
      <QueryError
        title="Could not load the webhook"
        error={webhook.error}
        retrying={webhook.isFetching}
        onRetry={() => void webhook.refetch()}
      />
    );
  } else {
    body = <WebhookSettings key={agent.id} agent={agent} webhook={webhook.data} />;
  }

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <h3 id={headingId} className="text-lg font-semibold">
        Reply webhook
      </h3>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        When someone replies to a message this agent sent, the reply is sent to this URL as a JSON
        POST, so the agent can answer without polling. Check each request&apos;s signature with the
        secret before trusting it:
      </p>
      <code className="block rounded-md bg-slate-100 px-3 py-2 font-mono text-xs wrap-anywhere text-slate-800 dark:bg-slate-900 dark:text-slate-200">
        ClickSend-Agents-Signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256(secret,
        &quot;&lt;t&gt;.&lt;raw body&gt;&quot;)&gt;
      </code>
      {body}
      <WebhookDeliveries agentId={agent.id} />
    </section>
  );
}

function WebhookSettings({ agent, webhook }: { agent: Agent; webhook: AgentWebhookView | null }) {
  const toast = useToast();
  // The secret lives here only, and only until the user says it is copied.
  const [secret, setSecret] = useState<string | null>(null);
  const save = useSetAgentWebhook(agent.id);
  const rotate = useRotateWebhookSecret(agent.id);
  const remove = useRemoveAgentWebhook(agent.id);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors, isDirty },
  } = useForm<WebhookFormValues>({
    resolver: zodResolver(webhookFormSchema),
    defaultValues: { url: webhook?.url ?? "" },
  });

  function submit({ url }: WebhookFormValues) {
    save.mutate(
      { agentId: agent.id, url },
      {
        onSuccess: (change) => {
          reset({ url: change.webhook.url });
          if (change.secret !== null) setSecret(change.secret);
          else toast.success("Webhook URL saved", `Replies to ${agent.name} go to the new URL.`);
        },
      },
    );
  }

  const serverUrlProblem = urlProblem(save.error);
  const otherFailure =
    save.error && !serverUrlProblem ? save.error : (rotate.error ?? remove.error);

  return (
    <div className="space-y-4">
      <form
        noValidate
        className="max-w-xl space-y-3"
        onSubmit={(event) => {
          void handleSubmit(submit)(event);
        }}
      >
        <Field
          label="Webhook URL"
          description="An https:// address of your agent that accepts POST requests."
          error={errors.url?.message ?? serverUrlProblem}
        >
          <Input
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://agent.example.com/replies"
            {...register("url")}
          />
        </Field>
        <Button type="submit" busy={save.isPending} disabled={webhook !== null && !isDirty}>
          {webhook === null ? "Set webhook" : "Save URL"}
        </Button>
      </form>

      {otherFailure && !save.isPending && !rotate.isPending && !remove.isPending ? (
        <Alert tone="error" title="Could not change the webhook">
          {otherFailure.message}
        </Alert>
      ) : null}

      {secret !== null ? (
        <WebhookSecret
          secret={secret}
          onDone={() => {
            setSecret(null);
          }}
        />
      ) : null}

      {webhook !== null ? (
        <div className="space-y-3 rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800">
          <p>
            Signing secret ending in{" "}
            <span className="font-mono">
              <span aria-hidden="true">••••</span>
              {webhook.secret_hint}
            </span>
            , made{" "}
            <time dateTime={webhook.secret_rotated_at}>
              {dateTime.format(new Date(webhook.secret_rotated_at))}
            </time>
            .
          </p>
          <WebhookActions
            rotating={rotate.isPending}
            removing={remove.isPending}
            onRotate={() => {
              rotate.mutate(undefined, {
                onSuccess: (change) => {
                  setSecret(change.secret);
                },
              });
            }}
            onRemove={() => {
              remove.mutate(undefined, {
                onSuccess: () => {
                  setSecret(null);
                  reset({ url: "" });
                  toast.success("Webhook removed", `Replies are no longer sent to ${agent.name}.`);
                },
              });
            }}
          />
        </div>
      ) : null}
    </div>
  );
}
