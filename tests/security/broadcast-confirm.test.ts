/**
 * Finding: any unaddressed "ok"/"gửi" in the organizer group within 30 minutes confirmed someone
 * else's pending broadcast. Replayed through the core as two organizers in one group: only the
 * author's button, the author's own answer, or an explicit reply to the preview sends it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizerJoinCode } from '../../src/core/units/repo';
import { bc } from '../../src/messages/vi';
import { chatSim, putUnits } from '../helpers/chat';
import { testContext } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';

const ORG = '-200100';
const LAN = 'lan';
const BINH = 'binh';

describe('a broadcast is confirmed only by its author or an explicit reply', () => {
  let db: TestDb;
  let ctx: ReturnType<typeof testContext>;
  let chat: ReturnType<typeof chatSim>;

  beforeAll(async () => {
    db = await openTestDb();
    ctx = testContext(db);
    chat = chatSim(ctx);
    const codes = await putUnits(ctx, [{ code: 'YT', name: 'Sở Y tế' }]);
    await chat.say(ORG, `/lienket ${await organizerJoinCode(db.db)}`, { from: LAN });
    await chat.say('-200200', `/lienket ${codes.YT}`);
  });
  afterAll(() => db.close());

  const statuses = async () =>
    (await db.db.selectFrom('broadcasts').select('status').orderBy('id').execute()).map(
      (b) => b.status,
    );
  const unitTexts = async () =>
    (await chat.texts('-200200')).filter((x) => x.includes('THÔNG BÁO'));

  it("another organizer's unaddressed ok/gửi confirms nothing", async () => {
    await chat.say(ORG, '/thongbao Kính gửi các đơn vị: họp lúc 14h00.', { from: LAN });
    expect((await chat.last(ORG)).text).toContain('XEM TRƯỚC');
    for (const word of ['ok', 'gửi', 'Gửi đi', 'đồng ý']) await chat.say(ORG, word, { from: BINH });
    expect(await statuses()).toEqual(['draft']);
    expect(await unitTexts()).toEqual([]);
  });

  it("another organizer's press of the author's button is refused and said so", async () => {
    const preview = await chat.find(ORG, /XEM TRƯỚC/);
    const buttons = (
      await db.db
        .selectFrom('outbox')
        .select('payload')
        .where('platform_message_id', '=', preview)
        .executeTakeFirstOrThrow()
    ).payload as { buttons: Array<Array<{ data: string }>> };
    await chat.say(ORG, '', {
      from: BINH,
      messageId: preview,
      callbackData: buttons.buttons[0]![0]!.data,
    });
    expect(await statuses()).toEqual(['draft']);
    expect((await chat.last(ORG)).text).toBe(bc.onlyAuthorMayPress());
  });

  it('an organizer who replies to the preview itself confirms explicitly', async () => {
    const preview = await chat.find(ORG, /XEM TRƯỚC/);
    // A reply to some other message does not count either.
    const other = await chat.find(ORG, /liên kết nhóm này làm nhóm Ban tổ chức/);
    await chat.say(ORG, 'gửi', { from: BINH, replyToMessageId: other });
    expect(await statuses()).toEqual(['draft']);
    await chat.say(ORG, 'gửi', { from: BINH, replyToMessageId: preview });
    expect(await statuses()).toEqual(['sending']);
    expect(await unitTexts()).toHaveLength(1);
  });

  it("the author's own answer or button confirms their broadcast", async () => {
    await chat.say(ORG, '/thongbao Nhắc lại: họp lúc 14h00.', { from: LAN });
    await chat.say(ORG, 'ok', { from: LAN });
    expect((await statuses())[1]).toBe('sending');
    await chat.say(ORG, '/thongbao Lần ba.', { from: LAN });
    const preview = await chat.find(ORG, /Lần ba/);
    const { buttons } = (
      await db.db
        .selectFrom('outbox')
        .select('payload')
        .where('platform_message_id', '=', preview)
        .executeTakeFirstOrThrow()
    ).payload as { buttons: Array<Array<{ data: string }>> };
    await chat.say(ORG, '', { from: LAN, messageId: preview, callbackData: buttons[0]![0]!.data });
    expect((await statuses())[2]).toBe('sending');
    const audit = await db.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'broadcast.confirmed')
      .execute();
    expect(audit.map((a) => (a.details as { by: string }).by)).toEqual([BINH, LAN, LAN]);
  });
});
