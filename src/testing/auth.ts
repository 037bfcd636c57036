import { supabase } from "@/lib/supabase";
import { DEMO_USER, type TestUser } from "@/testing/msw/auth-handlers";

/** Signs in through supabase-js (against the MSW GoTrue), as the sign-in form would. */
export async function signInForTest(user: TestUser = DEMO_USER): Promise<void> {
  const { error } = await supabase.auth.signInWithPassword(user);
  if (error) throw new Error(`Test sign-in as ${user.email} failed: ${error.message}`);
}

/** Ends any session in this test's browser (memory and localStorage). */
export async function signOutForTest(): Promise<void> {
  await supabase.auth.signOut({ scope: "local" });
  localStorage.clear();
}
