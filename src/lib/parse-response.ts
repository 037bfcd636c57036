import type { z } from "zod";

import { ApiError } from "@/lib/api-error";

/** Checks a server answer's shape; a mismatch means app and server versions differ. */
export function parseResponse<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ApiError(
    "unexpected_response",
    `The server sent ${what} in a form this app does not understand. Reload the page; if it persists, the app and server versions differ.`,
  );
}
