/**
 * The window of time the bot plans in. Dates far outside it are typing mistakes or attacks
 * (a deadline in 9999 once kept a planner walking day by day for minutes), so every instant a
 * person gives is checked here before anything is planned from it.
 */
import { rules } from '../../messages/vi';
import { DomainError } from '../errors';
import { approximateMs, parseDuration } from './duration';
import { chaseCadence } from './schedule';

/** Earliest and latest instant accepted anywhere (UTC). */
export const EARLIEST = new Date('2000-01-01T00:00:00Z');
export const LATEST = new Date('2100-01-01T00:00:00Z');
/** Deadlines, extensions and events are at most this far ahead of now. */
export const MAX_AHEAD_MS = 5 * 366 * 86_400_000;
/** Chase cadences: at least hourly (a group is not flooded), at most yearly. */
export const MIN_CADENCE_MS = 3_600_000;
export const MAX_CADENCE_MS = 366 * 86_400_000;
/** How far before a deadline a reminder may come. */
export const MAX_REMIND_BEFORE_MS = 366 * 86_400_000;

/** An instant within 2000–2100. */
export function checkInstant(d: Date, field: string): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime()) || d < EARLIEST || d >= LATEST)
    throw new DomainError('out_of_range', rules.instantOutOfRange(field), { field });
  return d;
}

/** An instant in the window and at most five years after now. */
export function checkAhead(d: Date, now: Date, field: string): Date {
  checkInstant(d, field);
  if (d.getTime() - now.getTime() > MAX_AHEAD_MS)
    throw new DomainError('out_of_range', rules.tooFarAhead(field), { field });
  return d;
}

/** An instant strictly after now (and in the window). */
export function checkFuture(d: Date, now: Date, field: string): Date {
  checkAhead(d, now, field);
  if (d <= now) throw new DomainError('in_past', rules.mustBeFuture(field), { field });
  return d;
}

function durationMs(value: string, field: string, parse = parseDuration): number {
  try {
    return approximateMs(parse(value));
  } catch (e) {
    if (e instanceof DomainError)
      throw new DomainError(e.code, e.message, { field, kind: e.kind, cause: e });
    throw e;
  }
}

/** A chase cadence within hourly…yearly. */
export function checkCadence(value: string, field: string): string {
  const ms = durationMs(value, field, chaseCadence);
  if (ms < MIN_CADENCE_MS || ms > MAX_CADENCE_MS)
    throw new DomainError('out_of_range', rules.cadenceOutOfRange(field, value), { field });
  return value;
}

/** A reminder offset before a deadline, at most a year. */
export function checkRemindBefore(value: string, field: string): string {
  const ms = durationMs(value, field);
  if (ms > MAX_REMIND_BEFORE_MS)
    throw new DomainError('out_of_range', rules.remindTooEarly(field, value), { field });
  return value;
}
