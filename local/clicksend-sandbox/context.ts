// What every handler gets: the state, the clock and the background machinery.
import type { Scheduler } from "./scheduler.ts";
import type { SandboxState } from "./state.ts";
import type { WebhookDispatcher } from "./webhooks.ts";

export interface SandboxContext {
  state: SandboxState;
  /** Milliseconds since the epoch (injectable for tests). */
  now: () => number;
  /** http://127.0.0.1:<port>, where uploads are served. */
  origin: string;
  /** origin + "/v3", the base of next_page_url and friends. */
  apiBase: string;
  receiptDelayMs: number;
  scheduler: Scheduler;
  webhooks: WebhookDispatcher;
}

export function unixSeconds(ctx: SandboxContext): number {
  return Math.floor(ctx.now() / 1000);
}
