import type { RouteObject } from "react-router";

import { lazyPage } from "@/app/lazy-page";
import { RouteErrorBoundary } from "@/components/errors/route-error-boundary";
import { AppLayout } from "@/components/layout/app-layout";
import { PageLoading } from "@/components/ui/page-loading";
import { paths } from "@/config/paths";

/**
 * Every page is its own chunk, loaded on first visit, with its own error boundary: a page that
 * fails to load or render shows the error in place and leaves the header and navigation usable.
 */
export const routes: RouteObject[] = [
  {
    path: paths.home,
    Component: AppLayout,
    ErrorBoundary: RouteErrorBoundary,
    HydrateFallback: PageLoading,
    children: [
      {
        index: true,
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/home-page")).HomePage),
      },
      {
        path: paths.integrations,
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/integrations-page")).IntegrationsPage),
      },
      {
        path: paths.agents,
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/agents-page")).AgentsPage),
      },
      {
        path: paths.messages,
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/messages-page")).MessagesPage),
      },
      {
        path: "*",
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/not-found-page")).NotFoundPage),
      },
    ],
  },
];
