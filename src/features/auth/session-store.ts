import type { Session } from "@supabase/auth-js";

import { supabase } from "@/lib/supabase";

export type AuthState =
  | { status: "loading" }
  | { status: "signed-in"; session: Session }
  | {
      status: "signed-out";
      /** "user" when they pressed Sign out; "ended" when a session expired or was revoked. */
      reason: "initial" | "user" | "ended";
    };

let state: AuthState = { status: "loading" };
const listeners = new Set<() => void>();
let started = false;
let userIsSigningOut = false;

/**
 * supabase-js is the source of truth: it keeps the session in localStorage, refreshes it and tells
 * every subscriber (INITIAL_SESSION on start, then SIGNED_IN, TOKEN_REFRESHED, SIGNED_OUT, ...).
 * This mirrors it for React; one subscription for the app's lifetime.
 */
function start() {
  if (started) return;
  started = true;
  supabase.auth.onAuthStateChange((event, session) => {
    // Never await supabase calls here: supabase-js holds its lock while notifying.
    if (session) {
      state = { status: "signed-in", session };
    } else {
      const reason = event === "INITIAL_SESSION" ? "initial" : userIsSigningOut ? "user" : "ended";
      state = { status: "signed-out", reason };
    }
    if (event === "SIGNED_OUT") userIsSigningOut = false;
    for (const listener of listeners) listener();
  });
}

export function subscribeToAuth(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function getAuthState(): AuthState {
  return state;
}

/** Ends the session on the server and in this browser, remembering that the user chose to. */
export async function signOutOfSupabase(): Promise<void> {
  userIsSigningOut = true;
  const { error } = await supabase.auth.signOut();
  if (error) {
    // Nothing was signed out (supabase-js keeps the session when GoTrue cannot be reached).
    userIsSigningOut = false;
    throw error;
  }
}
