import { z } from "zod";

import type { DashboardAction, DashboardParams } from "@contracts/function-requests.ts";

import { invokeFunction } from "@/lib/functions";

/** The `clicksend-api` actions, named and typed by the function's own request schema. */
export type ClickSendAction = DashboardAction;

type CallOptions<T> = {
  /** Checks `result`; the answer is `{ok: true, result}`. */
  result: z.ZodType<T>;
  signal?: AbortSignal;
};

/**
 * Runs one `clicksend-api` action for one of the user's connections. Throws an ApiError with the
 * function's own `{code, message, retryable}` on failure.
 */
export async function callClickSendApi<A extends ClickSendAction, T>(
  connectionId: string,
  action: A,
  params: DashboardParams<A>,
  { result, signal }: CallOptions<T>,
): Promise<T> {
  const answer = await invokeFunction(
    "clicksend-api",
    { connection_id: connectionId, action, params },
    { schema: z.object({ ok: z.literal(true), result }), signal },
  );
  return answer.result;
}
