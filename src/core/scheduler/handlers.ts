import type { AppContext } from '../../app-context';
import { eventJobHandlers } from '../events/jobs';
import { reportJobHandlers } from '../reports/jobs';
import { fileJobHandlers } from '../files/store';
import { planJobHandlers } from '../plans/chat';
import { taskJobHandlers } from '../tasks/jobs';
import { finishSettledBroadcasts } from '../broadcasts/broadcast';
import { tick, type JobHandlers, type TickResult } from './tick';

export const jobHandlers: JobHandlers = {
  ...eventJobHandlers,
  ...reportJobHandlers,
  ...taskJobHandlers,
  ...fileJobHandlers,
  ...planJobHandlers,
};

/** The tick every runtime calls (node-cron on Node, Cron Triggers on Workers). */
export async function runTick(ctx: AppContext): Promise<TickResult> {
  const result = await tick(ctx, jobHandlers);
  await finishSettledBroadcasts(ctx);
  return result;
}
