/**
 * Turn.defer: writes wait to ride with the turn's next statement, but a second write under a
 * waiting name (the same row again) must see the first, so what waits is sent before it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Turn } from '../../../src/core/inbound/turn';
import type { Chat } from '../../../src/db/schema';
import { testContext } from '../../helpers/context';
import { openTestDb, recordingStatements, type TestDb } from '../../helpers/db';

let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.close();
});

async function inTurn(
  fn: (turn: Turn) => Promise<void>,
  seen?: (sql: string) => void,
): Promise<void> {
  const ctx = testContext(seen ? { ...db, db: recordingStatements(db.db, seen) } : db);
  await ctx.db.transaction().execute(async (trx) => {
    const msg = {
      platform: 'telegram' as const,
      updateKey: 'defer-test',
      chat: { id: 'g-1', type: 'group' as const },
      sender: { id: 'u-1', name: 'Người thử' },
      text: '',
    };
    const turn = new Turn(ctx, trx, msg, { id: 0 } as Chat, null, 0, null);
    await fn(turn);
    await turn.flush();
  });
}

const rows = (actor: string) =>
  db.db.selectFrom('audit_log').select('action').where('actor', '=', actor).execute();

it('writes nothing until flushed, then everything waiting in one statement', async () => {
  await inTurn(async (turn) => {
    await turn.defer(
      'one',
      sql`INSERT INTO audit_log (actor, action, details) VALUES ('defer-a', 'one', '{}')`,
    );
    await turn.defer(
      'two',
      sql`INSERT INTO audit_log (actor, action, details) VALUES ('defer-a', 'two', '{}')`,
    );
    expect(
      await turn.trx.selectFrom('audit_log').select('id').where('actor', '=', 'defer-a').execute(),
    ).toHaveLength(0);
  });
  expect((await rows('defer-a')).map((r) => r.action).sort()).toEqual(['one', 'two']);
});

it('sends what waits before a second write under the same name, so the second sees the first', async () => {
  await inTurn(async (turn) => {
    await turn.defer(
      'same',
      sql`INSERT INTO audit_log (actor, action, details) VALUES ('defer-b', 'first', '{}')`,
    );
    await turn.defer('same', sql`UPDATE audit_log SET action = 'second' WHERE actor = 'defer-b'`);
  });
  // In one statement the update would not have seen the inserted row.
  expect((await rows('defer-b')).map((r) => r.action)).toEqual(['second']);
});

it('sends the same statement text whichever rows it writes, so its prepared plan is reused', async () => {
  const texts: string[] = [];
  for (const actor of ['defer-c1', 'defer-c2'])
    await inTurn(
      async (turn) => {
        await turn.defer(
          `${actor}_first`,
          sql`INSERT INTO audit_log (actor, action, details) VALUES (${actor}, 'first', '{}')`,
        );
        await turn.defer(
          `${actor}_second`,
          sql`INSERT INTO audit_log (actor, action, details) VALUES (${actor}, 'second', '{}')`,
        );
      },
      (sql) => texts.push(sql),
    );
  const written = texts.filter((t) => t.includes('audit_log'));
  expect(written).toHaveLength(2);
  expect(written[0]).toBe(written[1]);
  expect((await rows('defer-c2')).map((r) => r.action).sort()).toEqual(['first', 'second']);
});
