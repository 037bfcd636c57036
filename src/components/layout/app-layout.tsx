import { useLayoutEffect, useRef, type ReactNode } from "react";
import { Outlet, useLocation, useNavigation } from "react-router";

import { AppHeader } from "@/components/layout/app-header";
import { SkipLink } from "@/components/layout/skip-link";

const MAIN_ID = "main-content";

type AppLayoutProps = {
  /** Passed to the header, e.g. the signed-in user and "Sign out". */
  headerActions?: ReactNode;
};

/** The shell around every page: skip link, header with navigation, and the page itself. */
export function AppLayout({ headerActions }: AppLayoutProps) {
  const navigation = useNavigation();
  const mainRef = useMainFocusOnNavigation();

  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink targetId={MAIN_ID} />
      <AppHeader actions={headerActions} />
      <main
        id={MAIN_ID}
        ref={mainRef}
        tabIndex={-1}
        aria-busy={navigation.state === "loading"}
        className="mx-auto w-full max-w-5xl flex-1 px-4 py-8 focus:outline-none"
      >
        <Outlet />
      </main>
    </div>
  );
}

/**
 * After a client-side navigation, moves focus to the new page's content, as a full page load
 * would reset it; otherwise keyboard and screen-reader users are left on the old link.
 */
function useMainFocusOnNavigation() {
  const mainRef = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const previousPathname = useRef(pathname);

  // A layout effect: focus moves in the same commit that shows the new page, so nothing (a
  // screen reader, a key press, a test) meets the new page with focus still on the old link.
  useLayoutEffect(() => {
    if (previousPathname.current === pathname) return;
    previousPathname.current = pathname;
    mainRef.current?.focus();
  }, [pathname]);

  return mainRef;
}
