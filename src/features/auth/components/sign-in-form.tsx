import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PasswordInput } from "@/components/ui/password-input";
import { signInInputSchema, useSignIn, type SignInInput } from "@/features/auth/api/sign-in";

/** Email and password; on success supabase-js signs in and the page moves on by itself. */
export function SignInForm() {
  const signIn = useSignIn();
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<SignInInput>({
    resolver: zodResolver(signInInputSchema),
    defaultValues: { email: "", password: "" },
  });

  return (
    <form
      noValidate
      onSubmit={(event) => {
        void handleSubmit((values) => {
          signIn.mutate(values);
        })(event);
      }}
      className="space-y-4"
    >
      <Field label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="email" {...register("email")} />
      </Field>
      <Field label="Password" error={errors.password?.message}>
        <PasswordInput autoComplete="current-password" {...register("password")} />
      </Field>
      {signIn.error ? <Alert tone="error">{signIn.error.message}</Alert> : null}
      <Button type="submit" busy={signIn.isPending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
