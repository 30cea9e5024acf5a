/**
 * The zca-js listener's watchdog, session keeping and lease, against tests/fakes/zca.ts and a
 * test database (PGlite, or a schema on TEST_DATABASE_URL), on manual time: hours pass in
 * milliseconds and every figure below is counted, not slept for.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createZaloAdapter,
  type ZaloAdapter,
  type ZaloOpsPort,
  type ZaloWatchdogOptions,
} from '../../../bots/zalo/index';
import type { InboundMessage, InboundSink } from '../../../src/core/channel';
import { leaseHolder } from '../../../src/core/leases/lease';
import type { Db } from '../../../src/db/types';
import type { Logger } from '../../../src/log';
import { FakeZca } from '../../fakes/zca';
import { severableDb } from '../../helpers/crash';
import { openTestDb, type TestDb } from '../../helpers/db';
import { ManualTimers, settleIo } from '../../helpers/timers';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
}, 60_000);
afterAll(() => db.close());

const MIN = 60_000;
const HOUR = 60 * MIN;

class Sink implements InboundSink {
  readonly messages: InboundMessage[] = [];
  async message(msg: InboundMessage) {
    this.messages.push(msg);
    return 'handled' as const;
  }
  async event() {
    return 'handled' as const;
  }
}

/** A Logger that keeps what was logged (only the methods the adapter calls). */
function recordingLog() {
  const lines: Array<{ level: string; obj: unknown; msg: string }> = [];
  const at = (level: string) => (obj: unknown, msg?: string) => {
    lines.push({ level, obj, msg: msg ?? '' });
  };
  const log = {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
  } as unknown as Logger;
  return { log, lines };
}

/** An ops port that only records what the organizers would be told. */
function recordingOps() {
  const events: string[] = [];
  const port: ZaloOpsPort = {
    async raise(a) {
      events.push(`raise:${a.kind}`);
    },
    async clear(kind) {
      events.push(`clear:${kind}`);
    },
  };
  return { port, events };
}

let accountSeq = 0;
function adapter(o: {
  fake: FakeZca;
  timers: ManualTimers;
  sink?: InboundSink;
  instanceId?: string;
  accountKey?: string;
  log?: Logger;
  ops?: ZaloOpsPort;
  db?: Db;
  watchdog?: ZaloWatchdogOptions;
}): ZaloAdapter {
  return createZaloAdapter({
    connector: o.fake,
    sink: o.sink ?? new Sink(),
    log: o.log ?? recordingLog().log,
    db: o.db ?? db.db,
    instanceId: o.instanceId ?? 'solo',
    accountKey: o.accountKey ?? `acct${++accountSeq}`,
    limits: { minGapMs: 0, jitterMs: 0, dailyCap: 100 },
    timers: o.timers,
    ...(o.ops ? { ops: o.ops } : {}),
    ...(o.watchdog ? { watchdog: o.watchdog } : {}),
  });
}

function world(fakeOpts: ConstructorParameters<typeof FakeZca>[0] = {}) {
  const adapters: ZaloAdapter[] = [];
  const timers = new ManualTimers(Date.parse('2026-03-02T01:00:00Z'), async () => {
    await settleIo();
    for (const a of adapters) await a.idle();
  });
  const fake = new FakeZca({ timers, ...fakeOpts });
  return { timers, fake, adapters };
}

describe('zalo watchdog', () => {
  it('restarts the listener on the same session after each 1006: two hours of closes, one login', async () => {
    const { timers, fake, adapters } = world();
    const sink = new Sink();
    const a = adapter({ fake, timers, sink });
    adapters.push(a);
    await a.start();
    try {
      await timers.advance(1_000);
      expect(fake.listening).toBe(true);
      const delivered: string[] = [];
      for (let minute = 0; minute < 120; minute++) {
        await timers.advance(30_000);
        delivered.push(fake.post({ groupId: `g${minute % 3}`, text: `tin ${minute}` }).msgId);
        await timers.advance(30_000);
      }
      expect(fake.loginCount).toBe(1);
      expect(fake.closesByServer).toBeGreaterThanOrEqual(115);
      expect(fake.listenerStarts).toBe(fake.closesByServer + 1);
      expect(a.health()).toMatchObject({
        logins: 1,
        session: 'ok',
        lastCloseCode: 1006,
        listening: true,
      });
      // What reached a connected socket was handed over once, in order (with no linked group
      // there is no history to fetch: the scenario tests cover the gaps).
      const got = sink.messages.map((m) => m.updateKey);
      expect(got).toHaveLength(fake.livePushed);
      expect(got).toEqual(delivered.filter((id) => got.includes(id)));
      expect(fake.livePushed).toBeGreaterThanOrEqual(110);
    } finally {
      await a.stop();
    }
  });

  it('backs off ten minutes on close code 3000 (another web session) and warns', async () => {
    const { timers, fake, adapters } = world({ closeEveryMs: 0 });
    const { log, lines } = recordingLog();
    const a = adapter({ fake, timers, log });
    adapters.push(a);
    await a.start();
    try {
      await timers.advance(1_000);
      fake.dropConnection(1006);
      await timers.advance(3_000);
      expect(fake.listening).toBe(true);
      fake.dropConnection(3000, 'duplicate connection');
      await timers.advance(9 * MIN);
      expect(fake.listening).toBe(false);
      expect(a.health()).toMatchObject({ lastCloseCode: 3000, connectedSince: null, holder: true });
      expect(
        lines.some((l) => l.level === 'warn' && (l.obj as { code?: number }).code === 3000),
      ).toBe(true);
      await timers.advance(2 * MIN);
      expect(fake.listening).toBe(true);
      expect(fake.loginCount).toBe(1);
    } finally {
      await a.stop();
    }
  });

  it('never tight-loops when logins fail, and a listener error does not stop it', async () => {
    const { timers, fake, adapters } = world({ failLogins: 1000 });
    const a = adapter({ fake, timers });
    adapters.push(a);
    await a.start();
    try {
      await timers.advance(HOUR);
      // 0, 5 s, 30 s, 2 min, 10 min, then every 30 min: a handful in an hour, never dozens.
      expect(fake.loginCount).toBeGreaterThanOrEqual(4);
      expect(fake.loginCount).toBeLessThanOrEqual(7);
      fake.failNextLogins(0);
      await timers.advance(31 * MIN);
      expect(fake.listening).toBe(true);
      fake.emitError(new Error('socket hiccup'));
      expect(fake.listening).toBe(true);
    } finally {
      await a.stop();
    }
  });

  it('a refused session: asks Zalo, one login, tells the organizers once, waits for a new QR login', async () => {
    const { timers, fake, adapters } = world();
    const ops = recordingOps();
    const a = adapter({ fake, timers, ops: ops.port });
    adapters.push(a);
    await a.start();
    try {
      await timers.advance(5 * MIN);
      expect(fake.loginCount).toBe(1);
      fake.refuseSession();
      await timers.advance(12 * HOUR);
      // The probe said invalid → one login (refused); after that only every 6 h.
      expect(fake.loginCount).toBeLessThanOrEqual(4);
      expect(a.health()).toMatchObject({ session: 'needs-login', listening: false });
      expect(ops.events).toEqual(['raise:login-needed']);
      // Sending does not log in again either; it waits.
      expect(await a.sender.send('g1', { text: 'x' })).toMatchObject({
        ok: false,
        kind: 'retry',
        retryAfterMs: 10 * MIN,
      });
      const before = fake.loginCount;
      fake.renewCredentials();
      await timers.advance(2 * MIN);
      expect(fake.loginCount).toBe(before + 1);
      expect(fake.listening).toBe(true);
      expect(a.health()).toMatchObject({ session: 'ok' });
      expect(ops.events).toEqual(['raise:login-needed', 'clear:login-needed']);
    } finally {
      await a.stop();
    }
  });
});

describe('zalo listener lease', () => {
  it('one instance listens; a crashed holder is replaced within the lease', async () => {
    const accountKey = 'shared-account';
    const { timers, adapters } = world();
    const fakeA = new FakeZca({ timers });
    const fakeB = new FakeZca({ timers });
    const sinkB = new Sink();
    const cut = severableDb(db.db);
    const a = adapter({ fake: fakeA, timers, instanceId: 'instance-a', accountKey, db: cut.db });
    const b = adapter({ fake: fakeB, timers, sink: sinkB, instanceId: 'instance-b', accountKey });
    adapters.push(a, b);
    await a.start();
    await timers.advance(1_000);
    await b.start();
    try {
      await timers.advance(2 * MIN);
      expect([fakeA.listening, fakeB.listening]).toEqual([true, false]);
      expect(a.health().holder).toBe(true);
      expect(b.health().holder).toBe(false);
      expect(await leaseHolder(db.db, `zalo:listener:${accountKey}`, new Date(timers.now()))).toBe(
        'instance-a',
      );
      expect(fakeB.loginCount).toBe(0);

      // A dies: its database connection is gone, its lease is not released.
      cut.sever();
      await a.stop();
      const diedAt = timers.now();
      while (!fakeB.listening && timers.now() - diedAt < 5 * MIN) await timers.advance(1_000);
      const tookOver = timers.now() - diedAt;
      expect(tookOver).toBeLessThanOrEqual(45_000 + 15_000 + 2_000); // lease + one renewal period
      expect(b.health().holder).toBe(true);
      fakeB.post({ groupId: 'g', text: 'sau khi chuyển' });
      await timers.advance(100);
      expect(sinkB.messages.map((m) => m.text)).toEqual(['sau khi chuyển']);
    } finally {
      await b.stop();
    }
  });

  it('a graceful stop hands the listener over at once; losing the lease stops listening', async () => {
    const accountKey = 'graceful';
    const { timers, adapters } = world({ closeEveryMs: 0 });
    const fakeA = new FakeZca({ timers });
    const fakeB = new FakeZca({ timers });
    const a = adapter({ fake: fakeA, timers, instanceId: 'instance-a', accountKey });
    const b = adapter({ fake: fakeB, timers, instanceId: 'instance-b', accountKey });
    adapters.push(a, b);
    await a.start();
    await b.start();
    try {
      await timers.advance(1_000);
      expect(fakeA.listening).toBe(true);
      await a.stop();
      const stoppedAt = timers.now();
      while (!fakeB.listening) await timers.advance(1_000);
      expect(timers.now() - stoppedAt).toBeLessThanOrEqual(15_000 + 1_000);

      // Someone else holds the lease now (e.g. B's clock went wrong and another instance took it).
      await sql`UPDATE leases SET holder = 'instance-c', expires_at = ${new Date(timers.now() + HOUR)} WHERE name = ${`zalo:listener:${accountKey}`}`.execute(
        db.db,
      );
      await timers.advance(16_000);
      expect(fakeB.listening).toBe(false);
      expect(b.health()).toMatchObject({ holder: false, connectedSince: null });
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
