/**
 * A tick's batch: jobs run together and their outbox rows go in one statement; a failing job
 * sends the batch round again with a savepoint per job, so the others still go out once and
 * the failing one waits for the next tick with nothing of it sent.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { PostgresQueryCompiler } from 'kysely';
import { enqueue } from '../../../src/core/outbox/enqueue';
import { organizerChats } from '../../../src/core/chats/targets';
import { tick, type JobHandler } from '../../../src/core/scheduler/tick';
import { TestClock, testContext } from '../../helpers/context';
import { openTestDb, type TestDb } from '../../helpers/db';

let db: TestDb;
let ctx: ReturnType<typeof testContext>;
const statements: string[] = [];
const clock = new TestClock(new Date('2024-10-01T02:00:00Z'));

beforeAll(async () => {
  db = await openTestDb();
  const compiler = new PostgresQueryCompiler();
  const counted = db.db.withPlugin({
    transformQuery(a) {
      statements.push(compiler.compileQuery(a.node, a.queryId).sql);
      return a.node;
    },
    async transformResult(a) {
      return a.result;
    },
  });
  ctx = testContext({ ...db, db: counted }, clock);
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

it('thirty jobs: one insert into the outbox, one read of the organizers, all in order', async () => {
  const keys = Array.from({ length: 30 }, (_, i) => `job-${String(i).padStart(2, '0')}`);
  await due(keys);
  const result = await tick(ctx, { 'event.register': sending });
  expect(result).toEqual({ done: 30, skipped: 0, failed: 0 });
  expect(await sentTexts()).toEqual(keys);
  expect(statements.filter((s) => s.startsWith('insert into "outbox"'))).toHaveLength(1);
  expect(statements.filter((s) => s.includes('from "chats"'))).toHaveLength(1);
  expect(statements.some((s) => /savepoint/i.test(s))).toBe(false);
});

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
