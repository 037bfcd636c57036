import { ThemeControl } from "@/components/layout/theme-control";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast/use-toast";
import { useSignOut } from "@/features/auth/api/sign-out";
import { useAuth } from "@/features/auth/hooks/use-auth";

/** The signed-in email, the theme control and a "Sign out" button, for the header. */
export function UserMenu() {
  const auth = useAuth();
  const signOut = useSignOut();
  const toast = useToast();

  if (auth.status !== "signed-in") return null;
  const email = auth.session.user.email ?? "your account";

  return (
    <div className="flex min-w-0 items-center gap-3">
      <p className="min-w-0 truncate text-sm text-slate-600 dark:text-slate-300" title={email}>
        <span className="sr-only">Signed in as </span>
        {email}
      </p>
      <ThemeControl className="ml-auto sm:ml-0" />
      <Button
        variant="secondary"
        size="sm"
        className="shrink-0"
        busy={signOut.isPending}
        onClick={() => {
          signOut.mutate(undefined, {
            onError: (error) => toast.error("Could not sign out", error.message),
          });
        }}
      >
        Sign out
      </Button>
    </div>
  );
}
