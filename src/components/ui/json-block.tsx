import { cn } from "@/utils/cn";

type JsonBlockProps = {
  value: unknown;
  /** Names the box for screen readers, e.g. "Tools JSON". */
  label: string;
  className?: string;
};

/**
 * Pretty-printed JSON in its own box: long lines wrap and tall content scrolls inside the box,
 * so the page never scrolls sideways. Focusable, so the box can be scrolled by keyboard.
 */
export function JsonBlock({ value, label, className }: JsonBlockProps) {
  return (
    <pre
      role="region"
      aria-label={label}
      // A box that scrolls must be reachable by keyboard to be scrolled (WCAG 2.1.1).
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
      tabIndex={0}
      className={cn(
        "max-h-96 overflow-auto rounded-md border border-slate-200 bg-slate-50 p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap text-slate-900 wrap-anywhere",
        "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600",
        "dark:border-slate-800 dark:bg-slate-900 dark:text-slate-100 dark:focus-visible:outline-blue-400",
        className,
      )}
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
