import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";

import { ToastProvider } from "@/components/ui/toast/toast-provider";
import { ClearCacheOnUserChange } from "@/features/auth/components/clear-cache-on-user-change";
import { createQueryClient } from "@/lib/react-query";

type AppProviderProps = {
  children: ReactNode;
  /** Tests pass their own client so no cache leaks between them. */
  queryClient?: QueryClient;
};

export function AppProvider({ children, queryClient }: AppProviderProps) {
  const [client] = useState(() => queryClient ?? createQueryClient());
  return (
    <QueryClientProvider client={client}>
      <ClearCacheOnUserChange />
      <ToastProvider>{children}</ToastProvider>
    </QueryClientProvider>
  );
}
