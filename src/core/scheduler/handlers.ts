import type { AppContext } from '../../app-context';
import { eventJobHandlers } from '../events/jobs';
import { reportJobHandlers } from '../reports/jobs';
import { tick, type JobHandler, type TickResult } from './tick';

export const jobHandlers: Record<string, JobHandler> = { ...eventJobHandlers, ...reportJobHandlers };

/** The tick every runtime calls (node-cron on Node, Cron Triggers on Workers). */
export function runTick(ctx: AppContext): Promise<TickResult> {
  return tick(ctx, jobHandlers);
}
