// ClickSend failures as values a caller can act on: {code, message, retryable}.
// `retryable` means "repeating the same request is safe and may succeed" — never true for a
// send whose outcome is unknown (ClickSend has no idempotency key).
import type { ErrorCode } from "../contracts/errors.ts";

/** ClickSend's failures, each also one of our functions' error codes (contracts/errors.ts). */
export type ClickSendErrorCode = Extract<
  ErrorCode,
  | "invalid_credentials"
  | "account_suspended"
  | "forbidden"
  | "not_found"
  | "rate_limited"
  | "invalid_request"
  | "upstream_unavailable"
  | "upstream_timeout"
  | "upstream_malformed"
>;

export class ClickSendError extends Error {
  override name = "ClickSendError";
  constructor(
    readonly code: ClickSendErrorCode,
    message: string,
    readonly retryable: boolean,
    readonly status: number | null = null,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  toJSON(): { code: ClickSendErrorCode; message: string; retryable: boolean } {
    return { code: this.code, message: this.message, retryable: this.retryable };
  }
}

/** Maps an HTTP error answer (status, ClickSend's response_msg) to an error. */
export function errorFromStatus(
  status: number,
  responseMessage: string,
  retryAfterSeconds: number | null,
): ClickSendError {
  const reason = responseMessage.trim();
  if (status === 401) {
    return new ClickSendError(
      "invalid_credentials",
      `ClickSend rejected the username or API key${reason ? ` (${reason})` : ""}. Check both in ClickSend's dashboard under API Credentials.`,
      false,
      status,
    );
  }
  if (status === 403) {
    return /suspend|banned/i.test(reason)
      ? new ClickSendError(
          "account_suspended",
          `ClickSend says the account is suspended: ${reason}`,
          false,
          status,
        )
      : new ClickSendError(
          "forbidden",
          `ClickSend refused the request: ${reason || "forbidden"}`,
          false,
          status,
        );
  }
  if (status === 404)
    return new ClickSendError(
      "not_found",
      reason || "ClickSend found no such record.",
      false,
      status,
    );
  if (status === 429) {
    return new ClickSendError(
      "rate_limited",
      `ClickSend's rate limit was reached; try again${retryAfterSeconds !== null ? ` in ${String(retryAfterSeconds)} s` : " shortly"}.`,
      true,
      status,
      retryAfterSeconds,
    );
  }
  if (status >= 500) {
    return new ClickSendError(
      "upstream_unavailable",
      `ClickSend is unavailable (HTTP ${String(status)}); try again shortly.`,
      true,
      status,
    );
  }
  return new ClickSendError(
    "invalid_request",
    reason || `ClickSend rejected the request (HTTP ${String(status)}).`,
    false,
    status,
  );
}

/** Retry-After as seconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
