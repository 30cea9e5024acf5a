/**
 * Working-day calendar for Vietnamese public bodies.
 *
 * A working day is Monday–Friday, minus the public holidays that `date-holidays`
 * (country 'VN') knows as days off, plus/minus the organizer's overrides.
 *
 * What the library gives (checked against date-holidays 3.37 for 2024–2027; tests pin it):
 * - type 'public' only (VN has no 'bank' entries; the many 'observance' days such as
 *   3/2, 8/3 or 20/11 are working days and are ignored here);
 * - Tết Dương lịch 1/1; Giỗ Tổ Hùng Vương 10/3 âm lịch (2024-04-18, 2025-04-07,
 *   2026-04-26, 2027-04-16); 30/4; 1/5; Quốc khánh 2/9;
 * - Tết Nguyên Đán as a 5-day span starting on Giao thừa (the day before mùng 1):
 *   2024-02-09…13, 2025-01-28…02-01, 2026-02-16…20, 2027-02-05…09. The span is expanded
 *   day by day here (reading only each entry's `date` would miss 3 of the 5 days).
 *
 * What it does NOT know, and why the overrides exist:
 * - the whole Tết break the government announces each year (usually longer than 5 days,
 *   joined to weekends), the compensatory days off (nghỉ bù) when a holiday falls on a
 *   weekend, days swapped for make-up Saturdays (làm bù), and the second Quốc khánh day
 *   (1/9 or 3/9, a day off since 2021) which the library does not list for any year.
 * These change every year by government notice, so an organizer sets them:
 * - `extraHolidays`: dates that are days off ('YYYY-MM-DD', or `{date, name}`);
 * - `extraWorkdays`: dates that are working days even though they fall on a weekend or a
 *   library holiday (make-up Saturdays).
 * A date in both lists is a configuration error (thrown at creation).
 *
 * Library results are cached per (timezone, year) for the whole process, so creating a
 * calendar per request or per tick is cheap. For Vietnam's timezone and 2000–2100 they come
 * from a table generated from the library (`vn-holidays.data.ts`, a test checks every year):
 * the library and its data for every country cost ≈ 34 MiB of memory once loaded.
 */
import { createRequire } from 'node:module';
import type HolidaysType from 'date-holidays';
import { z } from 'zod';
import { VN_HOLIDAYS, VN_HOLIDAYS_FIRST_YEAR, VN_HOLIDAY_NAMES } from './vn-holidays.data';
import {
  DEFAULT_TZ,
  type DateKey,
  addDays,
  formatDateKey,
  isDateKey,
  parseDateKey,
  weekdayOfKey,
} from './format';

export type ExtraHoliday = DateKey | { date: DateKey; name?: string };

export interface WorkCalendarOptions {
  /** Timezone in which the library's holidays are placed. Default Asia/Ho_Chi_Minh. */
  tz?: string;
  /** Extra days off: the rest of the Tết break, nghỉ bù, a local holiday… */
  extraHolidays?: ExtraHoliday[];
  /** Weekend or holiday dates that are working days (make-up Saturdays). */
  extraWorkdays?: DateKey[];
}

export interface WorkCalendar {
  readonly tz: string;
  /** Monday–Friday, not a holiday, or listed in `extraWorkdays`. */
  isWorkingDay(dateKey: DateKey): boolean;
  /** The holiday's name when `dateKey` is a day off other than a plain weekend, else null. */
  holidayName(dateKey: DateKey): string | null;
  /** The first working day strictly after `dateKey`. */
  nextWorkingDay(dateKey: DateKey): DateKey;
  /** The last working day strictly before `dateKey`. */
  previousWorkingDay(dateKey: DateKey): DateKey;
  /** `dateKey` itself when it is a working day, else the next one. */
  workingDayOnOrAfter(dateKey: DateKey): DateKey;
  /** `dateKey` itself when it is a working day, else the previous one. */
  workingDayOnOrBefore(dateKey: DateKey): DateKey;
  /** Moves `n` working days (n > 0 forward, n < 0 back) from `dateKey`; 0 → `dateKey`. */
  addWorkingDays(dateKey: DateKey, n: number): DateKey;
  /** Days off of a year other than weekends (library + overrides − extraWorkdays), sorted. */
  holidaysInYear(year: number): Array<{ dateKey: DateKey; name: string }>;
}

/** Name given to an `extraHolidays` date without a name. */
export const DEFAULT_EXTRA_HOLIDAY_NAME = 'Nghỉ theo thông báo';

/** Library holiday types that are days off. */
const DAY_OFF_TYPES = new Set(['public', 'bank']);

/** A search for a working day gives up after this many days (a misconfiguration). */
const MAX_SCAN_DAYS = 3_660;

const libraries = new Map<string, HolidaysType>();
const yearCache = new Map<string, ReadonlyMap<DateKey, string>>();

function library(tz: string): HolidaysType {
  let hd = libraries.get(tz);
  if (!hd) {
    // Loaded only outside the generated table (another timezone, another century).
    const Holidays = createRequire(import.meta.url)('date-holidays') as typeof HolidaysType;
    hd = new Holidays('VN', { timezone: tz, languages: 'vi' });
    libraries.set(tz, hd);
  }
  return hd;
}

/** The generated table's year, or undefined outside it. */
function tableYear(year: number, tz: string): ReadonlyMap<DateKey, string> | undefined {
  if (tz !== DEFAULT_TZ) return undefined;
  const row = VN_HOLIDAYS[year - VN_HOLIDAYS_FIRST_YEAR];
  if (row === undefined) return undefined;
  const out = new Map<DateKey, string>();
  for (const cell of row ? row.split(' ') : []) {
    const [md, n] = cell.split(':');
    out.set(`${year}-${md!.slice(0, 2)}-${md!.slice(2)}`, VN_HOLIDAY_NAMES[Number(n)]!);
  }
  return out;
}

function dayKeyOfLibraryDate(s: string): DateKey {
  // `date` is "YYYY-MM-DD hh:mm:ss" in the library's timezone.
  return s.slice(0, 10);
}

/**
 * Days off of `year` per date-holidays VN, day by day. Inside a multi-day span, a day
 * that is itself the start of another holiday takes that name, and the following days
 * of the span carry it on (16/2/2026 Giao thừa, 17–20/2 Tết Nguyên Đán).
 */
export function libraryHolidays(
  year: number,
  tz: string = DEFAULT_TZ,
): ReadonlyMap<DateKey, string> {
  const cacheKey = `${tz}|${year}`;
  const cached = yearCache.get(cacheKey);
  if (cached) return cached;
  const fromTable = tableYear(year, tz);
  const result = fromTable ?? computeLibraryHolidays(year, tz);
  yearCache.set(cacheKey, result);
  return result;
}

/** What date-holidays itself answers (the generator of the table, and its test, use it). */
export function computeLibraryHolidays(year: number, tz: string): ReadonlyMap<DateKey, string> {
  const hd = library(tz);
  const entries = [...hd.getHolidays(year - 1), ...hd.getHolidays(year)].filter((h) =>
    DAY_OFF_TYPES.has(h.type),
  );
  const startName = new Map<DateKey, string>();
  for (const h of entries) {
    const k = dayKeyOfLibraryDate(h.date);
    if (!startName.has(k)) startName.set(k, h.name);
  }
  const out = new Map<DateKey, string>();
  for (const h of entries) {
    const first = dayKeyOfLibraryDate(h.date);
    const spanDays = Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / 86_400_000));
    let name = h.name;
    for (let i = 0; i < spanDays; i++) {
      const k = addDays(first, i);
      const own = startName.get(k);
      if (own !== undefined && i > 0) name = own;
      if (Number(k.slice(0, 4)) === year && !out.has(k)) out.set(k, i === 0 ? h.name : name);
    }
  }
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function createWorkCalendar(options: WorkCalendarOptions = {}): WorkCalendar {
  const tz = options.tz ?? DEFAULT_TZ;
  const extraOff = new Map<DateKey, string>();
  for (const e of options.extraHolidays ?? []) {
    const date = typeof e === 'string' ? e : e.date;
    const name = typeof e === 'string' ? undefined : e.name?.trim();
    parseDateKey(date);
    extraOff.set(date, name || DEFAULT_EXTRA_HOLIDAY_NAME);
  }
  const extraOn = new Set<DateKey>();
  for (const d of options.extraWorkdays ?? []) {
    parseDateKey(d);
    if (extraOff.has(d)) throw new RangeError(`${d} is both in extraHolidays and extraWorkdays`);
    extraOn.add(d);
  }

  function holidayName(dateKey: DateKey): string | null {
    const { year } = parseDateKey(dateKey);
    if (extraOn.has(dateKey)) return null;
    return extraOff.get(dateKey) ?? libraryHolidays(year, tz).get(dateKey) ?? null;
  }

  function isWorkingDay(dateKey: DateKey): boolean {
    if (extraOn.has(dateKey)) return true;
    const wd = weekdayOfKey(dateKey);
    if (wd === 0 || wd === 6) return false;
    return holidayName(dateKey) === null;
  }

  function scan(from: DateKey, step: 1 | -1): DateKey {
    let k = from;
    for (let i = 0; i < MAX_SCAN_DAYS; i++) {
      if (isWorkingDay(k)) return k;
      k = addDays(k, step);
    }
    throw new RangeError(`no working day within ${MAX_SCAN_DAYS} days of ${formatDateKey(from)}`);
  }

  const cal: WorkCalendar = {
    tz,
    isWorkingDay,
    holidayName,
    nextWorkingDay: (k) => scan(addDays(k, 1), 1),
    previousWorkingDay: (k) => scan(addDays(k, -1), -1),
    workingDayOnOrAfter: (k) => scan(k, 1),
    workingDayOnOrBefore: (k) => scan(k, -1),
    addWorkingDays(k, n) {
      if (!Number.isInteger(n)) throw new RangeError(`addWorkingDays needs an integer, got ${n}`);
      let cur = k;
      for (let i = 0; i < Math.abs(n); i++)
        cur = n > 0 ? cal.nextWorkingDay(cur) : cal.previousWorkingDay(cur);
      return cur;
    },
    holidaysInYear(year) {
      const all = new Map(libraryHolidays(year, tz));
      for (const [k, name] of extraOff) if (k.startsWith(`${year}-`)) all.set(k, name);
      for (const k of extraOn) all.delete(k);
      return [...all.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([dateKey, name]) => ({ dateKey, name }));
    },
  };
  return cal;
}

/** API input: a real date `'YYYY-MM-DD'`. */
export const dateKeySchema = z
  .string()
  .refine(isDateKey, { message: 'Ngày phải có dạng YYYY-MM-DD và là ngày có thật.' })
  .describe('Ngày `YYYY-MM-DD`.');
