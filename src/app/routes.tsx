import type { RouteObject } from "react-router";

import { GuestLayout } from "@/app/guest-layout";
import { lazyPage } from "@/app/lazy-page";
import { ProtectedLayout } from "@/app/protected-layout";
import { RouteErrorBoundary } from "@/components/errors/route-error-boundary";
import { PageLoading } from "@/components/ui/page-loading";
import { paths } from "@/config/paths";

/**
 * Every page is its own chunk, loaded on first visit, with its own error boundary: a page that
 * fails to load or render shows the error in place and leaves the header and navigation usable.
 * Sign-in pages are for visitors only; everything else requires a session.
 */
export const routes: RouteObject[] = [
  {
    Component: GuestLayout,
    ErrorBoundary: RouteErrorBoundary,
    HydrateFallback: PageLoading,
    children: [
      {
        path: paths.signIn,
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/sign-in-page")).SignInPage),
      },
      {
        path: paths.createAccount,
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/create-account-page")).CreateAccountPage),
      },
    ],
  },
  {
    path: paths.home,
    Component: ProtectedLayout,
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
        path: paths.conversations,
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/conversations-page")).ConversationsPage),
      },
      {
        path: paths.optOuts,
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/opt-outs-page")).OptOutsPage),
      },
      {
        path: paths.approvals,
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/approvals-page")).ApprovalsPage),
      },
      {
        path: "*",
        ErrorBoundary: RouteErrorBoundary,
        lazy: lazyPage(async () => (await import("@/pages/not-found-page")).NotFoundPage),
      },
    ],
  },
];
