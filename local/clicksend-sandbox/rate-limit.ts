// Fixed-window rate limits per endpoint and per API username (the username in the Authorization
// header, authenticated or not; requests without one share a bucket). Live ClickSend allows 20
// requests per ~60 s on GET /account and far more elsewhere (6000 observed on /account/usage).
import { z } from "zod";
import { ApiError, TOO_MANY_ATTEMPTS_MESSAGE } from "./envelope.ts";

export interface RateLimitConfig {
  /** Requests per window for endpoints without their own limit. */
  limit: number;
  windowMs: number;
  /** Limits by endpoint ("GET /account"). */
  endpoints: Record<string, number>;
}

export function defaultRateLimit(): RateLimitConfig {
  return { limit: 6000, windowMs: 60_000, endpoints: { "GET /account": 20 } };
}

export const rateLimitRequestSchema = z.union([
  z.object({ defaults: z.literal(true) }),
  z.object({
    limit: z.number().int().min(1),
    windowMs: z.number().int().min(1).optional(),
    /** Sets only this endpoint's limit, e.g. "POST /sms/send"; without it every endpoint. */
    endpoint: z
      .string()
      .regex(/^(GET|POST|PUT|DELETE) \//)
      .optional(),
  }),
]);

export type RateLimitRequest = z.infer<typeof rateLimitRequestSchema>;

interface Bucket {
  windowStart: number;
  count: number;
}

export interface RateLimitResult {
  headers: Record<string, string>;
  /** Set when the request is over the limit. */
  error?: ApiError;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  config: RateLimitConfig;

  constructor(
    private readonly now: () => number,
    private readonly initial: () => RateLimitConfig,
  ) {
    this.config = initial();
  }

  configure(request: RateLimitRequest): void {
    if ("defaults" in request) {
      this.config = this.initial();
    } else if (request.endpoint) {
      this.config.endpoints[request.endpoint] = request.limit;
      if (request.windowMs) this.config.windowMs = request.windowMs;
    } else {
      this.config = {
        limit: request.limit,
        windowMs: request.windowMs ?? this.config.windowMs,
        endpoints: {},
      };
    }
    this.buckets.clear();
  }

  reset(): void {
    this.config = this.initial();
    this.buckets.clear();
  }

  hit(endpoint: string, client: string): RateLimitResult {
    const now = this.now();
    const limit = this.config.endpoints[endpoint] ?? this.config.limit;
    const key = `${endpoint}\u0000${client}`;
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.windowStart + this.config.windowMs) {
      bucket = { windowStart: now, count: 0 };
      this.buckets.set(key, bucket);
    }
    // Seconds until the window resets, not an epoch (as observed).
    const reset = Math.max(1, Math.ceil((bucket.windowStart + this.config.windowMs - now) / 1000));
    if (bucket.count >= limit) {
      const headers = {
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": "0",
        "ratelimit-reset": String(reset),
        "retry-after": String(reset),
      };
      return {
        headers,
        error: new ApiError(429, "HTTP_TOO_MANY_REQUESTS", TOO_MANY_ATTEMPTS_MESSAGE, headers),
      };
    }
    bucket.count += 1;
    return {
      headers: {
        "x-ratelimit-limit": String(limit),
        "x-ratelimit-remaining": String(limit - bucket.count),
        "ratelimit-reset": String(reset),
      },
    };
  }
}
