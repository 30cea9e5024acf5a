/**
 * The zca-js path as it lives for weeks, on manual time, through the real adapter and the real
 * core (handleInbound through the service's sink) on a test database:
 *
 * 1. A simulated day of Zalo closing the socket every minute, with messages posted while it is
 *    down: at most a handful of logins, and every message handled exactly once (the gap ones
 *    recovered from history).
 * 2. `/xuat` in a Zalo organizer group: the spreadsheet goes as a file from the instance holding
 *    the listener; when the upload cannot finish (no listener) its link goes instead, in time.
 * 3. Error 123 under a burst: sending pauses 30 min, then 60 min when it happens again; the
 *    organizers (on Telegram) are told once; no request reaches Zalo during a pause.
 *
 * Outbox rows are delivered here by a few lines that call the adapter's sender as the outbox
 * worker would (the worker itself sleeps in real time, which a simulated day cannot wait for).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createZaloAdapter, type ZaloAdapter, type ZaloOpsPort } from '../../../bots/zalo/index';
import type { AppContext } from '../../../src/app-context';
import type { InboundMessage, InboundSink, OutboundMessage } from '../../../src/core/channel';
import { createSink } from '../../../src/core/inbound/sink';
import { clearAlert, raiseAlert, recordedPause } from '../../../src/core/platform-alerts';
import { organizerJoinCode } from '../../../src/core/units/repo';
import { FakeZca } from '../../fakes/zca';
import { putUnits } from '../../helpers/chat';
import { testContext } from '../../helpers/context';
import { openTestDb, type TestDb } from '../../helpers/db';
import { ManualTimers, settleIo } from '../../helpers/timers';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
}, 60_000);
afterAll(() => db.close());

/** The service's sink, observed: what the core answered for each message. */
function observedSink(ctx: AppContext, bot: () => string | null) {
  const outcomes = new Map<string, string[]>();
  const core = createSink(ctx, bot, () => {});
  const sink: InboundSink = {
    async message(msg: InboundMessage) {
      const r = await core.message(msg);
      outcomes.set(msg.updateKey, [...(outcomes.get(msg.updateKey) ?? []), r]);
      return r;
    },
    event: (e) => core.event(e),
  };
  return { sink, outcomes };
}

function coreOps(ctx: AppContext): ZaloOpsPort {
  return {
    raise: async (a) => {
      await raiseAlert(ctx, {
        platform: 'zalo',
        kind: a.kind,
        ...(a.kind === 'sending-paused' ? { until: a.until.toISOString(), reason: a.reason } : {}),
      });
    },
    clear: (kind) => clearAlert(ctx, 'zalo', kind),
    pausedUntil: () => recordedPause(ctx, 'zalo'),
  };
}

interface World {
  timers: ManualTimers;
  ctx: AppContext;
  fake: FakeZca;
  adapter: ZaloAdapter;
  outcomes: Map<string, string[]>;
}

let worldSeq = 0;
async function world(o: {
  fake?: ConstructorParameters<typeof FakeZca>[0];
  fileTimeoutMs?: number;
  instanceId?: string;
  accountKey?: string;
  timers?: ManualTimers;
}): Promise<World> {
  const adapters: ZaloAdapter[] = [];
  const timers =
    o.timers ??
    new ManualTimers(Date.parse('2026-03-02T00:00:00Z'), async () => {
      await settleIo();
      for (const a of adapters) await a.idle();
    });
  // Alerts of an earlier scenario (a recorded pause) must not leak into this one.
  await db.db.deleteFrom('settings').where('key', '=', 'platform.alerts').execute();
  const base = testContext(db);
  const ctx: AppContext = { ...base, clock: () => new Date(timers.now()) };
  const fake = new FakeZca({ timers, ...o.fake });
  let adapter!: ZaloAdapter;
  const { sink, outcomes } = observedSink(ctx, () => adapter.botUsername());
  adapter = createZaloAdapter({
    connector: fake,
    sink,
    log: ctx.log,
    db: db.db,
    instanceId: o.instanceId ?? `scenario-${++worldSeq}`,
    accountKey: o.accountKey ?? `scenario-${worldSeq}`,
    limits: { minGapMs: 0, jitterMs: 0, dailyCap: 10_000 },
    timers,
    fileTimeoutMs: o.fileTimeoutMs ?? 20_000,
    ops: coreOps(ctx),
  });
  adapters.push(adapter);
  return { timers, ctx, fake, adapter, outcomes };
}

/** Delivers a chat's queued Zalo rows through the adapter's sender, as the outbox worker does. */
async function deliverZalo(
  w: World,
  chat: string,
): Promise<Array<{ chat: string; result: string }>> {
  const rows = await db.db
    .selectFrom('outbox')
    .select(['id', 'chat_external_id', 'payload'])
    .where('platform', '=', 'zalo')
    .where('chat_external_id', '=', chat)
    .where('state', '=', 'queued')
    .orderBy('id')
    .execute();
  const out: Array<{ chat: string; result: string }> = [];
  for (const r of rows) {
    const sending = w.adapter.sender.send(r.chat_external_id, r.payload as OutboundMessage);
    // A file may wait for the listener: let simulated time run while it is in flight.
    let done = false;
    void sending.finally(() => (done = true));
    for (let i = 0; i < 120 && !done; i++) await w.timers.advance(1_000);
    const result = await sending;
    await db.db
      .updateTable('outbox')
      .set(
        result.ok
          ? { state: 'sent', platform_message_id: result.messageId ?? null, sent_at: w.ctx.clock() }
          : { state: 'failed', error: result.reason },
      )
      .where('id', '=', r.id)
      .execute();
    out.push({ chat: r.chat_external_id, result: result.ok ? 'ok' : result.kind });
  }
  return out;
}

describe('a simulated day of Zalo closing the listener every minute', () => {
  it('logs in a handful of times at most and handles every message once, gaps included', async () => {
    const w = await world({ fake: { groups: { zg1: 'Sở Y tế', zg2: 'UBND Lấp Vò' } } });
    const { timers, fake, adapter, outcomes, ctx } = w;
    const codes = await putUnits(ctx, [
      { code: 'D1', name: 'Sở Y tế' },
      { code: 'D2', name: 'UBND huyện Lấp Vò' },
    ]);
    const { createEvent } = await import('../../../src/core/events/manage');
    await createEvent(ctx, {
      title: 'Hội nghị tập huấn',
      startsAt: new Date(timers.now() + 10 * DAY),
      registrationDeadline: new Date(timers.now() + 5 * DAY),
      units: ['D1', 'D2'],
      agenda: [],
      remindDayBefore: null,
      remindMorningOf: null,
      remindBeforeSession: null,
    });
    await adapter.start();
    await timers.advance(2_000);
    fake.post({ groupId: 'zg1', text: `/lienket ${codes['D1']}`, senderId: 'u1' });
    fake.post({ groupId: 'zg2', text: `/lienket ${codes['D2']}`, senderId: 'u2' });
    await timers.advance(1_000);

    const posted: string[] = [];
    const inGap: string[] = [];
    const texts = ['/trangthai', '/lich', 'chuyện trong nhóm', '/danhsach'];
    let n = 0;
    const start = timers.now();
    while (timers.now() - start < DAY) {
      await timers.advance(7 * MIN);
      const group = n % 2 ? 'zg2' : 'zg1';
      if (n % 3 === 0) {
        // The socket is down right now (as it is for a second or two every minute).
        fake.dropConnection(1006);
        inGap.push(
          fake.post({ groupId: group, text: texts[n % texts.length], senderId: `u${n % 5}` }).msgId,
        );
        posted.push(inGap.at(-1)!);
      } else {
        posted.push(
          fake.post({ groupId: group, text: texts[n % texts.length], senderId: `u${n % 5}` }).msgId,
        );
      }
      n++;
    }
    // A list posted in a gap, tagging the bot: registered once.
    fake.dropConnection(1006);
    const list = fake.post({
      groupId: 'zg1',
      senderId: 'u9',
      senderName: 'Nguyễn Thị Hoa',
      ...fake.mentionBot('Sở Y tế cử:\n1. Ông Nguyễn Văn An - PGĐ Sở\n2. Bà Lê Thị Bình - TP'),
    });
    inGap.push(list.msgId);
    posted.push(list.msgId);
    await timers.advance(5 * MIN);
    await adapter.stop();

    const handledOnce = posted.filter(
      (id) => outcomes.get(id)?.filter((r) => r === 'handled').length === 1,
    );
    const processed = await db.db
      .selectFrom('processed_updates')
      .select('update_key')
      .where('platform', '=', 'zalo')
      .where('update_key', 'in', posted)
      .execute();
    const attendees = await db.db
      .selectFrom('attendees')
      .innerJoin('registrations', 'registrations.id', 'attendees.registration_id')
      .innerJoin('units', 'units.id', 'registrations.unit_id')
      .select(['attendees.name'])
      .where('units.code', '=', 'D1')
      .execute();
    const replies = await db.db
      .selectFrom('outbox')
      .select('payload')
      .where('platform', '=', 'zalo')
      .where('purpose', '=', 'reply')
      .execute();
    const repliesTo = (id: string) =>
      replies.filter((r) => (r.payload as { replyToMessageId?: string }).replyToMessageId === id)
        .length;
    const figures = {
      test: 'zalo scenario: a simulated day',
      closesByServer: fake.closesByServer,
      listenerStarts: fake.listenerStarts,
      logins: fake.loginCount,
      posted: posted.length,
      postedInGaps: inGap.length,
      recoveredFromHistory: adapter.health().recovered,
      handledExactlyOnce: handledOnce.length,
    };
    console.log(JSON.stringify(figures));
    expect(fake.closesByServer).toBeGreaterThanOrEqual(1_000);
    expect(fake.loginCount).toBeLessThanOrEqual(3);
    expect(handledOnce).toEqual(posted);
    expect(processed).toHaveLength(posted.length);
    expect(adapter.health().recovered).toBeGreaterThanOrEqual(inGap.length);
    expect(attendees.map((a) => a.name).sort()).toEqual(['Lê Thị Bình', 'Nguyễn Văn An']);
    // One answer per command, however the message arrived (chatter gets none).
    for (const id of posted.filter((_, i) => i % texts.length !== 2)) expect(repliesTo(id)).toBe(1);
  }, 180_000);
});

describe('/xuat on Zalo: the spreadsheet as a file through the listener, its link otherwise', () => {
  async function organizerWorld(o: Parameters<typeof world>[0]) {
    const w = await world(o);
    const { timers, fake, adapter, ctx } = w;
    const code = await organizerJoinCode(ctx.db);
    await putUnits(ctx, [{ code: 'X1', name: 'Sở Tư pháp' }]);
    const { createEvent } = await import('../../../src/core/events/manage');
    const event = await createEvent(ctx, {
      title: 'Tập huấn chuyển đổi số',
      startsAt: new Date(timers.now() + 10 * DAY),
      registrationDeadline: new Date(timers.now() + 5 * DAY),
      units: ['X1'],
      agenda: [],
      remindDayBefore: null,
      remindMorningOf: null,
      remindBeforeSession: null,
    });
    await adapter.start();
    await timers.advance(2_000);
    const group = `org-${worldSeq}`;
    fake.post({ groupId: group, text: `/lienket ${code}`, senderId: 'boss' });
    await timers.advance(1_000);
    await deliverZalo(w, group);
    return { ...w, group, eventId: event.id };
  }

  it('from the instance holding the listener: the file, then its caption', async () => {
    const w = await organizerWorld({ fake: { closeEveryMs: 0, uploadDelayMs: 3_000 } });
    w.fake.post({ groupId: w.group, senderId: 'boss', ...w.fake.mentionBot(`/xuat ${w.eventId}`) });
    await w.timers.advance(1_000);
    expect(await deliverZalo(w, w.group)).toEqual([{ chat: w.group, result: 'ok' }]);
    const sent = w.fake.sent.filter((s) => s.groupId === w.group).slice(-2);
    expect(sent[0]!.file).toMatchObject({ fileName: expect.stringMatching(/\.xlsx$/) });
    expect(sent[0]!.file!.size).toBeGreaterThan(1_000);
    expect(sent[1]!.text).toContain('Tập huấn chuyển đổi số');
    expect(sent[1]!.text).not.toContain('registrations.xlsx');
    await w.adapter.stop();
  }, 60_000);

  it('when the upload cannot finish (the socket closed under it): the link, after the timeout', async () => {
    const w = await organizerWorld({
      fake: { closeEveryMs: 0, uploadDelayMs: 3_000 },
      fileTimeoutMs: 20_000,
    });
    w.fake.post({ groupId: w.group, senderId: 'boss', ...w.fake.mentionBot(`/xuat ${w.eventId}`) });
    await w.timers.advance(1_000);
    const started = w.timers.now();
    // The socket closes while the upload waits for file_done: it never comes.
    w.timers.setTimeout(() => w.fake.dropConnection(1006), 1_000);
    expect(await deliverZalo(w, w.group)).toEqual([{ chat: w.group, result: 'ok' }]);
    const last = w.fake.sent.filter((s) => s.groupId === w.group).at(-1)!;
    expect(last.file).toBeUndefined();
    expect(last.text).toMatch(/\/d\/[\w-]+\.[\w-]+/);
    expect(w.timers.now() - started).toBeLessThanOrEqual(25_000);
    expect(w.fake.sent.some((s) => s.groupId === w.group && s.file)).toBe(false);
    await w.adapter.stop();
  }, 60_000);

  it('from an instance that does not hold the listener: the link at once', async () => {
    const w = await organizerWorld({ fake: { closeEveryMs: 0 } });
    w.fake.post({ groupId: w.group, senderId: 'boss', ...w.fake.mentionBot(`/xuat ${w.eventId}`) });
    await w.timers.advance(1_000);
    // Another instance of the same account takes the outbox row: it has no listener.
    const other = createZaloAdapter({
      connector: w.fake,
      sink: { message: async () => 'handled', event: async () => 'handled' },
      log: w.ctx.log,
      db: db.db,
      instanceId: 'no-listener',
      accountKey: 'never-started',
      limits: { minGapMs: 0, jitterMs: 0, dailyCap: 100 },
      timers: w.timers,
    });
    const row = await db.db
      .selectFrom('outbox')
      .select(['payload'])
      .where('chat_external_id', '=', w.group)
      .where('state', '=', 'queued')
      .executeTakeFirstOrThrow();
    const result = await other.sender.send(w.group, row.payload as OutboundMessage);
    expect(result).toMatchObject({ ok: true });
    const last = w.fake.sent.at(-1)!;
    expect(last.file).toBeUndefined();
    expect(last.text).toMatch(/Tập huấn chuyển đổi số[\s\S]*\/d\/[\w-]+\.[\w-]+/);
    await w.adapter.stop();
  }, 60_000);
});

describe('error 123 under a burst', () => {
  it('pauses 30 min, then 60 min; the organizers are told once; nothing reaches Zalo while paused', async () => {
    const w = await world({ fake: { closeEveryMs: 0, burstLimit: 20, burstWindowMs: MIN } });
    const { timers, fake, adapter, ctx } = w;
    await db.db
      .insertInto('chats')
      .values({
        platform: 'telegram',
        external_id: '-100777',
        title: 'Ban tổ chức',
        role: 'organizer',
        unit_id: null,
      })
      .execute();
    await adapter.start();
    await timers.advance(2_000);

    // A careless sender: one message a second, ignoring retry-after (the outbox does honour it).
    const calls: Array<{ at: number; calls: number; result: string; retryAfterMs?: number }> = [];
    const sendOnce = async (i: number) => {
      const r = await adapter.sender.send(`zg-${i % 5}`, { text: `Thông báo số ${i}` });
      calls.push({
        at: timers.now(),
        calls: fake.sendCalls,
        result: r.ok ? 'ok' : r.kind,
        ...(!r.ok && r.kind === 'retry' ? { retryAfterMs: r.retryAfterMs } : {}),
      });
      await timers.advance(1_000);
    };
    for (let i = 0; i < 40; i++) await sendOnce(i);
    const firstPause = calls.find((c) => c.retryAfterMs !== undefined)!;
    expect(firstPause.retryAfterMs).toBe(30 * MIN);
    const callsDuringPause = fake.sendCalls;
    expect(calls.filter((c) => c.result === 'ok')).toHaveLength(20);
    // Nineteen more tries during the pause reached nothing.
    expect(fake.sendCalls).toBe(21);
    expect(fake.throttled).toBe(1);

    await timers.advance(30 * MIN);
    for (let i = 0; i < 40; i++) await sendOnce(100 + i);
    const second = calls.filter(
      (c) => c.retryAfterMs !== undefined && c.at > firstPause.at + 30 * MIN,
    )[0]!;
    expect(second.retryAfterMs).toBe(60 * MIN);
    expect(fake.sendCalls - callsDuringPause).toBe(21);
    expect(adapter.health().pausedUntil).toEqual(new Date(second.at + 60 * MIN).toISOString());

    const notices = await db.db
      .selectFrom('outbox')
      .select(['platform', 'chat_external_id', 'payload'])
      .where('purpose', '=', 'ops')
      .execute();
    console.log(
      JSON.stringify({
        test: 'zalo scenario: error 123',
        sendsAttempted: calls.length,
        requestsReachingZalo: fake.sendCalls,
        throttledByZalo: fake.throttled,
        pausesMs: [firstPause.retryAfterMs, second.retryAfterMs],
        organizerNotices: notices.length,
      }),
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ platform: 'telegram', chat_external_id: '-100777' });
    expect((notices[0]!.payload as { text: string }).text).toMatch(/tạm dừng gửi tin qua Zalo/);
    // Another instance taking over honours the recorded pause.
    expect((await recordedPause(ctx, 'zalo'))?.until.getTime()).toBe(second.at + 60 * MIN);
    await adapter.stop();
  }, 60_000);
});
