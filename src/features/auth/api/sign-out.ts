import { useMutation } from "@tanstack/react-query";

import { signOutOfSupabase } from "@/features/auth/session-store";
import { toApiError } from "@/lib/api-error";

async function signOut(): Promise<void> {
  try {
    await signOutOfSupabase();
  } catch (error) {
    throw toApiError(error);
  }
}

/** The query cache is cleared by <ClearCacheOnUserChange> when the session ends. */
export function useSignOut() {
  return useMutation({ mutationFn: signOut });
}
