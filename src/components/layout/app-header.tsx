import { Link } from "react-router";

import { MainNav } from "@/components/layout/main-nav";
import { paths } from "@/config/paths";
import { PRODUCT_NAME } from "@/config/product";

export function AppHeader() {
  return (
    <header className="border-b border-slate-200 dark:border-slate-800">
      <div className="mx-auto flex max-w-5xl flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
        <Link
          to={paths.home}
          className="self-start rounded-md py-1 text-lg font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 sm:self-auto dark:focus-visible:outline-blue-400"
        >
          {PRODUCT_NAME}
        </Link>
        <MainNav />
      </div>
    </header>
  );
}
