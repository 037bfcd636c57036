import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";

import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Select } from "@/components/ui/select";
import { Textarea } from "@/components/ui/textarea";
import { toolCallSchema, useExecuteAgentTool } from "@/features/agents/api/execute-agent-tool";
import { useAgentTools } from "@/features/agents/api/get-agent-tools";
import { isToolName, TOOL_CATALOG, type ToolName } from "@/features/agents/catalog";
import { exampleText, TEST_NUMBER } from "@/features/agents/components/tool-examples";
import { ToolRunFailure, ToolRunResult } from "@/features/agents/components/tool-run-result";

const argumentsText = z.string().transform((text, context) => {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch (error) {
    context.addIssue({
      code: "custom",
      message: `This is not valid JSON (${error instanceof Error ? error.message : "parse error"}).`,
    });
    return z.NEVER;
  }
  context.addIssue({
    code: "custom",
    message: "Write the arguments as a JSON object, such as {}.",
  });
  return z.NEVER;
});

const playgroundSchema = z.object({
  tool: toolCallSchema.shape.tool,
  arguments: argumentsText.pipe(toolCallSchema.shape.arguments),
});

type PlaygroundInput = z.input<typeof playgroundSchema>;
type PlaygroundOutput = z.output<typeof playgroundSchema>;

const FIRST_TOOL: ToolName = "clicksend_send_sms";

/**
 * Runs any catalog tool as the agent, through the same executor the agent uses, so the answer
 * is the real one: allowed with ClickSend's result, or denied with the reason.
 */
export function ToolPlayground({ agentId }: { agentId: string }) {
  const headingId = useId();
  const tools = useAgentTools(agentId);
  const execute = useExecuteAgentTool();
  const { register, handleSubmit, setValue, control, formState } = useForm<
    PlaygroundInput,
    unknown,
    PlaygroundOutput
  >({
    resolver: zodResolver(playgroundSchema),
    defaultValues: { tool: FIRST_TOOL, arguments: exampleText(FIRST_TOOL) },
  });

  const selected = useWatch({ control, name: "tool" });
  const granted = tools.data?.tools.some((tool) => tool.function.name === selected);

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <h3 id={headingId} className="text-lg font-semibold">
        Tool playground
      </h3>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Run a tool as this agent, through the same permission check the agent meets. Pick any tool,
        granted or not, to see what the agent would get. Calls are real: sends cost credit, except
        to ClickSend&apos;s test number <span className="whitespace-nowrap">{TEST_NUMBER}</span>,
        which is free and never delivered.
      </p>
      <form
        noValidate
        onSubmit={(event) => {
          void handleSubmit((values) => {
            execute.mutate({ agentId, ...values });
          })(event);
        }}
        className="space-y-4"
      >
        <Field
          label="Tool"
          error={formState.errors.tool?.message}
          description={
            granted === undefined
              ? undefined
              : granted
                ? "Granted: the agent sees this tool."
                : "Not granted: the agent does not see this tool, so a call is denied."
          }
        >
          <Select
            {...register("tool", {
              onChange: (event: { target: { value: string } }) => {
                const tool = event.target.value;
                if (isToolName(tool)) setValue("arguments", exampleText(tool));
                execute.reset();
              },
            })}
          >
            {TOOL_CATALOG.map((tool) => (
              <option key={tool.name} value={tool.name}>
                {tool.label} ({tool.name})
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Arguments (JSON)"
          description="Prefilled with an example for the chosen tool; edit as you like."
          error={formState.errors.arguments?.message}
        >
          <Textarea
            rows={9}
            spellCheck={false}
            autoCapitalize="none"
            autoCorrect="off"
            className="font-mono"
            {...register("arguments")}
          />
        </Field>
        <Button type="submit" busy={execute.isPending}>
          Run tool
        </Button>
      </form>
      <div aria-live="polite" className="min-w-0">
        {execute.data ? <ToolRunResult run={execute.data} /> : null}
        {execute.error ? (
          <ToolRunFailure
            error={execute.error}
            tool={execute.variables.tool}
            args={execute.variables.arguments}
          />
        ) : null}
      </div>
    </section>
  );
}
