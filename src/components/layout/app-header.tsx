import type { ReactNode } from "react";
import { Link } from "react-router";

import { MainNav } from "@/components/layout/main-nav";
import { paths } from "@/config/paths";
import { PRODUCT_NAME } from "@/config/product";

type AppHeaderProps = {
  /** Shown at the end of the first row, e.g. the signed-in user and "Sign out". */
  actions?: ReactNode;
};

/**
 * Two rows at every width: the product name and the account on the first, the navigation on
 * its own row below. Sharing one row, the navigation's seven links (and their counts) left the
 * signed-in email a few pixels at 1280 px. The rows come in reading order, so focus moves the
 * way the eye does.
 */
export function AppHeader({ actions }: AppHeaderProps) {
  return (
    <header className="border-b border-slate-200 dark:border-slate-800">
      <div className="mx-auto max-w-5xl space-y-2 px-4 py-3">
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:gap-6">
          <Link
            to={paths.home}
            className="self-start rounded-md py-1 text-lg font-semibold tracking-tight whitespace-nowrap focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 sm:self-auto dark:focus-visible:outline-blue-400"
          >
            {PRODUCT_NAME}
          </Link>
          {actions ? <div className="min-w-0 sm:ml-auto">{actions}</div> : null}
        </div>
        <MainNav />
      </div>
    </header>
  );
}
