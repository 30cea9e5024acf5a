import type { AgendaInput } from '../events/types';
import { atLocal, localDateKey } from '../time/format';
import { parseAgendaText } from './parse';

/** An agenda pasted from a plan's table (Phụ lục 2), placed on the event's day. Empty when unreadable. */
export function agendaFromText(text: string, eventStart: Date, tz: string): AgendaInput[] {
  const day = localDateKey(eventStart, tz);
  return parseAgendaText(text).map((it) => ({
    startsAt: atLocal(day, it.startsAt, tz),
    endsAt: it.endsAt ? atLocal(day, it.endsAt, tz) : null,
    title: it.title,
    presenter: it.presenter ?? null,
    isBreak: it.isBreak,
  }));
}
