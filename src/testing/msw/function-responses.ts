import { HttpResponse } from "msw";

/**
 * An Edge Function's error answer, exactly as supabase/functions/_shared/http.ts sends it:
 * `{"error": {code, message, retryable}}` with its status.
 */
export function functionError(
  status: number,
  code: string,
  message: string,
  {
    retryable = false,
    headers = {},
  }: { retryable?: boolean; headers?: Record<string, string> } = {},
) {
  return HttpResponse.json({ error: { code, message, retryable } }, { status, headers });
}
