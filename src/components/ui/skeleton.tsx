import type { ReactNode } from "react";

import { cn } from "@/utils/cn";

/** A grey placeholder block in the shape of content still loading; size it with className. */
export function Skeleton({ className }: { className?: string }) {
  return (
    <div
      aria-hidden="true"
      className={cn(
        "h-4 animate-pulse rounded-md bg-slate-200 motion-reduce:animate-none dark:bg-slate-800",
        className,
      )}
    />
  );
}

type SkeletonGroupProps = {
  /** What is loading, announced once, e.g. "Loading connections". */
  label: string;
  className?: string;
  children: ReactNode;
};

/** Wraps skeletons so screen readers hear one status message instead of nothing. */
export function SkeletonGroup({ label, className, children }: SkeletonGroupProps) {
  return (
    <div role="status" className={cn("space-y-3", className)}>
      <span className="sr-only">{label}</span>
      {children}
    </div>
  );
}
