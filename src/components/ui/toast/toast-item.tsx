import { useEffect, useRef } from "react";

import type { Toast, ToastTone } from "@/components/ui/toast/toast-context";
import { cn } from "@/utils/cn";

const tones: Record<ToastTone, string> = {
  success: "border-l-green-600 dark:border-l-green-400",
  error: "border-l-red-600 dark:border-l-red-400",
  info: "border-l-blue-600 dark:border-l-blue-400",
};

type ToastItemProps = {
  toast: Toast;
  paused: boolean;
  onDismiss: (id: string) => void;
};

export function ToastItem({ toast, paused, onDismiss }: ToastItemProps) {
  const remainingMs = useRef(toast.durationMs);

  useEffect(() => {
    if (paused || !Number.isFinite(remainingMs.current)) return;
    const startedAt = Date.now();
    const timer = setTimeout(() => {
      onDismiss(toast.id);
    }, remainingMs.current);
    return () => {
      clearTimeout(timer);
      remainingMs.current -= Date.now() - startedAt;
    };
  }, [paused, toast.id, onDismiss]);

  return (
    <div
      className={cn(
        "pointer-events-auto flex items-start gap-3 rounded-lg border border-l-4 border-slate-200 bg-white p-3 text-sm shadow-lg",
        "dark:border-slate-700 dark:bg-slate-900",
        tones[toast.tone],
      )}
    >
      <div className="min-w-0 flex-1">
        <p className="font-semibold wrap-break-word">{toast.title}</p>
        {toast.description ? (
          <p className="mt-0.5 wrap-break-word text-slate-600 dark:text-slate-300">
            {toast.description}
          </p>
        ) : null}
      </div>
      <button
        type="button"
        aria-label="Dismiss notification"
        onClick={() => {
          onDismiss(toast.id);
        }}
        className="-m-1 rounded-md p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white dark:focus-visible:outline-blue-400"
      >
        <svg viewBox="0 0 20 20" fill="currentColor" aria-hidden="true" className="size-4">
          <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
        </svg>
      </button>
    </div>
  );
}
