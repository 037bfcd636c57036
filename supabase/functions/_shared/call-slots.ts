// Every ClickSend request made for a connection holds one of its call slots, so the provider's
// limits (requests per hour, concurrent requests) hold across all function instances.
import { ApiError } from "./http.ts";
import type { Db } from "./supabase.ts";

export async function withCallSlot<T>(
  service: Db,
  connectionId: string,
  work: () => Promise<T>,
): Promise<T> {
  const { data, error } = await service
    .rpc("clicksend_acquire_call_slot", { p_connection_id: connectionId })
    .single();
  if (error)
    throw new ApiError(
      500,
      "database_error",
      "Could not check the connection's rate limit; try again.",
      true,
    );
  // Refused: no call id and a positive wait (the generated type cannot say call_id may be null).
  if (data.retry_after_seconds > 0) {
    const wait = Math.max(1, data.retry_after_seconds);
    throw new ApiError(
      429,
      "rate_limited",
      `This ClickSend connection is at its request limit; try again in ${String(wait)} s.`,
      true,
      { "retry-after": String(wait) },
    );
  }
  const callId = data.call_id;
  try {
    return await work();
  } finally {
    await service.rpc("clicksend_release_call_slot", { p_call_id: callId });
  }
}
