import { cn } from "@/utils/cn";

/**
 * Shared look of Input, Textarea and Select. 16 px text below `sm` stops iOS zooming on focus;
 * aria-invalid turns the border red, so the error state does not rely on the message alone.
 */
export function controlClasses(className?: string): string {
  return cn(
    "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-xs sm:text-sm",
    "placeholder:text-slate-400 focus-visible:border-blue-600 focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-blue-600",
    "disabled:cursor-not-allowed disabled:opacity-60 aria-invalid:border-red-600",
    "dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-500",
    "dark:focus-visible:border-blue-400 dark:focus-visible:outline-blue-400 dark:aria-invalid:border-red-400",
    className,
  );
}
