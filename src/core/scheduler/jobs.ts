import { sql } from 'kysely';
import type { Trx } from '../../db/types';
import type { JobKind, JobPayloads } from './kinds';

interface PlannedJobOf<K extends JobKind> {
  /** Stable per planned reminder ("event:5:session:12"): the database's guarantee of once. */
  key: string;
  kind: K;
  dueAt: Date;
  eventId?: number;
  campaignId?: number;
  payload?: JobPayloads[K];
}

/** A job to write: its kind decides the payload's shape. */
export type PlannedJob = { [K in JobKind]: PlannedJobOf<K> }[JobKind];

/**
 * Writes the plan for one owner (an event, a campaign): new keys are added, unsent ones move to
 * their new time, sent ones stay sent, and pending ones no longer planned are cancelled.
 */
export async function replanJobs(
  trx: Trx,
  owner: { eventId?: number; campaignId?: number },
  jobs: PlannedJob[],
  prefix: string,
): Promise<void> {
  for (let i = 0; i < jobs.length; i += 500) {
    await trx
      .insertInto('scheduled_jobs')
      .values(
        jobs.slice(i, i + 500).map((j) => ({
          key: j.key,
          kind: j.kind,
          due_at: j.dueAt,
          event_id: j.eventId ?? owner.eventId ?? null,
          campaign_id: j.campaignId ?? owner.campaignId ?? null,
          payload: JSON.stringify(j.payload ?? {}),
        })),
      )
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({
            due_at: eb.ref('excluded.due_at'),
            payload: eb.ref('excluded.payload'),
            state: 'pending',
            note: null,
          }))
          .where('scheduled_jobs.state', 'in', ['pending', 'cancelled']),
      )
      .execute();
  }
  const keep = jobs.map((j) => j.key);
  let q = trx
    .updateTable('scheduled_jobs')
    .set({ state: 'cancelled' })
    .where('state', '=', 'pending')
    .where('key', 'like', `${prefix}%`);
  if (keep.length) q = q.where('key', 'not in', keep);
  await q.execute();
}

export async function addJob(trx: Trx, job: PlannedJob): Promise<void> {
  await trx
    .insertInto('scheduled_jobs')
    .values({
      key: job.key,
      kind: job.kind,
      due_at: job.dueAt,
      event_id: job.eventId ?? null,
      campaign_id: job.campaignId ?? null,
      payload: JSON.stringify(job.payload ?? {}),
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

export async function cancelJobs(trx: Trx, prefix: string): Promise<void> {
  await sql`UPDATE scheduled_jobs SET state = 'cancelled' WHERE state = 'pending' AND key LIKE ${prefix + '%'}`.execute(
    trx,
  );
}
