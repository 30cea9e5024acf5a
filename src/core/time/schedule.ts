/**
 * Planning the instants of reminders (before a deadline) and chases (after it).
 *
 * Everything here is a pure function of its inputs, including `now`/`from`/`until`: the
 * scheduler stores the planned instants as due rows with their `key`, and a tick sends
 * the due ones. Planning again with the same inputs gives the same instants and keys,
 * so re-planning (after an edit, or on every tick) never duplicates a message when the
 * database keeps (campaign, unit, key) unique.
 *
 * Conventions:
 * - A deadline is an exclusive instant: work is on time when done strictly before it.
 * - Durations of a day or longer (`P1D`, `P1W`) are calendar days and land at a time of
 *   day (`atTime`, default 8h00); shorter ones (`PT2H`) count from the deadline exactly.
 * - Quiet hours (default 21h00–7h00, `null` for none) are the half-open local window
 *   [from, to); `from > to` means the window crosses midnight.
 */
import { createWorkCalendar, type WorkCalendar } from './calendar';
import {
  type Duration,
  DurationError,
  formatDuration,
  isDayOrLonger,
  approximateMs,
  parseDuration,
} from './duration';
import {
  DEFAULT_TZ,
  type DateKey,
  addDays,
  atLocal,
  diffDays,
  lastDueDateKey,
  localDateKey,
  localParts,
  minutesOfDay,
  toDateKey,
} from './format';

export const DEFAULT_REMIND_BEFORE: readonly string[] = ['P7D', 'P3D', 'P1D'];
export const DEFAULT_CHASE_EVERY = 'P1D';
export const DEFAULT_AT_TIME = '08:00';
export const DEFAULT_QUIET_HOURS: QuietHours = { from: '21:00', to: '07:00' };

const MINUTE_MS = 60_000;
/** Chases closer together than this are refused (they would flood a group). */
export const MIN_CHASE_INTERVAL_MS = 60_000;
/** A chase sequence that skips this many days without a round gives up (misconfigured calendar). */
const MAX_SILENT_DAYS = 3_660;
/**
 * Steps a chase walk may take before it stops: far beyond any real plan (five years of hourly
 * chases are ~44,000), so a cadence or an instant that slipped past the input bounds cannot keep
 * the event loop busy.
 */
export const MAX_CHASE_STEPS = 100_000;

// ---------------------------------------------------------------------------
// Deadlines stated in words

/**
 * How a date in a plan's wording becomes a deadline instant:
 * - `'before-day'`: "trước ngày 10/11/2024" — strictly before that day: the deadline is
 *   00:00 local of 10/11, so anything sent on 9/11 up to 23h59 is on time and anything
 *   on 10/11 is late. This is the literal reading of "trước ngày" in the plans (seed 002
 *   "trước ngày 15/11 hằng năm", seed 003 "trước ngày 10/11/2024") and the safe one for a
 *   unit: it never tells a unit it has a day more than the document gives.
 * - `'by-end-of-day'`: "chậm nhất ngày 10/11", "trong ngày 10/11" — through the end of
 *   that day: the deadline is 00:00 local of 11/11.
 * Both give an instant at local midnight, which `formatDeadline` shows as the last minute
 * of the due day (`23h59 Thứ Bảy, 9/11/2024` for 'before-day' 10/11/2024). Messages always
 * show that exact moment, which removes the ambiguity of "trước ngày" for the reader.
 */
export type DeadlineMode = 'before-day' | 'by-end-of-day';

export function deadlineFromVietnamesePhrase(
  dateKey: DateKey,
  mode: DeadlineMode,
  tz: string = DEFAULT_TZ,
): Date {
  return atLocal(mode === 'before-day' ? dateKey : addDays(dateKey, 1), '00:00', tz);
}

// ---------------------------------------------------------------------------
// Quiet hours

export interface QuietHours {
  /** `'HH:mm'` local, start of the quiet window (inclusive). */
  from: string;
  /** `'HH:mm'` local, end of the quiet window (exclusive). */
  to: string;
}

/** The quiet window containing `t`, or null when `t` is not in quiet hours. */
export function quietWindowAt(
  t: Date,
  quiet: QuietHours | null | undefined,
  tz: string = DEFAULT_TZ,
): { start: Date; end: Date } | null {
  if (!quiet) return null;
  const from = minutesOfDay(quiet.from);
  const to = minutesOfDay(quiet.to);
  if (from === to) return null;
  const p = localParts(t, tz);
  const m = p.hour * 60 + p.minute + (p.second * 1000 + p.millisecond) / MINUTE_MS;
  const day = toDateKey(p.year, p.month, p.day);
  if (from < to) {
    if (m < from || m >= to) return null;
    return { start: atLocal(day, quiet.from, tz), end: atLocal(day, quiet.to, tz) };
  }
  if (m >= from)
    return { start: atLocal(day, quiet.from, tz), end: atLocal(addDays(day, 1), quiet.to, tz) };
  if (m < to)
    return { start: atLocal(addDays(day, -1), quiet.from, tz), end: atLocal(day, quiet.to, tz) };
  return null;
}

export function isQuietTime(
  t: Date,
  quiet: QuietHours | null | undefined,
  tz: string = DEFAULT_TZ,
): boolean {
  return quietWindowAt(t, quiet, tz) !== null;
}

function resolveQuiet(q: QuietHours | null | undefined): QuietHours | null {
  if (q === undefined) return DEFAULT_QUIET_HOURS;
  if (q === null) return null;
  minutesOfDay(q.from);
  minutesOfDay(q.to);
  return q;
}

interface Common {
  deadline: Date;
  /** Local time of day for reminders/chases of a day or longer. Default `'08:00'`. */
  atTime?: string;
  /** Day-based instants only on working days. Default true. */
  workingDaysOnly?: boolean;
  /** Default: `createWorkCalendar({ tz })` (library holidays, no overrides). */
  calendar?: WorkCalendar;
  /** Default 21h00–7h00; `null` disables quiet hours. */
  quietHours?: QuietHours | null;
  /** Default: the calendar's timezone, else Asia/Ho_Chi_Minh. */
  tz?: string;
}

function resolveCommon(o: Common) {
  if (!(o.deadline instanceof Date) || Number.isNaN(o.deadline.getTime()))
    throw new RangeError('invalid deadline');
  const tz = o.tz ?? o.calendar?.tz ?? DEFAULT_TZ;
  const atTime = o.atTime ?? DEFAULT_AT_TIME;
  minutesOfDay(atTime);
  return {
    tz,
    atTime,
    workingDaysOnly: o.workingDaysOnly ?? true,
    calendar: o.calendar ?? createWorkCalendar({ tz }),
    quiet: resolveQuiet(o.quietHours),
  };
}

// ---------------------------------------------------------------------------
// Reminders before a deadline

export interface PlanRemindersOptions extends Common {
  /** ISO 8601 durations before the deadline. Default `['P7D', 'P3D', 'P1D']`. */
  before?: readonly string[];
  /** Instants at or before `now` are dropped. */
  now: Date;
}

export interface PlannedReminder {
  at: Date;
  /** `'before:P7D'` — canonical duration, so `P1W` and `P7D` are the same reminder. */
  key: string;
  /** Canonical ISO duration this reminder was planned for. */
  offset: string;
  /**
   * Calendar days from the reminder's local date to the last due day (the local date of
   * `deadline − 1 ms`): 0 = due today, 1 = due tomorrow. This is what the message says
   * ("còn N ngày"), which can differ from the duration after moves.
   */
  daysBefore: number;
}

/**
 * Reminder instants before `deadline`:
 * - a duration with a day part (P7D, P1W, P1DT2H): on the local date of the deadline
 *   minus its days, at `atTime` (minus any hour part); when that day is not a working
 *   day (and `workingDaysOnly`), the previous working day — a reminder may come early,
 *   never later than promised. For a 'before-day' deadline (00:00 of D) P1D is 8h00 of
 *   D−1, the last due day; if that is a Saturday, Friday 8h00.
 * - a duration without a day part (PT2H, PT15M): exactly that long before the deadline,
 *   on any day.
 * - an instant in quiet hours moves to the end of the quiet window, or, when that would
 *   reach the deadline, to one minute before the window starts.
 * Instants at or before `now`, or not before the deadline, are dropped; two reminders on
 * the same instant become one (the one planned for the longer duration). Sorted by time.
 * Throws `DurationError` for an invalid duration.
 */
export function planReminders(options: PlanRemindersOptions): PlannedReminder[] {
  const { tz, atTime, workingDaysOnly, calendar, quiet } = resolveCommon(options);
  const { deadline, now } = options;
  const deadlineMs = deadline.getTime();
  const deadlineDay = localDateKey(deadline, tz);
  const lastDue = lastDueDateKey(deadline, tz);

  const durations = (options.before ?? DEFAULT_REMIND_BEFORE).map((s) => parseDuration(s));
  durations.sort((a, b) => approximateMs(b) - approximateMs(a));

  const seenKeys = new Set<string>();
  const seenAt = new Set<number>();
  const out: PlannedReminder[] = [];
  for (const dur of durations) {
    const offset = formatDuration(dur);
    const key = `before:${offset}`;
    if (seenKeys.has(key)) continue;
    seenKeys.add(key);

    let at: Date;
    if (isDayOrLonger(dur)) {
      let day = addDays(deadlineDay, -dur.days);
      if (workingDaysOnly) day = calendar.workingDayOnOrBefore(day);
      at = new Date(atLocal(day, atTime, tz).getTime() - dur.ms);
    } else {
      at = new Date(deadlineMs - dur.ms);
    }
    const w = quietWindowAt(at, quiet, tz);
    if (w) at = w.end.getTime() < deadlineMs ? w.end : new Date(w.start.getTime() - MINUTE_MS);

    const t = at.getTime();
    if (t <= now.getTime() || t >= deadlineMs || seenAt.has(t)) continue;
    seenAt.add(t);
    out.push({ at, key, offset, daysBefore: diffDays(localDateKey(at, tz), lastDue) });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

// ---------------------------------------------------------------------------
// Chases after a deadline

export interface ChaseOptions extends Common {
  /** Cadence, ISO 8601: whole days/weeks (`P1D`, `P2D`, `P1W`) or under a day (`PT4H`). Default `P1D`. */
  every?: string;
  /** At most this many rounds in all; null/undefined: no limit. */
  maxChases?: number | null;
}

export interface PlanChasesOptions extends ChaseOptions {
  /** Rounds before this instant are left out (inclusive bound). */
  from: Date;
  /** Rounds after this instant are left out (inclusive bound). */
  until: Date;
}

export interface PlannedChase {
  at: Date;
  /** 1, 2, 3… counted from the deadline; the same round is always the same instant. */
  round: number;
  /** `'chase:3'` */
  key: string;
}

/** A chase cadence as the planner takes it; throws a DurationError for one it cannot plan. */
export function chaseCadence(every: string): Duration {
  const d = parseDuration(every);
  if (d.days > 0 && d.ms > 0) {
    throw new DurationError(
      `Chu kỳ đôn đốc "${every}" không hợp lệ: dùng số ngày/tuần (P1D, P2D, P1W) hoặc dưới một ngày (PT4H), không trộn cả hai.`,
      every,
    );
  }
  if (d.days === 0 && d.ms < MIN_CHASE_INTERVAL_MS) {
    throw new DurationError(
      `Chu kỳ đôn đốc "${every}" không hợp lệ: tối thiểu 1 phút (PT1M).`,
      every,
    );
  }
  return d;
}

/**
 * The whole sequence of chase rounds after `deadline`, lazily, in time order:
 * - cadence in days (`P1D`, `P2D`, `P1W`): at `atTime` local; round 1 on the first day
 *   (the first working day when `workingDaysOnly`) whose `atTime` is after the deadline;
 *   each next round N days later, counting working days when `workingDaysOnly` (so Tết,
 *   weekends and the calendar's overrides are skipped without losing a round);
 * - cadence under a day (`PT4H`): deadline + k × cadence; with `workingDaysOnly` the
 *   instants on days off are skipped;
 * - an instant in quiet hours moves to the end of the window; instants that then
 *   coincide are one round.
 * Rounds are numbered over this sequence from the deadline, never from a query window,
 * so round k is the same instant whatever `from` is. Stops after `maxChases` rounds.
 */
export function* chaseRounds(options: ChaseOptions): Generator<PlannedChase, void, undefined> {
  const { tz, atTime, workingDaysOnly, calendar, quiet } = resolveCommon(options);
  const cadence = chaseCadence(options.every ?? DEFAULT_CHASE_EVERY);
  const max = options.maxChases ?? null;
  if (max !== null && (!Number.isInteger(max) || max < 0))
    throw new RangeError(`maxChases must be a non-negative integer, got ${max}`);
  if (max === 0) return;
  const deadlineMs = options.deadline.getTime();

  let round = 0;
  let last = -Infinity;
  let steps = 0;
  const next = (at: Date): PlannedChase | null => {
    if (at.getTime() <= last) return null; // met an earlier round after a move: one round
    last = at.getTime();
    round += 1;
    return { at, round, key: `chase:${round}` };
  };

  if (isDayOrLonger(cadence)) {
    let day = localDateKey(options.deadline, tz);
    if (atLocal(day, atTime, tz).getTime() <= deadlineMs) day = addDays(day, 1);
    if (workingDaysOnly) day = calendar.workingDayOnOrAfter(day);
    for (; steps++ < MAX_CHASE_STEPS;) {
      const raw = atLocal(day, atTime, tz);
      const c = next(quietWindowAt(raw, quiet, tz)?.end ?? raw);
      if (c) {
        yield c;
        if (max !== null && round >= max) return;
      }
      day = workingDaysOnly
        ? calendar.addWorkingDays(day, cadence.days)
        : addDays(day, cadence.days);
    }
    return;
  }

  // Under a day: raw instants deadline + k × step. Runs of raw instants that land on the
  // same moment (a quiet window) or on a day off are jumped over, not walked.
  const step = cadence.ms;
  const firstKAtOrAfter = (t: number) => Math.max(1, Math.ceil((t - deadlineMs) / step));
  let lastYieldMs = deadlineMs;
  for (let k = 1; steps++ < MAX_CHASE_STEPS;) {
    const raw = new Date(deadlineMs + k * step);
    if (raw.getTime() - lastYieldMs > MAX_SILENT_DAYS * 86_400_000) return;
    const w = quietWindowAt(raw, quiet, tz);
    const landing = w ? w.end : raw;
    if (workingDaysOnly) {
      const day = localDateKey(landing, tz);
      if (!calendar.isWorkingDay(day)) {
        // Every raw instant before the next local midnight lands on this day, except those
        // in a quiet window crossing midnight, which all land where the last one does.
        k = Math.max(k + 1, firstKAtOrAfter(atLocal(addDays(day, 1), '00:00', tz).getTime()) - 1);
        continue;
      }
    }
    const c = next(landing);
    if (c) {
      lastYieldMs = c.at.getTime();
      yield c;
      if (max !== null && round >= max) return;
    }
    k = w ? Math.max(k + 1, firstKAtOrAfter(w.end.getTime())) : k + 1;
  }
}

/** Chase rounds whose instant lies in [from, until], with their stable round numbers. */
export function planChases(options: PlanChasesOptions): PlannedChase[] {
  const fromMs = options.from.getTime();
  const untilMs = options.until.getTime();
  if (Number.isNaN(fromMs) || Number.isNaN(untilMs)) throw new RangeError('invalid from/until');
  const out: PlannedChase[] = [];
  if (untilMs < fromMs) return out;
  for (const c of chaseRounds(options)) {
    const t = c.at.getTime();
    if (t > untilMs) break;
    if (t >= fromMs) out.push(c);
  }
  return out;
}

/** The first chase round strictly after `after`, or null when `maxChases` is used up. */
export function nextChase(options: ChaseOptions, after: Date): PlannedChase | null {
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('invalid instant');
  for (const c of chaseRounds(options)) if (c.at.getTime() > afterMs) return c;
  return null;
}
