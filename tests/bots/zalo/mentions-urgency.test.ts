/**
 * What the core asks of Zalo beyond text: invitations, reminders and chases tag the unit's focal
 * points (the people who answered for it before) so a muted group still notifies them, and an
 * urgent broadcast carries Zalo's urgency. Driven through the core (chat simulator, test
 * database); the outbox rows are what the Zalo adapter will send.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app-context';
import type { OutboundMessage } from '../../../src/core/channel';
import { createAndSend } from '../../../src/core/broadcasts/broadcast';
import { organizerJoinCode } from '../../../src/core/units/repo';
import { chatSim, putUnits } from '../../helpers/chat';
import { testContext } from '../../helpers/context';
import { openTestDb, type TestDb } from '../../helpers/db';

let db: TestDb;
let ctx: AppContext;
const AN = { id: '4001', name: 'Nguyễn Văn An' };

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db);
}, 60_000);
afterAll(() => db.close());

async function rowsTo(chat: string, purpose: string) {
  const rows = await db.db
    .selectFrom('outbox')
    .select(['payload'])
    .where('chat_external_id', '=', chat)
    .where('purpose', '=', purpose)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.payload as OutboundMessage);
}

async function newEvent(title: string): Promise<number> {
  const { createEvent } = await import('../../../src/core/events/manage');
  const now = ctx.clock().getTime();
  return (
    await createEvent(ctx, {
      title,
      startsAt: new Date(now + 10 * 86_400_000),
      registrationDeadline: new Date(now + 5 * 86_400_000),
      units: ['M1'],
      agenda: [],
      remindDayBefore: null,
      remindMorningOf: null,
      remindBeforeSession: null,
    })
  ).id;
}

describe('focal points are tagged on Zalo', () => {
  it('invitations and reminders tag who answered for the unit before; Telegram gets the plain text', async () => {
    const zalo = chatSim(ctx, 'zalo');
    const telegram = chatSim(ctx, 'telegram');
    const codes = await putUnits(ctx, [{ code: 'M1', name: 'Sở Y tế' }]);
    await zalo.say('zm1', `/lienket ${codes['M1']}`, { sender: AN });
    await telegram.say('-100501', `/lienket ${codes['M1']}`);
    await telegram.say('-100599', `/lienket ${await organizerJoinCode(ctx.db)}`);

    await newEvent('Hội nghị thứ nhất');
    // Nobody has answered for the unit yet: nobody to tag.
    expect((await rowsTo('zm1', 'invite')).at(-1)!.mentions).toBeUndefined();

    await zalo.say('zm1', '1. Ông Nguyễn Văn An - PGĐ Sở', {
      sender: AN,
      mentionsBot: true,
    });
    await newEvent('Hội nghị thứ hai');
    const invite = (await rowsTo('zm1', 'invite')).at(-1)!;
    expect(invite.text.startsWith('@Nguyễn Văn An\n')).toBe(true);
    expect(invite.mentions).toEqual([{ userId: '4001', offset: 0, length: 14 }]);
    expect(invite.text.slice(0, 14)).toBe('@Nguyễn Văn An');
    expect((await rowsTo('-100501', 'invite')).at(-1)!.mentions).toBeUndefined();

    // "/nhacnho" in the organizer group: the unit has not answered the second invitation.
    await telegram.say('-100599', '/nhacnho');
    const reminder = (await rowsTo('zm1', 'reminder')).at(-1)!;
    expect(reminder.text).toMatch(/^@Nguyễn Văn An\n/);
    expect(reminder.mentions).toEqual([{ userId: '4001', offset: 0, length: 14 }]);
    expect(reminder.text.length).toBeLessThanOrEqual(2000);
  });
});

describe('urgent broadcasts', () => {
  it('"/thongbao khẩn: …" and the API\'s urgent: true mark the messages urgent', async () => {
    const telegram = chatSim(ctx, 'telegram');
    await telegram.say('-100599', '/thongbao khẩn: Họp khẩn lúc 14h00 hôm nay');
    expect((await telegram.last('-100599')).text).toMatch(/khẩn cấp/);
    await telegram.say('-100599', 'gửi');
    const viaChat = (await rowsTo('zm1', 'broadcast')).at(-1)!;
    expect(viaChat).toMatchObject({ urgent: true });
    expect(viaChat.text).toContain('Họp khẩn lúc 14h00 hôm nay');

    await createAndSend(ctx, 'Thông báo thường', { kind: 'units', units: 'all' });
    expect((await rowsTo('zm1', 'broadcast')).at(-1)!.urgent).toBeUndefined();
    await createAndSend(
      ctx,
      'Thông báo khẩn qua API',
      { kind: 'units', units: 'all' },
      { urgent: true },
    );
    expect((await rowsTo('zm1', 'broadcast')).at(-1)).toMatchObject({ urgent: true });
  });
});
