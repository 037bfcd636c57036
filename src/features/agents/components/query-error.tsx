import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

type QueryErrorProps = {
  title: string;
  error: Error;
  onRetry: () => void;
  retrying: boolean;
};

/** A failed load: what failed, the reason, and a way to try again. */
export function QueryError({ title, error, onRetry, retrying }: QueryErrorProps) {
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
      {error.message}
    </Alert>
  );
}
