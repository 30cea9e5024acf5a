/**
 * One hostile message must not freeze the service. Every parser of what people type or paste
 * is fed adversarial texts of 20,000 characters — runs of every kind of separator, zero-width
 * and combining characters, nested brackets, alternating patterns, deep numbering — and must
 * answer within 50 ms; a loop-lag probe checks the event loop is never held more than 100 ms
 * while the parsers chew on the worst of them.
 *
 * A parse is timed by the CPU time it takes (this test file runs in its own process), so other
 * processes on a shared machine do not count against it; a parse over the bound is timed twice
 * more and judged by its fastest run. A parser that is really superlinear fails all three. The
 * loop-lag probe, by contrast, measures wall time, as a user waiting for /healthz would.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanPresenter, parseAgenda, parseAgendaText } from '../../src/core/agenda/parse';
import { parseAttendeeReply } from '../../src/core/attendees/parse';
import { DomainError } from '../../src/core/errors';
import { parseCommand, stripMention } from '../../src/core/inbound/command';
import {
  collectiveSubject,
  recognizeReport,
  reportSubjects,
} from '../../src/core/reports/recognize';
import {
  AGENDA_MAX_CHARS,
  CHAT_MAX_CHARS,
  COMMAND_ARGS_MAX_CHARS,
  DATE_MAX_CHARS,
  IMPORT_LINE_MAX_CHARS,
  IMPORT_MAX_CHARS,
} from '../../src/core/text/limits';
import { splitCells } from '../../src/core/text/table';
import { parseLocalTime, parseUserDate } from '../../src/core/time/parse';
import { parseAppendixUnits, parseUnitsCsv, UnitImportError } from '../../src/core/units/import';

const LENGTH = 20_000;
const PARSE_BOUND_MS = 50;
const LAG_BOUND_MS = 100;
const NOW = new Date('2024-11-05T03:00:00Z');
const OWED = [
  {
    id: 1,
    title: 'Báo cáo kết quả thực hiện Kế hoạch 45/KH-UBND năm 2024',
    periodLabel: 'Năm 2024',
    deadline: new Date('2024-11-10T10:00:00Z'),
    sourcePlan: '45/KH-UBND',
  },
  {
    id: 2,
    title: 'Báo cáo công tác chuyển đổi số quý III/2024',
    periodLabel: 'Quý III/2024',
    deadline: new Date('2024-10-15T10:00:00Z'),
  },
];

/** A parser under test: text in, anything out; a caller's-mistake refusal counts as an answer. */
const parsers: Record<string, (text: string) => unknown> = {
  attendees: (t) => parseAttendeeReply(t),
  report: (t) =>
    recognizeReport(t, OWED, { now: NOW, tz: 'Asia/Ho_Chi_Minh', unitName: 'UBND xã Tân Phú' }),
  reportReply: (t) => recognizeReport(t, OWED, { now: NOW, tz: 'Asia/Ho_Chi_Minh', replyTo: 2 }),
  reportSubjects: (t) => reportSubjects(t),
  reportCommand: (t) => reportSubjects(`/baocao ${t}`),
  reportCollective: (t) => collectiveSubject(t),
  date: (t) => parseUserDate(t, NOW, 'Asia/Ho_Chi_Minh'),
  time: (t) => parseLocalTime(t),
  command: (t) => parseCommand(`/dangky ${t}`, 'dieuphoi_bot'),
  commandWord: (t) => parseCommand(`/${t}`, 'dieuphoi_bot'),
  mention: (t) => stripMention(t, 'dieuphoi_bot'),
  agenda: (t) => parseAgendaText(t),
  presenter: (t) => cleanPresenter(t),
  cells: (t) => splitCells(t),
  appendix: (t) => parseAppendixUnits(t),
  csv: (t) => parseUnitsCsv(`Tên đơn vị,Mã\n${t}`),
};

/** CPU milliseconds of one parse; a caller's-mistake refusal counts as an answer. */
function runOnce(parse: (text: string) => unknown, text: string): number {
  const started = process.cpuUsage();
  try {
    parse(text);
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
  }
  const spent = process.cpuUsage(started);
  return (spent.user + spent.system) / 1000;
}

/** Fastest of up to three runs, stopping at the first within the bound. */
function timeParse(parse: (text: string) => unknown, text: string): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 3 && best >= PARSE_BOUND_MS; attempt++)
    best = Math.min(best, runOnce(parse, text));
  return best;
}

// ── Adversarial texts ───────────────────────────────────────────────────────────

const PIECES = [
  // full-width and CJK punctuation
  ...'：，。、；！？（）【】「」＊－～．／｜＂',
  'CV：',
  // every dash, colon, bullet and bar people or keyboards produce
  ...'-–—―‐‑‒−﹣⁃',
  ...':꞉∶﹕︰ː',
  ...'•·‣◦▪●○■□◆✓✔→»>*+|¦│',
  // zero-width, soft hyphen, combining marks alone and stacked, lone surrogates, emoji
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u034f',
  '\u0301',
  '\u0300\u0323\u0309',
  'a\u0301',
  'e\u0302\u0301',
  'N\u0303',
  '\ud83d',
  '\udc00',
  '😀',
  '👍🏻',
  // brackets
  ...'()[]{}<>',
  '((',
  '))',
  '()',
  ')(',
  '([',
  // whitespace of every kind, line breaks
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\u2029',
  '\u0085',
  '\u00a0',
  '\u3000',
  '\u2003',
  '\v',
  '\f',
  // ASCII punctuation
  ...'.,;/\\"\'`@#_=',
  '""',
  ',,',
  '"\n',
  '"a",',
  // letters, numbers and numbering
  'a',
  'A',
  'Ă',
  'Đ',
  'đ',
  'ư',
  'x',
  '0',
  '1',
  '9',
  'a-',
  '* ',
  '- ',
  '1.',
  '1. ',
  '1)',
  'a)',
  '1.1.',
  'I.',
  'STT ',
  '01 ',
  // words the parsers look for
  'đ/c ',
  'Đ/c',
  'Ông ',
  'bà ',
  'Nguyễn ',
  'Văn ',
  'Thị ',
  'NGUYỄN ',
  'Âu Dương ',
  'Nguyễn Văn An ',
  'PGĐ ',
  'Phó ',
  'Phó Giám đốc ',
  'UBND ',
  'xã ',
  'Tân Phú ',
  'TP ',
  'CV ',
  'CV: ',
  'ĐT ',
  'SĐT: ',
  '0912 ',
  '0912345678',
  '02773851234',
  '+84 ',
  '123456789012',
  'sinh năm 1980 ',
  'Họ tên: ',
  'Chức vụ: ',
  ' | ',
  'cử 02 đồng chí ',
  'thay đ/c ',
  'bổ sung ',
  'không ',
  'do trùng lịch ',
  'đã gửi ',
  'báo cáo ',
  'BC ',
  'số 45/BC-UBND ',
  '45/',
  'quý ',
  'III',
  'tháng 10 ',
  'ngày 05/11/2024 ',
  'năm 2024 ',
  'chưa ',
  '? ',
  'xã Tân Phú, ',
  'Các xã ',
  'đã nộp ',
  'qua iOffice ',
  '7h',
  '7h30',
  '7h30 - ',
  "14h - 15h30'",
  'sáng ',
  'chiều ',
  'giờ ',
  '10/11/',
  '10/11/2024',
  'ngày ',
  '31/12/2150 ',
  'email@',
  'a@b.',
  '.com',
  'http://',
];

const piece = fc.constantFrom(...PIECES);
const repeatTo = (unit: string): string =>
  unit.repeat(Math.ceil(LENGTH / Math.max(1, unit.length))).slice(0, LENGTH);

/** 20,000 characters: one piece repeated, a short pattern of pieces repeated, nesting, numbering, or a real line then noise. */
const adversarial: fc.Arbitrary<string> = fc.oneof(
  piece.map(repeatTo),
  fc.array(piece, { minLength: 2, maxLength: 5 }).map((ps) => repeatTo(ps.join(''))),
  fc
    .tuple(fc.integer({ min: 1, max: 2_000 }), fc.constantFrom('(', '[', '（', '{'), piece)
    .map(([depth, open, inner]) => {
      const close = { '(': ')', '[': ']', '（': '）', '{': '}' }[open]!;
      return repeatTo(open.repeat(depth) + inner + close.repeat(depth));
    }),
  fc
    .tuple(fc.integer({ min: 1, max: 500 }), fc.constantFrom('1.', '1.1', 'a)', 'I.', '-'))
    .map(([depth, mark]) => repeatTo(`${mark.repeat(depth)} Nguyễn Văn An - PGĐ\n`)),
  fc
    .tuple(
      fc.constantFrom(
        'Nguyễn Văn An - Phó Giám đốc ',
        'Sở Y tế cử 02 đồng chí:\n1. Ông Nguyễn Văn An - ',
        'Đơn vị đã gửi báo cáo số 45/BC-UBND ngày ',
        'STT\tHọ và tên\tChức vụ\tSĐT\n1\t',
        '7h30 - 8h00\t',
        '/baocao xã Tân Phú ',
      ),
      piece,
    )
    .map(([head, unit]) => (head + repeatTo(unit)).slice(0, LENGTH)),
);

/** The two reproductions of the audit, and the shapes around them. */
const NAMED: Record<string, string> = {
  'full-width colon list (audit: 20–30 s)': repeatTo('CV：'),
  'a title then 9,000 "* " (audit: ~96 s)': 'Nguyễn Văn An - Phó Giám đốc ' + '* '.repeat(9_000),
  'CV： lines': repeatTo('CV：'.repeat(50) + '\n'),
  'a title then dashes': 'Nguyễn Văn An - Phó Giám đốc ' + '- '.repeat(9_000),
  'decomposed Vietnamese': repeatTo('Nguyễn Thị Hồng Nhung - Phó Trưởng phòng\n'.normalize('NFD')),
  'one endless line of names': repeatTo('đ/c Nguyễn Văn An, '),
  'unbalanced brackets': repeatTo('(Nguyễn Văn An '),
  'an endless word': 'a'.repeat(LENGTH),
  'an endless number': '9'.repeat(LENGTH),
};

describe('every parser reads hostile text in linear time', () => {
  const slowest: Record<string, { ms: number; sample: string }> = {};
  const worstInputs: string[] = [];
  let tried = 0;

  const check = (text: string): void => {
    tried++;
    let worst = 0;
    for (const [name, parse] of Object.entries(parsers)) {
      const ms = timeParse(parse, text);
      worst = Math.max(worst, ms);
      if (ms > (slowest[name]?.ms ?? -1)) slowest[name] = { ms, sample: text.slice(0, 60) };
      expect(ms, `${name} on ${JSON.stringify(text.slice(0, 60))}…`).toBeLessThan(PARSE_BOUND_MS);
    }
    if (worst > 5) worstInputs.push(text);
  };

  it('warms up on ordinary text (compiling patterns is not the parse)', () => {
    for (const parse of Object.values(parsers))
      runOnce(parse, 'Sở Y tế cử 02 đồng chí:\n1. Ông Nguyễn Văn An - PGĐ Sở, ĐT 0912 345 678');
    expect(parseAttendeeReply('1. Ông Nguyễn Văn An - PGĐ').kind).toBe('attendees');
  });

  for (const [name, text] of Object.entries(NAMED)) {
    it(`named case: ${name}`, () => {
      expect(text.length).toBeGreaterThanOrEqual(18_000);
      check(text);
      worstInputs.push(text);
    });
  }

  it('each piece repeated alone', () => {
    for (const p of PIECES) check(repeatTo(p));
  }, 120_000);

  it('generated adversarial texts of 20,000 characters, every parser under 50 ms', () => {
    fc.assert(
      fc.property(adversarial, (text) => {
        expect(text.length).toBeLessThanOrEqual(LENGTH);
        check(text);
      }),
      { numRuns: Number(process.env.PARSER_ATTACK_RUNS ?? 150), seed: 20_241_105 },
    );
    console.log(
      JSON.stringify({
        test: 'security/parsers',
        inputsTried: tried,
        parses: tried * Object.keys(parsers).length,
        slowestMs: Object.fromEntries(
          Object.entries(slowest).map(([k, v]) => [k, Math.round(v.ms * 10) / 10]),
        ),
        samples: Object.fromEntries(
          Object.entries(slowest).map(([k, v]) => [k, v.sample.slice(0, 16)]),
        ),
      }),
    );
    expect(tried).toBeGreaterThan(PIECES.length);
  }, 300_000);

  it('says what it did not read, or refuses what it must read whole', () => {
    const long = 'đ/c Nguyễn Văn An - PGĐ\n'.repeat(Math.ceil((CHAT_MAX_CHARS * 2) / 24));
    const r = parseAttendeeReply(long);
    expect(r.truncated).toBe(true);
    expect(r.kind).toBe('attendees');
    expect(parseAttendeeReply('đ/c Nguyễn Văn An - PGĐ').truncated).toBeUndefined();
    expect(parseAttendeeReply(`đ/c Nguyễn Văn An - ${'PGĐ '.repeat(200)}`).truncated).toBe(true);

    expect(parseCommand(`/dangky ${'x'.repeat(COMMAND_ARGS_MAX_CHARS + 1)}`)?.truncated).toBe(true);
    expect(parseCommand('/dangky Nguyễn Văn An')).toEqual({
      name: 'dangky',
      args: 'Nguyễn Văn An',
    });
    expect(parseCommand(`/${'x'.repeat(65)}`)).toBeNull();

    expect(parseUserDate(`10/11/2024${' '.repeat(DATE_MAX_CHARS)}`, NOW)).toBeNull();
    expect(parseUserDate('10/11/2024', NOW)?.dateKey).toBe('2024-11-10');

    const row = '7h30 - 8h00\tKhai mạc\tBan Tổ chức\n';
    const agenda = parseAgenda(row.repeat(Math.ceil((AGENDA_MAX_CHARS + 1) / row.length)));
    expect(agenda.truncated).toBe(true);
    expect(agenda.items.length).toBeGreaterThan(1_000);
    expect(parseAgenda(row).truncated).toBe(false);

    expect(() => parseAppendixUnits('1\tSở Y tế\n'.repeat(IMPORT_MAX_CHARS / 5))).toThrow(
      UnitImportError,
    );
    expect(() => parseUnitsCsv(`Tên đơn vị\n${'x'.repeat(IMPORT_LINE_MAX_CHARS + 1)}`)).toThrow(
      /Dòng 2/,
    );
  });

  it('the event loop is never held more than 100 ms while the parsers run on the worst inputs', async () => {
    const inputs = [...Object.values(NAMED), ...worstInputs];
    // One round: every parser on every input, one parse per task, a 5 ms interval timing itself.
    const round = async (): Promise<{ maxLag: number; ticks: number }> => {
      let maxLag = 0;
      let ticks = 0;
      const period = 5;
      let expected = performance.now() + period;
      const probe = setInterval(() => {
        const now = performance.now();
        maxLag = Math.max(maxLag, now - expected);
        expected = now + period;
        ticks++;
      }, period);
      try {
        for (const text of inputs) {
          for (const parse of Object.values(parsers)) {
            runOnce(parse, text);
            await new Promise((r) => setImmediate(r));
          }
        }
        await new Promise((r) => setTimeout(r, 3 * period));
      } finally {
        clearInterval(probe);
      }
      return { maxLag, ticks };
    };
    // A shared machine may deschedule the whole process now and then: like the timings above, a
    // round over the bound is run again (up to three rounds), and the best round is judged.
    const rounds: { maxLag: number; ticks: number }[] = [];
    for (let k = 0; k < 3 && !rounds.some((r) => r.maxLag < LAG_BOUND_MS); k++)
      rounds.push(await round());
    const best = rounds.reduce((a, b) => (b.maxLag < a.maxLag ? b : a));
    console.log(
      JSON.stringify({
        test: 'security/loop-lag',
        inputs: inputs.length,
        rounds: rounds.map((r) => Math.round(r.maxLag)),
        ticks: best.ticks,
        maxLagMs: Math.round(best.maxLag),
      }),
    );
    expect(best.ticks).toBeGreaterThan(0);
    expect(best.maxLag).toBeLessThan(LAG_BOUND_MS);
  }, 300_000);
});
