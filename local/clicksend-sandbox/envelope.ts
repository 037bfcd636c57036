// ClickSend's response envelope and the error bodies observed on the live API
// (clicksend-api.md §1.2–1.3). Handlers return a Reply; the server serialises it, so fault
// injection and rate-limit headers can wrap any answer.

export interface Envelope<T> {
  http_code: number;
  response_code: string;
  response_msg: string;
  data: T;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function ok(responseMsg: string, data: unknown): Reply {
  return { status: 200, body: envelope(200, "SUCCESS", responseMsg, data) };
}

function envelope<T>(
  httpCode: number,
  responseCode: string,
  responseMsg: string,
  data: T,
): Envelope<T> {
  return { http_code: httpCode, response_code: responseCode, response_msg: responseMsg, data };
}

/** An error answered as an envelope with `data: null`. */
export class ApiError extends Error {
  constructor(
    readonly httpCode: number,
    readonly responseCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toReply(): Reply {
    return {
      status: this.httpCode,
      body: envelope(this.httpCode, this.responseCode, this.message, null),
      headers: this.headers,
    };
  }
}

const UNAUTHORIZED_MESSAGE = "Authorization failed.";
const SUSPENDED_MESSAGE = "Your account is suspended. Please contact support for more information.";
export const TOO_MANY_ATTEMPTS_MESSAGE = "Too many attempts.";

export const unauthorized = (): ApiError => new ApiError(401, "UNAUTHORIZED", UNAUTHORIZED_MESSAGE);
export const suspended = (): ApiError => new ApiError(403, "FORBIDDEN", SUSPENDED_MESSAGE);
export const notFound = (message: string): ApiError => new ApiError(404, "NOT_FOUND", message);
export const badRequest = (message: string, responseCode = "BAD_REQUEST"): ApiError =>
  new ApiError(400, responseCode, message);
export const internalError = (): ApiError =>
  new ApiError(500, "INTERNAL_SERVER_ERROR", "Internal server error.");
export const methodNotAllowed = (allow: readonly string[]): ApiError =>
  new ApiError(405, "METHOD_NOT_FOUND", "Method not allowed.", { allow: allow.join(", ") });
