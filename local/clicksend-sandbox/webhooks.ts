// Pushes to receipt rules with action URL: form-encoded POSTs, retried on anything but HTTP 200
// or on a network error/timeout. Shaped like a real push service rather than a fire hose:
// - a few requests in flight per destination (URL origin), the rest queued, so a bulk send's
//   thousands of receipts trickle into the receiver instead of all arriving at once;
// - one queue per ClickSend account per destination, served round-robin, so one account's
//   backlog does not hold back another account's push;
// - the per-attempt timeout starts when the attempt is sent, never while it waits in a queue;
// - retries back off exponentially with jitter up to a cap, and wait outside the in-flight
//   budget, so a failing push does not block the ones behind it.
// ClickSend retries over hours (10 s, 1 m, 5 m, …); the defaults here are short so tests and the
// local stack see retries within seconds.

export interface WebhookOptions {
  /** Requests in flight at once per destination (URL origin). */
  concurrency: number;
  /** Attempts per push, the first included; after the last failure the push counts as failed. */
  maxAttempts: number;
  /** Backoff before the first retry; doubles per retry, with jitter. */
  baseDelayMs: number;
  /** Ceiling of the backoff. */
  maxDelayMs: number;
  /** Per attempt, counted from when it is sent (ClickSend: 15 s). */
  timeoutMs: number;
}

const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  concurrency: 4,
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  timeoutMs: 5000,
};

export interface WebhookStats {
  /** Waiting for a free slot at their destination. */
  queued: number;
  in_flight: number;
  /** Failed an attempt and waiting for their backoff to pass. */
  waiting_retry: number;
  /** Attempts sent (each retry counts). */
  attempts: number;
  delivered: number;
  /** Gave up after maxAttempts. */
  failed: number;
  /** Dropped unfinished by clear() (clear-pending, reset). */
  dropped: number;
  /** queued + in_flight + waiting_retry. */
  pending: number;
}

/**
 * The wait before retry number `retry` (1 = after the first failed attempt): exponential, capped,
 * with "equal jitter" (half fixed, half random) so retries of a burst spread out but never fire
 * at once.
 */
export function retryDelayMs(
  retry: number,
  options: Pick<WebhookOptions, "baseDelayMs" | "maxDelayMs">,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(retry - 1, 0));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

interface Job {
  url: string;
  origin: string;
  account: string;
  body: URLSearchParams;
  /** Attempts made so far. */
  attempts: number;
  /** Set by clear(): an attempt still running must not touch the counters when it ends. */
  dropped: boolean;
}

interface Destination {
  /** Attempts running, by the controller that aborts them. */
  inFlight: Map<AbortController, Job>;
  /** Per account, in round-robin order: Map keeps insertion order, served accounts go last. */
  queues: Map<string, Job[]>;
}

export class WebhookDispatcher {
  private readonly options: WebhookOptions;
  private destinations = new Map<string, Destination>();
  private waiting = new Map<Job, NodeJS.Timeout>();
  private queuedCount = 0;
  private inFlightCount = 0;
  private counters = { attempts: 0, delivered: 0, failed: 0, dropped: 0 };
  private idleWaiters: (() => void)[] = [];

  constructor(
    options: Partial<WebhookOptions>,
    private readonly log: (line: string) => void,
  ) {
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
    // A bound below 1 would never send anything; an attempt cap below 1 would never try.
    this.options.concurrency = Math.max(1, Math.floor(this.options.concurrency));
    this.options.maxAttempts = Math.max(1, Math.floor(this.options.maxAttempts));
  }

  get stats(): WebhookStats {
    const pending = this.queuedCount + this.inFlightCount + this.waiting.size;
    return {
      queued: this.queuedCount,
      in_flight: this.inFlightCount,
      waiting_retry: this.waiting.size,
      ...this.counters,
      pending,
    };
  }

  /** Queues a push for `account` (ClickSend username); delivers in the background, never throws. */
  push(url: string, form: [string, string][], account: string): void {
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      // Rules only accept http(s) URLs, so this is a sandbox bug rather than a receiver's fault.
      this.log(`webhook: not a URL, dropped: ${url}`);
      this.counters.failed += 1;
      return;
    }
    const job: Job = {
      url,
      origin,
      account,
      body: new URLSearchParams(form),
      attempts: 0,
      dropped: false,
    };
    this.enqueue(job, false);
  }

  /** Aborts every attempt in flight and drops queued and waiting pushes; counters stay. */
  clear(): void {
    for (const destination of this.destinations.values()) {
      for (const queue of destination.queues.values()) {
        for (const job of queue) job.dropped = true;
      }
      for (const [controller, job] of destination.inFlight) {
        job.dropped = true;
        controller.abort();
      }
    }
    for (const [job, timer] of this.waiting) {
      clearTimeout(timer);
      job.dropped = true;
    }
    this.counters.dropped += this.queuedCount + this.inFlightCount + this.waiting.size;
    this.destinations = new Map();
    this.waiting = new Map();
    this.queuedCount = 0;
    this.inFlightCount = 0;
    this.settleIdle();
  }

  /** Back to zero counters (sandbox reset); call clear() first. */
  resetCounters(): void {
    this.counters = { attempts: 0, delivered: 0, failed: 0, dropped: 0 };
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.stats.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
    });
  }

  private enqueue(job: Job, front: boolean): void {
    let destination = this.destinations.get(job.origin);
    if (!destination) {
      destination = { inFlight: new Map(), queues: new Map() };
      this.destinations.set(job.origin, destination);
    }
    const queue = destination.queues.get(job.account);
    if (!queue) destination.queues.set(job.account, [job]);
    // A retry has already had its turn and waited its backoff: it goes first in its account.
    else if (front) queue.unshift(job);
    else queue.push(job);
    this.queuedCount += 1;
    this.pump(job.origin, destination);
  }

  /** Starts attempts while the destination has free slots, one account at a time in turn. */
  private pump(origin: string, destination: Destination): void {
    while (destination.inFlight.size < this.options.concurrency) {
      const next = destination.queues.entries().next();
      if (next.done) break;
      const [account, queue] = next.value;
      const job = queue.shift();
      // Move the account to the back of the rotation (or drop it when its queue is empty).
      destination.queues.delete(account);
      if (queue.length > 0) destination.queues.set(account, queue);
      if (!job) continue;
      this.queuedCount -= 1;
      this.attempt(job, destination);
    }
    if (destination.inFlight.size === 0 && destination.queues.size === 0) {
      this.destinations.delete(origin);
    }
  }

  private attempt(job: Job, destination: Destination): void {
    const controller = new AbortController();
    destination.inFlight.set(controller, job);
    this.inFlightCount += 1;
    job.attempts += 1;
    this.counters.attempts += 1;
    void this.send(job, controller).then((ok) => {
      if (job.dropped) return; // clear() already took it out of every count
      destination.inFlight.delete(controller);
      this.inFlightCount -= 1;
      if (ok) this.counters.delivered += 1;
      else if (job.attempts >= this.options.maxAttempts) {
        this.counters.failed += 1;
        this.log(`webhook: gave up after ${String(job.attempts)} attempts`);
      } else this.waitForRetry(job);
      this.pump(job.origin, destination);
      this.settleIdle();
    });
  }

  /** One POST; true when answered 200. The timeout starts here, when the request goes out. */
  private async send(job: Job, controller: AbortController): Promise<boolean> {
    try {
      const response = await fetch(job.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: job.body,
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      await response.arrayBuffer();
      if (response.status === 200) return true;
      this.log(`webhook: attempt ${String(job.attempts)} answered ${String(response.status)}`);
    } catch (error) {
      if (!controller.signal.aborted) {
        this.log(
          `webhook: attempt ${String(job.attempts)} failed (${error instanceof Error ? error.name : "error"})`,
        );
      }
    }
    return false;
  }

  private waitForRetry(job: Job): void {
    const delay = retryDelayMs(job.attempts, this.options);
    const timer = setTimeout(() => {
      this.waiting.delete(job);
      this.enqueue(job, true);
    }, delay);
    // Pending retries alone should not keep a process alive; close() clears them anyway.
    timer.unref();
    this.waiting.set(job, timer);
  }

  private settleIdle(): void {
    if (this.stats.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
