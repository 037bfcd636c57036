// Pieces shared by SMS and MMS sends: lenient field types (ClickSend's PHP accepts numbers and
// strings alike), schedules, the 1000-message cap, message ids, credit and storage.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AccountState } from "./accounts.ts";
import type { SandboxContext } from "./context.ts";
import { scheduleDelivery } from "./dispatch.ts";
import { badRequest } from "./envelope.ts";
import { nextSeq, type StoredMessage } from "./state.ts";

const MAX_MESSAGES_PER_REQUEST = 1000;

const scalar = z.union([z.string(), z.number()]);
export const optionalScalar = scalar.nullish();

/** Fields every message of /sms/send, /sms/price, /mms/send and /mms/price may carry. */
export const messageFields = {
  to: optionalScalar,
  body: optionalScalar,
  from: optionalScalar,
  source: optionalScalar,
  schedule: optionalScalar,
  custom_string: optionalScalar,
  list_id: optionalScalar,
  country: optionalScalar,
  from_email: optionalScalar,
  contact_id: optionalScalar,
};

export type RawValue = string | number | null | undefined;

export function text(value: RawValue): string {
  return value === null || value === undefined ? "" : String(value);
}

export function present(value: RawValue): boolean {
  return text(value).trim() !== "";
}

export function checkMessageCount(count: number): void {
  if (count === 0) throw badRequest("messages: at least one message is required.");
  if (count > MAX_MESSAGES_PER_REQUEST) {
    throw badRequest(
      `Too many recipients: up to ${MAX_MESSAGES_PER_REQUEST} messages per request.`,
      "TOO_MANY_RECIPIENTS",
    );
  }
}

export type Schedule = { at: number; future: boolean } | undefined;

/**
 * `schedule`: blank means now; otherwise whole unix seconds (number or digit string). A time in
 * the past sends now. Anything else is INVALID_SCHEDULE (undefined here).
 */
export function parseSchedule(raw: RawValue, nowSeconds: number): Schedule {
  if (!present(raw)) return { at: nowSeconds, future: false };
  const value = typeof raw === "number" ? raw : /^\s*\d+\s*$/.test(text(raw)) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 0) return undefined;
  return value > nowSeconds ? { at: value, future: true } : { at: nowSeconds, future: false };
}

export function newMessageId(): string {
  return randomUUID().toUpperCase();
}

/**
 * Spends an account's balance message by message. An account at or below zero cannot send at
 * all, not even to the free test numbers (that is how `nocredit` shows INSUFFICIENT_CREDIT).
 */
export class CreditCheck {
  private available: number;

  constructor(account: AccountState) {
    this.available = account.balanceMicros;
  }

  spend(priceMicros: number): boolean {
    if (this.available <= 0 || priceMicros > this.available) return false;
    this.available -= priceMicros;
    return true;
  }
}

export type NewMessage = Omit<
  StoredMessage,
  "seq" | "status" | "statusCode" | "statusText" | "errorCode" | "errorText"
>;

/** Stores an accepted message and starts its delivery (or waits for its schedule). */
export function acceptMessage(ctx: SandboxContext, message: NewMessage, scheduled: boolean): void {
  const stored: StoredMessage = {
    ...message,
    // Test numbers complete at once, even when scheduled (live: "Completed" within seconds).
    status: message.testNumber ? "Completed" : scheduled ? "Scheduled" : "Queued",
    statusCode: null,
    statusText: null,
    errorCode: null,
    errorText: null,
    seq: nextSeq(ctx.state),
  };
  ctx.state.messages.push(stored);
  scheduleDelivery(ctx, stored, scheduled);
}
