/**
 * Conversations people trust, through the real core and outbox: what a message changes is what
 * it says, every confirmation says what changed, nothing is registered or reported that was not
 * said, and a district speaks for its communes by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../src/core/events/manage';
import { listRegistrations } from '../../src/core/events/repo';
import { createCampaign } from '../../src/core/reports/manage';
import { organizerJoinCode } from '../../src/core/units/repo';
import { registrationSheet } from '../../src/core/events/export';
import { buildRegistrationsCsv } from '../../src/export/registrations';
import { chatSim, linkGroups, putUnits } from '../helpers/chat';
import { TestClock, testContext } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';

let db: TestDb;
let ctx: ReturnType<typeof testContext>;
let chat: ReturnType<typeof chatSim>;
const clock = new TestClock(new Date('2024-10-01T02:00:00Z'));
let event1: number;
let event2: number;

const last = async (g: string) => (await chat.texts(g)).at(-1) ?? '';
async function reg(eventId: number, code: string) {
  const rows = await listRegistrations(db.db, eventId);
  return rows.find((r) => r.unit.code === code)!;
}

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db, clock);
  chat = chatSim(ctx);
  const codes = await putUnits(ctx, [
    { code: 'YT', name: 'Sở Y tế', category: 'Sở' },
    { code: 'GD', name: 'Sở Giáo dục và Đào tạo', category: 'Sở' },
    { code: 'H', name: 'UBND huyện Tân Phú', category: 'Huyện' },
    { code: 'X1', name: 'UBND xã Tân Phú', parent: 'H', category: 'Xã' },
    { code: 'X2', name: 'UBND xã Tân Hòa', parent: 'H', category: 'Xã' },
    { code: 'X3', name: 'UBND xã Tân Lợi', parent: 'H', category: 'Xã' },
    { code: 'H2', name: 'UBND huyện Châu Thành', category: 'Huyện' },
    { code: 'Y1', name: 'UBND xã Mỹ An', parent: 'H2', category: 'Xã' },
  ]);
  await chat.say('g-org', `/lienket ${await organizerJoinCode(db.db)}`);
  await linkGroups(chat, codes, { 'g-yt': 'YT', 'g-gd': 'GD', 'g-h': 'H', 'g-x1': 'X1' });
  event1 = (
    await createEvent(ctx, {
      title: 'Tập huấn chuyển đổi số',
      startsAt: new Date('2024-10-20T00:30:00Z'),
      registrationDeadline: new Date('2024-10-15T10:00:00Z'),
      units: ['YT', 'GD', 'H', 'X1', 'X2', 'X3'],
      agenda: [],
    })
  ).id;
  await createCampaign(ctx, {
    title: 'Báo cáo kết quả chuyển đổi số quý III/2024',
    deadline: new Date('2024-10-10T17:00:00Z'),
    units: ['YT', 'X2', 'X3'],
  });
  await chat.deliverAll();
});
afterAll(() => db.close());

describe('registrations people can fix safely', () => {
  it('a list with a stated count that disagrees keeps what is listed and says so', async () => {
    const inv = await chat.find('g-yt', /THƯ MỜI/);
    await chat.say(
      'g-yt',
      'Sở Y tế cử 02 đồng chí:\n1. Ông Nguyễn Văn An - Phó Giám đốc Sở\n2. Bà Lê Thị Bình - Trưởng phòng Nghiệp vụ Y\n3. Ông Phạm Minh Cường - Chuyên viên',
      { replyToMessageId: inv },
    );
    expect((await reg(event1, 'YT')).attendees.map((a) => a.name)).toEqual([
      'Nguyễn Văn An',
      'Lê Thị Bình',
      'Phạm Minh Cường',
    ]);
    expect(await last('g-yt')).toMatch(/ghi cử 2 người nhưng danh sách có 3 người/);
  });

  it('"bổ sung" adds and the confirmation names who was added and the whole list', async () => {
    await chat.say('g-yt', '/dangky bổ sung: Bà Ngô Thị Hạnh - Chuyên viên phòng Kế hoạch');
    const names = (await reg(event1, 'YT')).attendees.map((a) => a.name);
    expect(names).toEqual(['Nguyễn Văn An', 'Lê Thị Bình', 'Phạm Minh Cường', 'Ngô Thị Hạnh']);
    const reply = await last('g-yt');
    expect(reply).toMatch(/thêm Ngô Thị Hạnh/);
    expect(reply).toMatch(/Danh sách hiện tại \(4 người\)/);
    expect(reply).toContain('1. Nguyễn Văn An');
  });

  it('/huy <tên> removes that one person and says so; the unit is still registered', async () => {
    await chat.say('g-yt', '/huy Phạm Minh Cường');
    const r = await reg(event1, 'YT');
    expect(r.status).toBe('registered');
    expect(r.attendees.map((a) => a.name)).not.toContain('Phạm Minh Cường');
    expect(await last('g-yt')).toMatch(/bỏ Phạm Minh Cường/);
  });

  it('/huy alone asks first; the confirmed withdrawal is "withdrawn", never "declined"', async () => {
    await chat.say('g-yt', '/huy');
    expect((await reg(event1, 'YT')).status).toBe('registered');
    const q = await chat.last('g-yt');
    expect(q.text).toMatch(/Rút toàn bộ đăng ký của Sở Y tế/);
    await chat.say('g-yt', 'có');
    const r = await reg(event1, 'YT');
    expect(r.status).toBe('withdrawn');
    expect(r.attendees).toEqual([]);
    await chat.say('g-yt', '/danhsach');
    expect(await last('g-yt')).toMatch(/đã rút đăng ký/);
    expect(await last('g-yt')).not.toMatch(/không cử người/);
    const csv = buildRegistrationsCsv(
      registrationSheet(
        await db.db
          .selectFrom('events')
          .selectAll()
          .where('id', '=', event1)
          .executeTakeFirstOrThrow(),
        await listRegistrations(db.db, event1),
        ctx.timezone,
      ),
    );
    expect(csv).toMatch(/Sở Y tế,[^,\n]*,Đã rút đăng ký/);
  });

  it('a decline keeps its reason, shows it and exports it', async () => {
    const inv = await chat.find('g-gd', /THƯ MỜI/);
    await chat.say(
      'g-gd',
      'Sở Giáo dục xin phép không cử người tham dự do trùng lịch kiểm tra thi',
      {
        replyToMessageId: inv,
      },
    );
    const r = await reg(event1, 'GD');
    expect(r.status).toBe('declined');
    expect(r.declineReason).toMatch(/trùng lịch/);
    expect(await last('g-gd')).toMatch(/lý do: .*trùng lịch/);
  });
});

describe('messages not addressed to the bot', () => {
  it('chatter is left alone; an unmistakable list answers the invitation still waiting', async () => {
    const before = (await chat.texts('g-x1')).length;
    await chat.say('g-x1', 'dạ em gửi ạ');
    await chat.say('g-x1', 'Anh Nguyễn Văn Tâm nhắn em gửi lại file nhé');
    expect((await chat.texts('g-x1')).length).toBe(before);
    expect((await reg(event1, 'X1')).status).toBe('pending');
    await chat.say(
      'g-x1',
      'UBND xã Tân Phú đăng ký:\n1. Ông Trần Văn Dũng - Chủ tịch UBND xã\n2. Bà Võ Thị Hoa - Công chức Văn hóa - Xã hội',
    );
    const r = await reg(event1, 'X1');
    expect(r.status).toBe('registered');
    expect(r.attendees.map((a) => a.name)).toEqual(['Trần Văn Dũng', 'Võ Thị Hoa']);
    expect(await last('g-x1')).toMatch(/Đã ghi nhận 2 người của UBND xã Tân Phú/);
  });

  it('with two open invitations, the bot asks which one and a number answers', async () => {
    event2 = (
      await createEvent(ctx, {
        title: 'Hội nghị sơ kết',
        startsAt: new Date('2024-10-25T01:00:00Z'),
        registrationDeadline: new Date('2024-10-22T10:00:00Z'),
        units: ['X1'],
        agenda: [],
      })
    ).id;
    await chat.deliverAll();
    await chat.say('g-x1', '/dangky 1. Ông Lâm Văn Tư - Phó Chủ tịch UBND xã');
    expect(await last('g-x1')).toMatch(/Tin vừa gửi dành cho sự kiện nào\?/);
    await chat.say('g-x1', '2');
    expect((await reg(event2, 'X1')).attendees.map((a) => a.name)).toEqual(['Lâm Văn Tư']);
    expect((await reg(event1, 'X1')).attendees).toHaveLength(2);
  });
});

describe('a district acting for its communes', () => {
  it('registers for a commune under its name, keeping who acted from where', async () => {
    await chat.say('g-h', '@dieuphoi_bot Xã Tân Hòa:\n1. Ông Nguyễn Văn Nam - Chủ tịch UBND xã', {
      mentionsBot: true,
    });
    const r = await reg(event1, 'X2');
    expect(r.status).toBe('registered');
    expect(r.attendees.map((a) => a.name)).toEqual(['Nguyễn Văn Nam']);
    const row = await db.db
      .selectFrom('registrations as r')
      .innerJoin('units as u', 'u.id', 'r.unit_id')
      .innerJoin('units as a', 'a.id', 'r.acting_unit_id')
      .select(['a.code as acting', 'r.acted_from_chat_id'])
      .where('u.code', '=', 'X2')
      .where('r.event_id', '=', event1)
      .executeTakeFirstOrThrow();
    expect(row.acting).toBe('H');
    expect(row.acted_from_chat_id).not.toBeNull();
    expect(await last('g-h')).toMatch(/UBND xã Tân Hòa.*đăng ký thay/);
  });

  it('a list headed by another unit\'s name ("Sở Y tế:") is refused, not taken as its own', async () => {
    const before = (await listRegistrations(db.db, event1)).map((r) => r.attendees.length);
    const inv = await chat.find('g-h', /THƯ MỜI/);
    await chat.say('g-h', 'Sở Giáo dục và Đào tạo cử:\n1. Ông Vũ Văn Tám - Phó Giám đốc Sở', {
      replyToMessageId: inv,
    });
    expect(await last('g-h')).toMatch(
      /"Sở Giáo dục và Đào tạo" không phải đơn vị trực thuộc UBND huyện Tân Phú/,
    );
    expect((await listRegistrations(db.db, event1)).map((r) => r.attendees.length)).toEqual(before);
  });

  it('refuses a unit that is not below it, and names nothing it cannot find', async () => {
    const before = (await listRegistrations(db.db, event1)).map((r) => r.attendees.length);
    await chat.say('g-h', '/dangky Xã Mỹ An:\n1. Ông Hồ Văn Phúc - Chủ tịch UBND xã');
    expect(await last('g-h')).toMatch(/không phải đơn vị trực thuộc UBND huyện Tân Phú/);
    await chat.say('g-h', '/dangky Xã Không Có:\n1. Ông Đỗ Văn Lành - Chủ tịch UBND xã');
    expect(await last('g-h')).toMatch(/Không tìm thấy đơn vị "Xã Không Có"/);
    expect((await listRegistrations(db.db, event1)).map((r) => r.attendees.length)).toEqual(before);
  });

  it('"some communes", "5/13" or another unit\'s name is never recorded: it asks for names', async () => {
    const count = async () =>
      Number(
        (
          await db.db
            .selectFrom('submissions')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    await chat.say('g-h', 'Một số xã đã gửi báo cáo kết quả chuyển đổi số quý III');
    expect(await last('g-h')).toMatch(/Xin ghi rõ tên, ví dụ: "Các xã Tân Phú, Tân Hòa đã gửi/);
    await chat.say('g-h', '@dieuphoi_bot 2/3 xã đã nộp báo cáo chuyển đổi số', {
      mentionsBot: true,
    });
    expect(await last('g-h')).toMatch(/chưa ghi nhận/);
    await chat.say('g-h', 'Sở Y tế: đã gửi báo cáo chuyển đổi số quý III');
    expect(await count()).toBe(before);
  });

  it('reports for two communes in one message; the campaign shows them submitted', async () => {
    // "Các xã A và B": a plural subject, but the communes are named, so each one's report.
    await chat.say('g-h', 'Các xã Tân Hòa và Tân Lợi đã gửi báo cáo kết quả chuyển đổi số quý III');
    const subs = await db.db
      .selectFrom('submissions as s')
      .innerJoin('units as u', 'u.id', 's.unit_id')
      .innerJoin('units as a', 'a.id', 's.acting_unit_id')
      .select(['u.code', 'a.code as acting'])
      .orderBy('u.code')
      .execute();
    expect(subs).toEqual([
      { code: 'X2', acting: 'H' },
      { code: 'X3', acting: 'H' },
    ]);
    expect(await last('g-h')).toMatch(/UBND xã Tân Hòa/);
  });

  it('"tất cả các xã trực thuộc đã gửi" records every commune that owes it, not the district', async () => {
    const cp = await createCampaign(ctx, {
      title: 'Báo cáo công tác cải cách hành chính quý III/2024',
      deadline: new Date('2024-10-20T17:00:00Z'),
      units: ['H', 'X2', 'X3'],
    });
    await chat.deliverAll();
    await chat.say('g-h', 'Tất cả các xã trực thuộc đã gửi báo cáo cải cách hành chính quý III');
    const subs = await db.db
      .selectFrom('submissions as s')
      .innerJoin('units as u', 'u.id', 's.unit_id')
      .select('u.code')
      .where('s.campaign_id', '=', cp.id)
      .orderBy('u.code')
      .execute();
    expect(subs.map((x) => x.code)).toEqual(['X2', 'X3']);
    expect(await last('g-h')).toMatch(/UBND xã Tân Lợi/);
  });
});

describe('reports recognised against what the unit owes', () => {
  it('another report, an extension request and a promise are never recorded (and stay silent)', async () => {
    const before = (await chat.texts('g-yt')).length;
    for (const text of [
      'Đơn vị đã gửi báo cáo chuyển đổi số quý II rồi ạ',
      'Sở Y tế xin gia hạn nộp báo cáo đến 20/10',
      'Chiều nay em gửi báo cáo ạ',
    ])
      await chat.say('g-yt', text);
    expect((await chat.texts('g-yt')).length).toBe(before);
    const n = await db.db
      .selectFrom('submissions as s')
      .innerJoin('units as u', 'u.id', 's.unit_id')
      .select('s.id')
      .where('u.code', '=', 'YT')
      .execute();
    expect(n).toEqual([]);
  });

  it('a clear statement posted plainly is recorded and acknowledged with its number and date', async () => {
    await chat.say(
      'g-yt',
      'Sở Y tế đã gửi Báo cáo số 45/BC-SYT ngày 05/10/2024 về kết quả chuyển đổi số quý III qua hệ thống iOffice',
    );
    const s = await db.db
      .selectFrom('submissions as s')
      .innerJoin('units as u', 'u.id', 's.unit_id')
      .select(['s.doc_number', 's.doc_date'])
      .where('u.code', '=', 'YT')
      .executeTakeFirstOrThrow();
    expect(s).toEqual({ doc_number: '45/BC-SYT', doc_date: '2024-10-05' });
    const ack = await last('g-yt');
    expect(ack).toMatch(/Đã ghi nhận báo cáo kết quả chuyển đổi số quý III\/2024 của Sở Y tế/);
    expect(ack).toMatch(/văn bản số 45\/BC-SYT ngày 5\/10\/2024/);
    expect(ack).not.toMatch(/báo cáo Báo cáo/);
  });
});
