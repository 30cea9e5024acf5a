import { describe, expect, it } from 'vitest';
import { cleanPresenter, parseAgendaText } from '../../../src/core/agenda/parse';
import { SEED000_AGENDA_TEXT, seed000Event } from '../../../src/demo/seed000';

const CUC_BAO_CHI = 'Lãnh đạo Cục Báo chí, Bộ Thông tin và Truyền thông';
const CHUYEN_DE_1 = 'Chuyên đề 1: Phát ngôn, cung cấp thông tin ứng xử với báo chí truyền thông';

describe('parseAgendaText — seed 000, Phụ lục 2', () => {
  const items = parseAgendaText(SEED000_AGENDA_TEXT);

  it('finds every row of the table', () => {
    // Ten rows up to 16h20, plus "16h20' - 16h30' Phát biểu cảm ơn và bế mạc", the seed's last
    // line (it has no line break after it).
    expect(items).toHaveLength(11);
    expect(items.map((i) => [i.startsAt, i.endsAt])).toEqual([
      ['07:30', '08:00'],
      ['08:00', '08:15'],
      ['08:15', '08:30'],
      ['08:30', '09:30'],
      ['09:30', '09:45'],
      ['09:45', '10:50'],
      ['10:50', '11:30'],
      ['14:00', '15:30'],
      ['15:30', '15:45'],
      ['15:45', '16:20'],
      ['16:20', '16:30'],
    ]);
  });

  it('sets the part from the "Sáng"/"Chiều" column', () => {
    expect(items.map((i) => i.part)).toEqual([...Array(7).fill('sáng'), ...Array(4).fill('chiều')]);
  });

  it('marks the breaks', () => {
    expect(items.filter((i) => i.isBreak).map((i) => i.startsAt)).toEqual(['09:30', '15:30']);
    expect(items[4]).toEqual({
      startsAt: '09:30',
      endsAt: '09:45',
      title: 'Giải lao',
      isBreak: true,
      part: 'sáng',
    });
  });

  it('keeps titles without typographic quotes', () => {
    expect(items[0]?.title).toBe('Đón tiếp đại biểu, học viên');
    expect(items[3]?.title).toBe(CHUYEN_DE_1);
    expect(items[5]?.title).toBe(`Tiếp tục ${CHUYEN_DE_1}`);
    expect(items[7]?.title).toBe(
      'Chuyên đề 2: Công tác thông tin đối ngoại và phòng chống thông tin xấu, độc trong tình hình mới',
    );
    expect(items[10]?.title).toBe('Phát biểu cảm ơn và bế mạc');
    for (const i of items) expect(i.title).not.toMatch(/[“”"]/);
  });

  it('keeps the first presenter of a dash list, without "truyền đạt"', () => {
    expect(items.map((i) => i.presenter)).toEqual([
      'Ban tổ chức',
      'Sở Thông tin và Truyền thông',
      'Lãnh đạo UBND Tỉnh',
      CUC_BAO_CHI,
      undefined,
      CUC_BAO_CHI,
      CUC_BAO_CHI,
      'Lãnh đạo Ban Tuyên giáo Tỉnh ủy',
      undefined,
      'Lãnh đạo Ban Tuyên giáo Tỉnh ủy',
      'Sở Thông tin và Truyền thông',
    ]);
  });

  it('is what the demo event carries', () => {
    expect(seed000Event.agenda).toEqual(items);
    expect(seed000Event.date).toBe('2024-09-27');
    expect(seed000Event.startsAt).toBe('2024-09-27T07:30:00+07:00');
    expect(seed000Event.endsAt).toBe('2024-09-27T16:30:00+07:00');
  });
});

describe('parseAgendaText — other layouts', () => {
  it('reads the time formats people use', () => {
    const text = [
      '7h30-8h\tĐón tiếp',
      '07:30 – 08:00 | Khai mạc | Ban tổ chức',
      "14h  -  15h30'  Thảo luận  Các đại biểu",
      '8 giờ 30 phút đến 9 giờ\tBáo cáo',
      '9g00 - 9g15\tNghỉ giải lao',
      '19h00\tGiao lưu văn nghệ',
    ].join('\n');
    const items = parseAgendaText(text);
    expect(items).toEqual([
      { startsAt: '07:30', endsAt: '08:00', title: 'Đón tiếp', isBreak: false, part: 'sáng' },
      {
        startsAt: '07:30',
        endsAt: '08:00',
        title: 'Khai mạc',
        presenter: 'Ban tổ chức',
        isBreak: false,
        part: 'sáng',
      },
      {
        startsAt: '14:00',
        endsAt: '15:30',
        title: 'Thảo luận',
        presenter: 'Các đại biểu',
        isBreak: false,
        part: 'chiều',
      },
      { startsAt: '08:30', endsAt: '09:00', title: 'Báo cáo', isBreak: false, part: 'sáng' },
      { startsAt: '09:00', endsAt: '09:15', title: 'Nghỉ giải lao', isBreak: true, part: 'sáng' },
      { startsAt: '19:00', title: 'Giao lưu văn nghệ', isBreak: false, part: 'tối' },
    ]);
  });

  it('infers the part from the hour, and a part row or cell carries over', () => {
    const text = [
      'BUỔI SÁNG',
      '\t11h30 - 12h15\tTổng kết buổi sáng',
      'Buổi chiều',
      '\t13h30 - 14h\tĐón tiếp',
      'Tối\t18h - 19h\tGặp mặt',
      '\t17h - 17h30\tKhông nhãn', // after an evening row, 17h stays in the evening
    ].join('\n');
    expect(parseAgendaText(text).map((i) => i.part)).toEqual(['sáng', 'chiều', 'tối', 'tối']);
    expect(
      parseAgendaText('\t11h30 - 12h\tA\n\t12h - 12h30\tB\n\t13h30 - 14h\tC').map((i) => i.part),
    ).toEqual(['sáng', 'sáng', 'chiều']);
    expect(parseAgendaText('Chiều 14h - 15h\tA').map((i) => i.part)).toEqual(['chiều']);
  });

  it('skips titles, headers and rows without content; reads NFD text', () => {
    const text =
      'CHƯƠNG TRÌNH\nTHỜI GIAN\t\tNỘI DUNG\tTHỰC HIỆN\n\t8h - 9h\t\t\nSáng\t9h - 10h\tChuyên đề “A”\t- Ông B trình bày.';
    expect(parseAgendaText(text.normalize('NFD'))).toEqual([
      {
        startsAt: '09:00',
        endsAt: '10:00',
        title: 'Chuyên đề A',
        presenter: 'Ông B',
        isBreak: false,
        part: 'sáng',
      },
    ]);
  });

  it('does not take a number in a title for a time', () => {
    expect(parseAgendaText('Chuyên đề 1: 2h thảo luận\nNăm 2024 có 3 lớp')).toEqual([]);
  });
});

describe('cleanPresenter', () => {
  it('keeps hyphens inside names and splits only dash items', () => {
    expect(cleanPresenter('Sở Lao động - Thương binh và Xã hội')).toBe(
      'Sở Lao động - Thương binh và Xã hội',
    );
    expect(cleanPresenter('- Sở Lao động - Thương binh và Xã hội chủ trì; - Các sở phối hợp')).toBe(
      'Sở Lao động - Thương binh và Xã hội',
    );
    expect(cleanPresenter('– Lãnh đạo Ban Tuyên giáo Tỉnh ủy truyền đạt. – Bộ phận kỹ thuật')).toBe(
      'Lãnh đạo Ban Tuyên giáo Tỉnh ủy',
    );
    expect(cleanPresenter('  ')).toBeUndefined();
  });
});
