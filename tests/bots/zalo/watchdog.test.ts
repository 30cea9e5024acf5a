/**
 * The zca-js listener's watchdog and its lease, against FakeZcaConnector and a test database
 * (PGlite, or a schema on TEST_DATABASE_URL). Real timers with short settings.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createZaloAdapter,
  type ZaloAdapter,
  type ZaloWatchdogOptions,
} from '../../../bots/zalo/index';
import { FakeZcaConnector } from '../../../bots/zalo/fake-zca';
import type { InboundMessage, InboundSink } from '../../../src/core/channel';
import { leaseHolder } from '../../../src/core/leases/lease';
import type { Logger } from '../../../src/log';
import { openTestDb, type TestDb } from '../../helpers/db';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = 'condition',
): Promise<number> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(5);
  }
  return Date.now() - start;
}

let accountSeq = 0;
function adapter(o: {
  fake: FakeZcaConnector;
  sink?: InboundSink;
  instanceId?: string;
  accountKey?: string;
  log?: Logger;
  watchdog?: ZaloWatchdogOptions;
}): ZaloAdapter {
  return createZaloAdapter({
    connector: o.fake,
    sink: o.sink ?? new Sink(),
    log: o.log ?? recordingLog().log,
    db: db.db,
    instanceId: o.instanceId ?? 'solo',
    accountKey: o.accountKey ?? `acct${++accountSeq}`,
    limits: { minGapMs: 0, jitterMs: 0, dailyCap: 100 },
    watchdog: {
      leaseMs: 3000,
      reloginBackoffMs: [10, 20, 40],
      duplicateBackoffMs: 600,
      ...o.watchdog,
    },
  });
}

describe('zalo watchdog', () => {
  it('re-logs in after every drop and hands each message to the sink exactly once', async () => {
    const fake = new FakeZcaConnector({ queueWhileDisconnected: true });
    const sink = new Sink();
    const a = adapter({ fake, sink });
    await a.start();
    try {
      await until(() => fake.listening, 2000, 'first listener');
      const delivered: string[] = [];
      const dropper = setInterval(() => fake.dropConnection(1006, 'abnormal closure'), 200);
      const until2s = Date.now() + 2000;
      let i = 0;
      while (Date.now() < until2s) {
        const m = fake.deliver({ groupId: `g${i % 3}`, text: `tin ${i}` });
        if (m) delivered.push(m.msgId);
        i++;
        await sleep(7);
      }
      clearInterval(dropper);
      expect(delivered.length).toBe(i);
      await until(
        () => sink.messages.length >= delivered.length && fake.pendingCount === 0,
        5000,
        'all messages handled',
      );
      await sleep(50);
      const keys = sink.messages.map((m) => m.updateKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.sort()).toEqual([...delivered].sort());
      // Order within a group is kept.
      for (const g of ['g0', 'g1', 'g2']) {
        const got = sink.messages.filter((m) => m.chat.id === g).map((m) => m.updateKey);
        expect(got).toEqual(delivered.filter((id) => got.includes(id)));
      }
      const health = a.health();
      expect(health.reconnects).toBeGreaterThanOrEqual(5);
      expect(health.lastCloseCode).toBe(1006);
      expect(fake.loginCount).toBe((health.reconnects as number) + 1);
    } finally {
      await a.stop();
    }
  });

  it('backs off long on close code 3000 (another web session) and warns', async () => {
    const fake = new FakeZcaConnector();
    const { log, lines } = recordingLog();
    const a = adapter({ fake, log, watchdog: { duplicateBackoffMs: 600 } });
    await a.start();
    try {
      await until(() => fake.listening, 2000, 'first listener');
      // An ordinary drop comes back within the short backoff…
      fake.dropConnection(1006);
      expect(await until(() => fake.listening, 1000, 'reconnect after 1006')).toBeLessThan(300);
      const logins = fake.loginCount;
      // …code 3000 waits for duplicateBackoffMs.
      const closedAt = Date.now();
      fake.dropConnection(3000, 'duplicate connection');
      await sleep(300);
      expect(fake.listening).toBe(false);
      expect(fake.loginCount).toBe(logins);
      expect(a.health()).toMatchObject({ lastCloseCode: 3000, connectedSince: null, holder: true });
      expect(
        lines.some((l) => l.level === 'warn' && (l.obj as { code?: number }).code === 3000),
      ).toBe(true);
      await until(() => fake.listening, 2000, 'reconnect after 3000');
      expect(Date.now() - closedAt).toBeGreaterThanOrEqual(550);
    } finally {
      await a.stop();
    }
  });

  it('never tight-loops when logins keep failing, and errors do not crash it', async () => {
    const fake = new FakeZcaConnector({ failLogins: 1000 });
    const a = adapter({ fake, watchdog: { reloginBackoffMs: [50, 100, 200] } });
    await a.start();
    try {
      await sleep(700);
      // 0 + 50 + 100 + 200 + 200 ≈ 550 ms of waits: about five attempts, never dozens.
      expect(fake.loginCount).toBeGreaterThanOrEqual(3);
      expect(fake.loginCount).toBeLessThanOrEqual(6);
      fake.failNextLogins(0);
      await until(() => fake.listening, 1000, 'listener after logins recover');
      fake.emitError(new Error('socket hiccup'));
      expect(fake.listening).toBe(true);
    } finally {
      await a.stop();
    }
  });
});

describe('zalo listener lease', () => {
  const watchdog = { leaseMs: 600, reloginBackoffMs: [10] };

  it('lets one instance listen; the other takes over within the lease after the holder dies', async () => {
    const accountKey = 'shared-account';
    const fakeA = new FakeZcaConnector();
    const fakeB = new FakeZcaConnector({ queueWhileDisconnected: true });
    const sinkB = new Sink();
    const a = adapter({ fake: fakeA, instanceId: 'instance-a', accountKey, watchdog });
    const b = adapter({ fake: fakeB, sink: sinkB, instanceId: 'instance-b', accountKey, watchdog });
    await a.start();
    await until(() => fakeA.listening, 2000, 'A listening');
    await b.start();
    try {
      await sleep(700); // more than a lease: B kept trying and kept failing
      expect([fakeA.listening, fakeB.listening]).toEqual([true, false]);
      expect(a.health().holder).toBe(true);
      expect(b.health().holder).toBe(false);
      expect(await leaseHolder(db.db, `zalo:listener:${accountKey}`, new Date())).toBe(
        'instance-a',
      );
      expect(fakeB.loginCount).toBe(0);

      // A dies: its timers stop, its lease is not released.
      await a.halt();
      const tookOver = await until(() => fakeB.listening, 2000, 'B takes over');
      expect(tookOver).toBeLessThanOrEqual(600 + 200 + 300); // lease + one retry period + slack
      expect(b.health().holder).toBe(true);
      fakeB.deliver({ groupId: 'g', text: 'sau khi chuyển' });
      await until(() => sinkB.messages.length === 1, 1000, 'B delivers');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('a graceful stop hands the listener over at once; losing the lease stops listening', async () => {
    const accountKey = 'graceful';
    const fakeA = new FakeZcaConnector();
    const fakeB = new FakeZcaConnector();
    const a = adapter({ fake: fakeA, instanceId: 'instance-a', accountKey, watchdog });
    const b = adapter({ fake: fakeB, instanceId: 'instance-b', accountKey, watchdog });
    await a.start();
    await b.start();
    try {
      await until(() => fakeA.listening, 2000, 'A listening');
      await a.stop();
      expect(await until(() => fakeB.listening, 2000, 'B takes over')).toBeLessThanOrEqual(
        200 + 150,
      );

      // Someone else holds the lease now (e.g. B's clock went wrong and another instance took it).
      await sql`UPDATE leases SET holder = 'instance-c', expires_at = ${new Date(Date.now() + 60_000)} WHERE name = ${`zalo:listener:${accountKey}`}`.execute(
        db.db,
      );
      await until(() => !fakeB.listening, 1000, 'B stops listening');
      expect(b.health()).toMatchObject({ holder: false, connectedSince: null });
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
