import { useId, type ComponentProps, type ReactNode } from "react";

import { cn } from "@/utils/cn";

type TableProps = ComponentProps<"table"> & {
  /** Names the table for screen readers; visible unless captionHidden. */
  caption: ReactNode;
  captionHidden?: boolean;
};

/**
 * A data table that scrolls sideways inside its own box on narrow screens, so the page never
 * scrolls horizontally. The box is a focusable region named by the caption, so keyboard users can
 * scroll it too. Use TableHead/TableBody/TableRow/TableHeaderCell/TableCell inside.
 */
export function Table({
  caption,
  captionHidden = false,
  className,
  children,
  ...props
}: TableProps) {
  const captionId = useId();
  return (
    <div
      role="region"
      aria-labelledby={captionId}
      // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrollable region must be reachable by keyboard
      tabIndex={0}
      className="overflow-x-auto rounded-lg border border-slate-200 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-slate-800 dark:focus-visible:outline-blue-400"
    >
      <table className={cn("min-w-full text-left text-sm", className)} {...props}>
        <caption
          id={captionId}
          className={cn(captionHidden ? "sr-only" : "px-3 py-2 text-left text-sm font-semibold")}
        >
          {caption}
        </caption>
        {children}
      </table>
    </div>
  );
}

export function TableHead({ className, ...props }: ComponentProps<"thead">) {
  return (
    <thead
      className={cn("bg-slate-50 text-slate-700 dark:bg-slate-900 dark:text-slate-300", className)}
      {...props}
    />
  );
}

export function TableBody({ className, ...props }: ComponentProps<"tbody">) {
  return (
    <tbody
      className={cn("divide-y divide-slate-200 dark:divide-slate-800", className)}
      {...props}
    />
  );
}

export function TableRow(props: ComponentProps<"tr">) {
  return <tr {...props} />;
}

/** A header cell; scope="col" unless given (use scope="row" for a row's first cell). */
export function TableHeaderCell({ className, scope = "col", ...props }: ComponentProps<"th">) {
  return (
    <th
      scope={scope}
      className={cn("px-3 py-2 font-medium whitespace-nowrap", className)}
      {...props}
    />
  );
}

export function TableCell({ className, ...props }: ComponentProps<"td">) {
  return <td className={cn("px-3 py-2 align-top", className)} {...props} />;
}
