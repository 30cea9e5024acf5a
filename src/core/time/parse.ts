/**
 * Dates and times as people type them in chat commands (with or without diacritics):
 *
 *   10/11   10/11/2024   10-11-2024   10.11   10.11.2024   10/11/24   2024-11-10
 *   ngày 10 tháng 11 năm 2024   ngay 10 thang 11   Thứ Sáu, 27/9/2024   hôm nay   mai
 *
 * optionally with a time before or after the date, with an optional "lúc"/"vào":
 *
 *   17h   17h30   17:30   17g30   17 giờ 30 phút   3h chiều   lúc 8h sáng
 *
 * The whole text must be a date (and time); anything else gives `null` rather than a
 * guess, so a command can answer "không hiểu ngày" instead of acting on the wrong day.
 * A date without a year means its next occurrence on or after today (local date of
 * `now`); 29/2 without a year goes to the next leap year. A text longer than DATE_MAX_CHARS
 * is not a date and is not read.
 */
import { DATE_MAX_CHARS } from '../text/limits';
import { fold, trimEndMatching } from '../text/normalize';
import {
  DEFAULT_TZ,
  type DateKey,
  addDays,
  atLocal,
  daysInMonth,
  localDateKey,
  toDateKey,
} from './format';

export interface LocalTime {
  h: number;
  m: number;
}

export interface ParsedUserDate {
  /** The local date at the given time, or at 00:00 local when no time was given. */
  date: Date;
  hasTime: boolean;
  /** The local date, `'YYYY-MM-DD'`. */
  dateKey: DateKey;
}

type DayPart = 'sang' | 'trua' | 'chieu' | 'toi' | 'dem';

const PART = '(sang|trua|chieu|toi|dem)';
// Works on folded text (lower case, no diacritics, single spaces).
const TIME_SRC =
  `(?:${PART}\\s+)?` + // "chiều 3h"
  '(?<![\\d/.\\-])(\\d{1,2})' +
  '(?::(\\d{2})|\\s*(?:gio|g|h)(?:\\s*(\\d{1,2})(?:\\s*(?:phut|p))?)?)' +
  '(?![\\d/.\\-:]|[a-z])' +
  `(?:\\s+${PART}(?![a-z]))?`; // "3h chiều"

const TIME_ONLY_RE = new RegExp(`^${TIME_SRC}$`);
const TIME_ANY_RE = new RegExp(TIME_SRC, 'g');

function applyDayPart(h: number, part: DayPart | undefined): number | null {
  if (part === undefined || part === 'sang') return part === 'sang' && h > 12 ? null : h;
  if (h > 12) return h; // "15h chiều" is already 24-hour
  switch (part) {
    case 'trua':
      return h <= 3 ? h + 12 : h; // 1h trưa → 13h; 11h/12h trưa unchanged
    case 'chieu':
    case 'toi':
      return h === 12 ? 12 : h + 12;
    case 'dem':
      return h >= 6 && h < 12 ? h + 12 : h === 12 ? 0 : h; // 11h đêm → 23h, 2h đêm → 2h
  }
}

function timeFromMatch(m: RegExpExecArray): LocalTime | null {
  const h0 = Number(m[2]);
  const minuteRaw = m[3] ?? m[4];
  const mi = minuteRaw === undefined ? 0 : Number(minuteRaw);
  const before = m[1] as DayPart | undefined;
  const after = m[5] as DayPart | undefined;
  if (before !== undefined && after !== undefined) return null;
  if (h0 > 23 || mi > 59) return null;
  const h = applyDayPart(h0, before ?? after);
  if (h === null || h > 23) return null;
  return { h, m: mi };
}

function clean(text: string): string {
  return trimEndMatching(fold(text), /[.,;!?\s]/)
    .replace(/,/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `'17:00'`, `'17h'`, `'7h30'`, `'17g30'`, `'17 giờ 30'`, `'3h chiều'` → `{h, m}`; anything else → null. */
export function parseLocalTime(text: string): LocalTime | null {
  if (text.length > DATE_MAX_CHARS) return null;
  const m = TIME_ONLY_RE.exec(clean(text));
  return m ? timeFromMatch(m) : null;
}

const FILLER_RE = /\b(?:vao luc|vao|luc)\b/g;
const WEEKDAY_RE = /^(?:thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat|cn|t[2-7])\b\s*/;

const ISO_DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const DMY_RE = /^(?:ngay\s*)?(\d{1,2})\s*([/.\-])\s*(\d{1,2})(?:\s*\2\s*(\d{4}|\d{2}))?$/;
const WORDS_RE = /^(?:ngay\s+)?(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?$/;

/**
 * Parses a user-typed date with an optional time. `now` fixes "today" (local in `tz`)
 * for dates without a year and for "hôm nay"/"mai". Returns null for anything that is
 * not exactly a date (and time), or for dates that do not exist (31/4, 29/2/2023).
 */
export function parseUserDate(
  text: string,
  now: Date,
  tz: string = DEFAULT_TZ,
): ParsedUserDate | null {
  // A date is a few words; anything longer is not one (and is not read).
  if (text.length > DATE_MAX_CHARS) return null;
  let s = clean(text);
  if (s === '') return null;

  let time: LocalTime | null = null;
  const times = [...s.matchAll(TIME_ANY_RE)];
  if (times.length > 1) return null;
  const tm = times[0];
  if (tm) {
    time = timeFromMatch(tm as RegExpExecArray);
    if (!time) return null;
    s = `${s.slice(0, tm.index)} ${s.slice(tm.index + tm[0].length)}`;
  }
  s = s.replace(FILLER_RE, ' ').replace(/\s+/g, ' ').trim();
  s = s.replace(WEEKDAY_RE, '').trim();
  if (s === '') return null;

  const today = localDateKey(now, tz);
  let key: DateKey | null = null;
  let m: RegExpExecArray | null;
  if (s === 'hom nay' || s === 'nay') key = today;
  else if (s === 'mai' || s === 'ngay mai') key = addDays(today, 1);
  else if (s === 'ngay kia' || s === 'mot') key = addDays(today, 2);
  else if ((m = ISO_DATE_RE.exec(s))) key = exactKey(Number(m[1]), Number(m[2]), Number(m[3]));
  else if ((m = DMY_RE.exec(s))) key = dayMonthYear(Number(m[1]), Number(m[3]), m[4], today);
  else if ((m = WORDS_RE.exec(s))) key = dayMonthYear(Number(m[1]), Number(m[2]), m[3], today);
  if (key === null) return null;

  const hhmm = time
    ? `${String(time.h).padStart(2, '0')}:${String(time.m).padStart(2, '0')}`
    : '00:00';
  return { date: atLocal(key, hhmm, tz), hasTime: time !== null, dateKey: key };
}

function exactKey(year: number, month: number, day: number): DateKey | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return toDateKey(year, month, day);
}

function dayMonthYear(
  day: number,
  month: number,
  yearRaw: string | undefined,
  today: DateKey,
): DateKey | null {
  if (yearRaw !== undefined) {
    const y = yearRaw.length === 2 ? 2000 + Number(yearRaw) : Number(yearRaw);
    return exactKey(y, month, day);
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const thisYear = Number(today.slice(0, 4));
  for (let y = thisYear; y <= thisYear + 8; y++) {
    const key = exactKey(y, month, day);
    if (key !== null && key >= today) return key;
  }
  return null;
}
