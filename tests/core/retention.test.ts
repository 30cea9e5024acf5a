import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { pruneIfDue, pruneOldRows } from '../../src/core/retention';
import { openTestDb, type TestDb } from '../helpers/db';
import { testContext, TestClock } from '../helpers/context';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const days = { processedDays: 30, outboxDays: 90, loginDays: 7, auditDays: 730 };

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t.close();
});

async function outboxRow(key: string, state: string, purpose: string, age: number) {
  await t.db
    .insertInto('outbox')
    .values({
      platform: 'telegram',
      chat_external_id: key,
      payload: JSON.stringify({ text: key }),
      purpose,
      state,
      created_at: daysAgo(age),
    } as never)
    .execute();
}

const keys = async (table: string, column: string) =>
  (
    await sql<{
      k: string;
    }>`SELECT ${sql.ref(column)} AS k FROM ${sql.table(table)} ORDER BY 1`.execute(t.db)
  ).rows.map((r) => r.k);

describe('retention', () => {
  it('deletes rows past their age, keeps recent ones, never touches pending outbox rows', async () => {
    // processed_updates: 12,000 old rows (more than one batch) and a recent one.
    await sql`INSERT INTO processed_updates (platform, update_key, processed_at)
      SELECT 'telegram', 'old' || g, ${daysAgo(31)} FROM generate_series(1, 12000) g`.execute(t.db);
    await sql`INSERT INTO processed_updates (platform, update_key, processed_at)
      VALUES ('telegram', 'recent', ${daysAgo(29)})`.execute(t.db);

    await outboxRow('sent-old', 'sent', 'reply', 91);
    await outboxRow('failed-old', 'failed', 'reminder', 200);
    await outboxRow('sent-recent', 'sent', 'reply', 89);
    await outboxRow('queued-old', 'queued', 'reply', 400);
    await outboxRow('sending-old', 'sending', 'broadcast', 400);
    await outboxRow('invite-old', 'sent', 'invite', 200);
    await outboxRow('invite-ancient', 'sent', 'invite', 731);

    for (const [hash, age] of [
      ['login-old', 8],
      ['login-recent', 6],
    ] as const)
      await t.db
        .insertInto('login_tokens')
        .values({ token_hash: hash, person_label: 'x', expires_at: daysAgo(age), used_at: null })
        .execute();
    for (const [actor, age] of [
      ['audit-old', 731],
      ['audit-recent', 700],
    ] as const)
      await t.db
        .insertInto('audit_log')
        .values({ actor, action: 'test', at: daysAgo(age) } as never)
        .execute();

    const pruned = await pruneOldRows(t.db, NOW, days);
    expect(pruned).toMatchObject({ processed: 12_000, outbox: 3, login: 1, audit: 1 });
    expect(await keys('processed_updates', 'update_key')).toEqual(['recent']);
    expect(await keys('outbox', 'chat_external_id')).toEqual([
      'invite-old',
      'queued-old',
      'sending-old',
      'sent-recent',
    ]);
    expect(await keys('login_tokens', 'token_hash')).toEqual(['login-recent']);
    expect(await keys('audit_log', 'actor')).toEqual(['audit-recent']);

    // A second run finds nothing more.
    expect(Object.values(await pruneOldRows(t.db, NOW, days)).every((n) => n === 0)).toBe(true);
  });

  it('runs at most once an hour from the tick loop, with the configured days', async () => {
    const clock = new TestClock(NOW);
    const ctx = testContext(t, clock, { RETENTION_PROCESSED_DAYS: '2' });
    expect(ctx.config.retention.processedDays).toBe(2);
    expect(ctx.config.retention.auditDays).toBe(730);
    await sql`INSERT INTO processed_updates (platform, update_key, processed_at)
      VALUES ('telegram', 'three-days', ${daysAgo(3)})`.execute(t.db);
    expect((await pruneIfDue(ctx))?.processed).toBe(2); // 'recent' (29 days) and 'three-days'
    await sql`INSERT INTO processed_updates (platform, update_key, processed_at)
      VALUES ('telegram', 'again', ${daysAgo(3)})`.execute(t.db);
    clock.advance(30 * 60_000);
    expect(await pruneIfDue(ctx)).toBeNull();
    clock.advance(31 * 60_000);
    expect((await pruneIfDue(ctx))?.processed).toBe(1);
  });
});
