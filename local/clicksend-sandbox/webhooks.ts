// Pushes to receipt rules with action URL: form-encoded POSTs, retried on anything but HTTP 200
// or on a network error/timeout. ClickSend retries over hours (10 s, 1 m, 5 m, …); the sandbox
// keeps the idea with short delays so tests and the local stack see retries within seconds.
import { setTimeout as sleep } from "node:timers/promises";

export interface WebhookOptions {
  /** Delay before each retry; its length is the number of retries. */
  retryDelaysMs: readonly number[];
  /** Per attempt, like ClickSend's 15 s (shorter here). */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  retryDelaysMs: [500, 2000, 5000],
  timeoutMs: 5000,
};

export interface WebhookStats {
  attempts: number;
  delivered: number;
  failed: number;
  pending: number;
}

export class WebhookDispatcher {
  readonly stats: WebhookStats = { attempts: 0, delivered: 0, failed: 0, pending: 0 };
  private controllers = new Set<AbortController>();

  constructor(
    private readonly options: WebhookOptions,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts delivering in the background; never throws. */
  push(url: string, form: [string, string][]): void {
    const controller = new AbortController();
    this.controllers.add(controller);
    this.stats.pending += 1;
    void this.deliver(url, new URLSearchParams(form), controller).finally(() => {
      // After clear() the counters were zeroed already.
      if (this.controllers.delete(controller)) this.stats.pending -= 1;
    });
  }

  /** Stops every delivery in flight (reset and close). */
  clear(): void {
    for (const controller of this.controllers) controller.abort();
    this.controllers.clear();
    Object.assign(this.stats, { attempts: 0, delivered: 0, failed: 0, pending: 0 });
  }

  private async deliver(
    url: string,
    body: URLSearchParams,
    controller: AbortController,
  ): Promise<void> {
    const delays = [0, ...this.options.retryDelaysMs];
    for (const [attempt, delay] of delays.entries()) {
      try {
        if (delay > 0) await sleep(delay, undefined, { signal: controller.signal });
        this.stats.attempts += 1;
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body,
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(this.options.timeoutMs)]),
        });
        await response.arrayBuffer();
        if (response.status === 200) {
          this.stats.delivered += 1;
          return;
        }
        this.log(`webhook: attempt ${attempt + 1} answered ${response.status}`);
      } catch (error) {
        if (controller.signal.aborted) return;
        this.log(`webhook: attempt ${attempt + 1} failed (${(error as Error).name})`);
      }
    }
    this.stats.failed += 1;
  }
}
