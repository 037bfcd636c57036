import { AuthApiError } from "@supabase/auth-js";
import { describe, expect, it } from "vitest";

import {
  authFailure,
  EMAIL_LIMIT_MESSAGE,
  SIGN_IN_LIMIT_MESSAGE,
} from "@/features/auth/api/auth-failure";

describe("authFailure", () => {
  it("says when to try again for GoTrue's per-IP limit, keeping the code and status", () => {
    const failure = authFailure(
      new AuthApiError("Request rate limit reached", 429, "over_request_rate_limit"),
    );
    expect(failure).toMatchObject({
      message: SIGN_IN_LIMIT_MESSAGE,
      code: "over_request_rate_limit",
      status: 429,
      retryable: true,
    });
  });

  it("gives the hour-long email limit its own wait", () => {
    const failure = authFailure(
      new AuthApiError("Email rate limit exceeded", 429, "over_email_send_rate_limit"),
    );
    expect(failure.message).toBe(EMAIL_LIMIT_MESSAGE);
  });

  it("keeps GoTrue's own message for anything else", () => {
    const failure = authFailure(
      new AuthApiError("Invalid login credentials", 400, "invalid_credentials"),
    );
    expect(failure).toMatchObject({
      message: "Invalid login credentials",
      code: "invalid_credentials",
      status: 400,
    });
  });
});
