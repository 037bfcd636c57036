import { createContext } from "react";

export type ToastTone = "success" | "error" | "info";

export type ToastOptions = {
  title: string;
  description?: string;
  tone?: ToastTone;
  /**
   * What kind of event it reports (the title unless given): a new toast of a kind replaces the
   * one showing, so four quick saves leave one "Permissions saved", not four.
   */
  kind?: string;
  /** Milliseconds before it disappears: 5 s by default, 10 s for errors; Infinity to stay. */
  durationMs?: number;
};

export type Toast = Required<Omit<ToastOptions, "description">> & {
  id: string;
  description?: string;
};

export type ToastApi = {
  show: (options: ToastOptions) => string;
  success: (title: string, description?: string) => string;
  error: (title: string, description?: string) => string;
  info: (title: string, description?: string) => string;
  dismiss: (id: string) => void;
};

export const ToastContext = createContext<ToastApi | null>(null);
