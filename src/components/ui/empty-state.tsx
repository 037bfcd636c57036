import { useId, type ReactNode } from "react";

type EmptyStateProps = {
  title: string;
  children: ReactNode;
};

/** Says plainly that there is nothing to show yet, and what will appear here. */
export function EmptyState({ title, children }: EmptyStateProps) {
  const titleId = useId();
  return (
    <section
      aria-labelledby={titleId}
      className="rounded-lg border border-dashed border-slate-300 p-6 dark:border-slate-700"
    >
      <h2 id={titleId} className="text-base font-semibold">
        {title}
      </h2>
      <div className="mt-2 space-y-2 text-sm text-slate-600 dark:text-slate-300">{children}</div>
    </section>
  );
}
