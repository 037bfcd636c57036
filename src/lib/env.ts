import { z } from "zod";

const LOCAL_API_URL = "http://127.0.0.1:54321";

const envSchema = z.object({
  VITE_SUPABASE_URL: z.url({
    protocol: /^https?$/,
    error: (issue) =>
      issue.input === undefined || issue.input === ""
        ? `is not set; use the Supabase API URL, such as ${LOCAL_API_URL}`
        : `must be an http(s) URL such as ${LOCAL_API_URL}, but is ${JSON.stringify(issue.input)}`,
  }),
  VITE_SUPABASE_ANON_KEY: z
    .string({ error: "is not set; use the project's anon (publishable) key" })
    .trim()
    .min(1, "is empty; use the project's anon (publishable) key"),
});

export type Env = {
  supabaseUrl: string;
  supabaseAnonKey: string;
};

export class EnvError extends Error {
  override name = "EnvError";
}

/**
 * Checks the app's environment variables and returns them in the shape the app uses.
 * Throws an EnvError naming each bad variable and how to fix it.
 */
export function parseEnv(source: Record<string, unknown>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `  - ${issue.path.map(String).join(".")} ${issue.message}`,
    );
    throw new EnvError(
      [
        "The app's configuration is invalid:",
        ...problems,
        "Set these in .env.local (the committed .env has the local-stack defaults), then restart the dev server or rebuild.",
      ].join("\n"),
    );
  }
  return {
    supabaseUrl: result.data.VITE_SUPABASE_URL,
    supabaseAnonKey: result.data.VITE_SUPABASE_ANON_KEY,
  };
}

export const env = parseEnv(import.meta.env);
