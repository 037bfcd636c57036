import { Link, useSearchParams } from "react-router";

import { PageHeader } from "@/components/layout/page-header";
import { textLinkClasses } from "@/components/ui/text-link-styles";
import { paths } from "@/config/paths";
import { CreateAccountForm } from "@/features/auth/components/create-account-form";
import { redirectTargetFrom, withRedirect } from "@/features/auth/utils/redirect-target";

export function CreateAccountPage() {
  const [search] = useSearchParams();
  const target = redirectTargetFrom(search);

  return (
    <>
      <PageHeader title="Create account">
        One account holds your ClickSend connections and your agents&apos; permissions.
      </PageHeader>
      <div className="space-y-6">
        <CreateAccountForm />
        <p className="text-sm text-slate-600 dark:text-slate-300">
          Already have an account?{" "}
          <Link to={withRedirect(paths.signIn, target)} className={textLinkClasses}>
            Sign in
          </Link>
        </p>
      </div>
    </>
  );
}
