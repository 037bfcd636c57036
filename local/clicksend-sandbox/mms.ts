// POST /mms/send and /mms/price. One top-level `media_file` for every message: a .jpg or .gif
// URL, or a sandbox upload converted with /uploads?convert=mms that has not expired. External
// URLs are checked by extension only (the sandbox never fetches them). Bodies over 1500
// characters (500 in Unicode) are truncated, never split: message_parts is 1.
import { z } from "zod";
import type { AccountState } from "./accounts.ts";
import { unixSeconds, type SandboxContext } from "./context.ts";
import { ok, type Reply } from "./envelope.ts";
import { parseWith } from "./http.ts";
import {
  carrierFor,
  isValidSenderId,
  parseRecipient,
  SHARED_NUMBERS,
  type Recipient,
} from "./numbers.ts";
import { currency, MMS_PRICE_MICROS, priceString, totalPrice } from "./pricing.ts";
import type { RouteRequest } from "./router.ts";
import { smsEncoding } from "./segments.ts";
import {
  acceptMessage,
  checkMessageCount,
  CreditCheck,
  messageFields,
  newMessageId,
  optionalScalar,
  parseSchedule,
  present,
  text,
} from "./send-common.ts";
import { UPLOADS_PATH } from "./uploads.ts";

const MMS_SUBJECT_MAX = 20;
const MMS_BODY_MAX_GSM = 1500;
const MMS_BODY_MAX_UNICODE = 500;

const mmsRequestSchema = z.object({
  media_file: optionalScalar,
  messages: z.array(z.object({ ...messageFields, subject: optionalScalar }), {
    error: "messages must be an array of message objects",
  }),
});

type MmsInput = z.infer<typeof mmsRequestSchema>["messages"][number];

type Rejection =
  | "NOT_ENOUGH_PERMISSION_TO_LIST_ID"
  | "INVALID_MEDIA_FILE"
  | "SUBJECT_REQUIRED"
  | "EMPTY_MESSAGE"
  | "INVALID_RECIPIENT"
  | "INVALID_SENDER_ID"
  | "INVALID_SCHEDULE";

interface Routed {
  recipient: Recipient;
  from: string;
  body: string;
  priceMicros: number;
  schedule: { at: number; future: boolean };
}

type Verdict =
  | { kind: "invalid"; status: Rejection }
  | ({ kind: "blocked"; status: "COUNTRY_NOT_ENABLED" | "INSUFFICIENT_CREDIT" } & Routed)
  | ({ kind: "ok"; status: "SUCCESS" } & Routed);

function isValidMedia(ctx: SandboxContext, mediaFile: string): boolean {
  if (!URL.canParse(mediaFile)) return false;
  const url = new URL(mediaFile);
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  if (url.origin === ctx.origin && url.pathname.startsWith(UPLOADS_PATH)) {
    const upload = ctx.state.uploads.get(url.pathname.slice(UPLOADS_PATH.length));
    return upload?.convert === "mms" && upload.dateDelete > unixSeconds(ctx);
  }
  return /\.(jpg|gif)$/i.test(url.pathname);
}

function truncateBody(body: string): string {
  const limit = smsEncoding(body) === "GSM-7" ? MMS_BODY_MAX_GSM : MMS_BODY_MAX_UNICODE;
  let kept = "";
  for (const char of body) {
    if (kept.length + char.length > limit) break;
    kept += char;
  }
  return kept;
}

function evaluate(
  input: MmsInput,
  mediaValid: boolean,
  account: AccountState,
  nowSeconds: number,
): Verdict {
  if (present(input.list_id))
    return { kind: "invalid", status: "NOT_ENOUGH_PERMISSION_TO_LIST_ID" };
  if (!mediaValid) return { kind: "invalid", status: "INVALID_MEDIA_FILE" };
  const subject = text(input.subject).trim();
  if (subject === "" || subject.length > MMS_SUBJECT_MAX) {
    return { kind: "invalid", status: "SUBJECT_REQUIRED" };
  }
  const body = text(input.body);
  if (body.trim() === "") return { kind: "invalid", status: "EMPTY_MESSAGE" };
  const recipient = parseRecipient(
    text(input.to),
    present(input.country) ? text(input.country) : undefined,
  );
  if (!recipient) return { kind: "invalid", status: "INVALID_RECIPIENT" };
  const from = text(input.from).trim();
  // MMS goes from a ClickSend number: blank (shared) or a phone number, never a name.
  if (from !== "" && !(from.startsWith("+") && isValidSenderId(from))) {
    return { kind: "invalid", status: "INVALID_SENDER_ID" };
  }
  const schedule = parseSchedule(input.schedule, nowSeconds);
  if (!schedule) return { kind: "invalid", status: "INVALID_SCHEDULE" };

  const routed = {
    recipient,
    from: from === "" ? (SHARED_NUMBERS[recipient.country] ?? "") : from,
    body: truncateBody(body),
    schedule,
  };
  const price = MMS_PRICE_MICROS[recipient.country];
  if (!account.enabledCountries.includes(recipient.country) || price === undefined) {
    return { kind: "blocked", status: "COUNTRY_NOT_ENABLED", ...routed, priceMicros: 0 };
  }
  return {
    kind: "ok",
    status: "SUCCESS",
    ...routed,
    priceMicros: recipient.testNumber ? 0 : price,
  };
}

function minimalView(input: MmsInput, messageId: string, status: string): Record<string, unknown> {
  return {
    to: text(input.to),
    subject: text(input.subject),
    body: text(input.body),
    from: text(input.from),
    schedule: "",
    message_id: messageId,
    custom_string: text(input.custom_string),
    status,
  };
}

/** SUCCESS (documented shape) and the blocked statuses (same keys, 0 parts and price). */
function messageView(
  input: MmsInput,
  verdict: Exclude<Verdict, { kind: "invalid" }>,
  mediaFile: string,
  messageId: string,
): Record<string, unknown> {
  const accepted = verdict.kind === "ok";
  return {
    to: verdict.recipient.e164,
    subject: text(input.subject).trim(),
    from: verdict.from,
    body: verdict.body,
    country: verdict.recipient.country,
    custom_string: text(input.custom_string),
    schedule: accepted && verdict.schedule.future ? verdict.schedule.at : "",
    message_id: messageId,
    message_parts: accepted && !verdict.recipient.testNumber ? 1 : 0,
    message_price: priceString(verdict.priceMicros, 4),
    _media_file_url: mediaFile,
    list_id: null,
    contact_id: null,
    status: verdict.status,
  };
}

function parseRequest(
  ctx: SandboxContext,
  body: unknown,
): { messages: MmsInput[]; mediaFile: string; mediaValid: boolean } {
  const request = parseWith(mmsRequestSchema, body ?? {});
  checkMessageCount(request.messages.length);
  const mediaFile = text(request.media_file).trim();
  return { messages: request.messages, mediaFile, mediaValid: isValidMedia(ctx, mediaFile) };
}

export function sendMms(ctx: SandboxContext, req: RouteRequest): Reply {
  const { messages, mediaFile, mediaValid } = parseRequest(ctx, req.body);
  const { account } = req;
  const now = unixSeconds(ctx);
  const credit = new CreditCheck(account);
  let spent = 0;
  let queued = 0;
  const views = messages.map((input) => {
    const messageId = newMessageId();
    let verdict = evaluate(input, mediaValid, account, now);
    if (verdict.kind === "invalid") return minimalView(input, messageId, verdict.status);
    if (verdict.kind === "ok" && !credit.spend(verdict.priceMicros)) {
      verdict = { ...verdict, kind: "blocked", status: "INSUFFICIENT_CREDIT" };
    }
    if (verdict.kind === "ok") {
      queued += 1;
      spent += verdict.priceMicros;
      acceptMessage(
        ctx,
        {
          kind: "mms",
          username: account.username,
          messageId,
          date: now,
          schedule: verdict.schedule.at,
          to: verdict.recipient.e164,
          from: verdict.from,
          body: verdict.body,
          subject: text(input.subject).trim(),
          mediaUrl: mediaFile,
          customString: text(input.custom_string),
          fromEmail: present(input.from_email) ? text(input.from_email) : null,
          country: verdict.recipient.country,
          carrier: carrierFor(verdict.recipient.e164, verdict.recipient.country),
          parts: verdict.recipient.testNumber ? 0 : 1,
          priceMicros: verdict.priceMicros,
          testNumber: verdict.recipient.testNumber,
        },
        verdict.schedule.future,
      );
    }
    return messageView(input, verdict, mediaFile, messageId);
  });
  account.balanceMicros -= spent;
  account.mmsSent += queued;
  return ok("Messages queued for delivery.", {
    total_price: totalPrice(spent),
    total_count: messages.length,
    queued_count: queued,
    messages: views,
    _currency: currency(true),
  });
}

/** POST /mms/price: the send shape without credit checks or side effects; message_id "". */
export function priceMms(ctx: SandboxContext, req: RouteRequest): Reply {
  const { messages, mediaFile, mediaValid } = parseRequest(ctx, req.body);
  const now = unixSeconds(ctx);
  let total = 0;
  let queued = 0;
  const views = messages.map((input) => {
    const verdict = evaluate(input, mediaValid, req.account, now);
    if (verdict.kind === "invalid") return minimalView(input, "", verdict.status);
    if (verdict.kind === "ok") {
      queued += 1;
      total += verdict.priceMicros;
    }
    return messageView(input, verdict, mediaFile, "");
  });
  return ok("Here is some pricing.", {
    total_price: totalPrice(total),
    total_count: messages.length,
    queued_count: queued,
    messages: views,
    _currency: currency(true),
  });
}
