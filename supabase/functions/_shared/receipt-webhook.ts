// ClickSend's delivery-receipt push: form-encoded, with legacy duplicate keys (messageid,
// customstring), authenticated by the connection's secret token in the URL. Duplicates and
// out-of-order pushes are harmless: clicksend_apply_receipt never moves a message backwards.
import { z } from "zod";
import { looseCode } from "./clicksend/types.ts";
import { ApiError } from "./http.ts";
import type { Db } from "./supabase.ts";

export const receiptPushSchema = z
  .object({
    message_id: z.string().optional(),
    messageid: z.string().optional(),
    status: z.string().optional(),
    status_code: looseCode,
    timestamp: z.string().optional(),
  })
  .loose()
  .transform((push, ctx) => {
    const messageId = [push.message_id, push.messageid].find((id) => id !== undefined && id !== "");
    if (!messageId) {
      ctx.addIssue({ code: "custom", message: "message_id is missing" });
      return z.NEVER;
    }
    const seconds = Number(push.timestamp);
    return {
      messageId,
      status: push.status ?? "",
      statusCode: push.status_code,
      receivedAt: new Date(
        Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : Date.now(),
      ).toISOString(),
    };
  });

export async function applyReceiptPush(
  service: Db,
  token: string | null,
  form: URLSearchParams,
): Promise<{ applied: boolean }> {
  if (token === null || !/^[0-9a-f]{48}$/.test(token))
    throw new ApiError(401, "invalid_token", "Unknown webhook token.");
  const { data: connectionId, error } = await service.rpc("clicksend_webhook_connection", {
    p_token: token,
  });
  if (error) throw new ApiError(500, "database_error", "Could not check the webhook token.", true);
  if (!connectionId) throw new ApiError(401, "invalid_token", "Unknown webhook token.");

  const parsed = receiptPushSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) throw new ApiError(400, "invalid_receipt", "The receipt has no message_id.");
  const receipt = parsed.data;
  const { data: applied, error: applyError } = await service.rpc("clicksend_apply_receipt", {
    p_connection_id: connectionId,
    p_message_id: receipt.messageId,
    p_status: receipt.status,
    p_status_code: receipt.statusCode ?? "",
    p_received_at: receipt.receivedAt,
  });
  if (applyError) throw new ApiError(500, "database_error", "Could not record the receipt.", true);
  return { applied };
}
