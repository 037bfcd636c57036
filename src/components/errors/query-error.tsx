import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { retryAfterHint, toApiError } from "@/lib/api-error";

type QueryErrorProps = {
  /** What could not be done, e.g. "Could not load the balance". */
  title: string;
  /** Whatever the query failed with; shown as an ApiError's message. */
  error: unknown;
  onRetry: () => void;
  retrying?: boolean;
};

/**
 * A failed load: what failed, why (the server's own words, with any wait it asked for), and
 * "Try again" only when trying again could help.
 */
export function QueryError({ title, error, onRetry, retrying = false }: QueryErrorProps) {
  const apiError = toApiError(error);
  const hint = retryAfterHint(apiError);
  return (
    <Alert
      tone="error"
      title={title}
      action={
        apiError.retryable ? (
          <Button variant="secondary" size="sm" busy={retrying} onClick={onRetry}>
            Try again
          </Button>
        ) : null
      }
    >
      {hint === undefined ? apiError.message : `${apiError.message} ${hint}`}
    </Alert>
  );
}
