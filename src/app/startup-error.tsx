import { PRODUCT_NAME } from "@/config/product";

type StartupErrorProps = {
  error: unknown;
};

/** Shown instead of the app when it cannot start at all, e.g. because of invalid configuration. */
export function StartupError({ error }: StartupErrorProps) {
  const message = error instanceof Error ? error.message : String(error);

  return (
    <main className="mx-auto max-w-2xl space-y-4 px-4 py-12">
      <title>{`Cannot start · ${PRODUCT_NAME}`}</title>
      <h1 className="text-2xl font-semibold tracking-tight">{PRODUCT_NAME} could not start</h1>
      <pre
        role="alert"
        className="overflow-x-auto rounded-md bg-red-50 p-4 text-sm whitespace-pre-wrap text-red-900 dark:bg-red-950 dark:text-red-100"
      >
        {message}
      </pre>
    </main>
  );
}
