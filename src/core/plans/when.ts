/**
 * Time as plans state it, read the way the plan means it (Asia/Ho_Chi_Minh by default):
 *
 *   "trước ngày 10/11/2024"          due before that day (00:00 of 10/11)
 *   "chậm nhất ngày 10/11/2024"      due through the end of that day
 *   "tháng 04/2022"                  by the end of April 2022
 *   "Quý II/2024", "Quý II, III/2024" by the end of the (last) quarter
 *   "6 tháng đầu năm 2024", "năm 2024" by the end of that half / year
 *   "trước ngày 15/11 hằng năm"      a yearly recurrence (15/11)
 *   "Định kỳ hàng quý, 6 tháng, cuối năm"  several recurrences
 *   "thường xuyên"                   standing: no deadline, a periodic check-in
 *
 * The scanner works on the folded twin of a sentence (see text.ts) with patterns that never
 * nest quantifiers, so it is linear in the sentence.
 */
import { addDays, daysInMonth, toDateKey, type DateKey } from '../time/format';
import { END_OF_YEAR, type Recurrence } from '../time/recurrence';
import type { DeadlineMode } from '../time/schedule';

export interface WhenContext {
  /** The year a date without one belongs to (the plan's year). */
  year: number;
  /** The plan's date: a yearless date before it is the next year's. */
  issuedOn?: DateKey | null;
}

export type Due = { dateKey: DateKey; mode: DeadlineMode };

export type Timing =
  | { kind: 'due'; due: Due; text: string }
  | { kind: 'standing'; recurrence: Recurrence; text: string }
  | { kind: 'periodic'; recurrences: Recurrence[]; text: string }
  | { kind: 'relative'; text: string }
  | { kind: 'none'; text: string };

type TokenKind =
  'date' | 'dayOnly' | 'month' | 'quarter' | 'half' | 'year' | 'standing' | 'period' | 'relative';

interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  day?: number;
  month?: number;
  year?: number | null;
  /** 'before-day' when preceded by "trước", else 'by-end-of-day'. */
  mode?: DeadlineMode;
  /** A deadline cue precedes it ("trước", "chậm nhất", "hạn", "hoàn thành", "trong"…). */
  cued?: boolean;
  /** For 'period': the recurrence kind; for 'dayOnly': offset words. */
  period?: Recurrence['kind'];
  monthOffset?: number;
}

const ROMANS: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

function validDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function fullYear(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const y = raw.length === 2 ? 2000 + Number(raw) : Number(raw);
  return y >= 2000 && y <= 2100 ? y : null;
}

const CUE_BEFORE = /(?:truoc|khong qua|khong muon hon|truoc han)\s*(?:ngay)?\s*$/;
const CUE_BY =
  /(?:cham nhat|han chot|thoi han|han|hoan thanh|xong|den het|den|toi|trong|vao|du kien|ket thuc)\s*(?:(?:ngay|thang)\s*)?$/;
/** A document date ("Quyết định số 1288/QĐ-UBND ngày 12/12/2023") is not a deadline. */
const DOC_REF = /\bso\s*\d+\s*\/\s*[a-z0-9-]+[^,;]{0,40}$/;

function cueOf(fold: string, start: number): { cued: boolean; mode: DeadlineMode } {
  const before = fold.slice(Math.max(0, start - 40), start);
  if (DOC_REF.test(before)) return { cued: false, mode: 'by-end-of-day' };
  const near = before.slice(-24);
  if (CUE_BEFORE.test(near)) return { cued: true, mode: 'before-day' };
  if (CUE_BY.test(near)) return { cued: true, mode: 'by-end-of-day' };
  return { cued: false, mode: 'by-end-of-day' };
}

const DATE_NUM = /(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}|\d{2}))?(?![\d/])/g;
const DATE_WORDS = /ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})(?:\s*(?:nam|\/)\s*(\d{4}))?/g;
const DAY_OF_PERIOD =
  /ngay\s+(\d{1,2})\s+(?:cua\s+)?thang\s+(cuoi|dau|thu nhat|ke tiep|tiep theo|sau)(?:\s+(?:quy|ky|nam))?(\s+(?:sau|tiep theo|ke tiep))?/g;
const DAY_MONTHLY = /(?<![a-z])ngay\s+(\d{1,2})(?=\s+(?:hang|moi)\s+thang)/g;
/** "tháng 4/2022", "tháng 3 - 6/2024", "tháng 9, 10 năm 2024": the last month counts. */
const MONTH =
  /thang\s+(\d{1,2})((?:\s*(?:,|va|-|–|den|toi)\s*(?:thang\s+)?\d{1,2}){0,11})(?:\s*[/.-]\s*|\s+nam\s+)(\d{4})/g;
const MONTH_BARE = /(?:^|\s)thang\s+(\d{1,2})(?![\d/])/g;
const QUARTER = /(?<![a-z])quy\s+(iv|iii|ii|i|[1-4])(?![a-z0-9])/g;
const HALF = /6\s+thang\s+(dau|cuoi)\s+nam(?:\s+(\d{4}))?/g;
const YEAR = /(?:^|\s)(?:trong\s+|ca\s+)?nam\s+(\d{4})(?!\d)/g;
const RANGE_YEARS = /(?:giai doan\s+)?(20\d{2})\s*(?:-|den|–)\s*(20\d{2})/g;
const DAY_BARE = /(?<![a-z])ngay\s+(\d{1,2})(?![\d/.-])(?!\s+thang)(?!\s*\d)/g;
const STANDING = /(?<![a-z])(?:thuong xuyen|hang ngay|hang tuan)(?![a-z])/g;
const RELATIVE =
  /(?<![a-z])(?:sau khi|ke tu ngay|ke tu khi|sau\s+\d{1,3}\s+ngay|truoc\s+\d{1,3}\s+ngay|khi co yeu cau|dot xuat)(?![a-z])/g;
const P_EVERY = /(?<![a-z])(?:hang|moi)\s+(nam|quy|thang)(?![a-z])/g;
const P_HALF =
  /(?<![a-z0-9])(?:0?6|sau)\s+thang(?!\s+(?:dau|cuoi|nay|qua|toi|sau|\d|truoc(?!\s+ngay)))(?![a-z])/g;
const P_END_YEAR = /(?<![a-z])cuoi\s+nam(?![a-z])(?!\s*(?:\d|nay|hoc))/g;
const P_NAMED = /(?<![a-z])(?:bao cao|dinh ky)\s+(nam|quy|thang)(?![a-z])(?!\s*\d)/g;
/** The next item of a list of periods: "hàng quý, 6 tháng, cuối năm", "quý và năm". */
const P_LIST_NEXT =
  /^\s*(?:,|;|va|hoac)\s*(?:hang\s+|cuoi\s+|moi\s+)?(nam|quy|thang|0?6\s+thang|sau\s+thang)(?![a-z])(?!\s*\d)/;
const P_AND_PERIOD =
  /(?<![a-z])(?:va|,)\s+(?:hang\s+|ca\s+|cuoi\s+)?(nam|quy)(?=\s*\(?\s*(?:truoc|cham nhat|han))/g;
const PERIOD_CONTEXT = /(?<![a-z])(?:dinh ky|bao cao|hang quy|hang nam|hang thang)(?![a-z])/;

function periodKind(word: string): Recurrence['kind'] {
  if (word === 'quy') return 'quarterly';
  if (word === 'thang') return 'monthly';
  if (word === 'nam') return 'yearly';
  return 'half-yearly';
}

function push(tokens: Token[], t: Token): void {
  // A span already read by a more specific pattern is not read again.
  if (tokens.some((o) => t.start < o.end && o.start < t.end)) return;
  tokens.push(t);
}

/** Every time expression of a (folded) sentence, in order. */
export function scanTime(fold: string, ctx: WhenContext): Token[] {
  const tokens: Token[] = [];
  let m: RegExpExecArray | null;

  // Cheap gates: most sentences name no time at all, and every pattern needs one of these words.
  const hasDigit = /\d/.test(fold);
  const has = (w: string) => fold.includes(w);
  for (const re of hasDigit && has('ngay') ? [DAY_OF_PERIOD, DAY_MONTHLY] : []) {
    re.lastIndex = 0;
    while ((m = re.exec(fold))) {
      const day = Number(m[1]);
      if (day < 1 || day > 31) continue;
      const offsetWord = re === DAY_OF_PERIOD ? `${m[2]}${m[3] ?? ''}` : '';
      const monthOffset = /sau|tiep|ke tiep|dau|thu nhat/.test(offsetWord) ? 1 : 0;
      const cue = cueOf(fold, m.index);
      push(tokens, {
        kind: 'dayOnly',
        start: m.index,
        end: m.index + m[0].length,
        day,
        monthOffset,
        mode: cue.mode,
        cued: cue.cued,
        ...(re === DAY_MONTHLY ? { period: 'monthly' as const } : {}),
      });
    }
  }

  DATE_WORDS.lastIndex = hasDigit && has('thang') ? 0 : fold.length;
  while ((m = DATE_WORDS.exec(fold))) {
    const day = Number(m[1]);
    const month = Number(m[2]);
    const year = fullYear(m[3]);
    if (!validDay(year ?? 2024, month, day)) continue;
    const cue = cueOf(fold, m.index);
    push(tokens, {
      kind: 'date',
      start: m.index,
      end: m.index + m[0].length,
      day,
      month,
      year,
      ...cue,
    });
  }

  DATE_NUM.lastIndex = hasDigit ? 0 : fold.length;
  while ((m = DATE_NUM.exec(fold))) {
    const start = m.index;
    const prev = fold.charAt(start - 1);
    if (/[a-z0-9/]/.test(prev)) continue; // "30/4" inside "KH/30/4"…
    const day = Number(m[1]);
    const month = Number(m[2]);
    const year = fullYear(m[3]);
    if (m[3] !== undefined && year === null) continue;
    if (!validDay(year ?? 2024, month, day)) continue;
    const cue = cueOf(fold, start);
    // A day/month without a year is a date only after a cue ("trước ngày 15/11"); "đường 30/4" is not.
    const before = fold.slice(Math.max(0, start - 6), start);
    // "trước ngày 15/6 và 15/12": the second date takes the cue of the first.
    const prevDate = tokens.find(
      (t) =>
        t.kind === 'date' &&
        t.end <= start &&
        /^\s*(?:,|va)\s*(?:ngay\s*)?$/.test(fold.slice(t.end, start)),
    );
    if (year === null && !cue.cued && !/ngay\s*$/.test(before) && !prevDate) continue;
    const mode = cue.cued ? cue : prevDate ? { cued: true, mode: prevDate.mode! } : cue;
    push(tokens, { kind: 'date', start, end: start + m[0].length, day, month, year, ...mode });
  }

  MONTH.lastIndex = hasDigit && has('thang') ? 0 : fold.length;
  while ((m = MONTH.exec(fold))) {
    const listed = m[2] ? [...m[2].matchAll(/\d{1,2}/g)].map((x) => Number(x[0])) : [];
    const month = Math.max(Number(m[1]), ...listed);
    const year = fullYear(m[3]);
    if (month < 1 || month > 12 || year === null) continue;
    const cue = cueOf(fold, m.index);
    push(tokens, {
      kind: 'month',
      start: m.index,
      end: m.index + m[0].length,
      month,
      year,
      cued: cue.cued,
    });
  }
  MONTH_BARE.lastIndex = hasDigit && has('thang') ? 0 : fold.length;
  while ((m = MONTH_BARE.exec(fold))) {
    const month = Number(m[1]);
    if (month < 1 || month > 12) continue;
    const start = m.index + m[0].indexOf('thang');
    // "6 tháng", "sáu tháng" are periods, not months.
    if (/(?:\d|sau)\s*$/.test(fold.slice(Math.max(0, start - 5), start))) continue;
    const cue = cueOf(fold, start);
    push(tokens, {
      kind: 'month',
      start,
      end: m.index + m[0].length,
      month,
      year: null,
      cued: cue.cued,
    });
  }

  QUARTER.lastIndex = has('quy') ? 0 : fold.length;
  while ((m = QUARTER.exec(fold))) {
    let last = ROMANS[m[1]!] ?? Number(m[1]);
    let end = m.index + m[0].length;
    // "Quý II, III/2024", "quý II và quý III năm 2024", "Quý I - II"
    const tail = /^(?:\s*(?:,|va|-|–|den)\s*(?:quy\s+)?(iv|iii|ii|i|[1-4])(?![a-z0-9])){1,3}/.exec(
      fold.slice(end, end + 40),
    );
    if (tail) {
      const all = [...tail[0].matchAll(/(iv|iii|ii|i|[1-4])(?![a-z0-9])/g)].map(
        (x) => ROMANS[x[1]!] ?? Number(x[1]),
      );
      last = Math.max(last, ...all);
      end += tail[0].length;
    }
    const yearM = /^\s*(?:\/|nam|-)\s*(\d{4})/.exec(fold.slice(end, end + 12));
    const year = yearM ? fullYear(yearM[1]) : null;
    if (yearM) end += yearM[0].length;
    const cue = cueOf(fold, m.index);
    push(tokens, { kind: 'quarter', start: m.index, end, month: last * 3, year, cued: cue.cued });
  }

  HALF.lastIndex = has('6') && has('thang') ? 0 : fold.length;
  while ((m = HALF.exec(fold))) {
    push(tokens, {
      kind: 'half',
      start: m.index,
      end: m.index + m[0].length,
      month: m[1] === 'dau' ? 6 : 12,
      year: fullYear(m[2]),
    });
  }

  RANGE_YEARS.lastIndex = has('20') ? 0 : fold.length;
  while ((m = RANGE_YEARS.exec(fold))) {
    const year = fullYear(m[2]);
    if (year !== null)
      push(tokens, { kind: 'year', start: m.index, end: m.index + m[0].length, year });
  }
  YEAR.lastIndex = hasDigit && has('nam') ? 0 : fold.length;
  while ((m = YEAR.exec(fold))) {
    const year = fullYear(m[1]);
    const start = m.index + (m[0].startsWith(' ') ? 1 : 0);
    if (year !== null) push(tokens, { kind: 'year', start, end: m.index + m[0].length, year });
  }

  for (const [re, kind] of [
    [STANDING, 'standing'],
    [RELATIVE, 'relative'],
  ] as const) {
    re.lastIndex = 0;
    while ((m = re.exec(fold))) push(tokens, { kind, start: m.index, end: m.index + m[0].length });
  }

  const periods: Token[] = [];
  const periodWords = has('hang') || has('moi') || has('thang') || has('nam') || has('quy');
  const addPeriod = (start: number, end: number, period: Recurrence['kind']) => {
    if (!periods.some((p) => start < p.end && p.start < end))
      periods.push({ kind: 'period', start, end, period });
  };
  for (const re of periodWords ? [P_EVERY, P_NAMED] : []) {
    re.lastIndex = 0;
    while ((m = re.exec(fold))) addPeriod(m.index, m.index + m[0].length, periodKind(m[1]!));
  }
  P_END_YEAR.lastIndex = has('cuoi') ? 0 : fold.length;
  while ((m = P_END_YEAR.exec(fold))) addPeriod(m.index, m.index + m[0].length, 'yearly');
  P_HALF.lastIndex = has('thang') ? 0 : fold.length;
  while ((m = P_HALF.exec(fold))) {
    // "6 tháng" is a reporting period only where periods are spoken of ("định kỳ 6 tháng"), not a
    // length of time ("trong 6 tháng").
    if (PERIOD_CONTEXT.test(fold.slice(Math.max(0, m.index - 60), m.index)))
      addPeriod(m.index, m.index + m[0].length, 'half-yearly');
  }
  // "định kỳ 6 tháng trước ngày 10/6 và năm trước ngày 10/11": the next period after a date.
  P_AND_PERIOD.lastIndex = periods.length ? 0 : fold.length;
  while ((m = P_AND_PERIOD.exec(fold))) {
    const at = m.index;
    if (periods.some((p) => p.end <= at && at - p.end < 80))
      addPeriod(at + m[0].length - m[1]!.length, at + m[0].length, periodKind(m[1]!));
  }
  for (let i = 0; i < periods.length && i < 8; i++) {
    const p = periods[i]!;
    const next = P_LIST_NEXT.exec(fold.slice(p.end, p.end + 30));
    if (next) {
      const word = next[1]!.replace(/\s+/g, ' ');
      const start = p.end + next[0].length - next[1]!.length;
      addPeriod(
        start,
        p.end + next[0].length,
        periodKind(word.endsWith('thang') && word !== 'thang' ? '6' : word),
      );
    }
  }
  for (const p of periods) push(tokens, p);
  DAY_BARE.lastIndex = hasDigit && has('ngay') ? 0 : fold.length;
  while ((m = DAY_BARE.exec(fold))) {
    const day = Number(m[1]);
    if (day < 1 || day > 31) continue;
    const cue = cueOf(fold, m.index);
    push(tokens, {
      kind: 'dayOnly',
      start: m.index,
      end: m.index + m[0].length,
      day,
      monthOffset: 0,
      ...cue,
    });
  }
  void ctx;
  return tokens.sort((a, b) => a.start - b.start);
}

// ---------------------------------------------------------------------------------------------

function firstOfNextMonth(year: number, month: number): DateKey {
  return month === 12 ? toDateKey(year + 1, 1, 1) : toDateKey(year, month + 1, 1);
}

/** A yearless day/month: in the plan's year, or the next one when that is before the plan's date. */
function placeYear(day: number, month: number, ctx: WhenContext): number {
  const key = toDateKey(ctx.year, month, Math.min(day, daysInMonth(ctx.year, month)));
  return ctx.issuedOn && key < ctx.issuedOn ? ctx.year + 1 : ctx.year;
}

/** The deadline a dated token means, or null for tokens that are not a point in time. */
function dueOf(t: Token, ctx: WhenContext): Due | null {
  switch (t.kind) {
    case 'date': {
      const year = t.year ?? placeYear(t.day!, t.month!, ctx);
      return { dateKey: toDateKey(year, t.month!, t.day!), mode: t.mode ?? 'by-end-of-day' };
    }
    case 'month':
    case 'quarter':
    case 'half':
      return {
        dateKey: firstOfNextMonth(t.year ?? ctx.year, t.month!),
        mode: 'before-day',
      };
    case 'year':
      return { dateKey: toDateKey(t.year! + 1, 1, 1), mode: 'before-day' };
    default:
      return null;
  }
}

const laterDue = (a: Due, b: Due) =>
  (a.mode === 'by-end-of-day' ? addDays(a.dateKey, 1) : a.dateKey) >=
  (b.mode === 'by-end-of-day' ? addDays(b.dateKey, 1) : b.dateKey)
    ? a
    : b;

/** The year tokens that only qualify another expression ("Quý II/2024", "thường xuyên trong năm 2024"). */
function pointTokens(tokens: Token[]): Token[] {
  const hasFiner = tokens.some((t) => t.kind !== 'year' && dueOf(t, { year: 2000 }) !== null);
  return tokens.filter(
    (t) => dueOf(t, { year: 2000 }) !== null && (!hasFiner || t.kind !== 'year'),
  );
}

/**
 * A time field as a whole ("Thời gian thực hiện: Quý II, III/2024"): standing, periodic, a due
 * date (the latest one stated), relative, or nothing understood.
 */
export function readTimeField(text: string, fold: string, ctx: WhenContext): Timing {
  const tokens = scanTime(fold, ctx);
  const clean = text.trim().replace(/[.;,]+$/, '');
  if (tokens.some((t) => t.kind === 'standing')) {
    const periods = tokens.filter((t) => t.kind === 'period');
    return { kind: 'standing', recurrence: standingCheckIn(periods), text: clean };
  }
  const periodic = recurrencesOf(tokens, ctx);
  if (periodic.length) return { kind: 'periodic', recurrences: periodic, text: clean };
  const points = pointTokens(tokens);
  if (points.length) {
    const due = points.map((t) => dueOf(t, ctx)!).reduce(laterDue);
    return { kind: 'due', due, text: clean };
  }
  if (tokens.some((t) => t.kind === 'relative')) return { kind: 'relative', text: clean };
  return { kind: 'none', text: clean };
}

/** Check-ins of a standing task: the cadence it states ("thường xuyên, báo cáo hằng quý"), else quarterly. */
function standingCheckIn(periods: Token[]): Recurrence {
  const p = periods[0]?.period;
  if (p === 'yearly') return END_OF_YEAR;
  if (p === 'half-yearly') return { kind: 'half-yearly' };
  if (p === 'monthly') return { kind: 'monthly', day: 15 };
  return { kind: 'quarterly' };
}

/**
 * The recurrences a sentence states: each period word ("hằng năm", "hàng quý", "6 tháng", "cuối
 * năm") with the yearless date or day nearest to it in the same clause ("trước ngày 15/11 hằng
 * năm" → yearly 15/11; "hằng tháng, trước ngày 20" → monthly 20).
 */
export function recurrencesOf(tokens: Token[], ctx: WhenContext): Recurrence[] {
  const periods = tokens.filter((t) => t.kind === 'period');
  if (!periods.length) return [];
  const dates = tokens.filter(
    (t) => (t.kind === 'date' && t.year === null) || t.kind === 'dayOnly',
  );
  const kinds = new Set(periods.map((p) => p.period));
  const out: Recurrence[] = [];
  const seen = new Set<string>();
  // "trước ngày 15/6 và 15/12 hằng năm": one yearly period with several dates.
  if (periods.length === 1 && periods[0]!.period === 'yearly') {
    const days = dates.filter((d) => d.kind === 'date');
    if (days.length >= 2) return yearlyDates(days);
  }
  // Each date goes to the period word just before it in the same stretch ("hằng quý (trước ngày
  // 20 …), 6 tháng (trước ngày 20/6)"), else to the one right after it ("trước ngày 15/11 hằng năm").
  const dateOf = new Map<Token, Token>();
  for (const d of dates) {
    const before = periods.filter((p) => p.end <= d.start && d.start - p.end < 60).at(-1);
    const after = periods.find((p) => p.start >= d.end && p.start - d.end < 40);
    const compatible = (p: Token | undefined) =>
      p &&
      !dateOf.has(p) &&
      !(d.kind === 'dayOnly' && d.period === 'monthly' && p.period !== 'monthly');
    const p = compatible(before) ? before : compatible(after) ? after : undefined;
    if (p) dateOf.set(p, d);
  }
  for (const p of periods) {
    const rec = recurrenceFor(p.period!, dateOf.get(p) ?? null, kinds.has('yearly'));
    if (!rec) continue;
    const key = JSON.stringify(rec);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(rec);
    }
  }
  void ctx;
  return out;
}

/** Dates of a year: twice a year six months apart is a half-yearly report, else one yearly each. */
function yearlyDates(days: Token[]): Recurrence[] {
  const uniq = [...new Map(days.map((d) => [`${d.month}-${d.day}`, d])).values()].sort(
    (a, b) => a.month! - b.month!,
  );
  const mode =
    uniq[0]!.mode === 'by-end-of-day' && uniq[0]!.cued ? { mode: 'by-end-of-day' as const } : {};
  if (uniq.length === 2 && uniq[1]!.month! - uniq[0]!.month! === 6 && uniq[0]!.day === uniq[1]!.day)
    return [{ kind: 'half-yearly', day: uniq[0]!.day!, monthOffset: uniq[1]!.month! % 6, ...mode }];
  if (
    uniq.length === 4 &&
    uniq.every((d, i) => d.day === uniq[0]!.day && d.month! - uniq[0]!.month! === i * 3)
  )
    return [
      {
        kind: 'quarterly',
        day: uniq[0]!.day!,
        monthOffset: uniq[3]!.month! % 3 === 0 ? 0 : uniq[3]!.month! % 3,
        ...mode,
      },
    ];
  return uniq.map((d) => ({ kind: 'yearly' as const, month: d.month!, day: d.day!, ...mode }));
}

function recurrenceFor(
  kind: Recurrence['kind'],
  date: Token | null,
  alsoYearly: boolean,
): Recurrence | null {
  const mode: DeadlineMode | undefined =
    date && date.mode === 'by-end-of-day' && date.cued ? 'by-end-of-day' : undefined;
  const withMode = <T extends Recurrence>(r: T): T => (mode ? { ...r, mode } : r);
  switch (kind) {
    case 'yearly':
      if (date?.kind === 'date')
        return withMode({ kind: 'yearly', month: date.month!, day: date.day! });
      return END_OF_YEAR;
    case 'quarterly': {
      if (date?.kind === 'dayOnly')
        return withMode({ kind: 'quarterly', day: date.day!, monthOffset: date.monthOffset ?? 0 });
      if (date?.kind === 'date') {
        const offset = (date.month! - 1) % 3; // 0,1,2 months into a quarter
        return withMode({
          kind: 'quarterly',
          day: date.day!,
          monthOffset: offset === 2 ? 0 : offset + 1,
        });
      }
      return { kind: 'quarterly' };
    }
    case 'half-yearly': {
      const base: Recurrence = alsoYearly
        ? { kind: 'half-yearly', secondHalf: 'half' }
        : { kind: 'half-yearly' };
      if (date && (date.kind === 'dayOnly' || date.kind === 'date')) {
        const offset = date.kind === 'date' ? date.month! % 6 : (date.monthOffset ?? 0);
        return withMode({ ...base, day: date.day!, monthOffset: offset });
      }
      return base;
    }
    case 'monthly':
      if (date && (date.kind === 'dayOnly' || date.kind === 'date'))
        return withMode({
          kind: 'monthly',
          day: date.day!,
          ...(date.monthOffset ? { monthOffset: date.monthOffset } : {}),
        });
      return { kind: 'monthly', day: 15 };
  }
}

/**
 * The timing a sentence states inline (a task bullet, a report clause): a recurrence when it
 * names a period, else the latest deadline introduced by a cue ("trước ngày …", "trong tháng
 * 4/2022", "Quý II/2024"), else standing when it says "thường xuyên".
 */
export function readInlineTiming(text: string, fold: string, ctx: WhenContext): Timing {
  const tokens = scanTime(fold, ctx);
  const periodic = recurrencesOf(tokens, ctx);
  if (periodic.length)
    return { kind: 'periodic', recurrences: periodic, text: spanText(text, tokens) };
  const cued = tokens.filter(
    (t) =>
      (t.kind === 'date' && t.cued) ||
      ((t.kind === 'month' || t.kind === 'quarter' || t.kind === 'half') && t.year !== null),
  );
  if (cued.length) {
    const due = cued.map((t) => dueOf(t, ctx)!).reduce(laterDue);
    return { kind: 'due', due, text: spanText(text, cued) };
  }
  const standing = tokens.find((t) => t.kind === 'standing');
  if (standing)
    return {
      kind: 'standing',
      recurrence: { kind: 'quarterly' },
      text: spanText(text, [standing]),
    };
  // "Định kỳ tổng hợp báo cáo…" with no period named: a recurring duty, checked in quarterly.
  const duty = /(?<![a-z])dinh ky(?![a-z])/.exec(fold);
  if (duty)
    return {
      kind: 'standing',
      recurrence: { kind: 'quarterly' },
      text: text.slice(duty.index, duty.index + 7),
    };
  const relative = tokens.find((t) => t.kind === 'relative');
  if (relative) {
    // "sau khi kết thúc Lớp tập huấn": the event it is counted from, up to the clause end.
    const end = /[,;.(]/.exec(fold.slice(relative.end));
    const stop = end ? relative.end + end.index : Math.min(fold.length, relative.end + 80);
    return { kind: 'relative', text: text.slice(relative.start, stop).trim() };
  }
  return { kind: 'none', text: '' };
}

/** The words of the original sentence the tokens cover, with the cue before the first one. */
function spanText(text: string, tokens: Token[]): string {
  const relevant = tokens.filter((t) => t.kind !== 'year' || tokens.length === 1);
  const list = relevant.length ? relevant : tokens;
  const start = Math.min(...list.map((t) => t.start));
  const end = Math.max(...list.map((t) => t.end));
  const head = text.slice(Math.max(0, start - 30), start);
  const cue =
    /(?:trước|chậm nhất|hạn|hoàn thành|trong|đến|vào|định kỳ|Định kỳ|Trước|Trong|Chậm nhất)(?:\s+(?:ngày|tháng))?\s*$/u.exec(
      head,
    );
  return text.slice(cue ? start - (head.length - cue.index) : start, end).trim();
}
