/**
 * Writing what a unit (or a district for its commune) answered to an invitation: a list that
 * replaces or adds, a decline with its reason, one person removed, or the whole registration
 * withdrawn. Every change says back what changed and the whole current list.
 */
import type { EventRow, Unit } from '../../db/schema';
import { ev } from '../../messages/vi';
import type { Attendee } from '../attendees/parse';
import type { Turn } from '../inbound/turn';
import { fold } from '../text/normalize';
import { sql, type RawBuilder } from 'kysely';
import { fromJsonRow, type JsonRow } from '../../db/json-rows';

export interface Registration {
  id: number;
  status: 'pending' | 'registered' | 'declined' | 'withdrawn';
  late: boolean;
  /** The people on it, when loaded with it. */
  attendees?: Attendee[];
}

export type Answer =
  | {
      kind: 'list';
      attendees: Attendee[];
      mode: 'add' | 'replace';
      /** Names the message takes off ("thay đ/c A bằng đ/c B"). */
      replaced?: string[];
      statedCount?: number;
    }
  | { kind: 'decline'; reason?: string };

export async function registrationOf(
  turn: Turn,
  eventId: number,
  unitId: number,
): Promise<Registration | undefined> {
  return turn.trx
    .selectFrom('registrations')
    .select(['id', 'status', 'late'])
    .where('event_id', '=', eventId)
    .where('unit_id', '=', unitId)
    .executeTakeFirst();
}

interface RegistrationJson {
  id: number;
  unit_id: number;
  status: Registration['status'];
  late: boolean;
  people: Array<{ name: string; title: string | null; phone: string | null }>;
}

/** An event with some units' registrations and the people on them, as Postgres returns it. */
export interface EventJson {
  event: JsonRow<EventRow>;
  regs: RegistrationJson[];
}

const EVENT_DATES = [
  'starts_at',
  'ends_at',
  'registration_deadline',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof EventRow>;

/** The event `eventId` with the registrations of the units listed in `unitIds`, as one JSON value. */
function eventJsonSql(
  eventId: RawBuilder<number | null>,
  unitIds: RawBuilder<unknown>,
): RawBuilder<EventJson | null> {
  return sql<EventJson | null>`(SELECT json_build_object('event', row_to_json(e.*), 'regs',
      coalesce((SELECT json_agg(json_build_object('id', r.id, 'unit_id', r.unit_id, 'status', r.status,
          'late', r.late, 'people', coalesce((SELECT json_agg(json_build_object('name', a.name,
            'title', a.title, 'phone', a.phone) ORDER BY a.position)
            FROM attendees a WHERE a.registration_id = r.id), '[]'::json)))
        FROM registrations r WHERE r.event_id = e.id AND r.unit_id IN (${unitIds})), '[]'::json))
    FROM events e WHERE e.id = ${eventId})`;
}

/**
 * The event a message replies to (its bot message's ref is "event:<id>") with the replying
 * unit's registration and its people: the inbound head reads it in the statement that claims the
 * update, since a reply to an invitation is the commonest message and this read was a round trip
 * of its own. A ref that is not an event's reads nothing.
 */
export function repliedEventSql(
  ref: RawBuilder<string | null>,
  unitId: RawBuilder<number | null>,
): RawBuilder<EventJson | null> {
  return eventJsonSql(
    sql`CASE WHEN ${ref} ~ '^event:[0-9]{1,9}$' THEN substr(${ref}, 7)::int END`,
    unitId,
  );
}

function loaded(json: EventJson): {
  event: EventRow;
  registrations: Map<number, Registration>;
} {
  const registrations = new Map<number, Registration>();
  for (const r of json.regs)
    registrations.set(r.unit_id, {
      id: r.id,
      status: r.status,
      late: r.late,
      attendees: r.status === 'registered' ? r.people.map(toAttendee) : [],
    });
  return { event: fromJsonRow(json.event, EVENT_DATES), registrations };
}

/**
 * An event with these units' registrations and the people on them, in one statement: the hot
 * path of a reply to an invitation. The first ask for the event the message replies to, for the
 * group's own unit, is answered from what the inbound head read with the update's claim.
 */
export async function eventWithRegistrations(
  turn: Turn,
  eventId: number,
  unitIds: number[],
): Promise<{ event: EventRow; registrations: Map<number, Registration> } | undefined> {
  const pre = turn.arrival.repliedEvent;
  if (pre) {
    // Taken once: after the turn writes, the snapshot would be older than the rows.
    turn.arrival.repliedEvent = null;
    if (pre.event.id === eventId && unitIds.length === 1 && unitIds[0] === turn.unit?.id)
      return loaded(pre);
  }
  const { rows } = await sql<{ loaded: EventJson | null }>`SELECT ${eventJsonSql(
    sql`${eventId}`,
    unitIds.length ? sql.join(unitIds) : sql`NULL`,
  )} AS loaded`.execute(turn.trx);
  const json = rows[0]?.loaded;
  return json ? loaded(json) : undefined;
}

function toAttendee(r: { name: string; title: string | null; phone: string | null }): Attendee {
  return {
    name: r.name,
    ...(r.title ? { title: r.title } : {}),
    ...(r.phone ? { phone: r.phone } : {}),
  };
}

export async function currentAttendees(turn: Turn, registrationId: number): Promise<Attendee[]> {
  const rows = await turn.trx
    .selectFrom('attendees')
    .select(['name', 'title', 'phone'])
    .where('registration_id', '=', registrationId)
    .orderBy('position')
    .execute();
  return rows.map(toAttendee);
}

const sameName = (a: string, b: string) => fold(a) === fold(b);

/** People in `list` whose folded name contains the typed one ("Cường" finds "Phạm Minh Cường"). */
export function findPerson(list: Attendee[], typed: string): Attendee[] {
  const key = fold(typed).replace(/^(ong|ba|anh|chi|dc|d\/c|dong chi)\s+/, '');
  if (!key) return [];
  const exact = list.filter((a) => fold(a.name) === key);
  return exact.length ? exact : list.filter((a) => fold(a.name).includes(key));
}

/** Replaces the registration's people and state, with who acted from where, in one statement. */
async function write(
  turn: Turn,
  event: EventRow,
  reg: Registration,
  unit: Unit,
  status: Registration['status'],
  attendees: Attendee[],
  extra: { late: boolean; reason?: string | null; statedCount?: number | null },
): Promise<void> {
  // Written with the reply that confirms it (nothing in the turn reads the rows back). Every part of
  // one statement sees the rows as they were: the delete never meets the insert.
  const key = `reg_${reg.id}`;
  await turn.defer(`${key}_removed`, sql`DELETE FROM attendees WHERE registration_id = ${reg.id}`);
  if (attendees.length)
    await turn.defer(
      `${key}_added`,
      sql`INSERT INTO attendees (registration_id, position, name, title, phone) VALUES ${sql.join(
        attendees.map(
          (a, i) => sql`(${reg.id}, ${i + 1}, ${a.name}, ${a.title ?? null}, ${a.phone ?? null})`,
        ),
      )}`,
    );
  const actingFor = turn.unit && turn.unit.id !== unit.id ? turn.unit.id : null;
  await turn.defer(
    `${key}_updated`,
    sql`UPDATE registrations SET status = ${status}, late = ${extra.late},
      decline_reason = ${status === 'declined' ? (extra.reason ?? null) : null},
      stated_count = ${extra.statedCount ?? null},
      updated_by = ${`${turn.msg.sender.name} (${turn.msg.platform}:${turn.msg.sender.id})`},
      updated_at = ${turn.now}, acted_from_chat_id = ${turn.chat.id}, acting_unit_id = ${actingFor}
      WHERE id = ${reg.id}`,
  );
  await turn.audit(status === 'registered' ? 'registration' : `registration.${status}`, {
    event: event.id,
    unit: unit.code,
    count: attendees.length,
    ...(turn.unit && turn.unit.id !== unit.id ? { onBehalfOf: unit.code, by: turn.unit.code } : {}),
  });
}

/**
 * Records one unit's answer to one event and returns the confirmation to send, or a refusal
 * (nothing written). `reg` must be this unit's registration for `event`.
 */
export async function recordAnswer(
  turn: Turn,
  event: EventRow,
  unit: Unit,
  reg: Registration,
  answer: Answer,
): Promise<{ ok: true; text: string } | { ok: false; text: string }> {
  if (event.starts_at <= turn.now) return { ok: false, text: ev.eventStarted(event.title) };
  const onBehalf = !!turn.unit && turn.unit.id !== unit.id;
  const late = turn.now > event.registration_deadline;
  if (answer.kind === 'decline') {
    await write(turn, event, reg, unit, 'declined', [], { late, reason: answer.reason });
    return { ok: true, text: ev.declined(unit.name, event.title, answer.reason, onBehalf) };
  }
  const before =
    reg.status !== 'registered' ? [] : (reg.attendees ?? (await currentAttendees(turn, reg.id)));
  const gone = (a: Attendee) => (answer.replaced ?? []).some((r) => findPerson([a], r).length);
  const incoming = answer.attendees;
  let list: Attendee[];
  if (answer.mode === 'add') {
    // Someone sent again with more detail replaces their line; new people go at the end.
    list = before
      .filter((a) => !gone(a))
      .map((a) => incoming.find((n) => sameName(n.name, a.name)) ?? a);
    list.push(...incoming.filter((n) => !list.some((a) => sameName(a.name, n.name))));
  } else {
    list = incoming;
  }
  if (event.quota_per_unit && list.length > event.quota_per_unit)
    return { ok: false, text: ev.quotaExceeded(event.quota_per_unit, list.length) };
  await write(turn, event, reg, unit, 'registered', list, {
    late: late || (answer.mode === 'add' && reg.late),
    statedCount: answer.statedCount,
  });
  return {
    ok: true,
    text: ev.recorded({
      unitName: unit.name,
      title: event.title,
      attendees: list,
      added: list.filter((a) => !before.some((b) => sameName(a.name, b.name))).map((a) => a.name),
      removed: before.filter((b) => !list.some((a) => sameName(a.name, b.name))).map((b) => b.name),
      first: before.length === 0,
      late,
      statedCount: answer.statedCount,
      onBehalf,
    }),
  };
}

/** "/huy <tên>": one person off the list; the registration is withdrawn when nobody is left. */
export async function removePerson(
  turn: Turn,
  event: EventRow,
  unit: Unit,
  reg: Registration,
  typed: string,
): Promise<string> {
  const before = reg.status === 'registered' ? await currentAttendees(turn, reg.id) : [];
  const hits = findPerson(before, typed);
  if (hits.length !== 1)
    return ev.notInList(
      typed,
      (hits.length ? hits : before).map((a) => a.name),
    );
  const list = before.filter((a) => a !== hits[0]);
  if (!list.length) return withdraw(turn, event, unit, reg);
  await write(turn, event, reg, unit, 'registered', list, { late: reg.late });
  return ev.recorded({
    unitName: unit.name,
    title: event.title,
    attendees: list,
    added: [],
    removed: [hits[0]!.name],
    first: false,
    late: false,
    onBehalf: !!turn.unit && turn.unit.id !== unit.id,
  });
}

/** The whole registration withdrawn: not a decline (the unit never said it would not come). */
export async function withdraw(
  turn: Turn,
  event: EventRow,
  unit: Unit,
  reg: Registration,
): Promise<string> {
  await write(turn, event, reg, unit, 'withdrawn', [], { late: reg.late });
  return ev.withdrawn(unit.name, event.title);
}
