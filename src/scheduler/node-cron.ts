import cron from 'node-cron';
import type { AppContext } from '../app-context';
import { runTick } from '../core/scheduler/handlers';
import { pruneIfDue } from '../core/retention';

export interface TickLoop {
  stop(): Promise<void>;
  lastTick(): { at: string | null; ms: number | null };
}

/** node-cron only calls the tick; the schedule itself lives in Postgres. */
export function startTickLoop(
  ctx: AppContext,
  expression: string,
  onTicked?: () => void,
): TickLoop {
  let running: Promise<unknown> | null = null;
  let last: { at: string | null; ms: number | null } = { at: null, ms: null };
  const task = cron.schedule(
    expression,
    async () => {
      if (running) return; // a slow tick is not stacked under the next one
      const started = Date.now();
      running = runTick(ctx)
        .then((r) => {
          last = { at: new Date().toISOString(), ms: Date.now() - started };
          if (r.done || r.skipped) onTicked?.();
          return pruneIfDue(ctx).catch((err: unknown) =>
            ctx.log.warn({ err }, 'pruning old rows failed; the next run retries'),
          );
        })
        .catch((err: unknown) => ctx.log.warn({ err }, 'tick failed; next tick retries'))
        .finally(() => {
          running = null;
        });
    },
    { timezone: ctx.timezone, name: 'dieu-phoi-tick' },
  );
  return {
    async stop() {
      await task.stop();
      await running;
    },
    lastTick: () => last,
  };
}
