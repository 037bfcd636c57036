import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import { useAuth } from "@/features/auth/hooks/use-auth";

/**
 * Drops every cached query when the signed-in user changes or signs out (here or in another tab),
 * so nobody sees the previous user's data, even for a moment.
 */
export function ClearCacheOnUserChange() {
  const auth = useAuth();
  const queryClient = useQueryClient();
  const userId =
    auth.status === "signed-in" ? auth.session.user.id : auth.status === "signed-out" ? null : "";
  const previous = useRef(userId);

  useEffect(() => {
    if (userId === "") return;
    if (previous.current !== "" && previous.current !== userId) queryClient.clear();
    previous.current = userId;
  }, [userId, queryClient]);

  return null;
}
