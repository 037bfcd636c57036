import { useId, useMemo, type ReactNode } from "react";

import { FieldContext, type FieldControlProps } from "@/components/ui/field-context";
import { cn } from "@/utils/cn";

type FieldProps = {
  /** The visible label; also the control's accessible name. */
  label: ReactNode;
  /** Help shown under the label and read with the control. */
  description?: ReactNode;
  /** A validation or server message; marks the control aria-invalid and is read with it. */
  error?: string;
  /** Shows "Optional" next to the label (read with the control) instead of changing the label. */
  optional?: boolean;
  /** The control's id; generated when omitted. */
  id?: string;
  className?: string;
  /** One Input, Textarea, Select or PasswordInput. */
  children: ReactNode;
};

/** Label, description, control and error message, wired together with ids and ARIA. */
export function Field({
  label,
  description,
  error,
  optional = false,
  id,
  className,
  children,
}: FieldProps) {
  const generatedId = useId();
  const controlId = id ?? generatedId;
  const optionalId = `${controlId}-optional`;
  const descriptionId = `${controlId}-description`;
  const errorId = `${controlId}-error`;

  const describedBy =
    [optional && optionalId, description && descriptionId, error && errorId]
      .filter(Boolean)
      .join(" ") || undefined;
  const control = useMemo<FieldControlProps>(
    () => ({
      id: controlId,
      "aria-describedby": describedBy,
      "aria-invalid": error ? true : undefined,
    }),
    [controlId, describedBy, error],
  );

  return (
    <div className={cn("space-y-1.5", className)}>
      <div className="flex items-baseline justify-between gap-2">
        <label htmlFor={controlId} className="text-sm font-medium">
          {label}
        </label>
        {optional ? (
          <span id={optionalId} className="text-xs text-slate-500 dark:text-slate-400">
            Optional
          </span>
        ) : null}
      </div>
      {description ? (
        <p id={descriptionId} className="text-sm text-slate-600 dark:text-slate-300">
          {description}
        </p>
      ) : null}
      <FieldContext value={control}>{children}</FieldContext>
      {error ? (
        <p id={errorId} className="text-sm font-medium text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
    </div>
  );
}
