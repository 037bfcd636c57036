import { useId } from "react";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";
import { McpCopyButton } from "@/features/agents/components/mcp-copy-button";

type McpTokenCreatedProps = {
  name: string;
  token: string;
  /** The user has saved it: the token leaves the screen for good. */
  onDone: () => void;
};

/** A new agent token, shown this once, with a copy button. */
export function McpTokenCreated({ name, token, onDone }: McpTokenCreatedProps) {
  const inputId = useId();
  return (
    <Alert tone="warning" title="Copy the token now" role="none">
      <p>
        You will not see it again: only its first characters are kept. Put it in your MCP
        client&apos;s configuration (below, it is already filled in) or a password manager. Anyone
        with it can use this agent&apos;s tools.
      </p>
      <label htmlFor={inputId} className="mt-3 block text-sm font-medium wrap-anywhere">
        New token “{name}”
      </label>
      <div className="mt-1 flex flex-col gap-2 sm:flex-row sm:items-start">
        <Textarea
          id={inputId}
          readOnly
          rows={2}
          value={token}
          spellCheck={false}
          autoComplete="off"
          className="field-sizing-content resize-none font-mono break-all"
          onFocus={(event) => {
            event.currentTarget.select();
          }}
        />
        <McpCopyButton text={token} label="Copy token" what="the token" className="shrink-0" />
      </div>
      <Button size="sm" className="mt-3" onClick={onDone}>
        I have saved it
      </Button>
    </Alert>
  );
}
