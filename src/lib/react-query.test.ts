import { describe, expect, it } from "vitest";

import { queryConfig, shouldRetryQuery } from "@/lib/react-query";

describe("query defaults", () => {
  it("retries network failures and server errors, at most twice", () => {
    expect(shouldRetryQuery(0, new TypeError("Failed to fetch"))).toBe(true);
    expect(shouldRetryQuery(1, { status: 503 })).toBe(true);
    expect(shouldRetryQuery(2, { status: 503 })).toBe(false);
  });

  it("does not retry client errors, unless rate limited", () => {
    expect(shouldRetryQuery(0, { status: 403 })).toBe(false);
    expect(shouldRetryQuery(0, { status: 429 })).toBe(true);
    expect(shouldRetryQuery(0, { status: 429, retryable: true, retryAfterSeconds: 2 })).toBe(true);
  });

  it("shows a rate limit that asks for a long wait at once instead of retrying", () => {
    expect(shouldRetryQuery(0, { status: 429, retryable: true, retryAfterSeconds: 57 })).toBe(
      false,
    );
  });

  it("follows an error's own retryable flag", () => {
    expect(shouldRetryQuery(0, { status: 502, retryable: false })).toBe(false);
    expect(shouldRetryQuery(0, { status: 400, retryable: true })).toBe(true);
  });

  it("never retries mutations, so a send cannot go out twice", () => {
    expect(queryConfig.mutations.retry).toBe(false);
  });
});
