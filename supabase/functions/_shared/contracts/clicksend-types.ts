// ClickSend REST v3 response shapes (reference/clicksend-api.md), as zod schemas that accept the
// documented inconsistencies (numbers sent as strings and the reverse, optional fields on
// rejected messages) and normalise them into one typed form.
import { z } from "zod";

/** A number ClickSend may send as a JSON number or a decimal string ("0.0792", "1.00"). */
const looseNumber = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/),
  ])
  .transform(Number);
/** Same, where null or "" also occur. */
const looseNumberOrNull = z
  .union([looseNumber, z.null(), z.literal("")])
  .optional()
  .transform((value) => (value === "" || value === undefined ? null : value));
/** A code ClickSend sends as a number or a string (status_code "201" vs 201). */
const looseCode = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform((value) =>
    value === null || value === undefined || value === "" ? null : String(value),
  );
const looseText = z
  .union([z.string(), z.null()])
  .optional()
  .transform((value) => value ?? null);

export const envelopeSchema = z.object({
  http_code: z.number().int(),
  response_code: z.union([z.string(), z.number()]).transform(String),
  response_msg: z.string().default(""),
  data: z.unknown(),
});

const currencySchema = z
  .object({
    currency_name_short: z.string(),
    currency_prefix_d: z.string().optional(),
    currency_name_long: z.string().optional(),
  })
  .loose();

export const accountSchema = z
  .object({
    user_id: z.number().int(),
    username: z.string(),
    balance: looseNumber,
    country: z.string().nullish(),
    default_country_sms: z.string().nullish(),
    active: looseNumber.optional(),
    banned: looseNumber.optional(),
    _currency: currencySchema,
  })
  .loose()
  .transform((account) => ({
    userId: account.user_id,
    username: account.username,
    balance: account.balance,
    currency: account._currency.currency_name_short,
    country: account.country ?? account.default_country_sms ?? null,
  }));
export type Account = z.infer<typeof accountSchema>;

/** One message in a send/price response: full when accepted, minimal when rejected. */
const sentMessageSchema = z
  .object({
    to: z.string(),
    from: looseText,
    message_id: looseText,
    status: z.string(),
    message_parts: looseNumberOrNull,
    message_price: looseNumberOrNull,
    custom_string: looseText,
    schedule: z.union([z.number(), z.string()]).nullish(),
    country: looseText,
    subject: looseText,
  })
  .loose()
  .transform((message) => ({
    to: message.to,
    from: message.from,
    messageId: message.message_id,
    status: message.status,
    parts: message.message_parts,
    price: message.message_price,
    customString: message.custom_string === "" ? null : message.custom_string,
    country: message.country,
  }));

export const sendResultSchema = z
  .object({
    total_price: looseNumber,
    total_count: looseNumber,
    queued_count: looseNumber,
    blocked_count: looseNumber.optional(),
    messages: z.array(sentMessageSchema),
    _currency: currencySchema.optional(),
    currency: currencySchema.optional(),
  })
  .loose()
  .transform((result) => ({
    totalPrice: result.total_price,
    totalCount: result.total_count,
    queuedCount: result.queued_count,
    blockedCount: result.blocked_count ?? 0,
    currency: (result._currency ?? result.currency)?.currency_name_short ?? null,
    messages: result.messages,
  }));
export type SendResult = z.infer<typeof sendResultSchema>;

export const historyRowSchema = z
  .object({
    direction: z.string().optional(),
    date: looseNumberOrNull,
    to: z.string(),
    from: looseText,
    body: looseText,
    subject: looseText,
    status: z.string(),
    status_code: looseCode,
    status_text: looseText,
    error_code: looseCode,
    error_text: looseText,
    message_id: z.string(),
    message_parts: looseNumberOrNull,
    message_price: looseNumberOrNull,
    custom_string: looseText,
    schedule: looseNumberOrNull,
    country: looseText,
    _media_file_url: looseText,
  })
  .loose()
  .transform((row) => ({
    messageId: row.message_id,
    direction: row.direction ?? "out",
    date: row.date,
    to: row.to,
    from: row.from,
    body: row.body,
    subject: row.subject,
    status: row.status,
    statusCode: row.status_code,
    statusText: row.status_text,
    errorCode: row.error_code,
    errorText: row.error_text,
    parts: row.message_parts,
    price: row.message_price,
    customString: row.custom_string === "" ? null : row.custom_string,
    schedule: row.schedule,
    country: row.country,
    mediaUrl: row._media_file_url,
  }));
export type HistoryRow = z.infer<typeof historyRowSchema>;

export const receiptSchema = z
  .object({
    timestamp_send: looseNumberOrNull,
    timestamp: looseNumberOrNull,
    message_id: z.string(),
    status_code: looseCode,
    status_text: looseText,
    error_code: looseCode,
    error_text: looseText,
    custom_string: looseText,
    message_type: looseText,
    _message_type: looseText,
  })
  .loose()
  .transform((receipt) => ({
    messageId: receipt.message_id,
    sentAt: receipt.timestamp_send,
    receivedAt: receipt.timestamp,
    statusCode: receipt.status_code,
    statusText: receipt.status_text,
    errorCode: receipt.error_code,
    errorText: receipt.error_text,
    customString: receipt.custom_string === "" ? null : receipt.custom_string,
    messageType: receipt.message_type ?? receipt._message_type ?? "sms",
  }));
export type Receipt = z.infer<typeof receiptSchema>;

export function paginatorSchema<T extends z.ZodType>(row: T) {
  return z
    .object({
      total: looseNumber,
      per_page: looseNumber,
      current_page: looseNumber,
      last_page: looseNumber,
      next_page_url: z.string().nullish(),
      prev_page_url: z.string().nullish(),
      from: looseNumberOrNull,
      to: looseNumberOrNull,
      data: z.array(row),
    })
    .loose()
    .transform((page) => ({
      total: page.total,
      perPage: page.per_page,
      page: page.current_page,
      lastPage: page.last_page,
      hasMore: page.current_page < page.last_page,
      rows: page.data,
    }));
}
export type Page<T> = {
  total: number;
  perPage: number;
  page: number;
  lastPage: number;
  hasMore: boolean;
  rows: T[];
};

export const uploadSchema = z
  .object({
    _url: z.string(),
    upload_id: z.union([z.number(), z.string()]).optional(),
    date_delete: looseNumberOrNull,
  })
  .loose()
  .transform((upload) => ({ url: upload._url, expiresAt: upload.date_delete }));
export type Upload = z.infer<typeof uploadSchema>;

export const receiptRuleSchema = z
  .object({
    receipt_rule_id: looseNumber,
    rule_name: z.string().optional(),
    action: z.string().optional(),
    action_address: z.string().nullish(),
  })
  .loose()
  .transform((rule) => ({
    id: rule.receipt_rule_id,
    name: rule.rule_name ?? null,
    action: rule.action ?? null,
    address: rule.action_address ?? null,
  }));
export type ReceiptRule = z.infer<typeof receiptRuleSchema>;

export const inboundRuleSchema = z
  .object({
    inbound_rule_id: looseNumber,
    rule_name: z.string().optional(),
    action: z.string().optional(),
    action_address: z.string().nullish(),
  })
  .loose()
  .transform((rule) => ({
    id: rule.inbound_rule_id,
    name: rule.rule_name ?? null,
    action: rule.action ?? null,
    address: rule.action_address ?? null,
  }));
export type InboundRule = z.infer<typeof inboundRuleSchema>;

/** What an inbound rule does with a reply: push it to a URL, or keep it for GET /sms/inbound. */
export type InboundRuleAction = "URL" | "POLL";

/**
 * A reply as GET /sms/inbound lists it (§2.13): the time comes as `timestamp` or, in the
 * examples, `timestamp_send`, as a number or a string (inconsistency 6).
 */
export const inboundMessageSchema = z
  .object({
    message_id: z.string().min(1),
    from: z.string(),
    to: looseText,
    body: looseText,
    original_message_id: looseText,
    custom_string: looseText,
    timestamp: looseNumberOrNull,
    timestamp_send: looseNumberOrNull,
  })
  .loose()
  .transform((row) => ({
    messageId: row.message_id,
    from: row.from,
    to: row.to,
    body: row.body ?? "",
    originalMessageId: row.original_message_id === "" ? null : row.original_message_id,
    customString: row.custom_string === "" ? null : row.custom_string,
    timestamp: row.timestamp ?? row.timestamp_send,
  }));
export type InboundMessage = z.infer<typeof inboundMessageSchema>;
