import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseAttendeeReply,
  type Attendee,
  type ParsedReply,
} from '../../../src/core/attendees/parse';
import {
  attendeeCorpus,
  chatterCorpus,
  type AttendeeCase,
  type Expected,
} from '../../fixtures/attendee-corpus';

const nfc = (s: string | undefined): string => (s ?? '').normalize('NFC');
const people = (r: ParsedReply | Expected): Attendee[] =>
  r.kind === 'attendees' ? r.attendees : [];

interface Scores {
  nameF1: number;
  precision: number;
  recall: number;
  titleRate: number;
  phoneRate: number;
  kindAccuracy: number;
  /** Stated extras (confidence, count, mode, replaced, sections, reason) read as expected. */
  extrasRate: number;
  extrasTotal: number;
  failures: string[];
}

const namesOf = (list: Attendee[] | undefined): string =>
  JSON.stringify((list ?? []).map((a) => [nfc(a.name), nfc(a.title), a.phone ?? '']));

/** The extras a case states, compared with what the parser said; one entry per stated field. */
function extraProblems(got: ParsedReply, want: Expected): { total: number; problems: string[] } {
  const problems: string[] = [];
  let total = 0;
  const check = (field: string, g: unknown, w: unknown): void => {
    total++;
    if (JSON.stringify(g) !== JSON.stringify(w))
      problems.push(`${field}: ${JSON.stringify(g)} ≠ ${JSON.stringify(w)}`);
  };
  if (want.kind === 'declined' && got.kind === 'declined') {
    if (want.confidence) check('confidence', got.confidence, want.confidence);
    if ('reason' in want) check('reason', got.reason, want.reason);
  }
  if (want.kind === 'attendees' && got.kind === 'attendees') {
    if (want.confidence) check('confidence', got.confidence, want.confidence);
    if (want.statedCount !== undefined) check('statedCount', got.statedCount, want.statedCount);
    if (want.mode) check('mode', got.mode, want.mode);
    if (want.replaced) check('replaced', got.replaced?.map(nfc), want.replaced.map(nfc));
    if (want.sections)
      check(
        'sections',
        got.sections?.map((s) => [
          nfc(s.unitText),
          namesOf(s.attendees),
          s.statedCount ?? null,
          s.declined ?? false,
        ]),
        want.sections.map((s) => [
          nfc(s.unitText),
          namesOf(s.attendees),
          s.statedCount ?? null,
          s.declined ?? false,
        ]),
      );
  }
  return { total, problems };
}

/**
 * Name F1 over all cases (names compared after NFC, exact and case-sensitive, as multisets),
 * title exact-match rate and phone rate over the names found correctly, kind accuracy, and the
 * extras each case states.
 */
function score(cases: AttendeeCase[]): Scores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let titleOk = 0;
  let phoneOk = 0;
  let kindOk = 0;
  let extrasTotal = 0;
  let extrasBad = 0;
  const failures: string[] = [];
  for (const c of cases) {
    const got = parseAttendeeReply(c.text);
    const problems: string[] = [];
    if (got.kind === c.expected.kind) kindOk++;
    else problems.push(`kind ${got.kind} ≠ ${c.expected.kind}`);
    const remaining = people(got).map((a) => ({ ...a, name: nfc(a.name) }));
    for (const want of people(c.expected)) {
      const k = remaining.findIndex((a) => a.name === nfc(want.name));
      if (k < 0) {
        fn++;
        problems.push(`missed ${want.name}`);
        continue;
      }
      const found = remaining.splice(k, 1)[0]!;
      tp++;
      if (nfc(found.title) === nfc(want.title)) titleOk++;
      else
        problems.push(
          `title of ${want.name}: ${JSON.stringify(found.title)} ≠ ${JSON.stringify(want.title)}`,
        );
      if ((found.phone ?? '') === (want.phone ?? '')) phoneOk++;
      else problems.push(`phone of ${want.name}: ${found.phone} ≠ ${want.phone}`);
    }
    fp += remaining.length;
    for (const extra of remaining) problems.push(`extra ${extra.name}`);
    const extras = extraProblems(got, c.expected);
    extrasTotal += extras.total;
    extrasBad += extras.problems.length;
    problems.push(...extras.problems);
    if (problems.length)
      failures.push(`${JSON.stringify(nfc(c.text).slice(0, 90))}\n    ${problems.join('\n    ')}`);
  }
  const precision = tp / Math.max(1, tp + fp);
  const recall = tp / Math.max(1, tp + fn);
  return {
    nameF1: (2 * precision * recall) / Math.max(1e-9, precision + recall),
    precision,
    recall,
    titleRate: titleOk / Math.max(1, tp),
    phoneRate: phoneOk / Math.max(1, tp),
    kindAccuracy: kindOk / cases.length,
    extrasRate: (extrasTotal - extrasBad) / Math.max(1, extrasTotal),
    extrasTotal,
    failures,
  };
}

describe('attendee corpus', () => {
  it('is large and varied enough to mean something', () => {
    expect(attendeeCorpus.length).toBeGreaterThanOrEqual(350);
    const kinds = (k: Expected['kind']) =>
      attendeeCorpus.filter((c) => c.expected.kind === k).length;
    expect(kinds('declined')).toBeGreaterThanOrEqual(25);
    expect(kinds('none')).toBeGreaterThanOrEqual(50);
    const decomposed = attendeeCorpus.filter((c) => c.text !== c.text.normalize('NFC')).length;
    expect(decomposed / attendeeCorpus.length).toBeGreaterThanOrEqual(0.08);
    const tables = attendeeCorpus.filter((c) =>
      /h[ọo]\s*(?:và\s*)?t[êe]n\s*(?:\t|\||  )/iu.test(c.text),
    );
    expect(tables.length).toBeGreaterThanOrEqual(15);
  });

  it('reaches the quality bar (name F1 ≥ 0.99, titles ≥ 0.95, phones and kinds 100%)', () => {
    const s = score(attendeeCorpus);
    const pct = (x: number) => (100 * x).toFixed(1) + '%';
    console.log(
      `attendee parser on ${attendeeCorpus.length} cases: name F1 ${pct(s.nameF1)} (P ${pct(s.precision)}, R ${pct(s.recall)}), ` +
        `titles ${pct(s.titleRate)}, phones ${pct(s.phoneRate)}, kinds ${pct(s.kindAccuracy)}, ` +
        `extras ${pct(s.extrasRate)} of ${s.extrasTotal}`,
    );
    if (s.failures.length)
      console.log(`${s.failures.length} cases differ:\n  ${s.failures.join('\n  ')}`);
    expect(s.nameF1).toBeGreaterThanOrEqual(0.99);
    expect(s.titleRate).toBeGreaterThanOrEqual(0.95);
    expect(s.phoneRate).toBe(1);
    expect(s.kindAccuracy).toBe(1);
    expect(s.extrasRate).toBeGreaterThanOrEqual(0.97);
  });

  it('never reads chatter as an unmistakable list or decline', () => {
    const high = chatterCorpus.filter((text) => {
      const r = parseAttendeeReply(text);
      return r.kind !== 'none' && r.confidence === 'high';
    });
    expect(high).toEqual([]);
    const noneCases = attendeeCorpus.filter((c) => c.expected.kind === 'none');
    for (const c of noneCases) expect(parseAttendeeReply(c.text).kind).toBe('none');
  });
});

describe('parseAttendeeReply', () => {
  const parse = (text: string): Attendee[] => {
    const r = parseAttendeeReply(text);
    expect(r.kind).toBe('attendees');
    return people(r);
  };

  it('normalizes phone numbers in every common shape to digits starting with 0', () => {
    const phones = [
      'Lê Văn Tư - CV, ĐT 0912 345 678',
      'Lê Văn Tư - CV, SĐT: 0912.345.678',
      'Lê Văn Tư - CV, Đt: 0912-345-678',
      'Lê Văn Tư - CV, điện thoại +84 912 345 678',
      'Lê Văn Tư - CV, dđ 84912345678',
      'Lê Văn Tư - CV, Tel: (+84) 912345678',
      'Lê Văn Tư - CV - 0912345678',
    ].map((t) => parse(t)[0]?.phone);
    expect(new Set(phones)).toEqual(new Set(['0912345678']));
    expect(parse('Lê Văn Tư - Văn thư, ĐT 0277 3851 234')[0]).toEqual({
      name: 'Lê Văn Tư',
      title: 'Văn thư',
      phone: '02773851234',
    });
  });

  it('reads decomposed Unicode exactly like NFC and returns NFC', () => {
    const text = 'Đ/c Nguyễn Thị Hồng Nhung - Phó Trưởng phòng Văn hóa và Thông tin';
    const fromNfd = parseAttendeeReply(text.normalize('NFD'));
    expect(fromNfd).toEqual(parseAttendeeReply(text));
    expect(people(fromNfd)[0]?.name).toBe('Nguyễn Thị Hồng Nhung'.normalize('NFC'));
  });

  it('reads "Họ tên / Chức vụ / Điện thoại" forms on separate lines or on one line', () => {
    expect(
      parse('Họ và tên: Trần Minh Khôi\nChức vụ: Phó Chánh Văn phòng\nSĐT: 0903 111 222'),
    ).toEqual([{ name: 'Trần Minh Khôi', title: 'Phó Chánh Văn phòng', phone: '0903111222' }]);
    expect(
      parse('Họ tên: Trần Minh Khôi / Chức vụ: Phó Chánh Văn phòng / SĐT: 0903 111 222'),
    ).toEqual([{ name: 'Trần Minh Khôi', title: 'Phó Chánh Văn phòng', phone: '0903111222' }]);
    expect(
      parse('Họ tên: Hà Văn Út\nChức vụ: Công chức\n\nHọ tên: Lê Thị Hai\nChức vụ: Văn thư'),
    ).toEqual([
      { name: 'Hà Văn Út', title: 'Công chức' },
      { name: 'Lê Thị Hai', title: 'Văn thư' },
    ]);
  });

  it('separates several people on one line', () => {
    expect(parse('Nguyễn Văn Hai - PCT xã; Lê Thị Ba - CV').map((a) => a.name)).toEqual([
      'Nguyễn Văn Hai',
      'Lê Thị Ba',
    ]);
    expect(parse('Nguyễn Văn Hai - PCT xã, Lê Thị Ba - CV')).toEqual([
      { name: 'Nguyễn Văn Hai', title: 'PCT xã' },
      { name: 'Lê Thị Ba', title: 'CV' },
    ]);
    expect(parse('đ/c Võ Văn Tư và đ/c Đinh Thị Năm').map((a) => a.name)).toEqual([
      'Võ Văn Tư',
      'Đinh Thị Năm',
    ]);
    expect(parse('Ông Trần Văn Sang cùng bà Lý Thị Mai').map((a) => a.name)).toEqual([
      'Trần Văn Sang',
      'Lý Thị Mai',
    ]);
  });

  it('does not take the leading unit or greeting line for a person', () => {
    expect(
      parse(
        'Dạ, UBND huyện Châu Thành xin đăng ký danh sách như sau:\n1. Ông Phan Văn Tám - PCT UBND huyện',
      ),
    ).toEqual([{ name: 'Phan Văn Tám', title: 'PCT UBND huyện' }]);
    expect(
      parse('Kính gửi BTC\nTrường THPT Nguyễn Du cử cô Mai Thị Thu - Hiệu trưởng\nTrân trọng!'),
    ).toEqual([{ name: 'Mai Thị Thu', title: 'Hiệu trưởng' }]);
  });

  it('reads the title before the name', () => {
    expect(parse('Phó Giám đốc Sở: Nguyễn Văn An')).toEqual([
      { name: 'Nguyễn Văn An', title: 'Phó Giám đốc Sở' },
    ]);
    expect(parse('PCT UBND xã Bình Thành - ông Lê Văn Tư')).toEqual([
      { name: 'Lê Văn Tư', title: 'PCT UBND xã Bình Thành' },
    ]);
  });

  it('removes honorifics, ranks and degrees and title-cases names typed in capitals or lower case', () => {
    expect(parse('Thượng tá NGUYỄN VĂN LONG - Phó Trưởng Công an huyện')[0]?.name).toBe(
      'Nguyễn Văn Long',
    );
    expect(parse('PGS.TS trần thị mai - Giảng viên')[0]?.name).toBe('Trần Thị Mai');
    expect(parse('BS CKII Lâm Văn Hòa - Giám đốc')[0]?.name).toBe('Lâm Văn Hòa');
  });

  it('tells declines and non-lists apart', () => {
    expect(parseAttendeeReply('Đơn vị không cử được người').kind).toBe('declined');
    expect(parseAttendeeReply('Dạ lãnh đạo bận công tác không dự được ạ')).toEqual({
      kind: 'declined',
      reason: 'bận công tác',
      confidence: 'low',
    });
    expect(parseAttendeeReply('Đơn vị không cử người tham dự do trùng lịch')).toEqual({
      kind: 'declined',
      reason: 'trùng lịch',
      confidence: 'high',
    });
    expect(parseAttendeeReply('dạ em gửi ạ')).toEqual({ kind: 'none' });
    expect(parseAttendeeReply('cho em hỏi mấy giờ bắt đầu?')).toEqual({ kind: 'none' });
    expect(parseAttendeeReply('UBND xã Tân Thuận')).toEqual({ kind: 'none' });
    expect(parseAttendeeReply('')).toEqual({ kind: 'none' });
  });

  it('reads a table pasted with tabs and a person spread over lines', () => {
    expect(
      parse('STT\tHọ và tên\tChức vụ\n1\tTrần Văn Lộc\tTài xế\n2\tNgô Thị Mai\tBảo vệ'),
    ).toEqual([
      { name: 'Trần Văn Lộc', title: 'Tài xế' },
      { name: 'Ngô Thị Mai', title: 'Bảo vệ' },
    ]);
    expect(parse('Huỳnh Văn Sơn\nPhó Chủ tịch UBND xã\n0939 111 222')).toEqual([
      { name: 'Huỳnh Văn Sơn', title: 'Phó Chủ tịch UBND xã', phone: '0939111222' },
    ]);
    expect(parse('Chuyên viên:\n- Lê Thị Hoa\n- Trần Văn Lâm').map((a) => a.title)).toEqual([
      'Chuyên viên',
      'Chuyên viên',
    ]);
  });

  it('does not register names that are only mentioned: thanked, addressed, contacts, placeholders', () => {
    expect(parseAttendeeReply('Cảm ơn anh Nguyễn Văn Tuấn đã gửi kế hoạch ạ')).toEqual({
      kind: 'none',
    });
    expect(parseAttendeeReply('Nhờ anh Lê Văn Hùng bên BTC gửi lại file giúp em')).toEqual({
      kind: 'none',
    });
    expect(parseAttendeeReply('Lê Thị Hồng Gấm đã rời nhóm')).toEqual({ kind: 'none' });
    expect(parseAttendeeReply('Danh sách tham dự: Nguyễn Văn A, Trần Thị B')).toEqual({
      kind: 'none',
    });
    expect(
      parse(
        'Kính gửi: Đ/c Nguyễn Văn Tuấn - PGĐ Sở TT&TT\nĐơn vị đăng ký: Ông Lê Văn Hai - PCT UBND xã',
      ),
    ).toEqual([{ name: 'Lê Văn Hai', title: 'PCT UBND xã' }]);
    expect(
      parse('Nguyễn Văn Kha - PGĐ\nNgười liên hệ: Lê Thị Nga - 0918 222 333').map((a) => a.name),
    ).toEqual(['Nguyễn Văn Kha']);
  });

  it('keeps unit and school names out of names even in Title Case', () => {
    for (const unit of [
      'Trung Tâm Văn Hóa Thể Thao Và Truyền Thanh Huyện Lai Vung',
      'Trường THPT Nguyễn Du',
      'Ủy Ban Nhân Dân Xã Tân Thuận Đông',
      'Huyện Cao Lãnh',
    ]) {
      expect(parseAttendeeReply(unit)).toEqual({ kind: 'none' });
    }
    expect(
      parse('Trường Tiểu học Lê Văn Tám cử cô Hồ Thị Lan - Hiệu trưởng').map((a) => a.name),
    ).toEqual(['Hồ Thị Lan']);
  });

  it('keeps the people of a list that also asks a question', () => {
    expect(
      parse('1. Lê Văn Tư - PCT\n2. Phạm Thị Lan - CV\nCho em hỏi có cần mang laptop không ạ?'),
    ).toHaveLength(2);
  });
});

describe('what frames the list', () => {
  it('a unit introducing its own list is not a section; a district listing communes is', () => {
    const own = parseAttendeeReply(
      'UBND xã Tân Thành cử 02 đ/c:\n1. Nguyễn Văn Lợi - Chủ tịch\n2. Trần Thị Huệ - Công chức VH-XH',
    );
    expect(own.kind === 'attendees' && own.sections).toBeUndefined();
    expect(own.kind === 'attendees' && own.statedCount).toBe(2);
    const forCommunes = parseAttendeeReply(
      'Xã Tân Phú:\n1. Nguyễn Văn Hải - Chủ tịch UBND xã\nXã Tân Hòa: không cử người do trùng lịch',
    );
    expect(forCommunes.kind === 'attendees' && forCommunes.sections).toEqual([
      {
        unitText: 'Xã Tân Phú',
        attendees: [{ name: 'Nguyễn Văn Hải', title: 'Chủ tịch UBND xã' }],
      },
      { unitText: 'Xã Tân Hòa', attendees: [], declined: true, reason: 'trùng lịch' },
    ]);
    const onlyDecline = parseAttendeeReply('Xã Tân Hòa: không cử người tham dự');
    expect(onlyDecline.kind).toBe('declined');
    expect(onlyDecline.kind === 'declined' && onlyDecline.sections?.[0]?.unitText).toBe(
      'Xã Tân Hòa',
    );
  });

  it('confidence is high only for unmistakable shapes', () => {
    const conf = (t: string) => {
      const r = parseAttendeeReply(t);
      return r.kind === 'none' ? 'none' : r.confidence;
    };
    expect(conf('1. Nguyễn Văn An - PGĐ\n2. Lê Thị Bình - CV')).toBe('high');
    expect(conf('Nguyễn Văn An - PGĐ')).toBe('low');
    expect(conf('1. Nguyễn Văn An\n2. Lê Thị Bình')).toBe('low');
    expect(conf('Sở Y tế cử 02 đồng chí: Nguyễn Văn An, Lê Thị Bình')).toBe('high');
    expect(conf('Họ và tên\tChức vụ\nNguyễn Văn An\tPGĐ')).toBe('high');
    expect(conf('Đơn vị xin phép vắng')).toBe('high');
    expect(conf('Anh Tuấn vắng ạ')).toBe('low');
  });

  it('a long reply is read up to the cap and says so', () => {
    const line = 'đ/c Nguyễn Văn An - PGĐ\n';
    const r = parseAttendeeReply(line.repeat(500));
    expect(r.truncated).toBe(true);
    expect(parseAttendeeReply(line).truncated).toBeUndefined();
  });
});

describe('parseAttendeeReply invariants', () => {
  it('never throws and always answers one of the three kinds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const r = parseAttendeeReply(text);
        expect(['attendees', 'declined', 'none']).toContain(r.kind);
        for (const a of people(r)) {
          expect(a.name).toBe(a.name.normalize('NFC'));
          expect(a.name.split(' ').length).toBeGreaterThanOrEqual(2);
          if (a.phone !== undefined) expect(a.phone).toMatch(/^0\d{9,10}$/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads every corpus text the same whether NFC or decomposed', () => {
    for (const c of attendeeCorpus) {
      expect(parseAttendeeReply(c.text.normalize('NFD'))).toEqual(
        parseAttendeeReply(c.text.normalize('NFC')),
      );
    }
  });
});
