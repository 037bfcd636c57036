import { QueryClient, type DefaultOptions } from "@tanstack/react-query";

const MAX_QUERY_RETRIES = 2;

/**
 * Retries a failed query only when a second try could succeed: network failures, 5xx and 429.
 * Our function errors say so themselves with `retryable`; other errors may carry an HTTP `status`.
 */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  if (failureCount >= MAX_QUERY_RETRIES) return false;
  if (typeof error !== "object" || error === null) return true;
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
