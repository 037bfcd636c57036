// The whole backend for integration tests, e2e and benchmarks: startStack (local/stack/start-stack.ts)
// with the test defaults. Free ports, in-memory PGlite (or `database`), the ClickSend sandbox with
// 200 ms receipts, the real Edge Functions under Deno, the gateway in front, every log line kept,
// and sign-in limits far above the per-IP limit meant for people. `instrument` lets a benchmark
// see what the gateway does without changing it.
import type { Sandbox } from "../clicksend-sandbox/server.ts";
import type { FunctionsRuntime } from "../gateway/functions.ts";
import { startStack, type Stack, type StackOptions } from "../stack/start-stack.ts";

/** A started stack with the sandbox and the functions that the test defaults always start. */
export interface FullStack extends Stack {
  sandbox: Sandbox;
  functions: FunctionsRuntime;
}

/** startStack's options, but for turning the functions or the sandbox off. */
export type FullStackOptions = Omit<StackOptions, "functions" | "clicksendApiBase">;

/**
 * Tests, e2e and benchmarks sign up and sign in many users, all from 127.0.0.1: far more than
 * supabase/config.toml's per-IP limit, which is meant for people.
 */
const TEST_SIGN_IN_SIGN_UPS = 100_000;

/** Time from a message's 200 to its final receipt in the sandbox, unless `sandbox` says otherwise. */
const TEST_RECEIPT_DELAY_MS = 200;

export async function startFullStack(options: FullStackOptions = {}): Promise<FullStack> {
  const stack = await startStack({
    ...options,
    sandbox: { receiptDelayMs: TEST_RECEIPT_DELAY_MS, ...options.sandbox },
    signInSignUpsPerIp: options.signInSignUpsPerIp ?? TEST_SIGN_IN_SIGN_UPS,
  });
  const { sandbox, functions } = stack;
  if (sandbox === undefined || functions === undefined) {
    await stack.stop();
    throw new Error("startStack started no sandbox or no functions with the test defaults");
  }
  return { ...stack, sandbox, functions };
}
