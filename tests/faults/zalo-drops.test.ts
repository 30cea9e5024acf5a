/**
 * zca-js' listener drops all the time. With the fake closing the socket 20 s after every connect
 * (never stable, so the watchdog also backs off and asks Zalo whether the session still works)
 * and forced drops on top, while 100 group messages arrive in five linked groups, the real
 * adapter (watchdog, catch-up from history, per-group chains) and the real core (handleInbound
 * through the service's sink) handle every message once, queue one reply for each, and log in
 * once. Manual time: the half hour passes in seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZaloAdapter, type ZaloAdapter } from '../../bots/zalo/index';
import type { AppContext } from '../../src/app-context';
import type { InboundMessage, InboundSink } from '../../src/core/channel';
import { createSink } from '../../src/core/inbound/sink';
import { FakeZca } from '../fakes/zca';
import { testContext } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';
import { ManualTimers, settleIo } from '../helpers/timers';

const GROUPS = ['zg1', 'zg2', 'zg3', 'zg4', 'zg5'];
const MESSAGES = 100;

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

describe('zca listener dropping constantly while 100 messages arrive', () => {
  it('hands every message to the core once; one reply queued per message; one login', async () => {
    const timers = new ManualTimers(Date.parse('2026-03-02T02:00:00Z'), async () => {
      await settleIo();
      await adapter?.idle();
    });
    const ctx: AppContext = { ...testContext(db), clock: () => new Date(timers.now()) };
    const fake = new FakeZca({
      timers,
      closeEveryMs: 20_000,
      groups: Object.fromEntries(GROUPS.map((g) => [g, `Nhóm ${g}`])),
    });
    const outcomes = new Map<string, string[]>();
    const core = createSink(
      ctx,
      () => adapter?.botUsername() ?? null,
      () => {},
    );
    const sink: InboundSink = {
      async message(msg: InboundMessage) {
        const r = await core.message(msg);
        outcomes.set(msg.updateKey, [...(outcomes.get(msg.updateKey) ?? []), r]);
        return r;
      },
      event: (e) => core.event(e),
    };
    adapter = createZaloAdapter({
      connector: fake,
      sink,
      log: ctx.log,
      db: db.db,
      instanceId: 'zalo-drops',
      accountKey: 'drops',
      limits: { minGapMs: 0, jitterMs: 0, dailyCap: 10_000 },
      timers,
    });
    await adapter.start();
    await timers.advance(1_000);
    // Each group has been seen once (its history starts there), as a linked group has.
    for (const g of GROUPS) fake.post({ groupId: g, text: '/huongdan', senderId: 'seed' });
    await timers.advance(1_000);

    const texts = ['/huongdan', '/trangthai', '/lich'];
    const sent: string[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      if (i % 7 === 0) fake.dropConnection(1006);
      const m = fake.post({
        groupId: GROUPS[i % GROUPS.length]!,
        text: texts[i % texts.length]!,
        senderId: `80000000000000${i % 7}`,
        senderName: `Cán bộ ${i % 7}`,
      });
      sent.push(m.msgId);
      await timers.advance(13_000);
    }
    await timers.advance(5 * 60_000);

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
    const handled = sent.filter((id) => outcomes.get(id)?.includes('handled')).length;
    const duplicateCalls = [...outcomes.values()].reduce((n, o) => n + o.length - 1, 0);
    console.log(
      JSON.stringify({
        test: 'faults/zalo-drops',
        messages: MESSAGES,
        closesByServer: fake.closesByServer,
        listenerStarts: fake.listenerStarts,
        logins: fake.loginCount,
        postedWhileDown: fake.posted.length - fake.livePushed,
        recovered: adapter.health().recovered,
        handled,
        sinkCallsBeyondFirst: duplicateCalls,
      }),
    );
    expect(fake.closesByServer).toBeGreaterThanOrEqual(20);
    expect(fake.loginCount).toBe(1);
    expect(adapter.health().recovered).toBeGreaterThan(0);
    expect(sent.filter((id) => !outcomes.get(id)?.includes('handled'))).toEqual([]);
    expect(handled).toBe(MESSAGES);
    expect(sent.filter((id) => perMessage.get(id) !== 1)).toEqual([]);
    // Replies went to the group each message came from.
    const groupOf = new Map(sent.map((id, i) => [id, GROUPS[i % GROUPS.length]!]));
    expect(
      replies
        .filter((r) => groupOf.has((r.payload as { replyToMessageId: string }).replyToMessageId))
        .every(
          (r) =>
            groupOf.get((r.payload as { replyToMessageId: string }).replyToMessageId) ===
            r.chat_external_id,
        ),
    ).toBe(true);
  }, 120_000);
});
