import { ApiError, toApiError } from "@/lib/api-error";

/**
 * GoTrue limits sign-ups and password sign-ins per IP address over 5 minutes (config.toml
 * [auth.rate_limit] sign_in_sign_ups), so that is the longest anyone waits. supabase-js keeps the
 * exact Retry-After from us, hence the window itself.
 */
export const SIGN_IN_LIMIT_MESSAGE = "Too many attempts from your network. Try again in 5 minutes.";
/** GoTrue's email limit (confirmation mails, where a project sends them) is per hour. */
export const EMAIL_LIMIT_MESSAGE =
  "Too many confirmation emails were sent recently. Try again in an hour.";

/** A failed sign-in or sign-up as the form shows it: GoTrue's words, except for its 429s. */
export function authFailure(error: unknown): ApiError {
  const failure = toApiError(error);
  if (failure.status !== 429) return failure;
  const message =
    failure.code === "over_email_send_rate_limit" ? EMAIL_LIMIT_MESSAGE : SIGN_IN_LIMIT_MESSAGE;
  return new ApiError(failure.code, message, true, 429, failure.retryAfterSeconds);
}
