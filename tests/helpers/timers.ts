import type { Timers } from '../../src/core/leases/keeper';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Timers that move only when the test says so: `advance(ms)` fires every timer due in that span,
 * in order, and after each one waits for `settle()` (the code under test finishing the work the
 * timer started: database writes, handed-over messages) before looking at the clock again.
 */
export class ManualTimers implements Timers {
  private queue: Pending[] = [];
  private seq = 0;

  constructor(
    public current = Date.parse('2026-03-02T01:00:00Z'),
    private readonly settle: () => Promise<void> = settleIo,
  ) {}

  now = (): number => this.current;

  setTimeout = (fn: () => void, ms: number): (() => void) => {
    const p: Pending = {
      at: this.current + Math.max(0, ms),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.queue.push(p);
    return () => {
      p.cancelled = true;
    };
  };

  /** Timers still waiting (not cancelled). */
  get pending(): number {
    return this.queue.filter((p) => !p.cancelled).length;
  }

  /** Fires everything due within the next ms, in time order, settling after each. */
  async advance(ms: number, settle: () => Promise<void> = this.settle): Promise<void> {
    const end = this.current + ms;
    await settle();
    for (;;) {
      this.queue = this.queue.filter((p) => !p.cancelled);
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.current = Math.max(this.current, next.at);
      next.fn();
      await settle();
    }
    this.current = end;
  }
}

/** Lets promises and pending I/O callbacks run a few turns. */
export async function settleIo(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}
