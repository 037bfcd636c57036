import { Link, useLocation } from "react-router";

import { PageHeader } from "@/components/layout/page-header";
import { buttonClasses } from "@/components/ui/button-styles";
import { paths } from "@/config/paths";

export function NotFoundPage() {
  const { pathname } = useLocation();

  return (
    <>
      <PageHeader title="Page not found">
        There is no page at <code className="break-all">{pathname}</code>. Check the address, or
        start again from the overview.
      </PageHeader>
      <Link to={paths.home} className={buttonClasses("primary")}>
        Go to overview
      </Link>
    </>
  );
}
