// ClickSend's REST v3 API inside the test process, scripted by the test: each route answers
// what the test says (data in ClickSend's envelope, an error status, a body that is not JSON,
// or no answer at all), and every request is recorded. Two ways in, one set of routes:
// `baseUrl` is a small HTTP server on 127.0.0.1 for code that builds its own client from
// env.CLICKSEND_API_BASE, and `fetch` is the same routes without a socket, for a
// ClickSendClient's `fetch` option. A request no route expects answers 501 and is kept in
// `unrouted`. The wire shapes below follow reference/clicksend-api.md, not the local sandbox.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ClickSendClient } from "../clicksend/client.ts";

interface ClickSendCall {
  method: string;
  /** The path below the API base, e.g. /sms/send or /automations/sms/receipts/7. */
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body, or null. */
  body: unknown;
  /** The Basic auth user name, or null without one. */
  username: string | null;
  apiKey: string | null;
}

export type ClickSendReply =
  | {
      status?: number;
      /** `data` of ClickSend's envelope. */
      data?: unknown;
      /** `response_msg` of the envelope (ClickSend's reason for an error). */
      message?: string;
      headers?: Record<string, string>;
      /** A raw body instead of the envelope (a proxy's HTML page, broken JSON). */
      text?: string;
    }
  /** Never answers (the caller's timeout decides). */
  | "hang";

export type ClickSendRoute = (call: ClickSendCall) => ClickSendReply | Promise<ClickSendReply>;

export interface FakeClickSend {
  /** Where to point CLICKSEND_API_BASE: http://127.0.0.1:<port>/v3. */
  baseUrl: string;
  /** The same routes without a socket, for ClickSendClient's `fetch` option. */
  fetch: typeof fetch;
  /** Every request, in order. */
  calls: ClickSendCall[];
  /** Requests no route expected (each was answered 501). */
  unrouted: ClickSendCall[];
  /** Answers `method path` (a RegExp is matched against the whole path); replaces an earlier route. */
  on(method: string, path: string | RegExp, route: ClickSendRoute | ClickSendReply): FakeClickSend;
  /** A client of this fake through `fetch`, for code that takes a ready client. */
  client(options?: { username?: string; apiKey?: string; timeoutMs?: number }): ClickSendClient;
  /** Forgets routes and calls (between tests). */
  reset(): void;
  close(): Promise<void>;
}

interface Route {
  method: string;
  path: string | RegExp;
  route: ClickSendRoute;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function credentials(authorization: string | null): {
  username: string | null;
  apiKey: string | null;
} {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? "");
  if (!match?.[1]) return { username: null, apiKey: null };
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0
    ? { username: decoded, apiKey: null }
    : { username: decoded.slice(0, colon), apiKey: decoded.slice(colon + 1) };
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toAnswer(reply: Exclude<ClickSendReply, "hang">): Answer {
  const status = reply.status ?? 200;
  const headers = { "content-type": "application/json", ...reply.headers };
  if (reply.text !== undefined) return { status, headers, text: reply.text };
  const envelope = {
    http_code: status,
    response_code: status < 400 ? "SUCCESS" : "ERROR",
    response_msg: reply.message ?? (status < 400 ? "Here you go." : "Request failed."),
    data: reply.data ?? null,
  };
  return { status, headers, text: JSON.stringify(envelope) };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

export async function startFakeClickSend(): Promise<FakeClickSend> {
  let routes: Route[] = [];
  const calls: ClickSendCall[] = [];
  const unrouted: ClickSendCall[] = [];

  /** One request, as either transport sees it; "hang" when the route never answers. */
  const handle = async (
    method: string,
    url: URL,
    authorization: string | null,
    bodyText: string,
  ): Promise<Answer | "hang"> => {
    const path = url.pathname.replace(/^\/v3/, "");
    const call: ClickSendCall = {
      method,
      path,
      query: url.searchParams,
      body: parseBody(bodyText),
      ...credentials(authorization),
    };
    calls.push(call);
    const found = routes.find(
      (route) =>
        route.method === method &&
        (typeof route.path === "string"
          ? route.path === path
          : new RegExp(`^(?:${route.path.source})$`).test(path)),
    );
    if (found === undefined) {
      unrouted.push(call);
      return toAnswer({
        status: 501,
        message: `fake ClickSend: nothing answers ${method} ${path}`,
      });
    }
    const reply = await found.route(call);
    return reply === "hang" ? "hang" : toAnswer(reply);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request);
      const answer = await handle(
        request.method ?? "GET",
        new URL(request.url ?? "/", "http://127.0.0.1"),
        request.headers.authorization ?? null,
        body,
      );
      if (answer === "hang") return;
      response.writeHead(answer.status, answer.headers);
      response.end(answer.text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const fetchImpl = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === "string" ? init.body : "";
    const signal = init?.signal;
    const answer = await handle(init?.method ?? "GET", url, headers.get("authorization"), body);
    if (answer === "hang") {
      return new Promise((_resolve, reject) => {
        signal?.addEventListener("abort", () => {
          reject(new DOMException("The operation was aborted.", "AbortError"));
        });
      });
    }
    return new Response(answer.text, { status: answer.status, headers: answer.headers });
  };

  const fake: FakeClickSend = {
    baseUrl: `http://127.0.0.1:${String(port)}/v3`,
    fetch: fetchImpl,
    calls,
    unrouted,
    on(method, path, route) {
      const upper = method.toUpperCase();
      routes = routes.filter((r) => !(r.method === upper && String(r.path) === String(path)));
      routes.push({
        method: upper,
        path,
        route: typeof route === "function" ? route : () => route,
      });
      return fake;
    },
    client: (options = {}) =>
      new ClickSendClient({
        username: options.username ?? "shop_user",
        apiKey: options.apiKey ?? "API-KEY-1234",
        baseUrl: fake.baseUrl,
        fetch: fetchImpl,
        timeoutMs: options.timeoutMs ?? 200,
        readRetries: 0,
      }),
    reset() {
      routes = [];
      calls.length = 0;
      unrouted.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
  return fake;
}

// ---------------------------------------------------------------------------------------------
// ClickSend's wire shapes (the `data` of its envelope), for routes to answer with.
// ---------------------------------------------------------------------------------------------

/** GET /account. */
export function accountData(
  account: {
    username?: string;
    balance?: number | string;
    currency?: string;
    country?: string;
  } = {},
) {
  return {
    user_id: 7,
    username: account.username ?? "shop_user",
    balance: account.balance ?? "25.5000",
    country: account.country ?? "AU",
    active: 1,
    banned: 0,
    _currency: { currency_name_short: account.currency ?? "AUD", currency_prefix_d: "$" },
  };
}

export interface SentMessageData {
  to: string;
  status?: string;
  message_id?: string;
  message_parts?: number;
  message_price?: string;
}

/** POST /sms/send, /mms/send and /sms/price. */
export function sendData(messages: SentMessageData[], currency = "AUD") {
  const rows = messages.map((message) => ({
    to: message.to,
    from: "+61400000000",
    body: "…",
    status: message.status ?? "SUCCESS",
    message_id: message.message_id ?? `MSG-${message.to}`,
    message_parts: message.message_parts ?? 1,
    message_price: message.message_price ?? "0.0770",
    custom_string: "",
    country: "AU",
  }));
  const queued = rows.filter((row) => row.status === "SUCCESS").length;
  return {
    total_price: rows.reduce((sum, row) => sum + Number(row.message_price), 0),
    total_count: rows.length,
    queued_count: queued,
    blocked_count: rows.length - queued,
    messages: rows,
    _currency: { currency_name_short: currency },
  };
}

/** A send route that accepts every message it is given, each as one part at 0.0770. */
export const acceptEverySend: ClickSendRoute = (call) => {
  const body = call.body as { messages?: { to: string }[] } | null;
  return { data: sendData((body?.messages ?? []).map((message) => ({ to: message.to }))) };
};

/** ClickSend's paginator around `rows`. */
export function pageData(
  rows: unknown[],
  page: { current?: number; last?: number; total?: number; perPage?: number } = {},
) {
  return {
    total: page.total ?? rows.length,
    per_page: page.perPage ?? 15,
    current_page: page.current ?? 1,
    last_page: page.last ?? 1,
    next_page_url: null,
    prev_page_url: null,
    from: rows.length === 0 ? null : 1,
    to: rows.length === 0 ? null : rows.length,
    data: rows,
  };
}

/** One delivery receipt (GET /sms/receipts/{id}, or a row of GET /sms/receipts). */
export function receiptData(messageId: string, statusCode = "201") {
  return {
    timestamp_send: 1_750_000_000,
    timestamp: "1750000060",
    message_id: messageId,
    status_code: statusCode,
    status_text: statusCode === "201" ? "Delivered" : "Failed",
    error_code: null,
    error_text: null,
    custom_string: "",
    _message_type: "sms",
  };
}

/** One delivery-receipt rule (GET/POST/PUT /automations/sms/receipts). */
export function receiptRuleData(id: number, address: string | null, action = "URL") {
  return {
    receipt_rule_id: String(id),
    rule_name: `Rule ${String(id)}`,
    match_type: 0,
    action,
    action_address: address,
    enabled: 1,
  };
}

/** One row of GET /sms/history. */
export function historyRowData(messageId: string, to: string) {
  return {
    direction: "out",
    date: 1_750_000_000,
    to,
    from: "+61400000000",
    body: "Hello",
    status: "Sent",
    status_code: "200",
    status_text: "Sent",
    error_code: null,
    error_text: null,
    message_id: messageId,
    message_parts: 1,
    message_price: "0.0770",
    custom_string: "",
    schedule: null,
    country: "AU",
  };
}

/** One inbound (reply) rule (GET/POST/PUT /automations/sms/inbound). */
export function inboundRuleData(id: number, address: string | null, action = "URL") {
  return {
    inbound_rule_id: id,
    dedicated_number: "*",
    rule_name: `Inbound rule ${String(id)}`,
    message_search_type: 0,
    message_search_term: null,
    action,
    action_address: address,
    enabled: 1,
    webhook_type: action === "URL" ? "json" : null,
  };
}

/**
 * One row of GET /sms/inbound (§2.13): `timestamp` as ClickSend's schema has it; `extra` over it
 * (e.g. `timestamp_send` instead, as its examples have it).
 */
export function inboundMessageData(
  messageId: string,
  from: string,
  extra: Record<string, unknown> = {},
) {
  return {
    timestamp: 1_775_012_927,
    from,
    body: "Yes please",
    original_body: "Want a table tonight?",
    original_message_id: "ORIG-1",
    to: "+61477485926",
    custom_string: "",
    message_id: messageId,
    _keyword: "yes",
    ...extra,
  };
}
