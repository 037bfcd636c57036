import type { Connection } from "@contracts/connection-schemas.ts";
import { Switch } from "@/components/ui/switch";
import { SCOPES, SCOPE_LABELS, TOOL_CATALOG, type Scope } from "@/features/agents/catalog";
import { connectionTitle } from "@/lib/connections/get-connections";
import { cn } from "@/utils/cn";

export type SaveState = "saving" | "saved" | "failed";

const SAVE_STATE_TEXT: Record<SaveState, string> = {
  saving: "Saving…",
  saved: "Saved",
  failed: "Not saved — try again",
};

type ConnectionScopesProps = {
  connection: Connection;
  /** The scopes in force on this connection. */
  scopes: readonly Scope[];
  expiresAt: string | null;
  /** How the last change of a switch went; undefined until it is changed. */
  saveStateOf: (scope: Scope) => SaveState | undefined;
  onToggle: (scope: Scope, on: boolean) => void;
};

function ToolsUnlocked({ scope }: { scope: Scope }) {
  const tools = TOOL_CATALOG.filter((tool) => tool.scope === scope);
  return (
    <>
      Unlocks{" "}
      {tools.map((tool, index) => (
        <span key={tool.name}>
          {index > 0 ? ", " : null}
          <code className="font-mono text-xs wrap-anywhere">{tool.name}</code>
        </span>
      ))}
    </>
  );
}

/** Nothing until the switch is changed, so its description stays as it was. */
function saveStatus(state: SaveState | undefined) {
  if (state === undefined) return undefined;
  return (
    <span
      className={cn(
        "whitespace-nowrap",
        state === "failed" && "font-medium text-red-700 dark:text-red-300",
        state === "saved" && "text-green-700 dark:text-green-300",
      )}
    >
      {SAVE_STATE_TEXT[state]}
    </span>
  );
}

/** One switch per scope for the agent on one connection, each naming the tools it unlocks. */
export function ConnectionScopes({
  connection,
  scopes,
  expiresAt,
  saveStateOf,
  onToggle,
}: ConnectionScopesProps) {
  return (
    <fieldset className="min-w-0 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <legend className="px-1 text-sm font-semibold wrap-anywhere">
        {connectionTitle(connection)}
      </legend>
      {expiresAt ? (
        <p className="mb-3 text-sm text-slate-600 dark:text-slate-300">
          These permissions expire on {new Date(expiresAt).toLocaleString()}.
        </p>
      ) : null}
      <div className="divide-y divide-slate-200 dark:divide-slate-800">
        {SCOPES.map((scope) => (
          <Switch
            key={scope}
            className="py-3 first:pt-0 last:pb-0"
            label={SCOPE_LABELS[scope]}
            description={<ToolsUnlocked scope={scope} />}
            checked={scopes.includes(scope)}
            status={saveStatus(saveStateOf(scope))}
            onCheckedChange={(on) => {
              onToggle(scope, on);
            }}
          />
        ))}
      </div>
    </fieldset>
  );
}
