import { PublicLayout } from "@/components/layout/public-layout";
import { RedirectIfSignedIn } from "@/features/auth/components/redirect-if-signed-in";

/** Sign-in and create-account: only for visitors without a session. */
export function GuestLayout() {
  return (
    <RedirectIfSignedIn>
      <PublicLayout />
    </RedirectIfSignedIn>
  );
}
