/**
 * The platform lease is renewed on its own timer: a batch that outlasts the lease (Zalo paces a
 * send every few seconds) keeps it, and a sender that lost it mid-batch hands the rest back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelSender } from '../../../src/core/channel';
import { leaseHolder } from '../../../src/core/leases/lease';
import { enqueue } from '../../../src/core/outbox/enqueue';
import { OutboxWorker } from '../../../src/core/outbox/worker';
import { openTestDb, type TestDb } from '../../helpers/db';
import { testContext } from '../../helpers/context';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function slowSender(platform: 'zalo' | 'zalo-bot', ms: number) {
  const sent: string[] = [];
  const sender: ChannelSender = {
    platform,
    maxTextLength: 2000,
    limits: { perSecond: 0, perChatPerMinute: 0 },
    async send(chat) {
      await sleep(ms);
      sent.push(chat);
      return { ok: true, messageId: String(sent.length) };
    },
  };
  return { sender, sent };
}

describe('the outbox lease during long batches', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  it('a batch three times longer than the lease keeps it: no second sender takes over', async () => {
    const ctx = testContext(db);
    for (let i = 0; i < 12; i++)
      await enqueue(
        db.db,
        [{ platform: 'zalo', chatExternalId: `g${i}` }],
        { text: `tin ${i}` },
        { purpose: 'notice' },
      );
    const a = slowSender('zalo', 100);
    const b = slowSender('zalo', 1);
    const wa = new OutboxWorker(ctx, a.sender, { instanceId: 'A', leaseMs: 400, maxInFlight: 1 });
    const wb = new OutboxWorker(ctx, b.sender, { instanceId: 'B', leaseMs: 400, maxInFlight: 1 });
    wa.start();
    await sleep(50);
    wb.start();
    const holders = new Set<string | null>();
    for (let t = 0; t < 14; t++) {
      holders.add(await leaseHolder(db.db, 'outbox:zalo', new Date()));
      await sleep(100);
    }
    await wa.stop();
    await wb.stop();
    expect(holders).toEqual(new Set(['A']));
    expect(b.sent).toEqual([]);
    expect(a.sent).toHaveLength(12);
  });

  it('a sender whose lease is taken mid-batch hands the rest back unsent', async () => {
    const ctx = testContext(db);
    for (let i = 0; i < 10; i++)
      await enqueue(
        db.db,
        [{ platform: 'zalo-bot', chatExternalId: `h${i}` }],
        { text: `tin ${i}` },
        { purpose: 'notice' },
      );
    const a = slowSender('zalo-bot', 80);
    const wa = new OutboxWorker(ctx, a.sender, { instanceId: 'A', leaseMs: 300, maxInFlight: 1 });
    wa.start();
    await sleep(250);
    // Another instance holds it now (as after a long database outage on A's side).
    await db.db
      .updateTable('leases')
      .set({ holder: 'C', expires_at: new Date(Date.now() + 60_000) })
      .where('name', '=', 'outbox:zalo-bot')
      .execute();
    await sleep(600);
    await wa.stop();
    expect(a.sent.length).toBeGreaterThan(0);
    expect(a.sent.length).toBeLessThan(10);
    const queued = await db.db
      .selectFrom('outbox')
      .select(['state', 'attempts'])
      .where('platform', '=', 'zalo-bot')
      .where('state', '=', 'queued')
      .execute();
    expect(queued.length).toBe(10 - a.sent.length);
    expect(queued.every((r) => r.attempts === 0)).toBe(true);
  });
});
