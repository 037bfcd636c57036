// The environment Supabase gives every Edge Function, plus where ClickSend is.
import { z } from "zod";
import { CLICKSEND_API_BASE } from "./clicksend/client.ts";

const functionEnvSchema = z.object({
  SUPABASE_URL: z.url(),
  SUPABASE_ANON_KEY: z.string().min(1),
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(1),
  CLICKSEND_API_BASE: z.url().default(CLICKSEND_API_BASE),
  /** Per-attempt ClickSend timeout in ms; unset keeps the client's defaults (10 s reads, 30 s writes). */
  CLICKSEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).optional(),
  /** The local sandbox's public test account, offered in the connect dialog; set by the local stack. */
  CLICKSEND_SANDBOX_USERNAME: z.string().min(1).optional(),
  CLICKSEND_SANDBOX_API_KEY: z.string().min(1).optional(),
  /**
   * Set by the local gateway, a new random value each start: requests without it in the
   * x-gateway-secret header are refused (see `serve`). Unset on Supabase, where the platform
   * gateway is the only way to reach a function.
   */
  FUNCTIONS_GATEWAY_SECRET: z.string().min(32).optional(),
});
export type FunctionEnv = z.infer<typeof functionEnvSchema>;

const emptyToUndefined = (value: string | undefined): string | undefined =>
  value === "" ? undefined : value;

export function readEnv(get: (name: string) => string | undefined): FunctionEnv {
  const parsed = functionEnvSchema.safeParse({
    SUPABASE_URL: get("SUPABASE_URL"),
    SUPABASE_ANON_KEY: get("SUPABASE_ANON_KEY"),
    SUPABASE_SERVICE_ROLE_KEY: get("SUPABASE_SERVICE_ROLE_KEY"),
    CLICKSEND_API_BASE: emptyToUndefined(get("CLICKSEND_API_BASE")),
    CLICKSEND_TIMEOUT_MS: emptyToUndefined(get("CLICKSEND_TIMEOUT_MS")),
    CLICKSEND_SANDBOX_USERNAME: emptyToUndefined(get("CLICKSEND_SANDBOX_USERNAME")),
    CLICKSEND_SANDBOX_API_KEY: emptyToUndefined(get("CLICKSEND_SANDBOX_API_KEY")),
    FUNCTIONS_GATEWAY_SECRET: emptyToUndefined(get("FUNCTIONS_GATEWAY_SECRET")),
  });
  if (!parsed.success) {
    // Names only: never echo values.
    throw new Error(
      `function environment invalid: ${parsed.error.issues.map((issue) => issue.path.join(".")).join(", ")}`,
    );
  }
  return parsed.data;
}

/** True when ClickSend is the local sandbox (the app shows a "Sandbox" badge). */
export function isSandbox(env: FunctionEnv): boolean {
  const host = new URL(env.CLICKSEND_API_BASE).hostname;
  return host === "127.0.0.1" || host === "localhost";
}

/** The sandbox's test account the app may offer, when ClickSend is the sandbox and one is set. */
export function sandboxAccount(env: FunctionEnv): { username: string; api_key: string } | null {
  const username = env.CLICKSEND_SANDBOX_USERNAME;
  const apiKey = env.CLICKSEND_SANDBOX_API_KEY;
  if (!isSandbox(env) || username === undefined || apiKey === undefined) return null;
  return { username, api_key: apiKey };
}
