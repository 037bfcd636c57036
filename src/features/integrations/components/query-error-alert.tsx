import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { toApiError } from "@/lib/api-error";

type QueryErrorAlertProps = {
  title: string;
  /** Whatever the query failed with; shown as an ApiError's message. */
  error: unknown;
  onRetry: () => void;
  retrying?: boolean;
};

/** What failed and why; "Try again" only when trying again could help. */
export function QueryErrorAlert({ title, error, onRetry, retrying = false }: QueryErrorAlertProps) {
  const { message, retryable } = toApiError(error);
  return (
    <Alert
      tone="error"
      title={title}
      action={
        retryable ? (
          <Button variant="secondary" size="sm" busy={retrying} onClick={onRetry}>
            Try again
          </Button>
        ) : null
      }
    >
      {message}
    </Alert>
  );
}
