import { useState, type ComponentProps } from "react";

import { useFieldControl } from "@/components/ui/field-context";
import { Input } from "@/components/ui/input";
import { cn } from "@/utils/cn";

type PasswordInputProps = Omit<ComponentProps<"input">, "type">;

/**
 * A masked input with a "Show"/"Hide" toggle (aria-pressed) for passwords and API keys.
 * Never pre-fill it with a stored secret.
 */
export function PasswordInput({ className, disabled, ...props }: PasswordInputProps) {
  const [revealed, setRevealed] = useState(false);
  const { id } = useFieldControl(props);

  return (
    <div className="relative">
      <Input
        autoCapitalize="none"
        autoCorrect="off"
        spellCheck={false}
        {...props}
        disabled={disabled}
        type={revealed ? "text" : "password"}
        className={cn("pr-18", className)}
      />
      <button
        type="button"
        aria-pressed={revealed}
        aria-controls={id}
        disabled={disabled}
        onClick={() => {
          setRevealed((value) => !value);
        }}
        className="absolute inset-y-1 right-1 min-w-14 rounded px-2 text-sm font-medium text-blue-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-blue-600 disabled:opacity-60 dark:text-blue-300 dark:hover:bg-slate-800 dark:focus-visible:outline-blue-400"
      >
        {revealed ? "Hide" : "Show"}
      </button>
    </div>
  );
}
