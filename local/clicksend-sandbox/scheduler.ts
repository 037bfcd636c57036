// Timed work (scheduled sends, delayed receipts) against the sandbox clock. Events run when
// their time has come on that clock: from a real timer, or from tick(), which the server calls
// at the start of every request so tests with a fake `now` only need to advance it.

interface TimedEvent {
  dueAt: number;
  seq: number;
  run: () => void;
}

/** setTimeout's ceiling; later events are re-armed when the timer fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Scheduler {
  private events: TimedEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;

  constructor(private readonly now: () => number) {}

  /** Runs `run` once the sandbox clock reaches `dueAt` (milliseconds). */
  at(dueAt: number, run: () => void): void {
    this.events.push({ dueAt, seq: this.seq++, run });
    this.arm();
  }

  /** Runs every due event, earliest first, including ones that due events schedule. */
  tick(): void {
    for (;;) {
      const now = this.now();
      const due = this.events
        .filter((event) => event.dueAt <= now)
        .sort((a, b) => a.dueAt - b.dueAt || a.seq - b.seq);
      if (due.length === 0) break;
      this.events = this.events.filter((event) => event.dueAt > now);
      for (const event of due) event.run();
    }
    this.arm();
  }

  get pending(): number {
    return this.events.length;
  }

  /** Events whose time has come but that have not run yet (tick() runs them). */
  get due(): number {
    const now = this.now();
    return this.events.filter((event) => event.dueAt <= now).length;
  }

  clear(): void {
    this.events = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.events.length === 0) return;
    const earliest = Math.min(...this.events.map((event) => event.dueAt));
    const delay = Math.min(Math.max(earliest - this.now(), 0), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick();
    }, delay);
    this.timer.unref();
  }
}
