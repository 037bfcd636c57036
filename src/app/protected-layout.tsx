import { AppLayout } from "@/components/layout/app-layout";
import { RequireAuth } from "@/features/auth/components/require-auth";
import { UserMenu } from "@/features/auth/components/user-menu";

/** The signed-in app: everything under it requires a session. */
export function ProtectedLayout() {
  return (
    <RequireAuth>
      <AppLayout headerActions={<UserMenu />} />
    </RequireAuth>
  );
}
