import { isRouteErrorResponse, Link, useRouteError } from "react-router";

import { buttonClasses } from "@/components/ui/button-styles";
import { Button } from "@/components/ui/button";
import { paths } from "@/config/paths";

function describe(error: unknown): string {
  if (isRouteErrorResponse(error)) return `${error.status} ${error.statusText}`.trim();
  if (error instanceof Error) return error.message;
  return "An unexpected error occurred.";
}

/** A route's errorElement: the failure stays inside that page, and the rest of the app works. */
export function RouteErrorBoundary() {
  const error = useRouteError();

  return (
    <section aria-labelledby="route-error-title" className="space-y-4">
      <h1 id="route-error-title" className="text-2xl font-semibold tracking-tight">
        This page could not be shown
      </h1>
      <p className="max-w-prose text-slate-600 dark:text-slate-300">
        Something went wrong while loading or showing it. Reload to try again; if it keeps
        happening, the details below help to report it.
      </p>
      <pre className="overflow-x-auto rounded-md bg-slate-100 p-3 text-sm whitespace-pre-wrap dark:bg-slate-900">
        {describe(error)}
      </pre>
      <div className="flex flex-wrap gap-3">
        <Button
          onClick={() => {
            window.location.reload();
          }}
        >
          Reload page
        </Button>
        <Link to={paths.home} className={buttonClasses("secondary")}>
          Go to overview
        </Link>
      </div>
    </section>
  );
}
