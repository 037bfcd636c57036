import type { ReactNode } from "react";

import { cn } from "@/utils/cn";

export type DataColumn<T> = {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
};

type DataTableProps<T> = {
  caption: string;
  rows: readonly T[];
  columns: readonly DataColumn<T>[];
  rowKey: (row: T) => string;
  /** Dims the rows while the next page loads. */
  stale?: boolean;
};

const cellClasses =
  "px-3 py-2 align-top sm:table-cell sm:border-t sm:border-slate-200 sm:dark:border-slate-800";

/**
 * A table from `sm` up; below, each row becomes a card with a label before every value, so
 * nothing scrolls sideways at 375 px. ARIA table roles on plain elements keep the semantics
 * whatever the CSS display, which real table elements lose in some browsers once restyled.
 */
export function DataTable<T>({ caption, rows, columns, rowKey, stale = false }: DataTableProps<T>) {
  return (
    <div className="sm:overflow-x-auto sm:rounded-lg sm:border sm:border-slate-200 sm:dark:border-slate-800">
      <div
        role="table"
        aria-label={caption}
        aria-busy={stale || undefined}
        className={cn(
          "w-full text-left text-sm transition-opacity sm:table",
          stale && "opacity-60",
        )}
      >
        <div
          role="rowgroup"
          className="bg-slate-50 text-slate-700 max-sm:sr-only sm:table-header-group dark:bg-slate-900 dark:text-slate-300"
        >
          <div role="row" className="sm:table-row">
            {columns.map((column) => (
              <div
                key={column.header}
                role="columnheader"
                className="px-3 py-2 font-medium whitespace-nowrap sm:table-cell"
              >
                {column.header}
              </div>
            ))}
          </div>
        </div>
        <div role="rowgroup" className="max-sm:space-y-3 sm:table-row-group">
          {rows.map((row) => (
            <div
              key={rowKey(row)}
              role="row"
              className="max-sm:rounded-lg max-sm:border max-sm:border-slate-200 max-sm:p-3 sm:table-row max-sm:dark:border-slate-800"
            >
              {columns.map((column) => (
                <div
                  key={column.header}
                  role="cell"
                  data-label={column.header}
                  className={cn(
                    cellClasses,
                    "max-sm:flex max-sm:gap-3 max-sm:px-0 max-sm:py-1",
                    "max-sm:before:w-24 max-sm:before:shrink-0 max-sm:before:font-medium max-sm:before:text-slate-600 max-sm:before:content-[attr(data-label)] max-sm:dark:before:text-slate-300",
                    column.className,
                  )}
                >
                  <div className="min-w-0 wrap-break-word">{column.cell(row)}</div>
                </div>
              ))}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
