/**
 * Recurring report requirements ("báo cáo định kỳ").
 *
 * A recurrence is a sequence of reporting periods (năm, 6 tháng, quý, tháng), each with
 * a deadline stated the way plans state it: "trước ngày <day> của <month>", where the
 * month is counted from the last month of the period (`monthOffset`: 0 = the period's
 * last month, 1 = the month after the period ends…).
 *
 *   "Định kỳ trước ngày 15/11 hằng năm"   { kind: 'yearly', month: 11, day: 15 }
 *   "báo cáo cuối năm" (default cut-off)  { kind: 'yearly', month: 12, day: 15 }
 *   "báo cáo năm, trước 15/1 năm sau"     { kind: 'yearly', month: 1, day: 15, yearOffset: 1 }
 *   "hằng quý" (default)                  { kind: 'quarterly' }  → Quý I before 15/3, Quý II before 15/6…
 *   "hằng quý, trước ngày 5 tháng sau"    { kind: 'quarterly', day: 5, monthOffset: 1 } → Quý I before 5/4
 *   "6 tháng" (default)                   { kind: 'half-yearly' } → 6 tháng đầu năm before 15/6, Năm before 15/12
 *   "hằng tháng trước ngày 20"            { kind: 'monthly', day: 20 }
 *
 * Defaults (quarterly/half-yearly `day: 15, monthOffset: 0`): the reporting regime of
 * Nghị định 09/2019/NĐ-CP closes the figures of a quarter on the 14th of its last month
 * (6 months: 14/6; year: 14/12), and agencies usually ask for the report right after,
 * "trước ngày 15 của tháng cuối kỳ". Both numbers are configurable per requirement.
 *
 * The second half of a half-yearly requirement is, in Vietnamese practice, the annual
 * report ("báo cáo 6 tháng và năm"), so by default it is labelled "Năm 2025" and covers
 * the whole year; `secondHalf: 'half'` labels it "6 tháng cuối năm 2025" instead.
 *
 * `day` beyond the month's length means the month's last day (31 → 30/4, 29/2 → 28/2 in
 * common years). `mode` says how the date is read (see `DeadlineMode`), default
 * 'before-day': "trước ngày 15/11" is due at 00:00 of 15/11, shown as 23h59 of 14/11.
 */
import { z } from 'zod';
import { DEFAULT_TZ, type DateKey, daysInMonth, localParts, toDateKey } from './format';
import { type DeadlineMode, deadlineFromVietnamesePhrase } from './schedule';

interface RecurrenceBase {
  /** Default 'before-day'. */
  mode?: DeadlineMode;
}

export type Recurrence =
  | (RecurrenceBase & {
      kind: 'yearly';
      /** 1–12 */
      month: number;
      /** 1–31 */
      day: number;
      /** 0: due in the year reported on (default); 1: in the following year. */
      yearOffset?: 0 | 1;
    })
  | (RecurrenceBase & {
      kind: 'half-yearly';
      /** Default 15. */
      day?: number;
      /** Months after the half's last month (June/December). Default 0. */
      monthOffset?: number;
      /** How the second half is labelled: 'year' (default) "Năm 2025", 'half' "6 tháng cuối năm 2025". */
      secondHalf?: 'year' | 'half';
    })
  | (RecurrenceBase & {
      kind: 'quarterly';
      /** Default 15. */
      day?: number;
      /** Months after the quarter's last month. Default 0 (the last month itself). */
      monthOffset?: number;
    })
  | (RecurrenceBase & {
      kind: 'monthly';
      day: number;
      /** Months after the month reported on. Default 0. */
      monthOffset?: number;
    });

export type RecurrenceKind = Recurrence['kind'];

export interface Period {
  /** Stable identity of the period: `'2025'`, `'2025-H1'`, `'2025-Q1'`, `'2025-11'`. */
  periodKey: string;
  /** `'Năm 2025'`, `'6 tháng đầu năm 2025'`, `'Quý I/2025'`, `'Tháng 11/2025'`. */
  periodLabel: string;
  /** First and last calendar day of the period reported on (inclusive). */
  start: DateKey;
  end: DateKey;
  /** The date as the plan states it ("trước ngày 15/11/2025" → 2025-11-15). */
  dueDateKey: DateKey;
  /** The deadline instant (exclusive), from `dueDateKey` and `mode`. */
  deadline: Date;
}

export const ROMAN_QUARTERS = ['I', 'II', 'III', 'IV'] as const;

/** The default "cuối năm" (end-of-year) requirement: before 15/12 each year. */
export const END_OF_YEAR: Recurrence = { kind: 'yearly', month: 12, day: 15 };

const PERIODS_PER_YEAR: Record<RecurrenceKind, number> = {
  yearly: 1,
  'half-yearly': 2,
  quarterly: 4,
  monthly: 12,
};

function lastDayKey(year: number, month: number): DateKey {
  return toDateKey(year, month, daysInMonth(year, month));
}

function clampedKey(monthAbs: number, day: number): DateKey {
  const year = Math.floor(monthAbs / 12);
  const month = (monthAbs % 12) + 1;
  return toDateKey(year, month, Math.min(day, daysInMonth(year, month)));
}

/** Period number `n` (a running index: year × periods-per-year + index in the year). */
function periodAt(rec: Recurrence, n: number, tz: string): Period {
  const per = PERIODS_PER_YEAR[rec.kind];
  const year = Math.floor(n / per);
  const i = n - year * per; // 0-based index in the year
  let periodKey: string;
  let periodLabel: string;
  let start: DateKey;
  let end: DateKey;
  let dueMonthAbs: number;
  let day: number;
  switch (rec.kind) {
    case 'yearly':
      periodKey = String(year);
      periodLabel = `Năm ${year}`;
      start = toDateKey(year, 1, 1);
      end = toDateKey(year, 12, 31);
      dueMonthAbs = (year + (rec.yearOffset ?? 0)) * 12 + rec.month - 1;
      day = rec.day;
      break;
    case 'half-yearly': {
      const asYear = i === 1 && (rec.secondHalf ?? 'year') === 'year';
      periodKey = `${year}-H${i + 1}`;
      periodLabel = asYear ? `Năm ${year}` : `6 tháng ${i === 0 ? 'đầu' : 'cuối'} năm ${year}`;
      start = toDateKey(year, asYear ? 1 : i * 6 + 1, 1);
      end = lastDayKey(year, i * 6 + 6);
      dueMonthAbs = year * 12 + i * 6 + 5 + (rec.monthOffset ?? 0);
      day = rec.day ?? 15;
      break;
    }
    case 'quarterly':
      periodKey = `${year}-Q${i + 1}`;
      periodLabel = `Quý ${ROMAN_QUARTERS[i]}/${year}`;
      start = toDateKey(year, i * 3 + 1, 1);
      end = lastDayKey(year, i * 3 + 3);
      dueMonthAbs = year * 12 + i * 3 + 2 + (rec.monthOffset ?? 0);
      day = rec.day ?? 15;
      break;
    case 'monthly':
      periodKey = `${year}-${String(i + 1).padStart(2, '0')}`;
      periodLabel = `Tháng ${i + 1}/${year}`;
      start = toDateKey(year, i + 1, 1);
      end = lastDayKey(year, i + 1);
      dueMonthAbs = year * 12 + i + (rec.monthOffset ?? 0);
      day = rec.day;
      break;
  }
  const dueDateKey = clampedKey(dueMonthAbs, day);
  return {
    periodKey,
    periodLabel,
    start,
    end,
    dueDateKey,
    deadline: deadlineFromVietnamesePhrase(dueDateKey, rec.mode ?? 'before-day', tz),
  };
}

function indexOfKey(rec: Recurrence, periodKey: string): number | null {
  const per = PERIODS_PER_YEAR[rec.kind];
  const m =
    rec.kind === 'yearly'
      ? /^(\d{4})()$/.exec(periodKey)
      : rec.kind === 'half-yearly'
        ? /^(\d{4})-H([12])$/.exec(periodKey)
        : rec.kind === 'quarterly'
          ? /^(\d{4})-Q([1-4])$/.exec(periodKey)
          : /^(\d{4})-(0[1-9]|1[0-2])$/.exec(periodKey);
  if (!m) return null;
  return Number(m[1]) * per + (m[2] ? Number(m[2]) - 1 : 0);
}

/** The first period whose deadline is strictly after `t`. */
function firstAfter(rec: Recurrence, t: Date, tz: string): Period {
  const tMs = t.getTime();
  if (Number.isNaN(tMs)) throw new RangeError('invalid instant');
  const p = localParts(t, tz);
  const per = PERIODS_PER_YEAR[rec.kind];
  let n = p.year * per + Math.floor(((p.month - 1) * per) / 12);
  // Step back until the period's deadline is not after t, then forward to the first that is.
  for (let i = 0; i < 100 && periodAt(rec, n, tz).deadline.getTime() > tMs; i++) n -= 1;
  for (let i = 0; i < 200; i++, n++) {
    const period = periodAt(rec, n, tz);
    if (period.deadline.getTime() > tMs) return period;
  }
  throw new RangeError('recurrence has no period after the given instant');
}

/** The first period whose deadline is after `now`: what a new recurring campaign starts with. */
export function firstPeriod(rec: Recurrence, now: Date, tz: string = DEFAULT_TZ): Period {
  return firstAfter(rec, now, tz);
}

/**
 * The period following the one whose (original) deadline is `afterDeadline`: the first
 * period with a deadline strictly after it. Pass the period's scheduled deadline, not an
 * extended one — an extension past the next period's deadline would skip that period;
 * `periodAfter(rec, periodKey)` avoids the question altogether.
 */
export function nextPeriod(rec: Recurrence, afterDeadline: Date, tz: string = DEFAULT_TZ): Period {
  return firstAfter(rec, afterDeadline, tz);
}

/** The period identified by `periodKey` (`'2025-Q1'`…), or null when the key does not fit the recurrence. */
export function periodByKey(
  rec: Recurrence,
  periodKey: string,
  tz: string = DEFAULT_TZ,
): Period | null {
  const n = indexOfKey(rec, periodKey);
  return n === null ? null : periodAt(rec, n, tz);
}

/** The period right after `periodKey`, or null when the key does not fit the recurrence. */
export function periodAfter(
  rec: Recurrence,
  periodKey: string,
  tz: string = DEFAULT_TZ,
): Period | null {
  const n = indexOfKey(rec, periodKey);
  return n === null ? null : periodAt(rec, n + 1, tz);
}

function monthWord(offset: number, last: string): string {
  if (offset === 0) return last;
  if (offset === 1) return 'tháng sau';
  return `tháng thứ ${offset} sau kỳ`;
}

/** Vietnamese description: `trước ngày 15/11 hằng năm`, `hằng quý, trước ngày 15 tháng cuối quý`. */
export function describeRecurrence(rec: Recurrence): string {
  const word = (rec.mode ?? 'before-day') === 'before-day' ? 'trước ngày' : 'chậm nhất ngày';
  switch (rec.kind) {
    case 'yearly':
      return rec.yearOffset === 1
        ? `hằng năm, ${word} ${rec.day}/${rec.month} năm sau`
        : `${word} ${rec.day}/${rec.month} hằng năm`;
    case 'half-yearly':
      return `6 tháng một lần, ${word} ${rec.day ?? 15} ${monthWord(rec.monthOffset ?? 0, 'tháng cuối kỳ')}`;
    case 'quarterly':
      return `hằng quý, ${word} ${rec.day ?? 15} ${monthWord(rec.monthOffset ?? 0, 'tháng cuối quý')}`;
    case 'monthly':
      return `hằng tháng, ${word} ${rec.day} ${monthWord(rec.monthOffset ?? 0, 'trong tháng')}`;
  }
}

const modeSchema = z.enum(['before-day', 'by-end-of-day']).optional();
const daySchema = z.number().int().min(1).max(31);
const monthOffsetSchema = z.number().int().min(0).max(12).optional();

/** API input for `recurrence` (campaigns). Unknown keys are dropped. */
export const recurrenceSchema: z.ZodType<Recurrence> = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('yearly'),
      month: z.number().int().min(1).max(12),
      day: daySchema,
      yearOffset: z.union([z.literal(0), z.literal(1)]).optional(),
      mode: modeSchema,
    }),
    z.object({
      kind: z.literal('half-yearly'),
      day: daySchema.optional(),
      monthOffset: monthOffsetSchema,
      secondHalf: z.enum(['year', 'half']).optional(),
      mode: modeSchema,
    }),
    z.object({
      kind: z.literal('quarterly'),
      day: daySchema.optional(),
      monthOffset: monthOffsetSchema,
      mode: modeSchema,
    }),
    z.object({
      kind: z.literal('monthly'),
      day: daySchema,
      monthOffset: monthOffsetSchema,
      mode: modeSchema,
    }),
  ])
  .superRefine((r, ctx) => {
    if (r.kind === 'yearly' && r.day > daysInMonth(2024, r.month)) {
      ctx.addIssue({
        code: 'custom',
        path: ['day'],
        message: `Tháng ${r.month} không có ngày ${r.day}.`,
      });
    }
  });
