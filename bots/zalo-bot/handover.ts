/**
 * Hands Zalo Bot messages to the core without losing one. Zalo promises no redelivery, so a
 * message whose handling failed (the database is briefly unreachable: the only error the core
 * rethrows) is retried in this process: a few quick tries before the webhook answers, then in the
 * background with growing waits. Only a process that dies during a database outage loses what it
 * holds. Storing the raw update first would not help there: that write needs the same database.
 *
 * The same message id posted again while it is being handled (or shortly after) waits for the
 * first handling instead of racing it; the core's update key makes any later repeat harmless.
 */
import type { InboundMessage, InboundSink } from '../../src/core/channel';
import { realTimers, type Timers } from '../../src/core/leases/keeper';
import type { Logger } from '../../src/log';

export interface HandoverOptions {
  sink: InboundSink;
  log: Logger;
  timers?: Timers;
  /** Waits between the tries made before answering. Default 250 ms, 1 s, 3 s. */
  quickRetryMs?: number[];
  /** Waits between background tries. Default 5 s, 15 s, 1 min, 5 min, then every 15 min. */
  backgroundRetryMs?: number[];
  /** Give up on a message after this long in the background. Default 6 h. */
  giveUpAfterMs?: number;
  /** Messages kept for background retry at most (oldest dropped, logged). Default 1,000. */
  maxQueued?: number;
}

export interface Handover {
  /** Resolves once the message is handled, or queued for background retry; never rejects. */
  deliver(msg: InboundMessage): Promise<'handled' | 'duplicate' | 'queued'>;
  stats(): { queued: number; retried: number; dropped: number };
  /** Stops background retries (what is still queued is logged as dropped). */
  stop(): void;
}

const RECENT = 5_000;

export function createHandover(opts: HandoverOptions): Handover {
  const timers = opts.timers ?? realTimers;
  const quick = opts.quickRetryMs ?? [250, 1_000, 3_000];
  const background = opts.backgroundRetryMs ?? [5_000, 15_000, 60_000, 300_000, 900_000];
  const giveUpAfter = opts.giveUpAfterMs ?? 6 * 3_600_000;
  const maxQueued = opts.maxQueued ?? 1_000;
  const inFlight = new Map<string, Promise<'handled' | 'duplicate' | 'queued'>>();
  const recent = new Set<string>();
  const queued = new Map<string, { msg: InboundMessage; since: number; cancel: () => void }>();
  let retried = 0;
  let dropped = 0;
  let stopped = false;

  const sleep = (ms: number) => new Promise<void>((r) => timers.setTimeout(r, ms));

  function remember(key: string): void {
    recent.add(key);
    if (recent.size > RECENT) recent.delete(recent.values().next().value!);
  }

  async function tryOnce(msg: InboundMessage): Promise<'handled' | 'duplicate' | Error> {
    try {
      return await opts.sink.message(msg);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }

  function queue(msg: InboundMessage, attempt: number, since: number): void {
    if (stopped) {
      dropped++;
      opts.log.error({ platform: 'zalo-bot', update: msg.updateKey }, 'zalo-bot message dropped');
      return;
    }
    if (!queued.has(msg.updateKey) && queued.size >= maxQueued) {
      const [oldest, entry] = queued.entries().next().value!;
      entry.cancel();
      queued.delete(oldest);
      dropped++;
      opts.log.error(
        { platform: 'zalo-bot', update: oldest },
        'zalo-bot retry queue full; dropped',
      );
    }
    const wait = background[Math.min(attempt, background.length - 1)]!;
    const cancel = timers.setTimeout(() => void retry(msg, attempt + 1, since), wait);
    queued.set(msg.updateKey, { msg, since, cancel });
  }

  async function retry(msg: InboundMessage, attempt: number, since: number): Promise<void> {
    queued.delete(msg.updateKey);
    retried++;
    const r = await tryOnce(msg);
    if (!(r instanceof Error)) {
      remember(msg.updateKey);
      opts.log.info(
        { platform: 'zalo-bot', update: msg.updateKey, attempt },
        'zalo-bot message handled after retries',
      );
      return;
    }
    if (timers.now() - since > giveUpAfter) {
      dropped++;
      opts.log.error(
        { err: r, platform: 'zalo-bot', update: msg.updateKey },
        'zalo-bot message given up',
      );
      return;
    }
    queue(msg, attempt, since);
  }

  async function handle(msg: InboundMessage): Promise<'handled' | 'duplicate' | 'queued'> {
    let last: Error | null = null;
    for (let attempt = 0; attempt <= quick.length; attempt++) {
      if (attempt > 0) await sleep(quick[attempt - 1]!);
      const r = await tryOnce(msg);
      if (!(r instanceof Error)) {
        remember(msg.updateKey);
        return r;
      }
      last = r;
    }
    opts.log.warn(
      { err: last, platform: 'zalo-bot', update: msg.updateKey },
      'zalo-bot message not handled yet; retrying in the background',
    );
    queue(msg, 0, timers.now());
    return 'queued';
  }

  return {
    deliver(msg) {
      const key = msg.updateKey;
      if (recent.has(key) || queued.has(key)) return Promise.resolve('duplicate');
      const running = inFlight.get(key);
      if (running) return running.then(() => 'duplicate' as const);
      const p = handle(msg).finally(() => inFlight.delete(key));
      inFlight.set(key, p);
      return p;
    },
    stats: () => ({ queued: queued.size, retried, dropped }),
    stop() {
      stopped = true;
      for (const [key, entry] of queued) {
        entry.cancel();
        dropped++;
        opts.log.error(
          { platform: 'zalo-bot', update: key },
          'zalo-bot message dropped at shutdown',
        );
      }
      queued.clear();
    },
  };
}
