import { sql } from 'kysely';
import type { Db, Trx } from '../../db/types';
import type { AgendaItem, EventRow } from '../../db/schema';
import type { RegistrationView } from './types';

export async function getEvent(trx: Trx, id: number): Promise<EventRow | undefined> {
  return trx.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getAgenda(trx: Trx, eventId: number): Promise<AgendaItem[]> {
  return trx
    .selectFrom('agenda_items')
    .selectAll()
    .where('event_id', '=', eventId)
    .orderBy('position')
    .execute();
}

/** Active events this unit is invited to that have not started yet. */
export async function openEventsForUnit(trx: Trx, unitId: number, now: Date): Promise<EventRow[]> {
  return trx
    .selectFrom('events')
    .innerJoin('registrations', 'registrations.event_id', 'events.id')
    .selectAll('events')
    .where('registrations.unit_id', '=', unitId)
    .where('events.status', '=', 'active')
    .where('events.starts_at', '>', now)
    .orderBy('events.starts_at')
    .execute();
}

export async function upcomingEvents(trx: Trx, now: Date): Promise<EventRow[]> {
  return trx
    .selectFrom('events')
    .selectAll()
    .where('status', '=', 'active')
    .where(sql<boolean>`coalesce(ends_at, starts_at + interval '12 hours') > ${now}`)
    .orderBy('starts_at')
    .execute();
}

export async function listRegistrations(
  db: Db | Trx,
  eventId: number,
): Promise<RegistrationView[]> {
  const regs = await db
    .selectFrom('registrations')
    .innerJoin('units', 'units.id', 'registrations.unit_id')
    .leftJoin('units as parent', 'parent.id', 'units.parent_id')
    .select([
      'registrations.id',
      'registrations.status',
      'registrations.late',
      'registrations.updated_at',
      'registrations.decline_reason',
      'units.code',
      'units.name',
      'units.category',
      'units.sort_order',
      'parent.name as parent_name',
    ])
    .where('registrations.event_id', '=', eventId)
    .orderBy('units.sort_order')
    .orderBy('units.code')
    .execute();
  const attendees = regs.length
    ? await db
        .selectFrom('attendees')
        .select(['registration_id', 'name', 'title', 'phone'])
        .where(
          'registration_id',
          'in',
          regs.map((r) => r.id),
        )
        .orderBy('registration_id')
        .orderBy('position')
        .execute()
    : [];
  const byReg = new Map<number, RegistrationView['attendees']>();
  for (const a of attendees) {
    const list = byReg.get(a.registration_id) ?? [];
    list.push({
      name: a.name,
      ...(a.title ? { title: a.title } : {}),
      ...(a.phone ? { phone: a.phone } : {}),
    });
    byReg.set(a.registration_id, list);
  }
  return regs.map((r) => ({
    unit: {
      code: r.code,
      name: r.name,
      category: r.category,
      order: r.sort_order,
      parent: r.parent_name,
    },
    status: r.status,
    declineReason: r.decline_reason,
    late: r.late,
    attendees: byReg.get(r.id) ?? [],
    updatedAt: r.updated_at.toISOString(),
  }));
}
