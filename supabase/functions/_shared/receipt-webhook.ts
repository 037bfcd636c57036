// ClickSend's delivery-receipt push: form-encoded, with legacy duplicate keys (messageid,
// customstring), authenticated by the connection's secret token in the URL. Duplicates and
// out-of-order pushes are harmless: clicksend_apply_receipt never moves a message backwards, and
// records each receipt once as an event of the message's timeline.
import { z } from "zod";
import { ApiError } from "./http.ts";
import type { Db } from "./supabase.ts";

/**
 * The latest instant a receipt may carry: 9999-12-31T23:59:59.999Z. A later Date's toISOString
 * is an extended year ("+010000-01-01T…") that Postgres cannot read, so the push would fail.
 */
const MAX_DATE_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A stored form field: bounded, and without NUL (Postgres text cannot hold one). */
const formText = (max: number) =>
  z
    .string()
    .max(max, `at most ${String(max)} characters`)
    .refine((value) => !value.includes("\u0000"), "must not contain a NUL character");

const receiptPushSchema = z
  .object({
    message_id: formText(64).optional(),
    messageid: formText(64).optional(),
    status: formText(100).optional(),
    // ClickSend's receipt codes are numbers (200 pending, 201 delivered, 300-302 failed).
    status_code: z
      .string()
      .regex(/^\d{0,5}$/, "a ClickSend status code is a number such as 200, 201 or 301")
      .optional()
      .transform((value) => (value === undefined || value === "" ? null : value)),
    // What the code means in ClickSend's words, and for a failure its gateway error (1-20, see
    // clicksend-api.md §2.14) with ClickSend's text: kept with the receipt for its timeline.
    status_text: formText(500).optional(),
    error_code: z
      .string()
      .regex(/^\d{0,5}$/, "a ClickSend error code is a number such as 8 or 12")
      .optional()
      .transform((value) => (value === undefined || value === "" ? null : value)),
    error_text: formText(500).optional(),
    timestamp: z.string().optional(),
  })
  .loose()
  .transform((push, ctx) => {
    const messageId = [push.message_id, push.messageid].find((id) => id !== undefined && id !== "");
    if (!messageId) {
      ctx.addIssue({ code: "custom", path: ["message_id"], message: "the receipt has none" });
      return z.NEVER;
    }
    // Unix seconds; an unreadable or impossible timestamp means "now".
    const milliseconds = Number(push.timestamp) * 1000;
    return {
      messageId,
      status: push.status ?? "",
      statusCode: push.status_code,
      statusText: push.status_text ?? "",
      errorCode: push.error_code,
      errorText: push.error_text ?? "",
      receivedAt: new Date(
        Number.isFinite(milliseconds) && milliseconds > 0 && milliseconds <= MAX_DATE_MS
          ? milliseconds
          : Date.now(),
      ).toISOString(),
    };
  });

/**
 * One database call for a well-formed push (clicksend_receipt_push checks the token and applies
 * the receipt together); a malformed one costs a token check first, so a wrong token is still
 * answered 401 before the body is judged.
 */
export async function applyReceiptPush(
  service: Db,
  token: string | null,
  form: URLSearchParams,
): Promise<{ applied: boolean }> {
  if (token === null || !/^[0-9a-f]{48}$/.test(token))
    throw new ApiError(401, "invalid_token", "Unknown webhook token.");

  const parsed = receiptPushSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const { data: connectionId, error } = await service.rpc("clicksend_webhook_connection", {
      p_token: token,
    });
    if (error)
      throw new ApiError(500, "database_error", "Could not check the webhook token.", true);
    if (!connectionId) throw new ApiError(401, "invalid_token", "Unknown webhook token.");
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "receipt";
    throw new ApiError(400, "invalid_receipt", `${where}: ${issue?.message ?? "invalid"}`);
  }
  const receipt = parsed.data;
  const {
    data: outcome,
    error,
    status,
  } = await service.rpc("clicksend_receipt_push", {
    p_token: token,
    p_message_id: receipt.messageId,
    p_status: receipt.status,
    p_status_code: receipt.statusCode ?? "",
    p_received_at: receipt.receivedAt,
    p_status_text: receipt.statusText,
    p_error_code: receipt.errorCode ?? "",
    p_error_text: receipt.errorText,
  });
  if (error) {
    // 503: the backend shed the request before running it; ClickSend retries a non-200.
    throw new ApiError(
      status === 503 ? 503 : 500,
      "database_error",
      "Could not record the receipt.",
      true,
    );
  }
  if (outcome === "invalid_token")
    throw new ApiError(401, "invalid_token", "Unknown webhook token.");
  return { applied: outcome === "applied" };
}
