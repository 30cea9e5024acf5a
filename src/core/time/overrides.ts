/**
 * The organizers' per-year calendar overrides (the whole Tết break, nghỉ bù, make-up Saturdays)
 * on top of the library's Vietnamese holidays, as stored in `calendar_overrides`.
 */
import type { Trx } from '../../db/types';
import { rules } from '../../messages/vi';
import { DomainError } from '../errors';
import { checkInstant } from './bounds';
import { createWorkCalendar, type WorkCalendar } from './calendar';
import { atLocal, isDateKey, type DateKey } from './format';

export interface CalendarOverrides {
  holidays: Array<{ date: DateKey; note?: string | null }>;
  workdays: DateKey[];
}

export async function loadCalendar(trx: Trx, tz: string): Promise<WorkCalendar> {
  const rows = await trx.selectFrom('calendar_overrides').selectAll().execute();
  return createWorkCalendar({
    tz,
    extraHolidays: rows
      .filter((r) => r.kind === 'holiday')
      .map((r) => ({ date: r.date_key, name: r.note ?? undefined })),
    extraWorkdays: rows.filter((r) => r.kind === 'workday').map((r) => r.date_key),
  });
}

function checkDate(date: string, field: string): void {
  if (!isDateKey(date))
    throw new DomainError('invalid_body', rules.badDateKey(field, date), { field });
  checkInstant(atLocal(date, '12:00', 'UTC'), field);
}

/** Replaces every override; refuses a date listed twice or as both a holiday and a workday. */
export async function saveCalendarOverrides(trx: Trx, input: CalendarOverrides): Promise<void> {
  const seen = new Map<string, string>();
  const entries = [
    ...input.holidays.map((h, i) => ({ date: h.date, field: `holidays[${i}].date` })),
    ...input.workdays.map((date, i) => ({ date, field: `workdays[${i}]` })),
  ];
  for (const { date, field } of entries) {
    checkDate(date, field);
    const first = seen.get(date);
    if (first) {
      const both = first.startsWith('holidays') !== field.startsWith('holidays');
      throw new DomainError(
        'invalid_body',
        both ? rules.calendarBoth(date) : rules.calendarTwice(date, first),
        { field },
      );
    }
    seen.set(date, field);
  }
  await trx.deleteFrom('calendar_overrides').execute();
  const rows = [
    ...input.holidays.map((h) => ({
      date_key: h.date,
      kind: 'holiday' as const,
      note: h.note ?? null,
    })),
    ...input.workdays.map((d) => ({ date_key: d, kind: 'workday' as const, note: null })),
  ];
  if (rows.length) await trx.insertInto('calendar_overrides').values(rows).execute();
}
