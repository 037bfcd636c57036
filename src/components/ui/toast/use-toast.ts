import { useContext } from "react";

import { ToastContext, type ToastApi } from "@/components/ui/toast/toast-context";

/**
 * Shows short outcome messages ("Connected", "Could not save"), announced politely to screen
 * readers. Call it from the component that started a mutation, in the mutation's callbacks.
 */
export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast must be used inside <ToastProvider>.");
  return api;
}
