/**
 * The one lease-renewal loop (src/core/leases/keeper.ts): acquire, renew every ttl/3, report
 * gains and losses, release on stop. Manual time, real database.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLeaseKeeper } from '../../../src/core/leases/keeper';
import { leaseHolder } from '../../../src/core/leases/lease';
import { severableDb } from '../../helpers/crash';
import { openTestDb, type TestDb } from '../../helpers/db';
import { ManualTimers } from '../../helpers/timers';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
}, 60_000);
afterAll(() => db.close());

describe('lease keeper', () => {
  it('one holder at a time; renews every ttl/3; the other takes over after a crash, at once after a stop', async () => {
    const timers = new ManualTimers();
    const events: string[] = [];
    const cut = severableDb(db.db);
    const keeper = (holder: string, d = db.db) =>
      createLeaseKeeper({
        db: d,
        name: 'test:lease',
        holder,
        ttlMs: 30_000,
        timers,
        onGained: () => events.push(`${holder}+`),
        onLost: () => events.push(`${holder}-`),
      });
    const a = keeper('a', cut.db);
    const b = keeper('b');
    await a.start();
    await b.start();
    const settle = async () => {
      await a.settled();
      await b.settled();
    };
    expect([a.held, b.held]).toEqual([true, false]);
    await timers.advance(5 * 60_000, settle);
    // Renewed all along: b never got it.
    expect(events).toEqual(['a+']);
    expect(await leaseHolder(db.db, 'test:lease', new Date(timers.now()))).toBe('a');

    // a crashes: nothing renews or releases its lease; b takes it once it has expired.
    cut.sever();
    const crashedAt = timers.now();
    while (!b.held) await timers.advance(1_000, settle);
    expect(timers.now() - crashedAt).toBeLessThanOrEqual(30_000 + 10_000);
    // a cannot renew either: a whole ttl without a renewal, it knows it lost (before b gains).
    expect(a.held).toBe(false);
    expect(events).toEqual(['a+', 'a-', 'b+']);
    await a.stop();

    // A graceful stop releases: a newcomer gets it on its first try.
    await b.stop();
    expect(await leaseHolder(db.db, 'test:lease', new Date(timers.now()))).toBeNull();
    const c = keeper('c');
    await c.start();
    expect(c.held).toBe(true);

    // Someone else takes it (a wrong clock elsewhere): the next renewal reports the loss.
    await sql`UPDATE leases SET holder = 'd', expires_at = ${new Date(timers.now() + 3_600_000)} WHERE name = 'test:lease'`.execute(
      db.db,
    );
    await timers.advance(11_000, () => c.settled());
    expect(c.held).toBe(false);
    expect(events.at(-1)).toBe('c-');
    await c.stop();
    expect(await leaseHolder(db.db, 'test:lease', new Date(timers.now()))).toBe('d');
  });
});
