import { z } from "zod";

/** The email field of both forms; GoTrue checks it again. */
export const emailSchema = z.email({
  error: "Enter your email address, such as name@example.com.",
});
