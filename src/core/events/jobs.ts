import type { AppContext } from '../../app-context';
import { ev } from '../../messages/vi';
import { organizerChats, primeDeliveries } from '../chats/targets';
import { oncePerBatch, primeBatch } from '../outbox/batch';
import { sendToUnits } from '../chats/send';
import { enqueue } from '../outbox/enqueue';
import type { Trx } from '../../db/types';
import type { AgendaItem, EventRow } from '../../db/schema';
import { fromJsonRow, type JsonRow } from '../../db/json-rows';
import { sql } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Job, JobHandler, JobHandlers } from '../scheduler/tick';

const AGENDA_DATES = ['starts_at', 'ends_at'] as const satisfies ReadonlyArray<keyof AgendaItem>;

type Status = 'pending' | 'registered' | 'declined';
interface Loaded {
  event: EventRow;
  agenda: AgendaItem[];
  unitIds: number[];
}

/** Active events with their agendas and the units in these states, in one statement. */
async function loadEvents(trx: Trx, ids: number[], statuses: Status[]): Promise<Loaded[]> {
  if (!ids.length) return [];
  const rows = await trx
    .selectFrom('events')
    .selectAll('events')
    .select((eb) => [
      jsonArrayFrom(
        eb
          .selectFrom('agenda_items as a')
          .selectAll('a')
          .whereRef('a.event_id', '=', 'events.id')
          .orderBy('a.position'),
      ).as('agenda'),
      eb
        .selectFrom('registrations as r')
        .select((eb2) =>
          eb2.fn
            .coalesce(eb2.fn.agg<number[]>('array_agg', ['r.unit_id']), sql<number[]>`'{}'`)
            .as('ids'),
        )
        .whereRef('r.event_id', '=', 'events.id')
        .where('r.status', 'in', statuses)
        .as('unit_ids'),
    ])
    .where('events.id', 'in', ids)
    .where('events.status', '=', 'active')
    .execute();
  return rows.map(({ agenda, unit_ids, ...event }) => ({
    event,
    agenda: (agenda as unknown as Array<JsonRow<AgendaItem>>).map((a) =>
      fromJsonRow(a, AGENDA_DATES),
    ),
    unitIds: (unit_ids ?? []).map(Number),
  }));
}

const loadedKey = (id: number, statuses: Status[]) => `event:${id}:${statuses.join(',')}`;

/** The job's event if still active, with what its reminder needs (primed for a batch). */
async function loadEvent(trx: Trx, job: Job, statuses: Status[]): Promise<Loaded | null> {
  const id = job.event_id;
  if (!id) return null;
  return oncePerBatch(
    trx,
    loadedKey(id, statuses),
    async () => (await loadEvents(trx, [id], statuses))[0] ?? null,
  );
}

/** For a batch: every job's event in one statement, and how all their units are reached. */
function prefetchEvents(statuses: Status[]) {
  return async (_ctx: AppContext, trx: Trx, jobs: Job[]) => {
    const ids = [...new Set(jobs.map((j) => j.event_id).filter((x): x is number => !!x))];
    const loaded = await loadEvents(trx, ids, statuses);
    const byId = new Map(loaded.map((l) => [l.event.id, l]));
    for (const id of ids) primeBatch(trx, loadedKey(id, statuses), byId.get(id) ?? null);
    await primeDeliveries(
      trx,
      loaded.flatMap((l) => l.unitIds),
    );
  };
}

/** Reminder to units that have neither registered nor declined; nobody else. */
const register: JobHandler<'event.register'> = {
  timeSensitive: true,
  prefetch: prefetchEvents(['pending']),
  async run(ctx: AppContext, trx, job) {
    const loaded = await loadEvent(trx, job, ['pending']);
    if (!loaded) return;
    const e = loaded.event;
    await sendToUnits(trx, loaded.unitIds, ev.registrationReminder(e, ctx.timezone), {
      purpose: 'reminder',
      ref: `event:${e.id}`,
    });
  },
};

/** Day-before and morning-of reminders go to registered units and organizers. */
function wholeEvent(
  kind: 'daybefore' | 'morning',
): JobHandler<'event.daybefore' | 'event.morning'> {
  return {
    timeSensitive: true,
    prefetch: prefetchEvents(['registered']),
    async run(ctx, trx, job) {
      const loaded = await loadEvent(trx, job, ['registered']);
      if (!loaded) return;
      const e = loaded.event;
      const text =
        kind === 'daybefore'
          ? ev.dayBefore(e, loaded.agenda, ctx.timezone)
          : ev.morningOf(e, ctx.timezone);
      const options = { purpose: 'reminder', ref: `event:${e.id}` };
      await sendToUnits(trx, loaded.unitIds, text, options);
      await enqueue(trx, await organizerChats(trx), { text }, options);
    },
  };
}

/** Before each session: registered units hear the session; organizers also get the speaker's reminder. */
const session: JobHandler<'event.session'> = {
  timeSensitive: true,
  prefetch: prefetchEvents(['registered']),
  async run(ctx, trx, job) {
    const loaded = await loadEvent(trx, job, ['registered']);
    if (!loaded) return;
    const e = loaded.event;
    const item = loaded.agenda.find((i) => i.position === job.payload.position);
    if (!item || item.is_break) return;
    const options = { purpose: 'reminder', ref: `event:${e.id}` };
    await sendToUnits(trx, loaded.unitIds, ev.session(e, item, ctx.timezone), options);
    const organizerText = item.presenter
      ? ev.speaker(e, item, ctx.timezone)
      : ev.session(e, item, ctx.timezone);
    await enqueue(trx, await organizerChats(trx), { text: organizerText }, options);
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
