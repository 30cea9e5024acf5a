/**
 * ISO 8601 durations as used by the API (`P7D`, `P1D`, `PT15M`, `PT1H30M`, `P1W`, `PT30S`).
 *
 * A duration is split in two parts that behave differently:
 * - `days`: local calendar days (weeks count as 7). "P1D before 10/11 08:00" is 9/11 08:00
 *   local, whatever the clock does in between;
 * - `ms`: an exact amount of time (hours, minutes, seconds).
 * `PT24H` therefore stays 24 exact hours and is not turned into `P1D`: the unit the
 * organizer wrote decides whether a reminder lands at a time of day or counts from the
 * deadline exactly.
 *
 * Not accepted: years and months (their length varies; write days or weeks), negative
 * or zero durations, fractions other than in the seconds, text that is not a duration.
 * Errors are `DurationError`s whose message says in Vietnamese what is wrong, so the
 * API can show it as is.
 */
import { DomainError } from '../errors';
import { z } from 'zod';
import { DEFAULT_TZ, addDays, atLocal, localParts, toDateKey } from './format';

export interface Duration {
  /** Local calendar days (≥ 0, integer). */
  days: number;
  /** Exact milliseconds on top of the days (≥ 0, integer). */
  ms: number;
}

export class DurationError extends DomainError {
  override readonly name = 'DurationError';
  constructor(
    message: string,
    readonly input: string,
  ) {
    super('invalid_duration', message);
  }
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

const ISO_RE =
  /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

function fail(input: string, why: string): never {
  throw new DurationError(`Khoảng thời gian "${input}" không hợp lệ: ${why}`, input);
}

function int(input: string, raw: string | undefined, unit: string): number {
  if (raw === undefined) return 0;
  if (/[.,]/.test(raw)) fail(input, `số ${unit} phải là số nguyên.`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) fail(input, `số ${unit} quá lớn.`);
  return n;
}

/** Parses an ISO 8601 duration; throws `DurationError` (Vietnamese message). */
export function parseDuration(input: string): Duration {
  if (typeof input !== 'string')
    throw new DurationError(
      'Khoảng thời gian phải là chuỗi ISO 8601, ví dụ P1D, PT30M.',
      String(input),
    );
  const s = input.trim().toUpperCase();
  if (s === '') fail(input, 'chuỗi rỗng; ví dụ đúng: P7D (7 ngày), PT15M (15 phút).');
  if (s.startsWith('-')) fail(input, 'không nhận khoảng thời gian âm.');
  if (!s.startsWith('P')) fail(input, 'phải bắt đầu bằng "P", ví dụ P1D (1 ngày), PT2H (2 giờ).');
  if (s.endsWith('T')) fail(input, 'sau "T" phải có giờ (H), phút (M) hoặc giây (S), ví dụ PT30M.');
  const m = ISO_RE.exec(s);
  if (!m || s === 'P') {
    if (/^P[^T]*\d+H/.test(s) || /^P[^T]*\d+S/.test(s))
      fail(input, 'giờ, phút, giây phải đứng sau "T", ví dụ PT1H30M.');
    fail(input, 'không đúng dạng ISO 8601; ví dụ đúng: P7D, P1W, PT15M, PT1H30M.');
  }
  if (m[1] !== undefined)
    fail(input, 'không hỗ trợ năm (Y) vì độ dài thay đổi; hãy dùng ngày (D) hoặc tuần (W).');
  if (m[2] !== undefined)
    fail(
      input,
      'không hỗ trợ tháng (M trước "T") vì độ dài thay đổi; hãy dùng ngày (D) hoặc tuần (W). Phút viết là PT…M.',
    );
  const weeks = int(input, m[3], 'tuần');
  const days = int(input, m[4], 'ngày');
  const hours = int(input, m[5], 'giờ');
  const minutes = int(input, m[6], 'phút');
  let secondsMs = 0;
  if (m[7] !== undefined) {
    const sec = Number(m[7].replace(',', '.'));
    secondsMs = Math.round(sec * SECOND_MS);
    if (!Number.isSafeInteger(secondsMs)) fail(input, 'số giây quá lớn.');
  }
  const totalDays = weeks * 7 + days;
  const ms = hours * HOUR_MS + minutes * MINUTE_MS + secondsMs;
  if (!Number.isSafeInteger(totalDays) || !Number.isSafeInteger(ms))
    fail(input, 'giá trị quá lớn.');
  if (totalDays === 0 && ms === 0) fail(input, 'phải lớn hơn 0.');
  return { days: totalDays, ms };
}

export type DurationResult = { ok: true; value: Duration } | { ok: false; error: string };

/** Like `parseDuration` but returns the error message instead of throwing. */
export function tryParseDuration(input: string): DurationResult {
  try {
    return { ok: true, value: parseDuration(input) };
  } catch (e) {
    if (e instanceof DurationError) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * Canonical ISO 8601 text: days as `nD` (weeks are written as days: `P1W` → `P7D`),
 * the exact part as `TnHnMnS` with fractional seconds only when needed; zero → `PT0S`.
 * `formatDuration(parseDuration(x))` is the canonical form of `x`, which makes it a
 * stable identity for the same duration however it was typed.
 */
export function formatDuration(d: Duration): string {
  if (!Number.isInteger(d.days) || d.days < 0 || !Number.isInteger(d.ms) || d.ms < 0) {
    throw new RangeError(`invalid duration ${JSON.stringify(d)}`);
  }
  let out = 'P';
  if (d.days > 0) out += `${d.days}D`;
  let rest = d.ms;
  const h = Math.floor(rest / HOUR_MS);
  rest -= h * HOUR_MS;
  const m = Math.floor(rest / MINUTE_MS);
  rest -= m * MINUTE_MS;
  if (rest > 0 || h > 0 || m > 0) {
    out += 'T';
    if (h > 0) out += `${h}H`;
    if (m > 0) out += `${m}M`;
    if (rest > 0)
      out += `${rest % SECOND_MS === 0 ? rest / SECOND_MS : (rest / SECOND_MS).toFixed(3).replace(/0+$/, '')}S`;
  }
  return out === 'P' ? 'PT0S' : out;
}

/** Canonical form of a duration string (`p1w` → `P7D`); throws `DurationError`. */
export function normalizeDuration(input: string): string {
  return formatDuration(parseDuration(input));
}

/** True when the duration has a calendar-day part (P1D, P1W, P2DT3H); false for PT… only. */
export function isDayOrLonger(d: Duration): boolean {
  return d.days >= 1;
}

/** Exact length in ms treating a day as 24 h (for ordering and comparisons only). */
export function approximateMs(d: Duration): number {
  return d.days * 86_400_000 + d.ms;
}

function shiftDays(instant: Date, days: number, tz: string): Date {
  if (days === 0) return new Date(instant.getTime());
  const p = localParts(instant, tz);
  const key = addDays(toDateKey(p.year, p.month, p.day), days);
  const base = atLocal(
    key,
    `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`,
    tz,
  );
  return new Date(base.getTime() + p.second * SECOND_MS + p.millisecond);
}

/** `instant + d`: days keep the local wall-clock time, then the exact part is added. */
export function addDuration(instant: Date, d: Duration, tz: string = DEFAULT_TZ): Date {
  return new Date(shiftDays(instant, d.days, tz).getTime() + d.ms);
}

/** `instant − d`: days keep the local wall-clock time, then the exact part is subtracted. */
export function subtractDuration(instant: Date, d: Duration, tz: string = DEFAULT_TZ): Date {
  return new Date(shiftDays(instant, -d.days, tz).getTime() - d.ms);
}

/** API input: an ISO 8601 duration string, validated, kept as typed. */
export const isoDurationSchema = z
  .string()
  .superRefine((s, ctx) => {
    const r = tryParseDuration(s);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.error });
  })
  .describe('Khoảng thời gian ISO 8601: `P1D`, `PT15M`, `P1W`.');
