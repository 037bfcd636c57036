// Every error code a function answers with, as {"error": {code, message, retryable}}: one list
// for the functions (their ApiError takes only these), the executor's audit rows and the app
// (which describes each one, so a new code is a type error there until it is handled).

export const ERROR_CODES = {
  // The request itself
  invalid_json: "The body is not a JSON object.",
  invalid_request: "A field of the request is missing or wrong; the message names it.",
  invalid_arguments: "A tool's arguments (or a send's recipients) are not acceptable.",
  invalid_media: "The MMS image is of the wrong type or size.",
  unknown_tool: "The tool is not in the catalog.",
  method_not_allowed: "The function does not take this HTTP method.",
  // Who is calling
  unauthorized: "No valid session or token.",
  forbidden: "The caller may not use this function.",
  // What the request names
  agent_not_found: "No such agent in the caller's account.",
  connection_not_found: "No such ClickSend connection in the caller's account.",
  connection_unusable: "The connection has no usable credentials; it must be reconnected.",
  permission_denied: "The agent's grants do not include the tool's scope.",
  already_connected: "The user already has a connection to this ClickSend account.",
  no_username: "The connection has no ClickSend username.",
  // Guardrails (contracts/guardrails.ts)
  policy_denied:
    "The agent's policy refused the whole send (quiet hours or a limit); details say which.",
  approval_pending: "The send waits for a person's approval; nothing was sent.",
  approval_closed: "The approval was already rejected or has expired.",
  approval_not_found: "No such approval in the caller's account.",
  // Agent tokens (contracts/agent-tokens.ts)
  token_not_found: "No such agent token in the caller's account.",
  too_many_tokens: "The agent already has the most tokens it may have; revoke one first.",
  // Limits
  rate_limited: "A request limit was reached (the connection's, or ClickSend's own).",
  too_many_attempts: "Too many ClickSend credential checks; wait before trying again.",
  backend_busy: "Our backend is shedding load; try again in a moment.",
  // ClickSend's answers
  invalid_credentials: "ClickSend refused the username or API key.",
  account_suspended: "ClickSend says the account is suspended.",
  not_found: "ClickSend has no such record (a message, a receipt).",
  upstream_unavailable: "ClickSend could not be reached or failed.",
  upstream_timeout: "ClickSend did not answer in time.",
  upstream_malformed: "ClickSend answered with something unexpected.",
  send_interrupted: "A bulk send stopped part way; what was sent is on record.",
  // The receipt webhook
  invalid_token: "The webhook URL's token is unknown.",
  invalid_receipt: "A pushed receipt is missing a field or has a wrong one.",
  invalid_reply: "A pushed reply is missing a field, has a wrong one, or is in no known format.",
  webhook_not_found: "The agent has no webhook to change.",
  // Ours
  provider_unavailable: "The ClickSend integration is not enabled.",
  vault_error: "The API key could not be stored or removed.",
  database_error: "Our database failed; trying again is safe.",
  internal_error: "Something unexpected failed on our side.",
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CODES, value);
}
