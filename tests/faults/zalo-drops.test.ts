/**
 * zca-js' listener drops all the time. With the fake dropping it every ~300 ms while 100 group
 * messages arrive (Zalo catches a reconnected client up: queueWhileDisconnected), the real
 * adapter (watchdog, re-login, per-group chains) and the real core (handleInbound through the
 * service's sink) handle every message once and queue one reply for each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZaloAdapter, type ZaloAdapter } from '../../bots/zalo/index';
import { FakeZcaConnector } from '../../bots/zalo/fake-zca';
import type { InboundMessage, InboundSink } from '../../src/core/channel';
import { createSink } from '../../src/core/inbound/sink';
import { createLogger } from '../../src/log';
import { testContext } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';

const GROUPS = ['zg1', 'zg2', 'zg3', 'zg4', 'zg5'];
const MESSAGES = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let db: TestDb;
let adapter: ZaloAdapter | null = null;

beforeAll(async () => {
  db = await openTestDb();
  const { upsertUnits } = await import('../../src/core/units/repo');
  await upsertUnits(
    db.db,
    GROUPS.map((g, i) => ({ code: `Z${i + 1}`, name: `Phòng Văn hoá ${i + 1}` })),
  );
  const units = await db.db.selectFrom('units').select(['id', 'code']).orderBy('code').execute();
  await db.db
    .insertInto('chats')
    .values(
      units.map((u, i) => ({
        platform: 'zalo',
        external_id: GROUPS[i]!,
        title: `Nhóm ${u.code}`,
        role: 'unit' as const,
        unit_id: u.id,
      })),
    )
    .execute();
});
afterAll(async () => {
  await adapter?.stop();
  await db.close();
});

describe('zca listener dropping every ~300 ms while 100 messages arrive', () => {
  it('hands every message to the core once; one reply queued per message', async () => {
    const ctx = testContext(db);
    const fake = new FakeZcaConnector({
      queueWhileDisconnected: true,
      groups: Object.fromEntries(GROUPS.map((g) => [g, `Nhóm ${g}`])),
    });
    const outcomes = new Map<string, string[]>();
    let a: ZaloAdapter;
    const core = createSink(
      ctx,
      () => a.botUsername(),
      () => {},
    );
    // The real sink, observed: what the core answered for each message.
    const sink: InboundSink = {
      async message(msg: InboundMessage) {
        const r = await core.message(msg);
        outcomes.set(msg.updateKey, [...(outcomes.get(msg.updateKey) ?? []), r]);
        return r;
      },
      event: (e) => core.event(e),
    };
    a = createZaloAdapter({
      connector: fake,
      sink,
      log: createLogger('silent'),
      db: db.db,
      instanceId: 'zalo-drops',
      accountKey: 'drops',
      limits: { minGapMs: 0, jitterMs: 0, dailyCap: 10_000 },
      watchdog: { leaseMs: 3000, reloginBackoffMs: [10, 20, 40], stableMs: 10_000 },
    });
    adapter = a;
    await a.start();
    for (let i = 0; !fake.listening; i++) {
      if (i > 200) throw new Error('no listener');
      await sleep(10);
    }

    const texts = ['/huongdan', '/trangthai', '/lich'];
    const sent: string[] = [];
    let drops = 0;
    const dropper = setInterval(() => {
      fake.dropConnection(1006, 'abnormal closure');
      drops++;
    }, 300);
    try {
      for (let i = 0; i < MESSAGES; i++) {
        const m = fake.deliver({
          groupId: GROUPS[i % GROUPS.length]!,
          text: texts[i % texts.length]!,
          senderId: `80000000000000${i % 7}`,
          senderName: `Cán bộ ${i % 7}`,
        });
        expect(m).not.toBeNull();
        sent.push(m!.msgId);
        await sleep(30);
      }
    } finally {
      clearInterval(dropper);
    }

    const until = Date.now() + 30_000;
    for (;;) {
      const r = await db.db
        .selectFrom('processed_updates')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('platform', '=', 'zalo')
        .executeTakeFirstOrThrow();
      if (Number(r.n) >= MESSAGES && fake.pendingCount === 0) break;
      if (Date.now() > until)
        throw new Error(
          `only ${r.n} of ${MESSAGES} handled; ${fake.pendingCount} waiting at the fake; health ${JSON.stringify(a.health())}`,
        );
      await sleep(50);
    }

    const replies = await db.db
      .selectFrom('outbox')
      .select(['chat_external_id', 'payload'])
      .where('platform', '=', 'zalo')
      .where('purpose', '=', 'reply')
      .execute();
    const perMessage = new Map<string, number>();
    for (const r of replies) {
      const to = (r.payload as { replyToMessageId?: string }).replyToMessageId;
      if (to) perMessage.set(to, (perMessage.get(to) ?? 0) + 1);
    }
    const handled = [...outcomes.values()].filter((o) => o.includes('handled')).length;
    const duplicateCalls = [...outcomes.values()].reduce((n, o) => n + o.length - 1, 0);
    console.log(
      JSON.stringify({
        test: 'faults/zalo-drops',
        messages: MESSAGES,
        drops,
        logins: fake.loginCount,
        handled,
        sinkCallsBeyondFirst: duplicateCalls,
        replies: replies.length,
        health: a.health(),
      }),
    );
    expect(drops).toBeGreaterThanOrEqual(8);
    expect(sent.filter((id) => !outcomes.get(id)?.includes('handled'))).toEqual([]);
    expect(handled).toBe(MESSAGES);
    expect(sent.filter((id) => perMessage.get(id) !== 1)).toEqual([]);
    expect(replies).toHaveLength(MESSAGES);
    // Replies went to the group each message came from.
    const groupOf = new Map(sent.map((id, i) => [id, GROUPS[i % GROUPS.length]!]));
    expect(
      replies.every(
        (r) =>
          groupOf.get((r.payload as { replyToMessageId: string }).replyToMessageId) ===
          r.chat_external_id,
      ),
    ).toBe(true);
  }, 60_000);
});
