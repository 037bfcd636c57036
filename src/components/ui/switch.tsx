import { useId, type ReactNode } from "react";

import { cn } from "@/utils/cn";

type SwitchProps = {
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  /** The visible label and accessible name; clicking it toggles too. */
  label: ReactNode;
  /** Read with the switch, e.g. the tools a scope unlocks. */
  description?: ReactNode;
  /** A short word beside the switch, e.g. "Saved"; announced politely when it changes. */
  status?: ReactNode;
  disabled?: boolean;
  id?: string;
  className?: string;
};

/** An on/off control (role="switch"), toggled by click, Space or Enter. */
export function Switch({
  checked,
  onCheckedChange,
  label,
  description,
  status,
  disabled = false,
  id,
  className,
}: SwitchProps) {
  const generatedId = useId();
  const switchId = id ?? generatedId;
  const descriptionId = `${switchId}-description`;
  const statusId = `${switchId}-status`;

  return (
    <div className={cn("flex items-start justify-between gap-4", className)}>
      <div className="min-w-0">
        <label
          htmlFor={switchId}
          className={cn("text-sm font-medium", disabled ? "opacity-60" : "cursor-pointer")}
        >
          {label}
        </label>
        {description ? (
          <div id={descriptionId} className="text-sm text-slate-600 dark:text-slate-300">
            {description}
          </div>
        ) : null}
      </div>
      <div className="flex shrink-0 items-center gap-2">
        <span
          id={statusId}
          aria-live="polite"
          className="text-xs text-slate-600 dark:text-slate-300"
        >
          {status}
        </span>
        <button
          id={switchId}
          type="button"
          role="switch"
          aria-checked={checked}
          aria-describedby={
            [description ? descriptionId : null, status == null ? null : statusId]
              .filter(Boolean)
              .join(" ") || undefined
          }
          disabled={disabled}
          onClick={() => {
            onCheckedChange(!checked);
          }}
          className={cn(
            "group relative inline-flex h-6 w-11 shrink-0 items-center rounded-full border-2 border-transparent transition-colors",
            "bg-slate-400 aria-checked:bg-blue-600 dark:bg-slate-600 dark:aria-checked:bg-blue-500",
            "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:focus-visible:outline-blue-400",
            "disabled:cursor-not-allowed disabled:opacity-60",
          )}
        >
          <span
            aria-hidden="true"
            className="pointer-events-none size-5 translate-x-0 rounded-full bg-white shadow transition-transform group-aria-checked:translate-x-5 motion-reduce:transition-none"
          />
        </button>
      </div>
    </div>
  );
}
