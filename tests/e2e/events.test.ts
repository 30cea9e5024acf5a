import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organizerJoinCode } from '../../src/core/units/repo';
import { startTelegramHarness, type Harness } from '../helpers/telegram-harness';
import type { TgChat, TgUser } from '../fakes/telegram-updates';

let h: Harness;
let codes: Record<string, string>;
let eventId: number;
const groups: Record<string, TgChat> = {};
let person: TgUser;
let org: TgChat;

type Reg = {
  unit: { code: string };
  status: string;
  late: boolean;
  attendees: Array<{ name: string; title?: string; phone?: string }>;
};
const registrations = async () =>
  (await (await h.api('GET', `/events/${eventId}/registrations`)).json()) as Reg[];
const reg = async (code: string) => (await registrations()).find((r) => r.unit.code === code)!;
const lastText = (chat: TgChat) => h.fake.textsTo(chat.id).at(-1) ?? '';

function invitationOf(chat: TgChat) {
  const m = h.fake.messagesTo(chat.id).find((x) => x.text?.startsWith('📣 THƯ MỜI'))!;
  return { message_id: m.message_id, chat, date: m.date, from: h.tg.bot, text: m.text };
}

beforeAll(async () => {
  h = await startTelegramHarness({ clock: undefined });
  const res = await h.api('PUT', '/units', [
    { code: '010', name: 'Sở Y tế', category: 'CÁC SỞ, BAN, NGÀNH TỈNH' },
    { code: '021', name: 'Sở Tư pháp', category: 'CÁC SỞ, BAN, NGÀNH TỈNH' },
    { code: '081', name: 'UBND Huyện Lấp Vò', category: 'ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ' },
    { code: '084', name: 'Báo Đồng Tháp', category: 'CƠ QUAN BÁO CHÍ, TRUYỀN THÔNG' },
    {
      code: '120',
      name: 'Bệnh viện Đa khoa Đồng Tháp',
      category: 'CÁC TRƯỜNG ĐẠI HỌC, CAO ĐẲNG VÀ BỆNH VIỆN',
    },
  ]);
  codes = Object.fromEntries(
    ((await res.json()) as Array<{ code: string; joinCode: string }>).map((u) => [
      u.code,
      u.joinCode,
    ]),
  );
  person = h.tg.user({ first_name: 'Hoa', last_name: 'Trần' });
  for (const code of ['010', '021', '081', '084']) {
    groups[code] = h.tg.group({ title: `Nhóm ${code}` });
    await h.post(h.tg.command(groups[code]!, person, '/lienket', codes[code]));
  }
  org = h.tg.supergroup({ title: 'BTC tập huấn' });
  await h.post(h.tg.command(org, person, '/lienket', await organizerJoinCode(h.db.db)));
  const now = Date.now();
  const day = 86_400_000;
  const created = await h.api('POST', '/events', {
    title: 'Lớp tập huấn kỹ năng phát ngôn năm 2024',
    startsAt: new Date(now + 10 * day).toISOString(),
    endsAt: new Date(now + 10 * day + 9 * 3600_000).toISOString(),
    venue: 'Hội trường UBND tỉnh Đồng Tháp',
    registrationDeadline: new Date(now + 5 * day).toISOString(),
    units: 'all',
    quotaPerUnit: 3,
    agenda: [{ startsAt: new Date(now + 10 * day).toISOString(), title: 'Đón tiếp đại biểu' }],
  });
  expect(created.status).toBe(201);
  eventId = ((await created.json()) as { id: number }).id;
  await h.settle();
}, 60_000);
afterAll(() => h.close());

describe('an event: invitations, replies typed on phones, what organizers see', () => {
  it('invites every linked chat and lists units that cannot be reached to the organizers', async () => {
    for (const code of ['010', '021', '081', '084'])
      expect(
        h.fake.textsTo(groups[code]!.id).some((t) => t.startsWith('📣 THƯ MỜI: Lớp tập huấn')),
      ).toBe(true);
    const notice = h.fake.textsTo(org.id).find((t) => t.includes('chưa liên kết'))!;
    expect(notice).toContain('Bệnh viện Đa khoa Đồng Tháp (mã 120)');
  });

  it('records a list sent in reply to the invitation and shows it back numbered', async () => {
    const text =
      'Sở Y tế cử 02 đồng chí:\n1. Ông Nguyễn Văn An - Phó Giám đốc Sở\n2. Bà Lê Thị Bình, Trưởng phòng Nghiệp vụ Y, ĐT 0912 345 678';
    await h.post(
      h.tg.text(groups['010']!, person, text, { replyTo: invitationOf(groups['010']!) as never }),
    );
    await h.settle();
    expect(lastText(groups['010']!)).toContain('Đã ghi nhận 2 người của Sở Y tế');
    expect((await reg('010')).attendees).toEqual([
      { name: 'Nguyễn Văn An', title: 'Phó Giám đốc Sở' },
      { name: 'Lê Thị Bình', title: 'Trưởng phòng Nghiệp vụ Y', phone: '0912345678' },
    ]);
  });

  it('/dangky replaces, /them adds, /danhsach shows; a quota overrun is refused politely', async () => {
    const g = groups['081']!;
    await h.post(
      h.tg.command(
        g,
        person,
        '/dangky',
        'đ/c Trần Văn Cường (PCT UBND huyện); đ/c Võ Thị Hoa - CV phòng VH-TT',
      ),
    );
    await h.post(h.tg.command(g, person, '/them', 'Phan Văn Tư - Chánh Văn phòng'));
    await h.post(h.tg.command(g, person, '/them', 'Lê Văn Năm - CV\nNgô Thị Sáu - CV'));
    await h.post(h.tg.command(g, person, '/danhsach'));
    await h.settle();
    const texts = h.fake.textsTo(g.id);
    expect(texts.at(-2)).toContain('tối đa 3 người');
    expect(texts.at(-1)).toContain('đã đăng ký 3 người');
    expect((await reg('081')).attendees.map((a) => a.name)).toEqual([
      'Trần Văn Cường',
      'Võ Thị Hoa',
      'Phan Văn Tư',
    ]);
  });

  it('a decline sets the unit declined; chatter and a non-list reply register nothing', async () => {
    await h.post(h.tg.text(groups['021']!, person, 'Mọi người nhớ họp lúc 2h chiều nhé'));
    await h.post(
      h.tg.text(groups['021']!, person, 'dạ em gửi ạ', {
        replyTo: invitationOf(groups['021']!) as never,
      }),
    );
    await h.settle();
    expect(lastText(groups['021']!)).toContain('chưa nhận ra danh sách');
    expect((await reg('021')).status).toBe('pending');
    await h.post(
      h.tg.text(groups['021']!, person, 'Đơn vị không cử được người tham dự ạ', {
        replyTo: invitationOf(groups['021']!) as never,
      }),
    );
    await h.settle();
    expect((await reg('021')).status).toBe('declined');
    expect(lastText(groups['021']!)).toContain('không cử người');
  });

  it('a message mentioning the bot registers too; organizer commands are refused in a unit chat', async () => {
    await h.post(
      h.tg.text(
        groups['084']!,
        person,
        '@dieuphoi_bot Báo Đồng Tháp cử: Huỳnh Thị Mai - Phóng viên - 0987.654.321',
      ),
    );
    await h.post(h.tg.command(groups['084']!, person, '/tonghop'));
    await h.settle();
    expect((await reg('084')).attendees).toEqual([
      { name: 'Huỳnh Thị Mai', title: 'Phóng viên', phone: '0987654321' },
    ]);
    expect(lastText(groups['084']!)).toContain('dành cho nhóm Ban tổ chức');
  });

  it('/tonghop in the organizer chat counts and lists who has not answered by category', async () => {
    await h.post(h.tg.command(org, person, '/tonghop'));
    await h.settle();
    const s = lastText(org);
    expect(s).toContain('Được mời: 5 · Đã đăng ký: 3 (6 người) · Không cử: 1 · Chưa trả lời: 1');
    expect(s).toMatch(/• CÁC TRƯỜNG ĐẠI HỌC, CAO ĐẲNG VÀ BỆNH VIỆN: 1 — \S/);
    expect(s).toMatch(/Xem đủ: http:\/\/\S+\/events\/\d+/);
  });

  it('exports CSV and an xlsx laid out like Phụ lục 1; /xuat sends the file to the organizers', async () => {
    const csv = await (await h.api('GET', `/events/${eventId}/registrations.csv`)).text();
    expect(csv).toContain('Nguyễn Văn An');
    const res = await h.api('GET', `/events/${eventId}/registrations.xlsx`);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const cells: string[] = [];
    wb.worksheets[0]!.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
    expect(cells).toEqual(
      expect.arrayContaining([
        'STT',
        'Đơn vị',
        'Họ và tên',
        'Chức vụ',
        'Nguyễn Văn An',
        'CÁC SỞ, BAN, NGÀNH TỈNH',
      ]),
    );
    await h.post(h.tg.command(org, person, '/xuat'));
    await h.settle();
    const doc = h.fake.messagesTo(org.id).at(-1)!;
    expect(doc.document?.fileName).toMatch(/\.xlsx$/);
    expect(doc.document!.size).toBeGreaterThan(4000);
  });

  it('a group linked after the invitation still receives it', async () => {
    const late = h.tg.group({ title: 'BV Đa khoa' });
    await h.post(h.tg.command(late, person, '/lienket', codes['120']));
    await h.settle();
    expect(h.fake.textsTo(late.id).some((t) => t.startsWith('📣 THƯ MỜI'))).toBe(true);
  });
});
