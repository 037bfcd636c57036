import { Button } from "@/components/ui/button";

type PagerProps = {
  /** Names the navigation, e.g. "SMS history pages". */
  label: string;
  page: number;
  lastPage: number;
  onPageChange: (page: number) => void;
  disabled?: boolean;
};

/** Previous and next page, with where we are. */
export function Pager({ label, page, lastPage, onPageChange, disabled = false }: PagerProps) {
  if (lastPage <= 1 && page <= 1) return null;
  return (
    <nav aria-label={label} className="flex flex-wrap items-center justify-between gap-3">
      <Button
        variant="secondary"
        size="sm"
        disabled={disabled || page <= 1}
        onClick={() => {
          onPageChange(page - 1);
        }}
      >
        Previous page
      </Button>
      <p className="text-sm text-slate-600 tabular-nums dark:text-slate-300">
        Page {page} of {Math.max(lastPage, page)}
      </p>
      <Button
        variant="secondary"
        size="sm"
        disabled={disabled || page >= lastPage}
        onClick={() => {
          onPageChange(page + 1);
        }}
      >
        Next page
      </Button>
    </nav>
  );
}
