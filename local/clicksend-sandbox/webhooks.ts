// Pushes to rules with action URL, retried on anything but HTTP 200 or on a network
// error/timeout. Receipts are always form-encoded POSTs; inbound messages follow their rule's
// webhook_type: a form POST, a GET with the same fields as its query, or a POST of a flat JSON
// object. Shaped like a real push service rather than a fire hose:
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

/** What a push is about; the dispatcher keeps its counters per kind too. */
export type PushKind = "receipt" | "inbound";
const PUSH_KINDS: readonly PushKind[] = ["receipt", "inbound"];

type Fields = readonly [string, string][];

/**
 * What a push sends. A bare list of fields is a form POST (what receipts always are); "query" is
 * a GET with the fields appended to the URL's own query (which keeps its secret token); "json"
 * a POST of a flat JSON object.
 */
export type PushPayload =
  | Fields
  | { format: "form"; fields: Fields }
  | { format: "query"; fields: Fields }
  | { format: "json"; value: Readonly<Record<string, string | number>> };

/** One push's HTTP request: method, URL (query included) and, for POSTs, content type and body. */
interface PushRequest {
  method: "GET" | "POST";
  url: string;
  contentType: string | null;
  body: string | null;
}

const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";

/** The request for a payload; throws a TypeError for a URL that does not parse. */
function pushRequest(url: string, payload: PushPayload): PushRequest {
  const target = new URL(url);
  if (!("format" in payload) || payload.format === "form") {
    const fields = "format" in payload ? payload.fields : payload;
    const body = new URLSearchParams([...fields]).toString();
    return { method: "POST", url, contentType: FORM_CONTENT_TYPE, body };
  }
  if (payload.format === "json") {
    return {
      method: "POST",
      url,
      contentType: "application/json",
      body: JSON.stringify(payload.value),
    };
  }
  const query = new URLSearchParams([...payload.fields]);
  const own = target.search.replace(/^\?/, "");
  target.search = own === "" ? query.toString() : `${own}&${query.toString()}`;
  return { method: "GET", url: target.href, contentType: null, body: null };
}

/** One kind's counts; waiting_retry is counted from the waiting jobs. */
interface Tally {
  queued: number;
  inFlight: number;
  attempts: number;
  delivered: number;
  failed: number;
  dropped: number;
}

const emptyTally = (): Tally => ({
  queued: 0,
  inFlight: 0,
  attempts: 0,
  delivered: 0,
  failed: 0,
  dropped: 0,
});

interface Job {
  request: PushRequest;
  kind: PushKind;
  origin: string;
  account: string;
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
  private tallies: Record<PushKind, Tally> = { receipt: emptyTally(), inbound: emptyTally() };
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

  /** Every push, whatever its kind. */
  get stats(): WebhookStats {
    return this.statsOf(PUSH_KINDS);
  }

  /** The same counts for receipt pushes and for inbound pushes apart. */
  get statsByKind(): Record<PushKind, WebhookStats> {
    return { receipt: this.statsOf(["receipt"]), inbound: this.statsOf(["inbound"]) };
  }

  /**
   * Queues a push for `account` (ClickSend username); delivers in the background, never throws.
   * A bare list of fields is a form POST; see PushPayload for GET and JSON pushes.
   */
  push(url: string, payload: PushPayload, account: string, kind: PushKind = "receipt"): void {
    let request: PushRequest;
    try {
      request = pushRequest(url, payload);
    } catch {
      // Rules only accept http(s) URLs, so this is a sandbox bug rather than a receiver's fault.
      this.log(`webhook: not a URL, dropped: ${url}`);
      this.tallies[kind].failed += 1;
      return;
    }
    const job: Job = {
      request,
      kind,
      origin: new URL(request.url).origin,
      account,
      attempts: 0,
      dropped: false,
    };
    this.enqueue(job, false);
  }

  /** Aborts every attempt in flight and drops queued and waiting pushes; counters stay. */
  clear(): void {
    const drop = (job: Job): void => {
      job.dropped = true;
      this.tallies[job.kind].dropped += 1;
    };
    for (const destination of this.destinations.values()) {
      for (const queue of destination.queues.values()) queue.forEach(drop);
      for (const [controller, job] of destination.inFlight) {
        drop(job);
        controller.abort();
      }
    }
    for (const [job, timer] of this.waiting) {
      clearTimeout(timer);
      drop(job);
    }
    this.destinations = new Map();
    this.waiting = new Map();
    for (const tally of Object.values(this.tallies)) {
      tally.queued = 0;
      tally.inFlight = 0;
    }
    this.settleIdle();
  }

  /** Back to zero counters (sandbox reset); call clear() first. */
  resetCounters(): void {
    this.tallies = { receipt: emptyTally(), inbound: emptyTally() };
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry. */
  idle(): Promise<void> {
    if (this.stats.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
    });
  }

  private statsOf(kinds: readonly PushKind[]): WebhookStats {
    const sum = (pick: (tally: Tally) => number): number =>
      kinds.reduce((total, kind) => total + pick(this.tallies[kind]), 0);
    const waiting = [...this.waiting.keys()].filter((job) => kinds.includes(job.kind)).length;
    const queued = sum((tally) => tally.queued);
    const inFlight = sum((tally) => tally.inFlight);
    return {
      queued,
      in_flight: inFlight,
      waiting_retry: waiting,
      attempts: sum((tally) => tally.attempts),
      delivered: sum((tally) => tally.delivered),
      failed: sum((tally) => tally.failed),
      dropped: sum((tally) => tally.dropped),
      pending: queued + inFlight + waiting,
    };
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
    this.tallies[job.kind].queued += 1;
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
      this.tallies[job.kind].queued -= 1;
      this.attempt(job, destination);
    }
    if (destination.inFlight.size === 0 && destination.queues.size === 0) {
      this.destinations.delete(origin);
    }
  }

  private attempt(job: Job, destination: Destination): void {
    const controller = new AbortController();
    const tally = this.tallies[job.kind];
    destination.inFlight.set(controller, job);
    tally.inFlight += 1;
    job.attempts += 1;
    tally.attempts += 1;
    void this.send(job, controller).then((ok) => {
      if (job.dropped) return; // clear() already took it out of every count
      destination.inFlight.delete(controller);
      tally.inFlight -= 1;
      if (ok) tally.delivered += 1;
      else if (job.attempts >= this.options.maxAttempts) {
        tally.failed += 1;
        this.log(`webhook: gave up after ${String(job.attempts)} attempts`);
      } else this.waitForRetry(job);
      this.pump(job.origin, destination);
      this.settleIdle();
    });
  }

  /** One request; true when answered 200. The timeout starts here, when the request goes out. */
  private async send(job: Job, controller: AbortController): Promise<boolean> {
    const { request } = job;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.contentType === null ? {} : { "content-type": request.contentType },
        body: request.body,
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
