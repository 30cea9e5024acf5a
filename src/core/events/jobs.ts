import type { AppContext } from '../../app-context';
import { ev } from '../../messages/vi';
import { organizerChats } from '../chats/targets';
import { sendToUnits } from '../chats/send';
import { enqueue } from '../outbox/enqueue';
import type { Trx } from '../../db/types';
import type { Job, JobHandler, JobHandlers } from '../scheduler/tick';
import { getAgenda, getEvent } from './repo';

async function unitsWithStatus(
  trx: Trx,
  eventId: number,
  statuses: Array<'pending' | 'registered' | 'declined'>,
): Promise<number[]> {
  const rows = await trx
    .selectFrom('registrations')
    .select('unit_id')
    .where('event_id', '=', eventId)
    .where('status', 'in', statuses)
    .execute();
  return rows.map((r) => r.unit_id);
}

async function activeEvent(trx: Trx, job: Job) {
  const e = job.event_id ? await getEvent(trx, job.event_id) : undefined;
  return e && e.status === 'active' ? e : null;
}

/** Reminder to units that have neither registered nor declined; nobody else. */
const register: JobHandler<'event.register'> = {
  timeSensitive: true,
  async run(ctx: AppContext, trx, job) {
    const e = await activeEvent(trx, job);
    if (!e) return;
    await sendToUnits(
      trx,
      await unitsWithStatus(trx, e.id, ['pending']),
      ev.registrationReminder(e, ctx.timezone),
      { purpose: 'reminder', ref: `event:${e.id}` },
    );
  },
};

/** Day-before and morning-of reminders go to registered units and organizers. */
function wholeEvent(
  kind: 'daybefore' | 'morning',
): JobHandler<'event.daybefore' | 'event.morning'> {
  return {
    timeSensitive: true,
    async run(ctx, trx, job) {
      const e = await activeEvent(trx, job);
      if (!e) return;
      const text =
        kind === 'daybefore'
          ? ev.dayBefore(e, await getAgenda(trx, e.id), ctx.timezone)
          : ev.morningOf(e, ctx.timezone);
      const options = { purpose: 'reminder', ref: `event:${e.id}` };
      await sendToUnits(trx, await unitsWithStatus(trx, e.id, ['registered']), text, options);
      await enqueue(trx, await organizerChats(trx), { text }, options);
    },
  };
}

/** Before each session: registered units hear the session; organizers also get the speaker's reminder. */
const session: JobHandler<'event.session'> = {
  timeSensitive: true,
  async run(ctx, trx, job) {
    const e = await activeEvent(trx, job);
    if (!e) return;
    const position = job.payload.position;
    const item = (await getAgenda(trx, e.id)).find((i) => i.position === position);
    if (!item || item.is_break) return;
    await sendToUnits(
      trx,
      await unitsWithStatus(trx, e.id, ['registered']),
      ev.session(e, item, ctx.timezone),
      { purpose: 'reminder', ref: `event:${e.id}` },
    );
    const organizerText = item.presenter
      ? ev.speaker(e, item, ctx.timezone)
      : ev.session(e, item, ctx.timezone);
    await enqueue(
      trx,
      await organizerChats(trx),
      { text: organizerText },
      { purpose: 'reminder', ref: `event:${e.id}` },
    );
  },
};

export const eventJobHandlers: Pick<
  JobHandlers,
  'event.register' | 'event.daybefore' | 'event.morning' | 'event.session'
> = {
  'event.register': register,
  'event.daybefore': wholeEvent('daybefore'),
  'event.morning': wholeEvent('morning'),
  'event.session': session,
};
