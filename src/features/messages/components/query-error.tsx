import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ApiError, retryAfterHint } from "@/lib/api-error";

type QueryErrorProps = {
  /** What could not be done, e.g. "Could not load the balance". */
  title: string;
  error: unknown;
  onRetry: () => void;
  retrying?: boolean;
};

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    const hint = retryAfterHint(error);
    return hint === undefined ? error.message : `${error.message} ${hint}`;
  }
  return error instanceof Error ? error.message : "An unexpected error occurred.";
}

/** A failed load: what failed, why (the server's own words), and a way to try again. */
export function QueryError({ title, error, onRetry, retrying = false }: QueryErrorProps) {
  return (
    <Alert
      tone="error"
      title={title}
      action={
        <Button variant="secondary" size="sm" busy={retrying} onClick={onRetry}>
          Try again
        </Button>
      }
    >
      {describe(error)}
    </Alert>
  );
}
