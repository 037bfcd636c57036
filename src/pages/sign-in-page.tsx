import { Link, useSearchParams } from "react-router";

import { PageHeader } from "@/components/layout/page-header";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { paths } from "@/config/paths";
import { LocalDemoHint } from "@/features/auth/components/local-demo-hint";
import { SignInForm } from "@/features/auth/components/sign-in-form";
import { redirectTargetFrom, withRedirect } from "@/features/auth/utils/redirect-target";

export function SignInPage() {
  const [search] = useSearchParams();
  const target = redirectTargetFrom(search);

  return (
    <>
      <PageHeader title="Sign in">
        Connect ClickSend and choose what each of your agents may do.
      </PageHeader>
      <div className="space-y-6">
        <SignInForm />
        <p className="text-sm text-slate-600 dark:text-slate-300">
          No account yet?{" "}
          <Link to={withRedirect(paths.createAccount, target)} className={textLinkClasses}>
            Create an account
          </Link>
        </p>
        <LocalDemoHint />
      </div>
    </>
  );
}
