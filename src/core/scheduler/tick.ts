import { sql } from 'kysely';
import type { AppContext } from '../../app-context';
import type { Selectable } from 'kysely';
import type { ScheduledJobsTable } from '../../db/schema';
import type { Trx } from '../../db/types';
import type { JobKind, JobPayloads } from './kinds';
import { beginBatch, flushBatch } from '../outbox/batch';

/** A claimed row, its payload typed by its kind. */
export type Job<K extends JobKind = JobKind> = Omit<
  Selectable<ScheduledJobsTable>,
  'kind' | 'payload'
> & {
  kind: K;
  payload: JobPayloads[K];
};

export interface JobHandler<K extends JobKind = JobKind> {
  /** Jobs that are only worth sending on time are skipped when found too late (service was down). */
  timeSensitive: boolean;
  /**
   * The job waits on the network (a file download): it runs in a transaction of its own, so the
   * reminders of a batch never wait for it.
   */
  alone?: boolean;
  run(ctx: AppContext, trx: Trx, job: Job<K>, now: Date): Promise<void>;
  /**
   * Reads at once, for all of a batch's jobs of this kind, what `run` would read for each
   * (primed into the batch, see outbox/batch.ts), so a batch costs a few statements per kind.
   */
  prefetch?(ctx: AppContext, trx: Trx, jobs: Array<Job<K>>, now: Date): Promise<void>;
}

/** One handler per kind, each seeing its own payload type. */
export type JobHandlers = { [K in JobKind]: JobHandler<K> };

export interface TickResult {
  done: number;
  skipped: number;
  failed: number;
}

/**
 * Jobs claimed per transaction: enough to amortize BEGIN/COMMIT (a batch of 100 reminders holds
 * its locks for well under a tenth of a second), few enough to keep locks short.
 */
const BATCH = 100;

/** A job failed in a batch run without savepoints: the batch is run again, one savepoint per job. */
class RetryWithSavepoints extends Error {}

/**
 * Claims due jobs (FOR UPDATE SKIP LOCKED, in batches) and runs each inside the transaction that
 * marks it done, so its messages enter the outbox exactly when it is marked: once, on any number
 * of instances, across restarts. A batch first runs as one unit, its outbox rows written together
 * at the end; if any job fails, the batch is rolled back and run again with a savepoint per job,
 * so one failing job is retried on the next tick without holding back the others.
 */
export async function tick(
  ctx: AppContext,
  handlers: Partial<JobHandlers>,
  options: { maxJobs?: number } = {},
): Promise<TickResult> {
  const now = ctx.clock();
  const graceMs = ctx.config.reminderGraceMs;
  const result: TickResult = { done: 0, skipped: 0, failed: 0 };
  const maxJobs = options.maxJobs ?? 500;
  const failedIds: number[] = [];

  const byKind = handlers as Record<string, JobHandler | undefined>;
  const aloneKinds = Object.entries(byKind)
    .filter(([, h]) => h?.alone)
    .map(([k]) => k);

  const runBatch = (careful: boolean, alone: boolean) =>
    ctx.db.transaction().execute(async (trx) => {
      const limit = Math.min(
        alone ? 1 : BATCH,
        maxJobs - result.done - result.skipped - result.failed,
      );
      let q = trx
        .selectFrom('scheduled_jobs')
        .selectAll()
        .where('state', '=', 'pending')
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked();
      if (failedIds.length) q = q.where('id', 'not in', failedIds);
      if (aloneKinds.length) q = q.where('kind', alone ? 'in' : 'not in', aloneKinds);
      const jobs = await q.execute();
      if (!careful) {
        beginBatch(trx);
        try {
          await prefetchAll(ctx, trx, byKind, jobs as Job[], now);
        } catch (err) {
          ctx.log.warn({ err }, 'batch prefetch failed; running the jobs one by one');
          throw new RetryWithSavepoints();
        }
      }
      const done: number[] = [];
      const skipped: Array<{ id: number; note: string }> = [];
      let failed = 0;
      for (const job of jobs) {
        // The row's kind names its handler; the payload was written by that kind's planner.
        const handler = byKind[job.kind];
        const lateMs = now.getTime() - job.due_at.getTime();
        if (!handler || (handler.timeSensitive && lateMs > graceMs)) {
          const note = handler
            ? `bỏ qua: trễ ${Math.round(lateMs / 60_000)} phút (quá thời gian cho phép)`
            : `không có xử lý cho loại ${job.kind}`;
          skipped.push({ id: job.id, note });
          ctx.log.warn({ job: job.key, lateMs }, 'scheduled job skipped');
          continue;
        }
        if (!careful) {
          try {
            await handler.run(ctx, trx, job as Job, now);
          } catch (err) {
            ctx.log.warn({ err, job: job.key }, 'job failed in a batch; running it again alone');
            throw new RetryWithSavepoints();
          }
          done.push(job.id);
          continue;
        }
        try {
          await sql`SAVEPOINT job`.execute(trx);
          await handler.run(ctx, trx, job as Job, now);
          await sql`RELEASE SAVEPOINT job`.execute(trx);
          done.push(job.id);
        } catch (err) {
          await sql`ROLLBACK TO SAVEPOINT job`.execute(trx);
          ctx.log.error({ err, job: job.key }, 'scheduled job failed; will retry next tick');
          failedIds.push(job.id);
          failed++;
        }
      }
      await flushBatch(trx);
      if (done.length)
        await trx
          .updateTable('scheduled_jobs')
          .set({ state: 'done', done_at: now })
          .where('id', 'in', done)
          .execute();
      for (const s of skipped)
        await trx
          .updateTable('scheduled_jobs')
          .set({ state: 'skipped', done_at: now, note: s.note })
          .where('id', '=', s.id)
          .execute();
      result.done += done.length;
      result.skipped += skipped.length;
      result.failed += failed;
      // A short batch took every due job not locked by another instance: asking again would
      // only cost an empty transaction.
      return jobs.length === limit;
    });

  // Batches of reminders first, then the jobs that wait on the network, one per transaction.
  for (const alone of aloneKinds.length ? [false, true] : [false]) {
    while (result.done + result.skipped + result.failed < maxJobs) {
      let more: boolean;
      try {
        more = await runBatch(alone, alone);
      } catch (e) {
        if (!(e instanceof RetryWithSavepoints)) throw e;
        more = await runBatch(true, alone);
      }
      if (!more) break;
    }
  }
  return result;
}

async function prefetchAll(
  ctx: AppContext,
  trx: Trx,
  byKind: Record<string, JobHandler | undefined>,
  jobs: Job[],
  now: Date,
): Promise<void> {
  const jobsOf = new Map<string, Job[]>();
  for (const j of jobs) jobsOf.set(j.kind, [...(jobsOf.get(j.kind) ?? []), j]);
  for (const [kind, list] of jobsOf) {
    const handler = byKind[kind];
    if (handler?.prefetch && list.length > 1) await handler.prefetch(ctx, trx, list, now);
  }
}
