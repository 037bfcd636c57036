import { isAuthError } from "@supabase/auth-js";
import { z } from "zod";

import { isErrorCode, type ErrorCode } from "@contracts/errors.ts";

/**
 * A failure the user can act on, whatever produced it: an Edge Function's
 * `{"error": {code, message, retryable}}`, GoTrue, PostgREST, or the network.
 * `retryable` says whether trying again could help; `shouldRetryQuery` reads it.
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly code: string;
  readonly retryable: boolean;
  /** The HTTP status, when there was a response. */
  readonly status: number | undefined;
  /** From a 429's Retry-After header, in seconds. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: string,
    message: string,
    retryable = false,
    status?: number,
    retryAfterSeconds?: number,
  ) {
    super(message);
    this.code = code;
    this.retryable = retryable;
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * "Try again in N seconds." for an error that came with Retry-After, unless its message already
 * says when (our functions' messages do, so agents read it too).
 */
export function retryAfterHint(error: ApiError): string | undefined {
  const seconds = error.retryAfterSeconds;
  if (seconds === undefined || /try again/i.test(error.message)) return undefined;
  return `Try again in ${String(seconds)} ${seconds === 1 ? "second" : "seconds"}.`;
}

const NETWORK_MESSAGE = "Could not reach the server. Check your connection, then try again.";
const SESSION_ENDED_MESSAGE = "Your session has ended. Sign in again to continue.";
const SERVER_MESSAGE = "Something went wrong on our side. Try again in a moment.";

const functionErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean().optional() }),
});
/** What the gateway or Supabase's relay say themselves (bad JWT, unknown function, boot error). */
const platformErrorBody = z.object({
  code: z.union([z.string(), z.number()]).optional(),
  message: z.string().optional(),
  msg: z.string().optional(),
});
const postgrestErrorShape = z.object({
  code: z.string(),
  message: z.string(),
  details: z.string().nullish(),
  hint: z.string().nullish(),
});

/** What to say for an HTTP status when the body did not say it better. */
function errorForStatus(status: number, message?: string): ApiError {
  if (status === 401) return new ApiError("unauthorized", SESSION_ENDED_MESSAGE, false, status);
  if (status === 403) {
    return new ApiError("forbidden", message ?? "You are not allowed to do that.", false, status);
  }
  if (status === 404) {
    return new ApiError("not_found", message ?? "That no longer exists.", false, status);
  }
  if (status === 429) {
    return new ApiError(
      "rate_limited",
      "Too many requests. Wait a moment, then try again.",
      true,
      status,
    );
  }
  if (status >= 500) return new ApiError("server_error", SERVER_MESSAGE, true, status);
  return new ApiError("request_failed", message ?? "The request was not accepted.", false, status);
}

function fromAuthError(error: { message: string; status?: number; code?: string }): ApiError {
  const { status, code } = error;
  // AuthRetryableFetchError: no response at all (status 0) or a gateway failure.
  if (error instanceof Error && error.name === "AuthRetryableFetchError") {
    return new ApiError("network_error", NETWORK_MESSAGE, true, status === 0 ? undefined : status);
  }
  if (error instanceof Error && error.name === "AuthSessionMissingError") {
    return new ApiError("session_missing", SESSION_ENDED_MESSAGE, false);
  }
  if (status !== undefined && status >= 500) return errorForStatus(status);
  // GoTrue's own messages are written for people ("Invalid login credentials").
  return new ApiError(code ?? "auth_error", error.message, status === 429, status);
}

const POSTGREST_MESSAGES: Record<string, { code: string; message: string }> = {
  "42501": { code: "forbidden", message: "You are not allowed to do that." },
  "23505": { code: "already_exists", message: "That already exists. Use a different value." },
  "23503": { code: "in_use", message: "That is still in use or refers to something missing." },
  PGRST116: { code: "not_found", message: "That no longer exists." },
  PGRST301: { code: "unauthorized", message: SESSION_ENDED_MESSAGE },
  PGRST303: { code: "unauthorized", message: SESSION_ENDED_MESSAGE },
};

function fromPostgrestError(error: z.infer<typeof postgrestErrorShape>, status?: number): ApiError {
  // postgrest-js reports a failed fetch as an error with an empty code.
  if (error.code === "") return new ApiError("network_error", NETWORK_MESSAGE, true, status);
  const known = POSTGREST_MESSAGES[error.code];
  if (known) return new ApiError(known.code, known.message, false, status);
  // Class 08 (connection) and 57 (operator intervention, e.g. statement timeout) may pass.
  const transient = /^(08|57|40)/.test(error.code);
  // A server-side failure's own text (an SQL error, an internal name) means nothing to a user.
  if (transient || (status !== undefined && status >= 500)) {
    return new ApiError(error.code, SERVER_MESSAGE, true, status);
  }
  return new ApiError(error.code, error.message, false, status);
}

/**
 * Turns anything a supabase-js call can fail with into an ApiError. Synchronous, so it cannot read
 * a FunctionsHttpError's body: use `invokeFunction` (or `functionsErrorToApiError`) for functions.
 * `status` is the HTTP status from a PostgREST response, which postgrest-js keeps off its error.
 */
export function toApiError(error: unknown, status?: number): ApiError {
  if (error instanceof ApiError) return error;
  if (isAuthError(error)) return fromAuthError(error);
  if (error instanceof Error) {
    if (error.name === "FunctionsFetchError") {
      return new ApiError("network_error", NETWORK_MESSAGE, true);
    }
    if (error.name === "FunctionsRelayError") return errorForStatus(502);
    if (error.name === "AbortError") {
      return new ApiError("aborted", "The request was cancelled.", false);
    }
    if (error instanceof TypeError) return new ApiError("network_error", NETWORK_MESSAGE, true);
  }
  const postgrest = postgrestErrorShape.safeParse(error);
  if (postgrest.success) return fromPostgrestError(postgrest.data, status);
  if (error instanceof Error) return new ApiError("unexpected_error", error.message, false, status);
  return new ApiError("unexpected_error", "An unexpected error occurred.", false, status);
}

function retryAfter(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Reads the body of a function's non-2xx answer into an ApiError; anything else as toApiError. */
export async function functionsErrorToApiError(error: unknown): Promise<ApiError> {
  if (!(error instanceof Error) || error.name !== "FunctionsHttpError") return toApiError(error);
  const context: unknown = (error as Error & { context?: unknown }).context;
  if (!(context instanceof Response)) return errorForStatus(500);

  const { status } = context;
  let body: unknown;
  try {
    body = JSON.parse(await context.text()) as unknown;
  } catch {
    return errorForStatus(status);
  }
  const ours = functionErrorBody.safeParse(body);
  if (ours.success) {
    const { code, message, retryable } = ours.data.error;
    return new ApiError(code, message, retryable ?? status >= 500, status, retryAfter(context));
  }
  const platform = platformErrorBody.safeParse(body);
  const message = platform.success ? (platform.data.message ?? platform.data.msg) : undefined;
  const fallback = errorForStatus(status, message);
  return status === 429
    ? new ApiError(fallback.code, fallback.message, true, status, retryAfter(context))
    : fallback;
}

/**
 * A short title for each error code our functions answer with (the message says the rest).
 * Typed by the contracts' union: a new code does not compile here until it has a title.
 */
const ERROR_TITLES: Record<ErrorCode, string> = {
  invalid_json: "Request not understood",
  invalid_request: "Request not accepted",
  invalid_arguments: "Arguments not accepted",
  invalid_media: "Image not accepted",
  unknown_tool: "Unknown tool",
  method_not_allowed: "Request not accepted",
  unauthorized: "Signed out",
  forbidden: "Not allowed",
  agent_not_found: "Agent not found",
  connection_not_found: "Connection not found",
  connection_unusable: "Connection needs reconnecting",
  permission_denied: "Not allowed for this agent",
  policy_denied: "Refused by the agent's limits",
  approval_pending: "Waiting for approval",
  approval_closed: "Approval closed",
  approval_not_found: "Approval not found",
  token_not_found: "Token not found",
  too_many_tokens: "Too many tokens",
  already_connected: "Account already connected",
  no_username: "Connection needs reconnecting",
  rate_limited: "Too many calls",
  too_many_attempts: "Too many attempts",
  backend_busy: "Service busy",
  invalid_credentials: "ClickSend refused the credentials",
  account_suspended: "ClickSend account suspended",
  not_found: "Not found at ClickSend",
  upstream_unavailable: "ClickSend did not complete the call",
  upstream_timeout: "ClickSend did not complete the call",
  upstream_malformed: "ClickSend did not complete the call",
  send_interrupted: "Send stopped part way",
  invalid_token: "Webhook token not accepted",
  invalid_receipt: "Receipt not accepted",
  invalid_reply: "Reply not accepted",
  webhook_not_found: "No webhook set",
  provider_unavailable: "ClickSend integration unavailable",
  vault_error: "Key not stored",
  database_error: "Not saved",
  internal_error: "Something went wrong",
};

/** The title for an error from our functions; `fallback` for the app's own and others'. */
export function errorTitle(error: ApiError, fallback: string): string {
  return isErrorCode(error.code) ? ERROR_TITLES[error.code] : fallback;
}
