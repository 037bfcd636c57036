import { AuthApiError, AuthRetryableFetchError, PostgrestError } from "@supabase/supabase-js";
import { describe, expect, it } from "vitest";

import { ERROR_CODES } from "@contracts/errors.ts";

import { ApiError, errorTitle, retryAfterHint, toApiError } from "@/lib/api-error";
import { shouldRetryQuery } from "@/lib/react-query";

describe("toApiError", () => {
  it("passes GoTrue's own message through", () => {
    const error = toApiError(
      new AuthApiError("Invalid login credentials", 400, "invalid_credentials"),
    );
    expect(error).toMatchObject({
      code: "invalid_credentials",
      message: "Invalid login credentials",
      retryable: false,
      status: 400,
    });
  });

  it("turns a failed auth request into a retryable network error", () => {
    const error = toApiError(new AuthRetryableFetchError("Failed to fetch", 0));
    expect(error).toMatchObject({ code: "network_error", retryable: true, status: undefined });
  });

  it.each([
    ["42501", 403, "forbidden", "You are not allowed to do that."],
    ["23505", 409, "already_exists", "That already exists. Use a different value."],
    ["PGRST116", 406, "not_found", "That no longer exists."],
  ])("says what PostgREST's %s means", (pgCode, status, code, message) => {
    const postgrest = new PostgrestError({ code: pgCode, message: "raw", details: "", hint: "" });
    expect(toApiError(postgrest, status)).toMatchObject({ code, message, status });
  });

  it("keeps PostgREST's message for other errors, and a failed fetch is a network error", () => {
    expect(
      toApiError({ code: "22P02", message: 'invalid input syntax for type uuid: "x"' }),
    ).toMatchObject({ code: "22P02", message: 'invalid input syntax for type uuid: "x"' });
    expect(
      toApiError({ code: "", message: "TypeError: Failed to fetch", details: "", hint: "" }),
    ).toMatchObject({ code: "network_error", retryable: true });
  });

  it("adds the Retry-After wait only when the message does not already say when", () => {
    const plain = new ApiError("rate_limited", "Too many calls.", true, 429, 1);
    expect(retryAfterHint(plain)).toBe("Try again in 1 second.");
    const saysWhen = new ApiError(
      "rate_limited",
      "Limit reached; try again in 57 s.",
      true,
      429,
      57,
    );
    expect(retryAfterHint(saysWhen)).toBeUndefined();
    expect(retryAfterHint(new ApiError("x", "No wait given.", true, 503))).toBeUndefined();
  });

  it("hides a server failure's internals behind a retryable, generic message", () => {
    const internal = { code: "XX000", message: "relation private.secret does not exist" };
    const fromServer = toApiError(internal, 500);
    expect(fromServer).toMatchObject({ code: "XX000", retryable: true, status: 500 });
    expect(fromServer.message).not.toContain("private.secret");
    expect(fromServer.message).toMatch(/try again/i);
    // A statement timeout (class 57) is transient even when the status is missing.
    expect(toApiError({ code: "57014", message: "canceling statement" })).toMatchObject({
      retryable: true,
    });
  });
  it("returns an ApiError unchanged and wraps anything else", () => {
    const original = new ApiError("scope_not_granted", "Not allowed.");
    expect(toApiError(original)).toBe(original);
    expect(toApiError("boom")).toMatchObject({ code: "unexpected_error" });
  });

  it("drives query retries through `retryable`", () => {
    expect(shouldRetryQuery(0, new ApiError("network_error", "x", true))).toBe(true);
    expect(shouldRetryQuery(0, new ApiError("forbidden", "x", false, 403))).toBe(false);
  });
});

describe("errorTitle", () => {
  it("has a title of its own for every code the functions answer with", () => {
    const fallback = "fallback";
    for (const code of Object.keys(ERROR_CODES)) {
      const title = errorTitle(new ApiError(code, "m"), fallback);
      expect(title, code).not.toBe(fallback);
      expect(title.length, code).toBeGreaterThan(3);
    }
  });

  it("falls back for codes of the app's own or of other services", () => {
    expect(errorTitle(new ApiError("network_error", "m"), "Could not run")).toBe("Could not run");
  });
});
