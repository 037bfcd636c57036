import { useSyncExternalStore } from "react";

import { getAuthState, subscribeToAuth, type AuthState } from "@/features/auth/session-store";

/** The current auth state; re-renders on sign-in, sign-out and token refresh. */
export function useAuth(): AuthState {
  return useSyncExternalStore(subscribeToAuth, getAuthState);
}
