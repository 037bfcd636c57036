import type { Session } from "@supabase/auth-js";
import { useMutation } from "@tanstack/react-query";
import { z } from "zod";

import { authFailure } from "@/features/auth/api/auth-failure";
import { emailSchema } from "@/features/auth/api/credentials";
import type { ApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

export const signInInputSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password."),
});

export type SignInInput = z.infer<typeof signInInputSchema>;

/** Password sign-in; supabase-js stores the session and announces SIGNED_IN. */
async function signIn({ email, password }: SignInInput): Promise<Session> {
  const { data, error } = await supabase.auth.signInWithPassword({ email, password });
  if (error) throw authFailure(error);
  return data.session;
}

export function useSignIn() {
  return useMutation<Session, ApiError, SignInInput>({ mutationFn: signIn });
}
