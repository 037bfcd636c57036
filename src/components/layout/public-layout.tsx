import { Outlet } from "react-router";

import { SkipLink } from "@/components/layout/skip-link";
import { ThemeControl } from "@/components/layout/theme-control";
import { PRODUCT_NAME } from "@/config/product";

const MAIN_ID = "main-content";

/** The shell for pages seen before signing in: the product name and one narrow column. */
export function PublicLayout() {
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink targetId={MAIN_ID} />
      <header className="border-b border-slate-200 dark:border-slate-800">
        <div className="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-3">
          <p className="py-1 text-lg font-semibold tracking-tight">{PRODUCT_NAME}</p>
          <ThemeControl />
        </div>
      </header>
      <main
        id={MAIN_ID}
        tabIndex={-1}
        className="mx-auto w-full max-w-md flex-1 px-4 py-10 focus:outline-none"
      >
        <Outlet />
      </main>
    </div>
  );
}
