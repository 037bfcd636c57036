import type { ComponentType } from "react";
import type { LazyRouteFunction, RouteObject } from "react-router";

/**
 * Loads a page's chunk on first visit. If the chunk cannot be loaded (offline, or replaced by a
 * deploy), the page renders by rethrowing that error, so the route's own ErrorBoundary shows it.
 * React Router 7 would otherwise leave a route whose `lazy` rejected blank: it never renders the
 * matches from the first still-lazy route on, not even that route's error boundary.
 */
export function lazyPage(load: () => Promise<ComponentType>): LazyRouteFunction<RouteObject> {
  return async () => {
    try {
      return { Component: await load() };
    } catch (error: unknown) {
      return {
        Component: function PageLoadFailed() {
          throw error;
        },
      };
    }
  };
}
