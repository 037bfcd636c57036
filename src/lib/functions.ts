import type { z } from "zod";

import { ApiError, functionsErrorToApiError } from "@/lib/api-error";
import { supabase } from "@/lib/supabase";

/** The Edge Functions the browser calls (clicksend-webhook is for ClickSend only). */
export type FunctionName =
  | "clicksend-connect"
  | "clicksend-api"
  | "get-agent-tools"
  | "execute-agent-tool"
  | "agent-webhooks"
  | "agent-tokens";

export type InvokeOptions<T> = {
  /** POST by default; a GET sends no body. */
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  /** Checks the answer's shape; strongly preferred over a bare type argument. */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
};

/**
 * Calls an Edge Function with the signed-in user's JWT and returns its JSON answer.
 * Throws an ApiError carrying the function's own `{code, message, retryable}` on failure,
 * `network_error` when it could not be reached, `unexpected_response` when the answer has the
 * wrong shape.
 */
export async function invokeFunction<T>(
  name: FunctionName,
  body: Record<string, unknown> | undefined,
  { method = "POST", schema, signal }: InvokeOptions<T> = {},
): Promise<T> {
  const result = await supabase.functions.invoke<unknown>(name, {
    body: method === "GET" ? undefined : body,
    method,
    signal,
  });
  // supabase-js types the error as any; it is a FunctionsError subclass.
  const error: unknown = result.error;
  if (error) throw await functionsErrorToApiError(error);
  if (!schema) return result.data as T;

  const parsed = schema.safeParse(result.data);
  if (!parsed.success) {
    throw new ApiError(
      "unexpected_response",
      `${name} answered in a form this app does not understand. Reload the page; if it persists, the app and server versions differ.`,
    );
  }
  return parsed.data;
}
