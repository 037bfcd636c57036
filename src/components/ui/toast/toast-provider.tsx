import { useCallback, useMemo, useState, type ReactNode } from "react";

import {
  ToastContext,
  type Toast,
  type ToastApi,
  type ToastOptions,
} from "@/components/ui/toast/toast-context";
import { ToastViewport } from "@/components/ui/toast/toast-viewport";

const MAX_TOASTS = 3;
const DEFAULT_DURATION_MS = 5_000;
const ERROR_DURATION_MS = 10_000;

let nextId = 0;

/** Holds the toasts and renders their live region; wrap the app in it once. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);

  const dismiss = useCallback((id: string) => {
    setToasts((current) => current.filter((toast) => toast.id !== id));
  }, []);

  const show = useCallback((options: ToastOptions) => {
    nextId += 1;
    const tone = options.tone ?? "info";
    const toast: Toast = {
      id: `toast-${nextId}`,
      title: options.title,
      description: options.description,
      tone,
      kind: options.kind ?? options.title,
      durationMs:
        options.durationMs ?? (tone === "error" ? ERROR_DURATION_MS : DEFAULT_DURATION_MS),
    };
    setToasts((current) =>
      [...current.filter((shown) => shown.kind !== toast.kind), toast].slice(-MAX_TOASTS),
    );
    return toast.id;
  }, []);

  const api = useMemo<ToastApi>(
    () => ({
      show,
      dismiss,
      success: (title, description) => show({ title, description, tone: "success" }),
      error: (title, description) => show({ title, description, tone: "error" }),
      info: (title, description) => show({ title, description, tone: "info" }),
    }),
    [show, dismiss],
  );

  return (
    <ToastContext value={api}>
      {children}
      <ToastViewport toasts={toasts} onDismiss={dismiss} />
    </ToastContext>
  );
}
