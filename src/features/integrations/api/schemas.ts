import { z } from "zod";

/** Optional text fields: a blank entry means "not given", anything else must pass `schema`. */
export function blankAsUndefined<T extends z.ZodType<string, string>>(schema: T) {
  return z
    .string()
    .transform((value) => (value.trim() === "" ? undefined : value))
    .pipe(schema.optional());
}
