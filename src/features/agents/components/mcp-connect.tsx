import { zodResolver } from "@hookform/resolvers/zod";
import { useId, useState } from "react";
import { useForm } from "react-hook-form";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { JsonBlock } from "@/components/ui/json-block";
import { MAX_TOKENS_PER_AGENT, mcpEndpointUrl } from "@contracts/agent-tokens.ts";
import {
  tokenFormSchema,
  useCreateAgentToken,
  type TokenFormValues,
} from "@/features/agents/api/create-agent-token";
import type { Agent } from "@/features/agents/api/get-agents";
import {
  mcpRemoteCommand,
  mcpServersConfig,
  TOKEN_PLACEHOLDER,
} from "@/features/agents/components/mcp-config";
import { McpCopyButton } from "@/features/agents/components/mcp-copy-button";
import { McpTokenCreated } from "@/features/agents/components/mcp-token-created";
import { McpTokenList } from "@/features/agents/components/mcp-token-list";
import { errorTitle } from "@/lib/api-error";
import { env } from "@/lib/env";

/** The contract's messages are fragments ("give the token a name"): shown as a sentence. */
function sentence(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`;
}

type Created = { name: string; token: string };

/**
 * The agent's remote MCP endpoint: its address, the tokens that open it (made here, shown once),
 * and copy-ready configuration for MCP clients. Mount with `key={agent.id}`: a new token belongs
 * to the agent it was made for and must not survive a switch to another.
 */
export function McpConnectSection({ agent }: { agent: Agent }) {
  const headingId = useId();
  const tokensHeadingId = useId();
  const configHeadingId = useId();
  const endpoint = mcpEndpointUrl(env.supabaseUrl);
  // The token lives here only, and only until the user says it is saved.
  const [created, setCreated] = useState<Created | null>(null);
  const create = useCreateAgentToken(agent.id);
  const {
    register,
    handleSubmit,
    reset,
    formState: { errors },
  } = useForm<TokenFormValues>({
    resolver: zodResolver(tokenFormSchema),
    defaultValues: { name: "" },
  });

  function submit({ name }: TokenFormValues) {
    create.mutate(name, {
      onSuccess: (answer) => {
        setCreated({ name: answer.name, token: answer.token });
        reset({ name: "" });
        // Nothing else keeps the answer: the mutation (and the token in it) leaves the cache.
        create.reset();
      },
    });
  }

  const token = created?.token ?? null;
  const json = mcpServersConfig(agent.name, endpoint, token);
  const command = mcpRemoteCommand(endpoint, token);

  return (
    <section aria-labelledby={headingId} className="space-y-4">
      <div className="space-y-1">
        <h3 id={headingId} className="text-lg font-semibold">
          Connect an MCP client
        </h3>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          An MCP client (Claude, Cursor, VS Code and others) can use this agent&apos;s tools
          directly, with the permissions and limits set above. Give it the endpoint and a token;
          each token opens this agent only.
        </p>
      </div>

      <div className="space-y-1.5">
        <p className="text-sm font-medium">Endpoint (Streamable HTTP)</p>
        <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
          <code className="block min-w-0 flex-1 rounded-md bg-slate-100 px-3 py-2 font-mono text-xs wrap-anywhere text-slate-800 dark:bg-slate-900 dark:text-slate-200">
            {endpoint}
          </code>
          <McpCopyButton
            text={endpoint}
            label="Copy endpoint"
            what="the address"
            className="shrink-0"
          />
        </div>
      </div>

      <form
        noValidate
        className="max-w-xl space-y-3"
        onSubmit={(event) => {
          void handleSubmit(submit)(event);
        }}
      >
        <Field
          label="Token name"
          description={`Say where it is used, such as “Claude Desktop on my laptop”. An agent can have up to ${String(MAX_TOKENS_PER_AGENT)} tokens.`}
          error={sentence(errors.name?.message)}
        >
          <Input autoComplete="off" maxLength={200} {...register("name")} />
        </Field>
        <Button type="submit" busy={create.isPending}>
          Create token
        </Button>
      </form>

      {create.isError ? (
        <Alert tone="error" title={errorTitle(create.error, "Could not create the token")}>
          {create.error.code === "too_many_tokens"
            ? `${create.error.message} Revoke one you no longer use, then try again.`
            : create.error.message}
        </Alert>
      ) : null}

      {created !== null ? (
        <McpTokenCreated
          name={created.name}
          token={created.token}
          onDone={() => {
            setCreated(null);
          }}
        />
      ) : null}

      <section aria-labelledby={tokensHeadingId} className="space-y-2">
        <h4 id={tokensHeadingId} className="text-base font-semibold">
          Tokens
        </h4>
        <McpTokenList agentId={agent.id} />
      </section>

      <section aria-labelledby={configHeadingId} className="space-y-3">
        <h4 id={configHeadingId} className="text-base font-semibold">
          Client configuration
        </h4>
        <p className="text-sm text-slate-600 dark:text-slate-300">
          {token === null ? (
            <>
              Replace <code className="font-mono">{TOKEN_PLACEHOLDER}</code> with a token of this
              agent: the one you saved when you made it. A token is shown only once; if it is lost,
              make a new one and revoke the old.
            </>
          ) : (
            "Your new token is filled in below; once you dismiss it, it is replaced by a placeholder."
          )}
        </p>
        <div className="space-y-1.5">
          <p className="text-sm font-medium">JSON for clients that connect over HTTP</p>
          <JsonBlock value={json} label="MCP client JSON configuration" />
          <McpCopyButton text={JSON.stringify(json, null, 2)} label="Copy JSON" what="the JSON" />
        </div>
        <div className="space-y-1.5">
          <p className="text-sm font-medium">Command for clients that start local servers only</p>
          <pre className="rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap text-slate-900 wrap-anywhere dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100">
            {command}
          </pre>
          <McpCopyButton text={command} label="Copy command" what="the command" />
        </div>
      </section>
    </section>
  );
}
