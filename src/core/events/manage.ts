import type { AppContext } from '../../app-context';
import { conflict, DomainError, notFound } from '../errors';
import type { EventRow } from '../../db/schema';
import { ev } from '../../messages/vi';
import { organizerChats, type Delivery } from '../chats/targets';
import { forDelivery, sendToUnits } from '../chats/send';
import { enqueue } from '../outbox/enqueue';
import type { Trx } from '../../db/types';
import { cancelJobs, replanJobs } from '../scheduler/jobs';
import { resolveUnitSelector } from '../units/repo';
import { getAgenda, getEvent } from './repo';
import { EVENT_DEFAULTS, eventJobPrefix, planEventJobs } from './plan';
import { checkEventTimes, withPastedAgenda } from './rules';
import type { AgendaInput, EventInput } from './types';

async function insertAgenda(trx: Trx, eventId: number, agenda: AgendaInput[]): Promise<void> {
  if (!agenda.length) return;
  const sorted = [...agenda].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  await trx
    .insertInto('agenda_items')
    .values(
      sorted.map((a, i) => ({
        event_id: eventId,
        position: i + 1,
        starts_at: a.startsAt,
        ends_at: a.endsAt ?? null,
        title: a.title.normalize('NFC'),
        presenter: a.presenter?.normalize('NFC') ?? null,
        place: a.place ?? null,
        is_break: a.isBreak ?? /^giải lao|^nghỉ giải lao|^nghỉ trưa/i.test(a.title.trim()),
      })),
    )
    .execute();
}

async function replan(ctx: AppContext, trx: Trx, e: EventRow): Promise<void> {
  const agenda = await getAgenda(trx, e.id);
  await replanJobs(
    trx,
    { eventId: e.id },
    planEventJobs(e, agenda, ctx.clock(), ctx.timezone),
    eventJobPrefix(e.id),
  );
}

/** Creates the event, invites every linked chat of the invited units and plans its reminders, in one transaction. */
export async function createEvent(
  ctx: AppContext,
  input: EventInput,
): Promise<{ id: number; invitedUnits: number; unreachable: string[] }> {
  const agenda = withPastedAgenda(input.agenda, input.agendaText, input.startsAt, ctx.timezone);
  checkEventTimes({ ...input, agenda }, ctx.clock());
  return ctx.db.transaction().execute(async (trx) => {
    const { units, unknown } = await resolveUnitSelector(trx, input.units);
    if (unknown.length)
      throw new DomainError('unknown_units', `Không tìm thấy đơn vị/nhóm: ${unknown.join(', ')}`, {
        field: 'units',
      });
    if (!units.length)
      throw new DomainError('invalid', 'Chưa chọn đơn vị nào được mời.', { field: 'units' });
    const event = await trx
      .insertInto('events')
      .values({
        title: input.title.normalize('NFC'),
        starts_at: input.startsAt,
        ends_at: input.endsAt ?? null,
        venue: input.venue ?? null,
        mode: input.mode ?? null,
        online_points: input.onlinePoints ?? null,
        registration_deadline: input.registrationDeadline,
        quota_per_unit: input.quotaPerUnit ?? null,
        remind_day_before:
          input.remindDayBefore === undefined
            ? EVENT_DEFAULTS.remindDayBefore
            : input.remindDayBefore,
        remind_morning_of:
          input.remindMorningOf === undefined
            ? EVENT_DEFAULTS.remindMorningOf
            : input.remindMorningOf,
        remind_before_session:
          input.remindBeforeSession === undefined
            ? EVENT_DEFAULTS.remindBeforeSession
            : input.remindBeforeSession,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertAgenda(trx, event.id, agenda);
    await trx
      .insertInto('registrations')
      .values(units.map((u) => ({ event_id: event.id, unit_id: u.id })))
      .execute();

    const sent = await sendToUnits(
      trx,
      units.map((u) => u.id),
      (d) => invitationFor(event, d, ctx.timezone),
      { purpose: 'invite', ref: `event:${event.id}` },
    );
    const missing = new Set(sent.unreachable);
    const unreachable = units.filter((u) => missing.has(u.id));
    await enqueue(
      trx,
      await organizerChats(trx),
      { text: ev.unreachable(event.title, unreachable) },
      { purpose: 'notice', ref: `event:${event.id}` },
    );
    await replan(ctx, trx, event);
    return {
      id: event.id,
      invitedUnits: units.length,
      unreachable: unreachable.map((u) => u.code),
    };
  });
}

export interface EventPatch {
  title?: string;
  startsAt?: Date;
  endsAt?: Date | null;
  venue?: string | null;
  registrationDeadline?: Date;
  quotaPerUnit?: number | null;
  agenda?: AgendaInput[];
  remindDayBefore?: string | null;
  remindMorningOf?: string | null;
  remindBeforeSession?: string | null;
}

async function invitedUnits(trx: Trx, eventId: number): Promise<number[]> {
  const regs = await trx
    .selectFrom('registrations')
    .select('unit_id')
    .where('event_id', '=', eventId)
    .execute();
  return regs.map((r) => r.unit_id);
}

/** The invitation as one chat reads it: for its own unit, and how to answer for units below it. */
export function invitationFor(e: EventRow, d: Delivery, tz: string): string {
  const text = forDelivery(ev.invitation(e, tz), d);
  return d.onBehalf.length
    ? `${text}

${ev.registerForChild(d.onBehalf[0]!.name)}`
    : text;
}

/** Edits an event, moves its unsent reminders and tells invited units what changed. */
export async function updateEvent(
  ctx: AppContext,
  id: number,
  patch: EventPatch,
): Promise<EventRow> {
  return ctx.db.transaction().execute(async (trx) => {
    const before = await getEvent(trx, id);
    if (!before) throw notFound(`Không có sự kiện số ${id}.`);
    if (before.status === 'cancelled')
      throw conflict('cancelled', 'Sự kiện đã hủy, không sửa được.');
    checkEventTimes(
      {
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        startsAt: patch.startsAt ?? before.starts_at,
        endsAt: patch.endsAt === undefined ? before.ends_at : patch.endsAt,
        registrationDeadline: patch.registrationDeadline ?? before.registration_deadline,
        quotaPerUnit: patch.quotaPerUnit,
        ...(patch.agenda ? { agenda: patch.agenda } : {}),
      },
      ctx.clock(),
      patch.startsAt !== undefined && patch.startsAt.getTime() !== before.starts_at.getTime(),
    );
    const tz = ctx.timezone;
    const changes: string[] = [];
    if (patch.startsAt && patch.startsAt.getTime() !== before.starts_at.getTime()) {
      changes.push(ev.timeChanged(tz, before.starts_at, patch.startsAt));
    }
    if (patch.venue && patch.venue !== before.venue) changes.push(ev.venueChanged(patch.venue));
    if (
      patch.registrationDeadline &&
      patch.registrationDeadline.getTime() !== before.registration_deadline.getTime()
    ) {
      changes.push(ev.deadlineChanged(tz, patch.registrationDeadline));
    }
    const after = await trx
      .updateTable('events')
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.startsAt !== undefined ? { starts_at: patch.startsAt } : {}),
        ...(patch.endsAt !== undefined ? { ends_at: patch.endsAt } : {}),
        ...(patch.venue !== undefined ? { venue: patch.venue } : {}),
        ...(patch.registrationDeadline !== undefined
          ? { registration_deadline: patch.registrationDeadline }
          : {}),
        ...(patch.quotaPerUnit !== undefined ? { quota_per_unit: patch.quotaPerUnit } : {}),
        ...(patch.remindDayBefore !== undefined
          ? { remind_day_before: patch.remindDayBefore }
          : {}),
        ...(patch.remindMorningOf !== undefined
          ? { remind_morning_of: patch.remindMorningOf }
          : {}),
        ...(patch.remindBeforeSession !== undefined
          ? { remind_before_session: patch.remindBeforeSession }
          : {}),
        updated_at: ctx.clock(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (patch.agenda) {
      const old = await getAgenda(trx, id);
      await trx.deleteFrom('agenda_items').where('event_id', '=', id).execute();
      await insertAgenda(trx, id, patch.agenda);
      const now = await getAgenda(trx, id);
      const sig = (items: typeof old) =>
        items
          .map(
            (i) =>
              `${i.starts_at.getTime()}|${i.ends_at ? i.ends_at.getTime() : ''}|${i.title}|${i.presenter ?? ''}`,
          )
          .join('\n');
      if (sig(old) !== sig(now)) changes.push(ev.agendaChanged());
    } else if (patch.startsAt) {
      // The whole day moved: the agenda moves with it.
      const shift = patch.startsAt.getTime() - before.starts_at.getTime();
      for (const it of await getAgenda(trx, id)) {
        await trx
          .updateTable('agenda_items')
          .set({
            starts_at: new Date(it.starts_at.getTime() + shift),
            ends_at: it.ends_at ? new Date(it.ends_at.getTime() + shift) : null,
          })
          .where('id', '=', it.id)
          .execute();
      }
    }
    await replan(ctx, trx, after);
    if (changes.length) {
      const text = ev.changed(after, changes, tz);
      const options = { purpose: 'notice', ref: `event:${id}` };
      await sendToUnits(trx, await invitedUnits(trx, id), text, options);
      await enqueue(trx, await organizerChats(trx), { text }, options);
    }
    return after;
  });
}

export async function cancelEvent(ctx: AppContext, id: number): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const e = await getEvent(trx, id);
    if (!e) throw notFound(`Không có sự kiện số ${id}.`);
    if (e.status === 'cancelled') return;
    await trx
      .updateTable('events')
      .set({ status: 'cancelled', updated_at: ctx.clock() })
      .where('id', '=', id)
      .execute();
    await cancelJobs(trx, eventJobPrefix(id));
    const text = ev.cancelled(e, ctx.timezone);
    const options = { purpose: 'notice', ref: `event:${id}` };
    await sendToUnits(trx, await invitedUnits(trx, id), text, options);
    await enqueue(trx, await organizerChats(trx), { text }, options);
  });
}
