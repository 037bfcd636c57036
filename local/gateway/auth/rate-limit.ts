// GoTrue's per-IP limit on sign-ups and password sign-ins ([auth.rate_limit] sign_in_sign_ups in
// supabase/config.toml: that many requests per 5 minutes per IP address), answered 429
// over_request_rate_limit with Retry-After. Refresh-token grants are not counted here (GoTrue
// limits them separately, under token_refresh; this gateway leaves them unlimited).
import { existsSync, readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";

/** GoTrue's window for sign_in_sign_ups. */
export const SIGN_IN_SIGN_UPS_WINDOW_MS = 5 * 60 * 1000;
/** GoTrue's default sign_in_sign_ups when config.toml does not set it. */
export const DEFAULT_SIGN_IN_SIGN_UPS = 30;

const configSchema = z.looseObject({
  auth: z
    .looseObject({
      rate_limit: z
        .looseObject({ sign_in_sign_ups: z.number().int().positive().optional() })
        .optional(),
    })
    .optional(),
});

/** [auth.rate_limit] sign_in_sign_ups from a config.toml; GoTrue's default when unset or absent. */
export function signInSignUpsFromConfig(configToml: string): number {
  if (!existsSync(configToml)) return DEFAULT_SIGN_IN_SIGN_UPS;
  const config = configSchema.parse(parseToml(readFileSync(configToml, "utf8")));
  return config.auth?.rate_limit?.sign_in_sign_ups ?? DEFAULT_SIGN_IN_SIGN_UPS;
}

export interface WindowLimiterOptions {
  /** Requests allowed per key in one window. */
  limit: number;
  windowMs: number;
  /** Milliseconds since the epoch; injected by tests. */
  now?: () => number;
  /**
   * Keys remembered at most. Past it the key whose window started first is forgotten (so it may
   * get a fresh window early): memory stays bounded whatever the number of addresses.
   */
  maxKeys?: number;
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Window {
  start: number;
  count: number;
}

/**
 * A fixed window per key, starting at the key's first request. The map keeps windows in the
 * order they started, so each request drops the ended ones from the front (amortized O(1)):
 * memory holds only keys with a window still running, and never more than maxKeys.
 */
export class WindowLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: WindowLimiterOptions) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Counts one request for `key`, or refuses it with how long until its window ends. */
  hit(key: string): LimitDecision {
    const now = this.now();
    const { limit, windowMs } = this.options;
    this.dropEnded(now);
    const current = this.windows.get(key);
    if (current === undefined) {
      // Appended: the map's order stays the order windows started in (ended ones were dropped).
      this.windows.set(key, { start: now, count: 1 });
      this.evictOverflow();
      return { allowed: true };
    }
    if (current.count >= limit) {
      const left = current.start + windowMs - now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(left / 1000)) };
    }
    current.count += 1;
    return { allowed: true };
  }

  /** Keys currently remembered (for tests of the memory bound). */
  size(): number {
    return this.windows.size;
  }

  private dropEnded(now: number): void {
    for (const [key, window] of this.windows) {
      if (now - window.start < this.options.windowMs) return;
      this.windows.delete(key);
    }
  }

  private evictOverflow(): void {
    for (const key of this.windows.keys()) {
      if (this.windows.size <= this.maxKeys) return;
      this.windows.delete(key);
    }
  }
}
