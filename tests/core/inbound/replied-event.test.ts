/**
 * A reply to an invitation reads its event and the unit's registration in the statement that
 * claims the update (as JSON), instead of asking again. What that read gives the handler must be
 * exactly what the handler's own query would, and the event row what Kysely reads (dates as
 * Dates), with the same registration and people in order. Taken once: a second ask in the turn
 * reads afresh.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEvent } from '../../../src/core/events/manage';
import { getEvent } from '../../../src/core/events/repo';
import {
  eventWithRegistrations,
  repliedEventSql,
  type EventJson,
} from '../../../src/core/events/registering';
import type { Turn } from '../../../src/core/inbound/turn';
import { chatSim, linkGroups, putUnits } from '../../helpers/chat';
import { TestClock, testContext } from '../../helpers/context';
import { openTestDb, type TestDb } from '../../helpers/db';

let db: TestDb;
let eventId: number;
let unitId: number;

beforeAll(async () => {
  db = await openTestDb();
  const ctx = testContext(db, new TestClock(new Date('2024-10-01T02:00:00Z')));
  const chat = chatSim(ctx);
  const codes = await putUnits(ctx, [{ code: 'YT', name: 'Sở Y tế', category: 'Sở' }]);
  await linkGroups(chat, codes, { 'g-yt': 'YT' });
  eventId = (
    await createEvent(ctx, {
      title: 'Tập huấn chuyển đổi số',
      startsAt: new Date('2024-10-20T00:30:00Z'),
      endsAt: new Date('2024-10-20T09:00:00Z'),
      venue: 'Hội trường UBND tỉnh',
      registrationDeadline: new Date('2024-10-15T10:00:00Z'),
      units: ['YT'],
      agenda: [],
    })
  ).id;
  await chat.deliverAll();
  const invitation = await chat.find('g-yt', /Tập huấn chuyển đổi số/);
  await chat.say('g-yt', '1. Ông Nguyễn Văn An - Phó Giám đốc\n2. Bà Trần Thị Bình - Chuyên viên', {
    replyToMessageId: invitation,
  });
  unitId = (
    await db.db.selectFrom('units').select('id').where('code', '=', 'YT').executeTakeFirstOrThrow()
  ).id;
});

afterAll(async () => {
  await db.close();
});

it('gives the handler the same event and registration as its own query, then reads afresh', async () => {
  await db.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ pre: EventJson | null }>`SELECT ${repliedEventSql(
      sql`${`event:${eventId}`}::text`,
      sql`${unitId}::int`,
    )} AS pre`.execute(trx);
    const pre = rows[0]!.pre;
    expect(pre).not.toBeNull();
    const turn = {
      trx,
      unit: { id: unitId },
      arrival: { replied: { ref: `event:${eventId}` }, prompt: null, repliedEvent: pre },
    } as unknown as Turn;
    const fromClaim = await eventWithRegistrations(turn, eventId, [unitId]);
    expect(turn.arrival.repliedEvent).toBeNull();
    const fromQuery = await eventWithRegistrations(turn, eventId, [unitId]);
    expect(fromClaim).toEqual(fromQuery);
    // Both come back as JSON: the row as Kysely reads it (Dates from the driver) is the judge.
    expect(fromClaim!.event).toEqual(await getEvent(trx, eventId));
    expect(fromClaim!.event.starts_at).toBeInstanceOf(Date);
    expect(fromClaim!.registrations.get(unitId)!.attendees!.map((a) => a.name)).toEqual([
      'Nguyễn Văn An',
      'Trần Thị Bình',
    ]);
  });
});

it('reads nothing for a reference that is not an event', async () => {
  const { rows } = await sql<{ pre: unknown; other: unknown }>`SELECT ${repliedEventSql(
    sql`${'event:abc'}::text`,
    sql`${unitId}::int`,
  )} AS pre, ${repliedEventSql(sql`${'campaign:3'}::text`, sql`${unitId}::int`)} AS other`.execute(
    db.db,
  );
  expect(rows[0]).toEqual({ pre: null, other: null });
});
