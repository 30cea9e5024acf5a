/**
 * Account safety: when Zalo says "slow down" (error 123 "Không thể nhận tin nhắn từ bạn.", or
 * "Vượt quá số request cho phép"), every send of the account stops for a while: 30 minutes the
 * first time, doubling when it happens again soon after (up to a day), back to the first step
 * after a quiet day. While paused no request reaches Zalo: the outbox is told when to try again.
 */
import type { Timers } from '../../src/core/leases/keeper';
import { ZaloSessionError } from './zca-port';

/** Zalo error codes and texts meaning "this account is sending too much". */
export const ZALO_THROTTLE_CODES: ReadonlySet<number> = new Set([123]);
export const ZALO_THROTTLE_TEXT = /Vượt quá số request cho phép|Không thể nhận tin nhắn từ bạn/i;

export function isThrottle(e: unknown): boolean {
  if (e instanceof ZaloSessionError && e.code !== null && ZALO_THROTTLE_CODES.has(e.code))
    return true;
  return e instanceof Error && ZALO_THROTTLE_TEXT.test(e.message);
}

export interface SendPauseOptions {
  timers: Timers;
  /** The first pause. Default 30 min. */
  firstMs?: number;
  /** The longest pause. Default 24 h. */
  maxMs?: number;
  /** Another throttle within this long after a pause ended doubles the next one. Default 24 h. */
  memoryMs?: number;
}

export interface PauseState {
  until: number;
  /** Pauses in a row (1 = the first). */
  level: number;
  reason: string;
}

export class SendPause {
  private until = 0;
  private level = 0;
  private lastEnd = 0;
  private reason = '';
  private readonly firstMs: number;
  private readonly maxMs: number;
  private readonly memoryMs: number;

  constructor(private readonly opts: SendPauseOptions) {
    this.firstMs = opts.firstMs ?? 30 * 60_000;
    this.maxMs = opts.maxMs ?? 24 * 3_600_000;
    this.memoryMs = opts.memoryMs ?? 24 * 3_600_000;
  }

  /** Milliseconds left of the current pause (0: sending is allowed). */
  remaining(): number {
    return Math.max(0, this.until - this.opts.timers.now());
  }

  state(): PauseState | null {
    return this.remaining() > 0
      ? { until: this.until, level: this.level, reason: this.reason }
      : null;
  }

  /** Zalo throttled a send: pause (longer if it happened recently). Returns the new state. */
  trip(reason: string): PauseState {
    const now = this.opts.timers.now();
    if (this.remaining() > 0) return this.state()!; // requests in flight when the pause began
    this.level = this.lastEnd > 0 && now - this.lastEnd < this.memoryMs ? this.level + 1 : 1;
    const ms = Math.min(this.maxMs, this.firstMs * 2 ** (this.level - 1));
    this.until = now + ms;
    this.lastEnd = this.until;
    this.reason = reason;
    return this.state()!;
  }

  /** A pause another instance recorded (read back at start). */
  restore(until: number, reason: string): void {
    if (until <= this.opts.timers.now() || until <= this.until) return;
    this.until = until;
    this.lastEnd = until;
    this.level = Math.max(1, this.level);
    this.reason = reason;
  }
}
