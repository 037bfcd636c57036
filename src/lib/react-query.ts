import { QueryClient, type DefaultOptions } from "@tanstack/react-query";

const MAX_QUERY_RETRIES = 2;
/** A 429 asking for a longer wait is shown at once (with the wait) instead of retried blindly. */
const MAX_AUTOMATIC_RETRY_AFTER_SECONDS = 5;

/**
 * Retries a failed query only when a second try could succeed: network failures, 5xx and 429.
 * Our function errors say so themselves with `retryable`; other errors may carry an HTTP `status`.
 */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_QUERY_RETRIES) return false;
  if (typeof error !== "object" || error === null) return true;
  if (
    "retryAfterSeconds" in error &&
    typeof error.retryAfterSeconds === "number" &&
    error.retryAfterSeconds > MAX_AUTOMATIC_RETRY_AFTER_SECONDS
  ) {
    return false;
  }
  if ("retryable" in error && typeof error.retryable === "boolean") return error.retryable;
  if ("status" in error && typeof error.status === "number") {
    return error.status >= 500 || error.status === 429;
  }
  return true;
}

export const queryConfig = {
  queries: {
    staleTime: 30_000,
    retry: shouldRetryQuery,
  },
  mutations: {
    // Never retry a mutation: ClickSend may already have accepted a send, and it must not go twice.
    retry: false,
  },
} satisfies DefaultOptions;

export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: queryConfig });
}
