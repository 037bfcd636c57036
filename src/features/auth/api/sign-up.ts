import type { Session } from "@supabase/auth-js";
import { useMutation } from "@tanstack/react-query";
import { z } from "zod";

import { authFailure } from "@/features/auth/api/auth-failure";
import { emailSchema } from "@/features/auth/api/credentials";
import type { ApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

/** GoTrue's defaults: at least 6 characters, at most 72 bytes (bcrypt); a project may ask more. */
export const MIN_PASSWORD_LENGTH = 6;

export const signUpInputSchema = z.object({
  email: emailSchema,
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
    .refine((value) => new TextEncoder().encode(value).length <= 72, "Use at most 72 characters."),
});

export type SignUpInput = z.infer<typeof signUpInputSchema>;

export type SignUpResult = {
  /** Null when the project requires the address to be confirmed before signing in. */
  session: Session | null;
};

async function signUp({ email, password }: SignUpInput): Promise<SignUpResult> {
  const { data, error } = await supabase.auth.signUp({ email, password });
  if (error) throw authFailure(error);
  return { session: data.session };
}

export function useSignUp() {
  return useMutation<SignUpResult, ApiError, SignUpInput>({ mutationFn: signUp });
}
