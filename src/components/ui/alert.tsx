import type { ReactNode } from "react";

import { cn } from "@/utils/cn";

type AlertTone = "error" | "warning" | "info" | "success";

const tones: Record<AlertTone, string> = {
  error:
    "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100",
  warning:
    "border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100",
  info: "border-blue-300 bg-blue-50 text-blue-900 dark:border-blue-800 dark:bg-blue-950 dark:text-blue-100",
  success:
    "border-green-300 bg-green-50 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100",
};

type AlertProps = {
  tone?: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  /** E.g. a "Try again" button, shown under the message. */
  action?: ReactNode;
  /**
   * "alert" interrupts a screen reader, "status" waits; the default is "alert" for errors and
   * "status" otherwise. "none" for a message that is part of the page from the start.
   */
  role?: "alert" | "status" | "none";
  className?: string;
};

/** A message box: an error the user can act on, a warning, or a confirmation. */
export function Alert({ tone = "info", title, children, action, role, className }: AlertProps) {
  const liveRole = role ?? (tone === "error" ? "alert" : "status");
  return (
    <div
      role={liveRole === "none" ? undefined : liveRole}
      className={cn("rounded-md border p-3 text-sm", tones[tone], className)}
    >
      {title ? <p className="font-semibold">{title}</p> : null}
      {children ? <div className={cn(title ? "mt-1" : undefined)}>{children}</div> : null}
      {action ? <div className="mt-3">{action}</div> : null}
    </div>
  );
}
