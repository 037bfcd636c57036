// GET /sms/history and /mms/history: the account's accepted messages as ClickSend's history rows,
// filtered by date_from/date_to (inclusive, on `date`), q=field:value[,field:value] with
// operator=AND|OR (case-insensitive equality; unknown fields are ignored), sorted by
// order_by=field[:asc|desc] (default date:asc) and paginated.
import type { AccountState } from "./accounts.ts";
import type { SandboxContext } from "./context.ts";
import { ok, type Reply } from "./envelope.ts";
import { intParam } from "./http.ts";
import { paginate, pageRequest } from "./pagination.ts";
import { priceString } from "./pricing.ts";
import type { RouteRequest } from "./router.ts";
import type { StoredMessage } from "./state.ts";

type Kind = StoredMessage["kind"];

function smsRow(message: StoredMessage, account: AccountState): Record<string, unknown> {
  return {
    direction: "out",
    date: message.date,
    to: message.to,
    body: message.body,
    from: message.from,
    status: message.status,
    schedule: String(message.schedule),
    status_code: message.statusCode,
    status_text: message.statusText,
    error_code: message.errorCode,
    error_text: message.errorText,
    message_id: message.messageId,
    message_parts: message.parts,
    // Priced rows carry 6 dp; a free test-number row showed "0.0000" live.
    message_price: message.priceMicros === 0 ? "0.0000" : priceString(message.priceMicros, 6),
    from_email: message.fromEmail,
    list_id: null,
    custom_string: message.customString,
    contact_id: null,
    user_id: account.userId,
    subaccount_id: account.subaccountId,
    country: message.country,
    carrier: message.carrier,
    first_name: null,
    last_name: null,
    _api_username: account.username,
  };
}

function mmsRow(message: StoredMessage, account: AccountState): Record<string, unknown> {
  return {
    ...smsRow(message, account),
    message_parts: message.parts.toFixed(2),
    subject: message.subject,
    _media_file_url: message.mediaUrl,
    priority: 0,
    date_added: message.date,
  };
}

/** The value a q filter or order_by compares, by field name. */
function field(message: StoredMessage, account: AccountState, name: string): string | undefined {
  switch (name) {
    case "status":
      return message.status;
    case "to":
      return message.to;
    case "from":
      return message.from;
    case "message_id":
      return message.messageId;
    case "subaccount_id":
      return String(account.subaccountId);
    case "direction":
      return "out";
    case "body":
      return message.body;
    case "username":
      return account.username;
    case "subject":
      return message.kind === "mms" ? (message.subject ?? "") : undefined;
    case "list_id":
      return "";
    default:
      return undefined;
  }
}

const SMS_FILTERS = ["status", "to", "from", "subaccount_id", "message_id"];
const MMS_FILTERS = [...SMS_FILTERS, "direction", "subject", "list_id"];
const SMS_ORDER = ["date", "username", "from", "to", "status", "body"];
const MMS_ORDER = [...SMS_ORDER, "subject"];

function queryFilter(
  query: URLSearchParams,
  kind: Kind,
  account: AccountState,
): (message: StoredMessage) => boolean {
  const allowed = kind === "sms" ? SMS_FILTERS : MMS_FILTERS;
  const terms = (query.get("q") ?? "")
    .split(",")
    .map((term) => {
      const colon = term.indexOf(":");
      return colon < 0
        ? undefined
        : { name: term.slice(0, colon).trim().toLowerCase(), value: term.slice(colon + 1).trim() };
    })
    .filter((term) => term !== undefined && allowed.includes(term.name))
    .map((term) => term as { name: string; value: string });
  if (terms.length === 0) return () => true;
  const any = (query.get("operator") ?? "AND").toUpperCase() === "OR";
  return (message) => {
    const hit = (term: { name: string; value: string }): boolean =>
      (field(message, account, term.name) ?? "").toLowerCase() === term.value.toLowerCase();
    return any ? terms.some(hit) : terms.every(hit);
  };
}

function sorter(
  query: URLSearchParams,
  kind: Kind,
  account: AccountState,
): (a: StoredMessage, b: StoredMessage) => number {
  const [rawName = "date", rawDirection = "asc"] = (query.get("order_by") ?? "").split(":");
  const allowed = kind === "sms" ? SMS_ORDER : MMS_ORDER;
  const name = allowed.includes(rawName.trim().toLowerCase())
    ? rawName.trim().toLowerCase()
    : "date";
  const sign = rawDirection.trim().toLowerCase() === "desc" ? -1 : 1;
  return (a, b) => {
    const byField =
      name === "date"
        ? a.date - b.date
        : (field(a, account, name) ?? "").localeCompare(field(b, account, name) ?? "");
    return sign * (byField !== 0 ? byField : a.seq - b.seq);
  };
}

function listHistory(ctx: SandboxContext, req: RouteRequest, kind: Kind): Reply {
  const { account, query } = req;
  const from = intParam(query, "date_from");
  const to = intParam(query, "date_to");
  const matches = queryFilter(query, kind, account);
  const rows = ctx.state.messages
    .filter(
      (message) =>
        message.kind === kind &&
        message.username === account.username &&
        (from === undefined || message.date >= from) &&
        (to === undefined || message.date <= to) &&
        matches(message),
    )
    .sort(sorter(query, kind, account));
  const page = paginate(rows, pageRequest(query), `${ctx.apiBase}/${kind}/history`);
  const toRow = kind === "sms" ? smsRow : mmsRow;
  return ok("Here are your data.", {
    ...page,
    data: page.data.map((message) => toRow(message, account)),
  });
}

export const smsHistory = (ctx: SandboxContext, req: RouteRequest): Reply =>
  listHistory(ctx, req, "sms");

export const mmsHistory = (ctx: SandboxContext, req: RouteRequest): Reply =>
  listHistory(ctx, req, "mms");
