// Redaction for logs and audit rows: no phone numbers, message bodies, keys or JWTs ever leave a
// function in clear. Used for console logs and tool_execution_logs.arguments_redacted.

const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]+/g;
const BASIC_AUTH = /\bBasic\s+[A-Za-z0-9+/=]{8,}/gi;
const BEARER = /\bBearer\s+[\w.~+/=-]{8,}/gi;
/** An agent token of the MCP endpoint (contracts/agent-tokens.ts), wherever it is written. */
const AGENT_TOKEN = /\bcsa_[\w-]{20,}/g;
const PHONE = /\+?\d[\d\s().-]{6,}\d/g;
/**
 * A UUID (8-4-4-4-12 hex digits, any case) not inside a longer hex run: ids of connections,
 * agents and ClickSend messages. Audit and log lines are joined by them, so they are never
 * masked, even when a group is all digits and looks like part of a phone number.
 */
const UUID =
  /(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])/gi;

const SECRET_KEY =
  /(^|_)(api_?key|apikey|role_key|anon_key|secret|token|password|authorization|vault)(_|$)/i;
const TEXT_KEY = /^(body|message|text|subject|original_body|content)$/i;
const PHONE_KEY =
  /^(to|from|recipient|recipients|phone|sender|number|originalsenderid|sms|user_phone|account_billing_mobile)$/i;

/** +61411111111 → +61•••••••111 (country code and last three digits stay, for support). */
export function redactPhone(value: string): string {
  const digits = value.replace(/\D/g, "");
  if (digits.length < 7) return "•••";
  const head = value.trim().startsWith("+") ? `+${digits.slice(0, 2)}` : digits.slice(0, 2);
  return `${head}${"•".repeat(Math.max(digits.length - 5, 1))}${digits.slice(-3)}`;
}

/** Phone-number-like runs masked in the text between UUIDs; the UUIDs stay as they are. */
function redactPhones(text: string): string {
  let result = "";
  let from = 0;
  for (const uuid of text.matchAll(UUID)) {
    result += text.slice(from, uuid.index).replace(PHONE, (match) => redactPhone(match)) + uuid[0];
    from = uuid.index + uuid[0].length;
  }
  return result + text.slice(from).replace(PHONE, (match) => redactPhone(match));
}

/**
 * Free text: JWTs, agent tokens, Basic/Bearer credentials and phone-number-like runs are masked. UUIDs are
 * left whole (a credential that happens to be one is still masked: credentials come first).
 */
export function redactText(text: string): string {
  return redactPhones(
    text
      .replace(JWT, "[jwt]")
      .replace(AGENT_TOKEN, "csa_[redacted]")
      .replace(BASIC_AUTH, "Basic [redacted]")
      .replace(BEARER, "Bearer [redacted]"),
  );
}

/** Deep copy with secrets removed, bodies reduced to their length and numbers masked. */
export function redactValue(value: unknown, key = ""): unknown {
  if (SECRET_KEY.test(key)) return "[redacted]";
  if (typeof value === "string") {
    if (TEXT_KEY.test(key)) return `[${String(value.length)} chars]`;
    if (PHONE_KEY.test(key)) return redactPhone(value);
    return redactText(value);
  }
  if (Array.isArray(value))
    return value.map((item) => redactValue(item, PHONE_KEY.test(key) ? key : ""));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]));
  }
  return value;
}
