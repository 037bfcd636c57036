import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { PageLoading } from "@/components/ui/page-loading";
import { paths } from "@/config/paths";
import { useAuth } from "@/features/auth/hooks/use-auth";
import { withRedirect } from "@/features/auth/utils/redirect-target";

/**
 * Renders its children only for a signed-in user. Anyone else goes to the sign-in page, which
 * brings them back here afterwards; after choosing to sign out, they start from the overview.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const location = useLocation();

  if (auth.status === "loading") return <PageLoading />;
  if (auth.status === "signed-out") {
    const here = `${location.pathname}${location.search}${location.hash}`;
    const target = auth.reason === "user" ? paths.home : here;
    return <Navigate to={withRedirect(paths.signIn, target)} replace />;
  }
  return children;
}
