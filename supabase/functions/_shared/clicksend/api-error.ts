// How a ClickSend failure is answered by our functions: one status and error code per
// ClickSend error, whichever function met it.
import { ApiError } from "../http.ts";
import { ClickSendError } from "./errors.ts";

/** ClickSend failures as our API's answers (ClickSend's 5xx and timeouts are 502/504 to us). */
export function fromClickSend(error: unknown): ApiError {
  if (!(error instanceof ClickSendError)) {
    return new ApiError(
      502,
      "upstream_unavailable",
      "ClickSend could not be reached; try again shortly.",
      true,
    );
  }
  switch (error.code) {
    case "invalid_credentials":
    case "account_suspended":
    case "forbidden":
    case "invalid_request":
      return new ApiError(400, error.code, error.message, false);
    case "not_found":
      return new ApiError(404, error.code, error.message, false);
    case "rate_limited":
      return new ApiError(429, error.code, error.message, true, {
        "retry-after": String(error.retryAfterSeconds ?? 30),
      });
    case "upstream_timeout":
      return new ApiError(504, error.code, error.message, error.retryable);
    case "upstream_unavailable":
    case "upstream_malformed":
      return new ApiError(502, error.code, error.message, error.retryable);
  }
}
