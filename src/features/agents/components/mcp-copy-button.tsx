import { useState } from "react";

import { Button } from "@/components/ui/button";

type McpCopyButtonProps = {
  text: string;
  /** The button's words, e.g. "Copy token". */
  label: string;
  /** What is copied, for the failure message, e.g. "the token". */
  what: string;
  className?: string;
};

/** Copies `text` to the clipboard and says whether it worked. */
export function McpCopyButton({ text, label, what, className }: McpCopyButtonProps) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("yes");
    } catch {
      setCopied("failed");
    }
  }

  return (
    <div className={className}>
      <Button variant="secondary" size="sm" onClick={() => void copy()}>
        {label}
      </Button>
      <p role="status" className="mt-1 text-xs text-slate-600 empty:hidden dark:text-slate-300">
        {copied === "yes"
          ? "Copied."
          : copied === "failed"
            ? `Could not copy: select ${what} and copy it yourself.`
            : null}
      </p>
    </div>
  );
}
