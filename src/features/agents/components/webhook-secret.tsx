import { useId, useState } from "react";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Textarea } from "@/components/ui/textarea";

type WebhookSecretProps = {
  secret: string;
  /** The user has copied it: the secret leaves the screen for good. */
  onDone: () => void;
};

/** A new signing secret, shown this once, with a copy button. */
export function WebhookSecret({ secret, onDone }: WebhookSecretProps) {
  const inputId = useId();
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  }

  return (
    <Alert tone="warning" title="Copy the signing secret now" role="none">
      <p>
        It is shown only this once and cannot be shown again. Give it to your agent so it can check
        each request&apos;s signature.
      </p>
      <label htmlFor={inputId} className="mt-3 block text-sm font-medium">
        Signing secret
      </label>
      <div className="mt-1 flex flex-col gap-2 sm:flex-row sm:items-start">
        <Textarea
          id={inputId}
          readOnly
          rows={3}
          value={secret}
          spellCheck={false}
          className="field-sizing-content resize-none font-mono break-all"
          onFocus={(event) => {
            event.currentTarget.select();
          }}
        />
        <Button variant="secondary" className="shrink-0" onClick={() => void copy()}>
          Copy secret
        </Button>
      </div>
      <p role="status" className="mt-2 empty:hidden">
        {copied === "yes"
          ? "Copied to the clipboard."
          : copied === "failed"
            ? "Could not copy: select the secret and copy it yourself."
            : null}
      </p>
      <Button size="sm" className="mt-3" onClick={onDone}>
        I have copied it
      </Button>
    </Alert>
  );
}
