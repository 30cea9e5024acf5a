/**
 * What makes an event acceptable, checked by createEvent and updateEvent whoever calls them
 * (API, dashboard form, plan import): the dashboard no longer keeps rules of its own.
 */
import { rules } from '../../messages/vi';
import { agendaFromText } from '../agenda/from-text';
import { DomainError } from '../errors';
import { checkAhead, checkFuture, checkInstant } from '../time/bounds';
import type { AgendaInput } from './types';

export interface EventTimes {
  title?: string;
  startsAt: Date;
  endsAt?: Date | null;
  registrationDeadline: Date;
  quotaPerUnit?: number | null;
  agenda?: AgendaInput[];
}

/**
 * Throws a DomainError naming the first field at fault. `startsChanged` is false for an edit
 * that keeps the start (an event under way may still get a new venue).
 */
export function checkEventTimes(e: EventTimes, now: Date, startsChanged = true): void {
  if (e.title !== undefined && !e.title.trim())
    throw new DomainError('invalid_body', rules.needTitle(), { field: 'title' });
  if (startsChanged) checkFuture(e.startsAt, now, 'startsAt');
  else checkInstant(e.startsAt, 'startsAt');
  if (e.endsAt) {
    checkAhead(e.endsAt, now, 'endsAt');
    if (e.endsAt <= e.startsAt)
      throw new DomainError('invalid_body', rules.endBeforeStart(), { field: 'endsAt' });
  }
  checkInstant(e.registrationDeadline, 'registrationDeadline');
  if (e.registrationDeadline > e.startsAt)
    throw new DomainError('invalid_body', rules.deadlineAfterStart(), {
      field: 'registrationDeadline',
    });
  const q = e.quotaPerUnit;
  if (q !== undefined && q !== null && (!Number.isInteger(q) || q < 1 || q > 1000))
    throw new DomainError('invalid_body', rules.badQuota(), { field: 'quotaPerUnit' });
  for (const [i, item] of (e.agenda ?? []).entries()) {
    checkInstant(item.startsAt, `agenda[${i}].startsAt`);
    if (item.endsAt && item.endsAt <= item.startsAt)
      throw new DomainError('invalid_body', rules.agendaItemEnd(i), {
        field: `agenda[${i}].endsAt`,
      });
  }
}

/** The agenda pasted from a plan (Phụ lục 2) added to the items given; refused when unreadable. */
export function withPastedAgenda(
  agenda: AgendaInput[],
  agendaText: string | undefined,
  startsAt: Date,
  tz: string,
): AgendaInput[] {
  if (!agendaText?.trim()) return agenda;
  const parsed = agendaFromText(agendaText, startsAt, tz);
  if (!parsed.length)
    throw new DomainError('invalid_body', rules.agendaUnreadable(), { field: 'agendaText' });
  return [...agenda, ...parsed];
}
