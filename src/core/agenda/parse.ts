/**
 * Agendas as organizers paste them from the plan ("Phụ lục 2 — Chương trình"): a table of
 * part of day, time range, content and who presents. Pure; times stay local "HH:mm" and the
 * caller puts them on the event's date in Asia/Ho_Chi_Minh.
 */
import { AGENDA_LINE_MAX_CHARS, AGENDA_MAX_CHARS, capLines } from '../text/limits';
import { cleanText, fold, limitMarks, trimEndMatching } from '../text/normalize';
import { splitCells } from '../text/table';

export type DayPart = 'sáng' | 'chiều' | 'tối';

export interface AgendaItemInput {
  /** Local time "HH:mm". */
  startsAt: string;
  endsAt?: string;
  title: string;
  presenter?: string;
  isBreak: boolean;
  part: DayPart;
}

// 7h30' · 8h00' · 14h · 7g30 · 8 giờ 30 phút · 07:30
const CLOCK = String.raw`(?:\d{1,2}\s?(?:giờ|h|g)(?:\s?\d{2})?|\d{1,2}:\d{2})(?:\s?(?:'|’|′|phút))?(?![\p{L}\d])`;
const CLOCK_PARTS = /^(?:(\d{1,2})\s?(?:giờ|h|g)(?:\s?(\d{2}))?|(\d{1,2}):(\d{2}))/iu;
const RANGE_SEP = String.raw`\s*(?:-|–|—|→|->|đến|tới)\s*`;
const PART_WORD = String.raw`(?:buổi\s+)?(?:sáng|chiều|tối|trưa)`;
const TIME_CELL = new RegExp(
  String.raw`^(${PART_WORD}\s*[:,-]?\s*)?\(?(${CLOCK})(?:${RANGE_SEP}(${CLOCK}))?\)?`,
  'iu',
);

/** "14h  -  15h30'" copied from a PDF: tighten the range so a 2+ space split keeps it whole. */
const LOOSE_RANGE = new RegExp(
  String.raw`(${CLOCK})[ \u00a0]*(-|–|—|→|->|đến|tới)[ \u00a0]*(?=\d)`,
  'giu',
);

interface Clock {
  h: number;
  m: number;
}

function readClock(text: string): Clock | null {
  const m = CLOCK_PARTS.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1] ?? m[3]);
  const min = Number(m[2] ?? m[4] ?? 0);
  if (!(h >= 0 && h <= 23 && min >= 0 && min <= 59)) return null;
  return { h, m: min };
}

const hhmm = (c: Clock) => `${String(c.h).padStart(2, '0')}:${String(c.m).padStart(2, '0')}`;

interface TimeCell {
  start: Clock;
  end?: Clock;
  marker: DayPart | null;
  rest: string;
}

function readTimeCell(cell: string): TimeCell | null {
  const m = TIME_CELL.exec(cell);
  if (!m) return null;
  const start = readClock(m[2]!);
  if (!start) return null;
  const end = m[3] !== undefined ? (readClock(m[3]) ?? undefined) : undefined;
  return {
    start,
    ...(end ? { end } : {}),
    marker: partOf(m[1] ?? ''),
    rest: cell.slice(m[0].length).replace(/^[\s:.,;–-]+/u, ''),
  };
}

/** "Sáng", "Buổi chiều", "TỐI (27/9)" → the part; "Trưa" and anything else → null. */
function partOf(text: string): DayPart | null {
  const f = fold(text).replace(/^buoi\s+/, '');
  if (/^sang(?![a-z])/.test(f)) return 'sáng';
  if (/^chieu(?![a-z])/.test(f)) return 'chiều';
  if (/^toi(?![a-z])/.test(f)) return 'tối';
  return null;
}

function partFromHour(h: number): DayPart {
  return h < 12 ? 'sáng' : h < 18 ? 'chiều' : 'tối';
}

/**
 * The part of a row with no marker: the one carried from the rows above while the time still
 * fits it (a morning that runs to 12h30, an afternoon to 18h30), else the hour's own part.
 */
function inferPart(h: number, carried: DayPart | null): DayPart {
  const byHour = partFromHour(h);
  if (!carried || carried === byHour) return byHour;
  if (carried === 'sáng' && h < 13) return 'sáng';
  if (carried === 'chiều' && h >= 11 && h < 19) return 'chiều';
  if (carried === 'tối' && h >= 17) return 'tối';
  return byHour;
}

/** Titles lose typographic quotes: `Chuyên đề 1: “Phát ngôn…”` → `Chuyên đề 1: Phát ngôn…`. */
function cleanTitle(raw: string): string {
  let s = cleanText(raw).replace(/[“”„‟«»]/g, '');
  if ((s.match(/"/g) ?? []).length % 2 === 0) s = s.replace(/"/g, '');
  return cleanText(s.replace(/(?<!\s)\s+([,.;:!?])/g, '$1'));
}

const PRESENTER_VERBS = [
  'truyen dat',
  'trinh bay',
  'bao cao',
  'thuc hien',
  'phat bieu',
  'dieu hanh',
  'chu tri',
];

/**
 * "- Lãnh đạo Cục Báo chí, Bộ Thông tin và Truyền thông truyền đạt. - Bộ phận trình chiếu…"
 * → "Lãnh đạo Cục Báo chí, Bộ Thông tin và Truyền thông": the first dash item, without the
 * closing verb. Hyphens inside names ("Sở Lao động - Thương binh và Xã hội") are kept: an item
 * starts only at the beginning or after ".", ";" or a line break.
 */
export function cleanPresenter(raw: string): string | undefined {
  let s = cleanText(raw.slice(0, AGENDA_LINE_MAX_CHARS));
  if (!s) return undefined;
  if (/^[-–•+*]\s*/u.test(s)) {
    s = s.replace(/^[-–•+*]\s*/u, '');
    s = s.split(/[.;]\s*[-–•+*]\s+|\n\s*[-–•+*]\s*/u)[0] ?? s;
  }
  s = trimEndMatching(s, /[\s.;,:]/u);
  const words = s.split(' ');
  for (const verb of PRESENTER_VERBS) {
    const n = verb.split(' ').length;
    if (words.length > n && fold(words.slice(-n).join(' ')) === verb) {
      s = trimEndMatching(words.slice(0, -n).join(' '), /[\s,;:]/u);
      break;
    }
  }
  s = cleanTitle(s);
  return s || undefined;
}

const BREAK =
  /^(?:giai lao|nghi giai lao|nghi trua|nghi an trua|an trua|an com trua|tea break|coffee break|break)(?![a-z])/;

export function isBreakTitle(title: string): boolean {
  return BREAK.test(fold(title));
}

/**
 * Agenda items from a pasted agenda table (Phụ lục 2 of seed 000 is the model). A row is a
 * line whose first or second cell starts with a time or time range (`7h30' - 8h00'`,
 * `14h - 15h30'`, `7h30-8h`, `07:30 – 08:00`); a "Sáng"/"Chiều"/"Tối" cell before it sets the
 * part for the rows below. Then comes the content cell, then the presenter cell. Titles,
 * headers and anything without a time are skipped.
 */
export function parseAgendaText(text: string): AgendaItemInput[] {
  return parseAgenda(text).items;
}

/**
 * `parseAgendaText` that also says whether the text went beyond AGENDA_MAX_CHARS characters
 * (or AGENDA_LINE_MAX_CHARS in a row); what lies beyond is not read.
 */
export function parseAgenda(text: string): { items: AgendaItemInput[]; truncated: boolean } {
  const items: AgendaItemInput[] = [];
  let carried: DayPart | null = null;
  const rough = text.length > 4 * AGENDA_MAX_CHARS ? text.slice(0, 4 * AGENDA_MAX_CHARS) : text;
  const { lines, truncated } = capLines(
    limitMarks(rough).normalize('NFC'),
    AGENDA_MAX_CHARS,
    AGENDA_LINE_MAX_CHARS,
    Infinity,
  );
  for (const line of lines) {
    // A row has a time; a line without a digit can only be a short "Buổi chiều" heading.
    if (!/\d/.test(line) && (line.length > 40 || !/\p{L}/u.test(line))) continue;
    const cells = splitCells(line.replace(LOOSE_RANGE, '$1 $2 '));
    const filled = cells.map((c, i) => ({ c, i })).filter((x) => x.c !== '');
    if (filled.length === 0) continue;

    let time: TimeCell | null = null;
    let timeIdx = -1;
    let marker: DayPart | null = null;
    for (const { c, i } of filled.slice(0, 2)) {
      const t = readTimeCell(c);
      if (t) {
        time = t;
        timeIdx = i;
        break;
      }
      marker ??= partOf(c);
    }
    if (!time) {
      // A row that only says "Buổi chiều" opens that part.
      if (filled.length === 1) carried = partOf(filled[0]!.c) ?? carried;
      continue;
    }
    marker = time.marker ?? marker;

    const content = [time.rest, ...cells.slice(timeIdx + 1)].filter((c) => c !== '');
    const title = cleanTitle(content[0] ?? '');
    if (!title) continue;
    const part = marker ?? inferPart(time.start.h, carried);
    carried = part;

    const presenter = content[1] !== undefined ? cleanPresenter(content[1]) : undefined;
    items.push({
      startsAt: hhmm(time.start),
      ...(time.end ? { endsAt: hhmm(time.end) } : {}),
      title,
      ...(presenter ? { presenter } : {}),
      isBreak: isBreakTitle(title),
      part,
    });
  }
  return { items, truncated: truncated || rough !== text };
}
