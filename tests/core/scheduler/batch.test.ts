/**
 * A tick's batch: jobs run together and their outbox rows go in one statement; a failing job
 * sends the batch round again with a savepoint per job, so the others still go out once and
 * the failing one waits for the next tick with nothing of it sent.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { enqueue } from '../../../src/core/outbox/enqueue';
import { organizerChats } from '../../../src/core/chats/targets';
import { tick, type JobHandler } from '../../../src/core/scheduler/tick';
import { jobHandlers } from '../../../src/core/scheduler/handlers';
import { createEvent } from '../../../src/core/events/manage';
import { createCampaign } from '../../../src/core/reports/manage';
import { chatSim, linkGroups, putUnits } from '../../helpers/chat';
import { TestClock, testContext } from '../../helpers/context';
import { openTestDb, recordingStatements, type TestDb } from '../../helpers/db';

let db: TestDb;
let ctx: ReturnType<typeof testContext>;
const statements: string[] = [];
const clock = new TestClock(new Date('2024-10-01T02:00:00Z'));

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext({ ...db, db: recordingStatements(db.db, (s) => statements.push(s)) }, clock);
  await db.db
    .insertInto('chats')
    .values({ platform: 'telegram', external_id: 'g-org', role: 'organizer', active: true })
    .execute();
});

afterAll(async () => {
  await db.close();
});

beforeEach(async () => {
  await db.db.deleteFrom('outbox').execute();
  await db.db.deleteFrom('scheduled_jobs').execute();
  statements.length = 0;
});

async function due(keys: string[]): Promise<void> {
  await db.db
    .insertInto('scheduled_jobs')
    .values(
      keys.map((key) => ({
        key,
        kind: 'event.register',
        due_at: new Date(clock.current.getTime() - 1000),
        payload: '{}',
      })),
    )
    .execute();
}

const sending: JobHandler<'event.register'> = {
  timeSensitive: false,
  async run(_ctx, trx, job) {
    if (job.key.startsWith('bad')) throw new Error('hỏng');
    await enqueue(trx, await organizerChats(trx), { text: job.key }, { purpose: 'reminder' });
  },
};

async function sentTexts(): Promise<string[]> {
  const rows = await db.db.selectFrom('outbox').select('payload').orderBy('id').execute();
  return rows.map((r) => (r.payload as { text: string }).text);
}

const claims = () => statements.filter((s) => s.startsWith('select * from "scheduled_jobs"'));

it.each([
  { jobs: 30, batches: 1 },
  { jobs: 150, batches: 2 },
])(
  '$jobs due jobs: per batch of 100, one claim, one read of the organizers and one outbox insert, all in order',
  async ({ jobs, batches }) => {
    const keys = Array.from({ length: jobs }, (_, i) => `job-${String(i).padStart(3, '0')}`);
    await due(keys);
    const result = await tick(ctx, { 'event.register': sending });
    expect(result).toEqual({ done: jobs, skipped: 0, failed: 0 });
    expect(await sentTexts()).toEqual(keys);
    expect(statements.filter((s) => s.startsWith('insert into "outbox"'))).toHaveLength(batches);
    expect(statements.filter((s) => s.includes('from "chats"'))).toHaveLength(batches);
    expect(statements.some((s) => /savepoint/i.test(s))).toBe(false);
    // A batch shorter than its limit took every due job: no further, empty claim.
    expect(claims()).toHaveLength(batches);
  },
);

it('a failing job: the others are sent once, it stays pending with nothing sent, and fails again alone', async () => {
  await due(['a-1', 'bad-2', 'a-3']);
  const first = await tick(ctx, { 'event.register': sending });
  expect(first).toEqual({ done: 2, skipped: 0, failed: 1 });
  expect(await sentTexts()).toEqual(['a-1', 'a-3']);
  const states = await db.db
    .selectFrom('scheduled_jobs')
    .select(['key', 'state'])
    .orderBy('key')
    .execute();
  expect(states).toEqual([
    { key: 'a-1', state: 'done' },
    { key: 'a-3', state: 'done' },
    { key: 'bad-2', state: 'pending' },
  ]);
  const second = await tick(ctx, { 'event.register': sending });
  expect(second).toEqual({ done: 0, skipped: 0, failed: 1 });
  expect(await sentTexts()).toEqual(['a-1', 'a-3']);
});

describe('prefetch for a batch of real reminders', () => {
  it('writes exactly what the same jobs write one by one, with a few statements per kind', async () => {
    const codes = await putUnits(ctx, [
      { code: 'H', name: 'UBND huyện Tân Phú', category: 'Huyện' },
      { code: 'X1', name: 'UBND xã Tân Phú', parent: 'H', category: 'Xã' },
      { code: 'X2', name: 'UBND xã Tân Hòa', parent: 'H', category: 'Xã' },
      { code: 'X3', name: 'UBND xã Tân Lợi', parent: 'H', category: 'Xã' },
      { code: 'YT', name: 'Sở Y tế', category: 'Sở' },
    ]);
    const chat = chatSim(ctx);
    await linkGroups(chat, codes, { 'g-h': 'H', 'g-x1': 'X1', 'g-yt': 'YT' });
    const start = new Date('2024-10-20T01:00:00Z');
    for (let k = 0; k < 3; k++) {
      const e = await createEvent(ctx, {
        title: `Lớp bồi dưỡng số ${k + 1}`,
        startsAt: new Date(start.getTime() + k * 3_600_000),
        registrationDeadline: new Date('2024-10-15T10:00:00Z'),
        units: ['YT', 'X1', 'X2', 'X3'],
        agenda: [
          {
            startsAt: new Date(start.getTime() + k * 3_600_000),
            title: 'Khai mạc',
            presenter: 'Đ/c Chủ tịch',
          },
        ],
      });
      await db.db
        .updateTable('registrations')
        .set({ status: 'registered' })
        .where('event_id', '=', e.id)
        .execute();
      await createCampaign(ctx, {
        title: `Báo cáo quý ${k + 1}`,
        deadline: new Date('2024-10-25T10:00:00Z'),
        units: ['YT', 'X1', 'X2', 'X3'],
        remindBefore: ['P7D'],
      });
    }
    // The sessions' and the campaigns' reminders, due now.
    const due = await db.db
      .updateTable('scheduled_jobs')
      .set({ due_at: new Date(clock.current.getTime() - 1000) })
      .where((eb) => eb.or([eb('kind', '=', 'event.session'), eb('kind', '=', 'campaign.remind')]))
      .where('state', '=', 'pending')
      .returning('id')
      .execute();
    expect(due).toHaveLength(6);
    const mark = await db.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('id').as('m'))
      .executeTakeFirstOrThrow();
    const written = async () =>
      (
        await db.db
          .selectFrom('outbox')
          .select(['chat_external_id', 'payload', 'purpose'])
          .where('id', '>', Number(mark.m))
          .orderBy('id')
          .execute()
      ).map((r) => `${r.chat_external_id}|${r.purpose}|${(r.payload as { text: string }).text}`);

    // One by one: a batch of one job reads nothing ahead.
    for (let i = 0; i < 6; i++) await tick(ctx, jobHandlers, { maxJobs: 1 });
    const alone = await written();
    expect(alone.length).toBeGreaterThan(6);
    expect(alone.some((t) => t.startsWith('g-h|') && /Tân Hòa/.test(t))).toBe(true);

    // Again, as one batch.
    await db.db.deleteFrom('outbox').where('id', '>', Number(mark.m)).execute();
    await db.db
      .updateTable('scheduled_jobs')
      .set({ state: 'pending', done_at: null })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .execute();
    statements.length = 0;
    const r = await tick(ctx, jobHandlers);
    expect(r).toEqual({ done: 6, skipped: 0, failed: 0 });
    expect((await written()).sort()).toEqual([...alone].sort());
    // claim, 2 kinds × (load + reach) + campaigns' units, one outbox insert, mark done, and the
    // claim for jobs that run alone: a fixed number, not one per job.
    expect(statements.length).toBeLessThanOrEqual(12);
  });
});

it('a job that waits on the network runs in a transaction of its own, after the batch', async () => {
  await due(['a-1', 'a-2']);
  await db.db
    .insertInto('scheduled_jobs')
    .values({
      key: 'slow-1',
      kind: 'file.fetch',
      due_at: new Date(clock.current.getTime() - 2000),
      payload: JSON.stringify({ file: 1 }),
    })
    .execute();
  const seen: Array<{ key: string; tx: string }> = [];
  const txid = async (trx: Parameters<JobHandler['run']>[1]) =>
    String((await sql<{ x: string }>`SELECT txid_current()::text AS x`.execute(trx)).rows[0]!.x);
  const quick: JobHandler<'event.register'> = {
    timeSensitive: false,
    async run(_ctx, trx, job) {
      seen.push({ key: job.key, tx: await txid(trx) });
    },
  };
  const slow: JobHandler<'file.fetch'> = {
    timeSensitive: false,
    alone: true,
    async run(_ctx, trx, job) {
      seen.push({ key: job.key, tx: await txid(trx) });
    },
  };
  const r = await tick(ctx, { 'event.register': quick, 'file.fetch': slow });
  expect(r).toEqual({ done: 3, skipped: 0, failed: 0 });
  // Due first, the slow job still runs last, and not in the batch's transaction.
  expect(seen.map((x) => x.key)).toEqual(['a-1', 'a-2', 'slow-1']);
  expect(seen[0]!.tx).toBe(seen[1]!.tx);
  expect(seen[2]!.tx).not.toBe(seen[0]!.tx);
});
