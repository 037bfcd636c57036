import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient } from "@tanstack/react-query";
import { createMemoryRouter } from "react-router";
import { RouterProvider } from "react-router/dom";

import { AppProvider } from "@/app/provider";
import { routes } from "@/app/routes";
import { queryConfig } from "@/lib/react-query";
import { signInForTest, signOutForTest } from "@/testing/auth";
import { DEMO_USER, type TestUser } from "@/testing/msw/auth-handlers";

type RenderRouteOptions = {
  /**
   * Who is signed in: the demo user by default, another test user, nobody (`null`), or whatever
   * session supabase-js has stored (`"stored"`, as after a reload).
   */
  as?: TestUser | null | "stored";
};

/**
 * Renders the real route tree at `path`, as a user arriving at that URL would see it, after
 * signing in (or out) through supabase-js against the MSW GoTrue.
 */
export async function renderRoute(path: string, { as = DEMO_USER }: RenderRouteOptions = {}) {
  if (as === null) await signOutForTest();
  else if (as !== "stored") await signInForTest(as);

  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const queryClient = createTestQueryClient();
  const user = userEvent.setup();
  const view = render(
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...view, router, user, queryClient };
}

/** The app's query defaults, minus retries, so a failing request fails the test at once. */
function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      ...queryConfig,
      queries: { ...queryConfig.queries, retry: false },
    },
  });
}
