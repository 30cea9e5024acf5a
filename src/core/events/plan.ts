import type { AgendaItem, EventRow } from '../../db/schema';
import type { PlannedJob } from '../scheduler/jobs';
import { parseDuration, subtractDuration } from '../time/duration';
import { addDays, atLocal, lastDueDateKey, localDateKey } from '../time/format';

export const EVENT_DEFAULTS = {
  remindDayBefore: '17:00',
  remindMorningOf: '06:30',
  remindBeforeSession: 'PT15M',
} as const;
/** Registration reminders: two days before the deadline's last day, and that day's morning, at 8h00. */
const REGISTRATION_REMINDER_DAYS = [2, 0];
const REGISTRATION_REMINDER_TIME = '08:00';

export const eventJobPrefix = (eventId: number) => `event:${eventId}:`;

/** Every reminder an event needs, keyed so a re-plan moves unsent ones and never repeats sent ones. */
export function planEventJobs(
  e: EventRow,
  agenda: AgendaItem[],
  now: Date,
  tz: string,
): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  const start = e.starts_at;
  const deadline = e.registration_deadline;
  const prefix = eventJobPrefix(e.id);

  const lastDay = lastDueDateKey(deadline, tz);
  for (const days of REGISTRATION_REMINDER_DAYS) {
    const at = atLocal(addDays(lastDay, -days), REGISTRATION_REMINDER_TIME, tz);
    if (at < deadline)
      jobs.push({
        key: `${prefix}register:${days}`,
        kind: 'event.register',
        dueAt: at,
        eventId: e.id,
      });
  }
  const startDay = localDateKey(start, tz);
  if (e.remind_day_before) {
    jobs.push({
      key: `${prefix}daybefore`,
      kind: 'event.daybefore',
      dueAt: atLocal(addDays(startDay, -1), e.remind_day_before, tz),
      eventId: e.id,
    });
  }
  if (e.remind_morning_of) {
    const at = atLocal(startDay, e.remind_morning_of, tz);
    if (at < start)
      jobs.push({ key: `${prefix}morning`, kind: 'event.morning', dueAt: at, eventId: e.id });
  }
  if (e.remind_before_session) {
    const before = parseDuration(e.remind_before_session);
    for (const it of agenda) {
      if (it.is_break) continue;
      jobs.push({
        key: `${prefix}session:${it.position}`,
        kind: 'event.session',
        dueAt: subtractDuration(it.starts_at, before, tz),
        eventId: e.id,
        payload: { position: it.position },
      });
    }
  }
  return jobs.filter((j) => j.dueAt > now);
}
