import { env } from "@/lib/env";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** `npm start` seeds this user; shown only when the app talks to a backend on this machine. */
export function LocalDemoHint() {
  if (!LOCAL_HOSTS.has(new URL(env.supabaseUrl).hostname)) return null;
  return (
    <p className="rounded-md bg-slate-100 p-3 text-sm text-slate-700 dark:bg-slate-900 dark:text-slate-300">
      Local stack: sign in as <strong className="font-medium">demo@example.com</strong> with
      password <strong className="font-medium">demo-password-123</strong>, or create an account.
    </p>
  );
}
