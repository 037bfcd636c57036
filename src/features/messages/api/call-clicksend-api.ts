import { z } from "zod";

import { invokeFunction } from "@/lib/functions";

/** The `clicksend-api` actions the dashboard uses. */
export type ClickSendAction =
  | "get_balance"
  | "get_sms_history"
  | "get_mms_history"
  | "get_delivery_receipts"
  | "price_sms"
  | "send_sms"
  | "send_mms"
  | "upload_media"
  | "cancel_scheduled";

type CallOptions<T> = {
  /** Checks `result`; the answer is `{ok: true, result}`. */
  result: z.ZodType<T>;
  signal?: AbortSignal;
};

/**
 * Runs one `clicksend-api` action for one of the user's connections. Throws an ApiError with the
 * function's own `{code, message, retryable}` on failure.
 */
export async function callClickSendApi<T>(
  connectionId: string,
  action: ClickSendAction,
  params: Record<string, unknown>,
  { result, signal }: CallOptions<T>,
): Promise<T> {
  const answer = await invokeFunction(
    "clicksend-api",
    { connection_id: connectionId, action, params },
    { schema: z.object({ ok: z.literal(true), result }), signal },
  );
  return answer.result;
}
