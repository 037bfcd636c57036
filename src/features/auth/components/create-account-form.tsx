import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { PasswordInput } from "@/components/ui/password-input";
import {
  MIN_PASSWORD_LENGTH,
  signUpInputSchema,
  useSignUp,
  type SignUpInput,
} from "@/features/auth/api/sign-up";

/**
 * Creates an account. Where GoTrue confirms addresses by email it answers without a session, and
 * the form says to check the inbox; otherwise the new user is signed in and the page moves on.
 */
export function CreateAccountForm() {
  const signUp = useSignUp();
  const {
    register,
    handleSubmit,
    getValues,
    formState: { errors },
  } = useForm<SignUpInput>({
    resolver: zodResolver(signUpInputSchema),
    defaultValues: { email: "", password: "" },
  });

  if (signUp.data && !signUp.data.session) {
    return (
      <Alert tone="success" title="Check your inbox">
        We sent a confirmation link to {getValues("email")}. Open it, then sign in.
      </Alert>
    );
  }

  return (
    <form
      noValidate
      onSubmit={(event) => {
        void handleSubmit((values) => {
          signUp.mutate(values);
        })(event);
      }}
      className="space-y-4"
    >
      <Field label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="email" {...register("email")} />
      </Field>
      <Field
        label="Password"
        description={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        error={errors.password?.message}
      >
        <PasswordInput autoComplete="new-password" {...register("password")} />
      </Field>
      {signUp.error ? <Alert tone="error">{signUp.error.message}</Alert> : null}
      <Button type="submit" busy={signUp.isPending} className="w-full">
        Create account
      </Button>
    </form>
  );
}
