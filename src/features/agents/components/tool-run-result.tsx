import { Alert } from "@/components/ui/alert";
import type { ToolRun } from "@/features/agents/api/execute-agent-tool";
import { SCOPE_LABELS, toolByName } from "@/features/agents/catalog";
import { JsonBlock } from "@/features/agents/components/json-block";
import { errorTitle, retryAfterHint, type ApiError } from "@/lib/api-error";

/** "Allowed" with the result, or "Denied" with the reason and the switch that would allow it. */
export function ToolRunResult({ run }: { run: ToolRun }) {
  if (run.outcome === "allowed") {
    return (
      <Alert tone="success" title="Allowed" role="none">
        <p className="wrap-anywhere">
          The agent may use <code className="font-mono text-xs">{run.tool}</code>; ClickSend
          answered:
        </p>
        <JsonBlock value={run.result} label="Tool result JSON" className="mt-2 max-h-80" />
      </Alert>
    );
  }
  const scope = toolByName(run.tool).scope;
  return (
    <Alert tone="warning" title="Denied" role="none">
      <p className="wrap-anywhere">{run.reason}</p>
      <p className="mt-1">Turn on “{SCOPE_LABELS[scope]}” above to allow it.</p>
    </Alert>
  );
}

function failureTitle(error: ApiError): string {
  return errorTitle(error, "The tool could not be run");
}

function failureHint(error: ApiError): string {
  if (error.code === "invalid_arguments") return "Fix the arguments, then run again.";
  if (error.retryAfterSeconds !== undefined) return retryAfterHint(error) ?? "";
  return error.retryable ? "Try again in a moment." : "";
}

/** A call that was neither allowed nor denied: bad arguments, rate limit, ClickSend failure. */
export function ToolRunFailure({ error }: { error: ApiError }) {
  const hint = failureHint(error);
  return (
    <Alert tone="error" title={failureTitle(error)} role="none">
      <p className="wrap-anywhere">{error.message}</p>
      {hint ? <p className="mt-1">{hint}</p> : null}
    </Alert>
  );
}
