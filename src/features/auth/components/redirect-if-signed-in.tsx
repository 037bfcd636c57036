import type { ReactNode } from "react";
import { Navigate, useSearchParams } from "react-router";

import { PageLoading } from "@/components/ui/page-loading";
import { useAuth } from "@/features/auth/hooks/use-auth";
import { redirectTargetFrom } from "@/features/auth/utils/redirect-target";

/**
 * For the sign-in and create-account pages: a signed-in user goes on to the page they asked for.
 * This is also how a successful sign-in leaves the form: supabase-js announces SIGNED_IN.
 */
export function RedirectIfSignedIn({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const [search] = useSearchParams();

  if (auth.status === "loading") return <PageLoading />;
  if (auth.status === "signed-in") return <Navigate to={redirectTargetFrom(search)} replace />;
  return children;
}
