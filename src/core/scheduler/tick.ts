import { sql } from 'kysely';
import type { AppContext } from '../../app-context';
import type { Selectable } from 'kysely';
import type { ScheduledJobsTable } from '../../db/schema';
import type { Trx } from '../outbox/enqueue';

export type Job = Selectable<ScheduledJobsTable>;

export interface JobHandler {
  /** Jobs that are only worth sending on time are skipped when found too late (service was down). */
  timeSensitive: boolean;
  run(ctx: AppContext, trx: Trx, job: Job, now: Date): Promise<void>;
}

export interface TickResult {
  done: number;
  skipped: number;
  failed: number;
}

/**
 * Claims due jobs one at a time (FOR UPDATE SKIP LOCKED) and runs each in the transaction that
 * marks it done, so its messages enter the outbox exactly when it is marked: once, on any
 * number of instances, across restarts.
 */
export async function tick(ctx: AppContext, handlers: Record<string, JobHandler>, options: { maxJobs?: number } = {}): Promise<TickResult> {
  const now = ctx.clock();
  const graceMs = ctx.config.reminderGraceMs;
  const result: TickResult = { done: 0, skipped: 0, failed: 0 };
  const maxJobs = options.maxJobs ?? 500;
  const failedIds: number[] = [];
  for (let i = 0; i < maxJobs; i++) {
    const outcome = await ctx.db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('scheduled_jobs')
        .selectAll()
        .where('state', '=', 'pending')
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .orderBy('id')
        .limit(1)
        .forUpdate()
        .skipLocked();
      if (failedIds.length) q = q.where('id', 'not in', failedIds);
      const job = await q.executeTakeFirst();
      if (!job) return 'empty' as const;
      const handler = handlers[job.kind];
      const lateMs = now.getTime() - new Date(job.due_at).getTime();
      if (!handler || (handler.timeSensitive && lateMs > graceMs)) {
        const note = handler ? `bỏ qua: trễ ${Math.round(lateMs / 60_000)} phút (quá thời gian cho phép)` : `không có xử lý cho loại ${job.kind}`;
        await trx.updateTable('scheduled_jobs').set({ state: 'skipped', done_at: now, note }).where('id', '=', job.id).execute();
        ctx.log.warn({ job: job.key, lateMs }, 'scheduled job skipped');
        return 'skipped' as const;
      }
      try {
        await sql`SAVEPOINT job`.execute(trx);
        await handler.run(ctx, trx, job, now);
        await sql`RELEASE SAVEPOINT job`.execute(trx);
      } catch (err) {
        await sql`ROLLBACK TO SAVEPOINT job`.execute(trx);
        ctx.log.error({ err, job: job.key }, 'scheduled job failed; will retry next tick');
        failedIds.push(job.id);
        return 'failed' as const;
      }
      await trx.updateTable('scheduled_jobs').set({ state: 'done', done_at: now }).where('id', '=', job.id).execute();
      return 'done' as const;
    });
    if (outcome === 'empty') break;
    result[outcome]++;
  }
  return result;
}
