// A small typed ClickSend REST v3 client over fetch (no SDK: the official one is built on a
// deprecated HTTP library). Every call has a timeout. Reads retry with jittered backoff and
// honour Retry-After; sends and other writes are never retried (ClickSend has no idempotency
// key, so a repeated send could deliver twice). Responses are zod-parsed; errors are
// ClickSendError {code, message, retryable}.
import type { z } from "zod";
import { ClickSendError, errorFromStatus, parseRetryAfter } from "./errors.ts";
import {
  accountSchema,
  envelopeSchema,
  historyRowSchema,
  inboundMessageSchema,
  inboundRuleSchema,
  paginatorSchema,
  receiptRuleSchema,
  receiptSchema,
  sendResultSchema,
  uploadSchema,
  type Account,
  type HistoryRow,
  type InboundMessage,
  type InboundRule,
  type InboundRuleAction,
  type Page,
  type Receipt,
  type ReceiptRule,
  type SendResult,
  type Upload,
} from "../contracts/clicksend-types.ts";

export const CLICKSEND_API_BASE = "https://rest.clicksend.com/v3";
export const MAX_MESSAGES_PER_REQUEST = 1000;

export interface ClickSendConfig {
  username: string;
  apiKey: string;
  baseUrl?: string;
  /** Per attempt. Default 10 s for reads, 30 s for writes. */
  timeoutMs?: number;
  /** Extra attempts for reads. Default 2. */
  readRetries?: number;
  /** Longest Retry-After a read will wait for before giving up. Default 5 s. */
  maxRetryWaitMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface SmsMessage {
  to: string;
  body: string;
  from?: string;
  schedule?: number;
  custom_string?: string;
  source?: string;
}

export interface MmsMessage extends SmsMessage {
  subject: string;
}

export interface HistoryQuery {
  page?: number;
  limit?: number;
  dateFrom?: number;
  dateTo?: number;
  /** ClickSend search: field:value, e.g. status:Failed or to:+61411111111. */
  q?: string;
  orderBy?: string;
}

interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Safe to repeat: reads, and writes that change nothing when repeated. */
  retry: boolean;
}

const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export class ClickSendClient {
  readonly baseUrl: string;
  private readonly authorization: string;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly config: ClickSendConfig) {
    this.baseUrl = (config.baseUrl ?? CLICKSEND_API_BASE).replace(/\/+$/, "");
    this.authorization = `Basic ${btoa(`${config.username}:${config.apiKey}`)}`;
    this.fetchImpl = config.fetch ?? fetch;
    this.sleep = config.sleep ?? defaultSleep;
    this.random = config.random ?? Math.random;
  }

  getAccount(): Promise<Account> {
    return this.call("GET", "/account", accountSchema, { retry: true });
  }

  async sendSms(messages: SmsMessage[]): Promise<SendResult> {
    assertBatch(messages);
    return await this.call("POST", "/sms/send", sendResultSchema, {
      body: { messages },
      retry: false,
    });
  }

  async priceSms(messages: SmsMessage[]): Promise<SendResult> {
    assertBatch(messages);
    return await this.call("POST", "/sms/price", sendResultSchema, {
      body: { messages },
      retry: true,
    });
  }

  async sendMms(mediaUrl: string, messages: MmsMessage[]): Promise<SendResult> {
    assertBatch(messages);
    return await this.call("POST", "/mms/send", sendResultSchema, {
      body: { media_file: mediaUrl, messages },
      retry: false,
    });
  }

  async priceMms(mediaUrl: string, messages: MmsMessage[]): Promise<SendResult> {
    assertBatch(messages);
    return await this.call("POST", "/mms/price", sendResultSchema, {
      body: { media_file: mediaUrl, messages },
      retry: true,
    });
  }

  smsHistory(query: HistoryQuery = {}): Promise<Page<HistoryRow>> {
    return this.call("GET", "/sms/history", paginatorSchema(historyRowSchema), {
      query: historyParams(query),
      retry: true,
    });
  }

  mmsHistory(query: HistoryQuery = {}): Promise<Page<HistoryRow>> {
    return this.call("GET", "/mms/history", paginatorSchema(historyRowSchema), {
      query: historyParams(query),
      retry: true,
    });
  }

  smsReceipts(page = 1, limit = 15): Promise<Page<Receipt>> {
    return this.call("GET", "/sms/receipts", paginatorSchema(receiptSchema), {
      query: { page, limit: clampLimit(limit) },
      retry: true,
    });
  }

  smsReceipt(messageId: string): Promise<Receipt> {
    return this.call("GET", `/sms/receipts/${encodeURIComponent(messageId)}`, receiptSchema, {
      retry: true,
    });
  }

  /** Marks receipts read (all, or those before a unix time). Repeating it changes nothing. */
  async markReceiptsRead(dateBefore?: number): Promise<void> {
    await this.request("PUT", "/sms/receipts-read", {
      body: dateBefore === undefined ? {} : { date_before: dateBefore },
      retry: true,
    });
  }

  /** Cancels a scheduled SMS. Not retried: a second attempt would answer 404. */
  async cancelSms(messageId: string): Promise<void> {
    await this.request("PUT", `/sms/${encodeURIComponent(messageId)}/cancel`, { retry: false });
  }

  /** Registers a delivery-receipt rule that pushes every receipt to `url` (form-encoded). */
  createReceiptRule(name: string, url: string): Promise<ReceiptRule> {
    return this.call("POST", "/automations/sms/receipts", receiptRuleSchema, {
      body: { rule_name: name, match_type: 0, action: "URL", action_address: url, enabled: 1 },
      retry: false,
    });
  }

  /** Every delivery-receipt rule of the account (all pages, at most `maxPages` of 100). */
  listReceiptRules(maxPages = 10): Promise<ReceiptRule[]> {
    return this.listAll("/automations/sms/receipts", receiptRuleSchema, "receipt rules", maxPages);
  }

  /** Points an existing receipt rule at `url` (all receipts, enabled). Repeating it changes nothing. */
  updateReceiptRule(ruleId: number, name: string, url: string): Promise<ReceiptRule> {
    return this.call("PUT", `/automations/sms/receipts/${String(ruleId)}`, receiptRuleSchema, {
      body: { rule_name: name, match_type: 0, action: "URL", action_address: url, enabled: 1 },
      retry: true,
    });
  }

  async deleteReceiptRule(ruleId: number): Promise<void> {
    await this.request("DELETE", `/automations/sms/receipts/${String(ruleId)}`, { retry: false });
  }

  /** Every inbound (reply) rule of the account (all pages, at most `maxPages` of 100). */
  listInboundRules(maxPages = 10): Promise<InboundRule[]> {
    return this.listAll("/automations/sms/inbound", inboundRuleSchema, "inbound rules", maxPages);
  }

  /**
   * Registers an inbound rule for replies to any of the account's numbers: `URL` pushes each
   * reply to `address` as JSON; `POLL` keeps it for GET /sms/inbound (the address only names
   * whose rule it is).
   */
  createInboundRule(
    name: string,
    action: InboundRuleAction,
    address: string,
  ): Promise<InboundRule> {
    return this.call("POST", "/automations/sms/inbound", inboundRuleSchema, {
      body: inboundRuleBody(name, action, address),
      retry: false,
    });
  }

  /** Points an existing inbound rule at `address` with `action`. Repeating it changes nothing. */
  updateInboundRule(
    ruleId: number,
    name: string,
    action: InboundRuleAction,
    address: string,
  ): Promise<InboundRule> {
    return this.call("PUT", `/automations/sms/inbound/${String(ruleId)}`, inboundRuleSchema, {
      body: inboundRuleBody(name, action, address),
      retry: true,
    });
  }

  async deleteInboundRule(ruleId: number): Promise<void> {
    await this.request("DELETE", `/automations/sms/inbound/${String(ruleId)}`, { retry: false });
  }

  /** Unread replies kept by POLL rules (one page; read ones are gone). */
  inboundMessages(page = 1, limit = 100): Promise<Page<InboundMessage>> {
    return this.call("GET", "/sms/inbound", paginatorSchema(inboundMessageSchema), {
      query: { page, limit: clampLimit(limit) },
      retry: true,
    });
  }

  /**
   * Marks one reply read, so polling stops listing it (never the account-wide mark-read, which
   * would hide replies other connections have not stored yet). Already read is fine.
   */
  async markInboundRead(messageId: string): Promise<void> {
    // A blank id, "." or ".." would make the path /sms/inbound-read/ (every reply) or /sms/.
    if (messageId.trim() === "" || messageId === "." || messageId === "..")
      throw new ClickSendError(
        "invalid_request",
        "A reply can only be marked read by its message id.",
        false,
      );
    try {
      await this.request("PUT", `/sms/inbound-read/${encodeURIComponent(messageId)}`, {
        retry: true,
      });
    } catch (error) {
      if (error instanceof ClickSendError && error.code === "not_found") return;
      throw error;
    }
  }

  upload(base64Content: string, convert: "mms" = "mms"): Promise<Upload> {
    return this.call("POST", "/uploads", uploadSchema, {
      query: { convert },
      body: { content: base64Content },
      retry: false,
    });
  }

  private async listAll<S extends z.ZodType>(
    path: string,
    row: S,
    what: string,
    maxPages: number,
  ): Promise<z.output<S>[]> {
    const rows: z.output<S>[] = [];
    for (let page = 1; page <= maxPages; page += 1) {
      const result = await this.call("GET", path, paginatorSchema(row), {
        query: { page, limit: 100 },
        retry: true,
      });
      rows.push(...(result.rows as z.output<S>[]));
      if (!result.hasMore) return rows;
    }
    throw new ClickSendError(
      "upstream_malformed",
      `The account has more than ${String(maxPages * 100)} ${what}; not all could be read.`,
      false,
    );
  }

  private async call<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: RequestOptions,
  ): Promise<z.output<S>> {
    const data = await this.request(method, path, options);
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new ClickSendError(
        "upstream_malformed",
        `ClickSend answered ${method} ${path} with data of an unexpected shape (${parsed.error.issues[0]?.path.join(".") ?? "?"}: ${parsed.error.issues[0]?.message ?? "invalid"}).`,
        options.retry,
      );
    }
    return parsed.data;
  }

  /** One logical request: the envelope's data, or a ClickSendError. */
  private async request(method: string, path: string, options: RequestOptions): Promise<unknown> {
    const attempts = 1 + (options.retry ? (this.config.readRetries ?? 2) : 0);
    let lastError: ClickSendError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        return await this.attempt(method, path, options);
      } catch (error) {
        if (
          !(error instanceof ClickSendError) ||
          !error.retryable ||
          !options.retry ||
          attempt === attempts
        )
          throw error;
        lastError = error;
        const backoff = Math.min(2000, 200 * 2 ** (attempt - 1)) * (0.5 + this.random());
        const wait = error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : backoff;
        if (wait > (this.config.maxRetryWaitMs ?? 5000)) throw error;
        await this.sleep(wait);
      }
    }
    throw (
      lastError ?? new ClickSendError("upstream_unavailable", "ClickSend request failed.", true)
    );
  }

  private async attempt(method: string, path: string, options: RequestOptions): Promise<unknown> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const controller = new AbortController();
    const timeoutMs = this.config.timeoutMs ?? (method === "GET" ? 10_000 : 30_000);
    const timer = setTimeout(() => {
      controller.abort();
    }, timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: this.authorization,
          "content-type": "application/json",
          accept: "application/json",
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: controller.signal,
      });
      text = await response.text();
    } catch (error) {
      const timedOut = controller.signal.aborted;
      const outcome = options.retry
        ? ""
        : " The request may have been processed: check history before repeating it.";
      throw new ClickSendError(
        timedOut ? "upstream_timeout" : "upstream_unavailable",
        timedOut
          ? `ClickSend did not answer within ${String(timeoutMs / 1000)} s.${outcome}`
          : `Could not reach ClickSend (${error instanceof Error ? error.message : "network error"}).${outcome}`,
        options.retry,
      );
    } finally {
      clearTimeout(timer);
    }

    const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
    const fail = (httpStatus: number, reason: string): ClickSendError => {
      const error = errorFromStatus(httpStatus, reason, retryAfter);
      // A 5xx to a write is ambiguous: ClickSend may have acted before failing.
      if (!options.retry && error.code === "upstream_unavailable") {
        return new ClickSendError(
          "upstream_unavailable",
          `ClickSend failed (HTTP ${String(httpStatus)}) and may have processed the request: check history before repeating it.`,
          false,
          httpStatus,
        );
      }
      return error;
    };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (!response.ok) throw fail(response.status, "");
      throw new ClickSendError(
        "upstream_malformed",
        `ClickSend answered ${method} ${path} with a body that is not JSON.${options.retry ? "" : " The request may have been processed: check history before repeating it."}`,
        options.retry,
        response.status,
      );
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      if (!response.ok) throw fail(response.status, "");
      throw new ClickSendError(
        "upstream_malformed",
        `ClickSend answered ${method} ${path} without its usual envelope.`,
        options.retry,
        response.status,
      );
    }
    // A 2xx whose envelope says >= 400 is an error too (legacy hosts do this).
    const status = response.ok ? envelope.data.http_code : response.status;
    if (status >= 400) throw fail(status, envelope.data.response_msg);
    return envelope.data.data;
  }
}

function assertBatch(messages: unknown[]): void {
  if (messages.length === 0 || messages.length > MAX_MESSAGES_PER_REQUEST) {
    throw new ClickSendError(
      "invalid_request",
      `A ClickSend send takes 1 to ${String(MAX_MESSAGES_PER_REQUEST)} messages; got ${String(messages.length)}.`,
      false,
    );
  }
}

function clampLimit(limit: number): number {
  return Math.min(100, Math.max(15, Math.trunc(limit)));
}

function historyParams(query: HistoryQuery): Record<string, string | number | undefined> {
  return {
    page: query.page,
    limit: query.limit === undefined ? undefined : clampLimit(query.limit),
    date_from: query.dateFrom,
    date_to: query.dateTo,
    q: query.q,
    order_by: query.orderBy,
  };
}

/** Accepted and rejected recipients of a send: a 200 never hides a per-message failure. */
export function splitSendResult(result: SendResult): {
  accepted: SendResult["messages"];
  rejected: SendResult["messages"];
} {
  const accepted = result.messages.filter((message) => message.status === "SUCCESS");
  const rejected = result.messages.filter((message) => message.status !== "SUCCESS");
  return { accepted, rejected };
}

function inboundRuleBody(name: string, action: InboundRuleAction, address: string) {
  return {
    dedicated_number: "*",
    rule_name: name,
    message_search_type: 0,
    message_search_term: null,
    action,
    action_address: address,
    enabled: 1,
    ...(action === "URL" ? { webhook_type: "json" } : {}),
  };
}
