import type { Db } from '../../db/types';
import { releaseLease, tryAcquireLease } from './lease';

/**
 * Time as long-running loops see it. Production uses the real clock and timers; tests pass a
 * manual one (tests/helpers/timers.ts) to run a simulated day without sleeping.
 */
export interface Timers {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs fn once after ms; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return () => clearTimeout(t);
  },
};

export interface LeaseKeeperOptions {
  db: Db;
  /** e.g. `zalo:listener:default`, `outbox:telegram`. */
  name: string;
  /** This process (INSTANCE_ID). */
  holder: string;
  /** Lifetime of one acquisition; renewed every ttlMs/3. */
  ttlMs: number;
  timers?: Timers;
  /** This instance became the holder. */
  onGained?(): void;
  /** This instance is no longer the holder (taken over, or unrenewed for a whole ttl). */
  onLost?(): void;
  /** A renewal or release failed (the keeper carries on). */
  onError?(err: unknown): void;
}

export interface LeaseKeeper {
  readonly held: boolean;
  /** The first attempt is awaited; afterwards the keeper tries every ttlMs/3 until stop(). */
  start(): Promise<void>;
  /** Stops renewing and releases the lease if held, so another instance takes over at once. */
  stop(): Promise<void>;
  /** Resolves when no acquisition or renewal is under way. */
  settled(): Promise<void>;
}

/**
 * One named lease kept by one loop: acquire, renew every ttl/3, report gains and losses. A
 * renewal that fails on the database keeps the lease only while the last successful one is less
 * than a ttl old: after that another instance may hold it, so this one must behave as if it lost.
 */
export function createLeaseKeeper(opts: LeaseKeeperOptions): LeaseKeeper {
  const timers = opts.timers ?? realTimers;
  const period = Math.max(10, Math.floor(opts.ttlMs / 3));
  let held = false;
  let running = false;
  let lastRenewAt = 0;
  let cancel: (() => void) | null = null;
  let inFlight: Promise<void> | null = null;

  async function tick(): Promise<void> {
    const now = timers.now();
    let acquired: boolean;
    try {
      acquired = await tryAcquireLease(opts.db, opts.name, opts.holder, opts.ttlMs, new Date(now));
      if (acquired) lastRenewAt = now;
    } catch (err) {
      opts.onError?.(err);
      acquired = held && timers.now() - lastRenewAt < opts.ttlMs;
    }
    if (!running) return;
    if (acquired && !held) {
      held = true;
      opts.onGained?.();
    } else if (!acquired && held) {
      held = false;
      opts.onLost?.();
    }
  }

  function schedule(): void {
    if (!running) return;
    cancel = timers.setTimeout(() => {
      cancel = null;
      inFlight = tick().finally(() => {
        inFlight = null;
        schedule();
      });
    }, period);
  }

  return {
    get held() {
      return held;
    },
    async start() {
      if (running) return;
      running = true;
      inFlight = tick().finally(() => {
        inFlight = null;
      });
      await inFlight;
      schedule();
    },
    async settled() {
      await inFlight?.catch(() => {});
    },
    async stop() {
      running = false;
      cancel?.();
      cancel = null;
      await inFlight?.catch(() => {});
      if (!held) return;
      held = false;
      await releaseLease(opts.db, opts.name, opts.holder).catch((err: unknown) =>
        opts.onError?.(err),
      );
    },
  };
}
