import { ev } from '../../messages/vi';
import { sql, type Selectable } from 'kysely';
import type { EventRow, RegistrationsTable } from '../../db/schema';
import { parseAttendeeReply, type Attendee } from '../attendees/parse';
import { stripMention } from '../inbound/command';
import type { Turn } from '../inbound/turn';
import type { CommandSpec, TextHandler } from '../router';
import { fold } from '../text/normalize';
import { getAgenda, getEvent, listRegistrations, openEventsForUnit, upcomingEvents } from './repo';
import { buildRegistrationsXlsx } from '../../export/registrations';
import { registrationSheet } from './export';
import { capabilitiesOf } from '../channel';

type Mode = 'replace' | 'add';

type Registration = Selectable<RegistrationsTable>;
type Target = { event: EventRow; reg: Registration | null };

/** An event and this unit's registration for it, in one query. */
async function eventWithRegistration(turn: Turn, eventId: number): Promise<Target | null> {
  const row = await sql<{ event: EventRow; reg: Registration | null }>`
    SELECT row_to_json(e.*) AS event, row_to_json(r.*) AS reg
    FROM events e LEFT JOIN registrations r ON r.event_id = e.id AND r.unit_id = ${turn.unit!.id}
    WHERE e.id = ${eventId}`.execute(turn.trx);
  return row.rows[0] ?? null;
}

/** The invitation or reminder this message replies to, with the unit's registration: one query on the hot path. */
async function repliedEvent(turn: Turn): Promise<Target | null> {
  if (!turn.msg.replyToMessageId) return null;
  const row = await sql<{ event: EventRow; reg: Registration | null }>`
    SELECT row_to_json(e.*) AS event, row_to_json(r.*) AS reg
    FROM outbox o
    JOIN events e ON e.id = substr(o.ref, 7)::int
    LEFT JOIN registrations r ON r.event_id = e.id AND r.unit_id = ${turn.unit!.id}
    WHERE o.platform = ${turn.msg.platform} AND o.chat_external_id = ${turn.msg.chat.id}
      AND o.platform_message_id = ${turn.msg.replyToMessageId} AND o.ref LIKE 'event:%'
    LIMIT 1`.execute(turn.trx);
  return row.rows[0] ?? null;
}

/** Which event a unit's message is about: the invitation it replies to, else its only open event. */
async function targetEvent(
  turn: Turn,
  explicit: number | Target | null,
): Promise<Target | 'none' | 'ambiguous'> {
  if (explicit) {
    const t = typeof explicit === 'number' ? await eventWithRegistration(turn, explicit) : explicit;
    return t && t.event.status === 'active' ? t : 'none';
  }
  const open = await openEventsForUnit(turn.trx, turn.unit!.id, turn.now);
  if (open.length === 0) return 'none';
  if (open.length > 1) return 'ambiguous';
  return { event: open[0]!, reg: (await registration(turn, open[0]!.id)) ?? null };
}

async function registration(turn: Turn, eventId: number) {
  return turn.trx
    .selectFrom('registrations')
    .selectAll()
    .where('event_id', '=', eventId)
    .where('unit_id', '=', turn.unit!.id)
    .executeTakeFirst();
}

/** Replaces the unit's attendees, sets its status and audits it, in one statement. */
async function writeRegistration(
  turn: Turn,
  regId: number,
  status: 'registered' | 'declined',
  late: boolean,
  attendees: Attendee[],
  audit: Record<string, unknown>,
): Promise<void> {
  const actor = `${turn.msg.sender.name} (${turn.msg.platform}:${turn.msg.sender.id})`;
  const rows = JSON.stringify(
    attendees.map((a, i) => ({
      position: i + 1,
      name: a.name,
      title: a.title ?? null,
      phone: a.phone ?? null,
    })),
  );
  await sql`
    WITH del AS (DELETE FROM attendees WHERE registration_id = ${regId}),
    ins AS (
      INSERT INTO attendees (registration_id, position, name, title, phone)
      SELECT ${regId}, a.position, a.name, a.title, a.phone FROM jsonb_to_recordset(${rows}::jsonb) AS a(position int, name text, title text, phone text)),
    aud AS (
      INSERT INTO audit_log (actor, action, details) VALUES (${`${turn.msg.platform}:${turn.msg.sender.id}`}, ${status === 'declined' ? 'registration.declined' : 'registration'}, ${JSON.stringify(audit)}::jsonb))
    UPDATE registrations SET status = ${status}, late = ${late}, updated_by = ${actor}, updated_at = ${turn.now} WHERE id = ${regId}`.execute(
    turn.trx,
  );
}

async function currentAttendees(turn: Turn, registrationId: number): Promise<Attendee[]> {
  const rows = await turn.trx
    .selectFrom('attendees')
    .select(['name', 'title', 'phone'])
    .where('registration_id', '=', registrationId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    name: r.name,
    ...(r.title ? { title: r.title } : {}),
    ...(r.phone ? { phone: r.phone } : {}),
  }));
}

/**
 * Records what a unit sent for an event. Returns false when the text is not a list and the
 * message was not addressed to the bot (chatter in the group is left alone).
 */
async function register(
  turn: Turn,
  text: string,
  mode: Mode,
  explicitEventId: number | Target | null,
  addressed: boolean,
): Promise<boolean> {
  const parsed = parseAttendeeReply(text);
  if (parsed.kind === 'none' && !addressed) return false;
  const target = await targetEvent(turn, explicitEventId);
  if (target === 'none') {
    if (addressed) await turn.reply(ev.noOpenEvent());
    return addressed;
  }
  if (target === 'ambiguous') {
    const open = await openEventsForUnit(turn.trx, turn.unit!.id, turn.now);
    await turn.reply(ev.whichEvent(open.map((e) => e.title)));
    return true;
  }
  const e = target.event;
  if (new Date(e.starts_at) <= turn.now) {
    await turn.reply(ev.eventStarted(e.title));
    return true;
  }
  const reg = target.reg;
  if (!reg) {
    await turn.reply(ev.noOpenEvent());
    return true;
  }
  if (parsed.kind === 'none') {
    await turn.reply(ev.notUnderstood());
    return true;
  }
  const late = turn.now > new Date(e.registration_deadline);
  if (parsed.kind === 'declined') {
    await writeRegistration(turn, reg.id, 'declined', late, [], {
      event: e.id,
      unit: turn.unit!.code,
    });
    await turn.reply(ev.declined(turn.unit!.name, e.title), { ref: `event:${e.id}` });
    return true;
  }
  let attendees = parsed.attendees;
  if (mode === 'add') {
    const existing = await currentAttendees(turn, reg.id);
    const known = new Set(existing.map((a) => fold(a.name)));
    attendees = [...existing, ...attendees.filter((a) => !known.has(fold(a.name)))];
  }
  if (e.quota_per_unit && attendees.length > e.quota_per_unit) {
    await turn.reply(ev.quotaExceeded(e.quota_per_unit, attendees.length));
    return true;
  }
  await writeRegistration(
    turn,
    reg.id,
    'registered',
    late || (mode === 'add' && reg.late),
    attendees,
    { event: e.id, unit: turn.unit!.code, count: attendees.length, mode },
  );
  await turn.reply(ev.recorded(turn.unit!.name, e.title, attendees, late, mode === 'add'), {
    ref: `event:${e.id}`,
  });
  return true;
}

export const eventCommands: Record<string, CommandSpec> = {
  dangky: {
    access: 'unit',
    run: (turn, args) => register(turn, args, 'replace', null, true).then(() => undefined),
  },
  them: {
    access: 'unit',
    run: (turn, args) => register(turn, args, 'add', null, true).then(() => undefined),
  },
  huy: {
    access: 'unit',
    async run(turn) {
      const found = await targetEvent(turn, null);
      if (found === 'none') return turn.reply(ev.noOpenEvent());
      if (found === 'ambiguous')
        return turn.reply(
          ev.whichEvent(
            (await openEventsForUnit(turn.trx, turn.unit!.id, turn.now)).map((e) => e.title),
          ),
        );
      const target = found.event;
      const reg = found.reg;
      if (!reg) return turn.reply(ev.noOpenEvent());
      await turn.trx.deleteFrom('attendees').where('registration_id', '=', reg.id).execute();
      await turn.trx
        .updateTable('registrations')
        .set({ status: 'declined', updated_at: turn.now, updated_by: turn.msg.sender.name })
        .where('id', '=', reg.id)
        .execute();
      await turn.audit('registration.withdrawn', { event: target.id, unit: turn.unit!.code });
      return turn.reply(ev.withdrawn(turn.unit!.name, target.title));
    },
  },
  danhsach: {
    access: 'unit',
    async run(turn) {
      const events = await openEventsForUnit(turn.trx, turn.unit!.id, turn.now);
      if (!events.length) return turn.reply(ev.noOpenEvent());
      const parts: string[] = [];
      for (const e of events) {
        const reg = (await registration(turn, e.id))!;
        parts.push(
          ev.registrationShow(e.title, reg.status, await currentAttendees(turn, reg.id), reg.late),
        );
      }
      return turn.reply(parts.join('\n\n'));
    },
  },
  lich: {
    access: 'linked',
    async run(turn) {
      const events = await upcomingEvents(turn.trx, turn.now);
      const visible = turn.isOrganizerChat
        ? events
        : (await openEventsForUnit(turn.trx, turn.unit!.id, new Date(0))).filter((e) =>
            events.some((u) => u.id === e.id),
          );
      if (!visible.length) return turn.reply(ev.agendaEmpty());
      const parts: string[] = [];
      for (const e of visible)
        parts.push(ev.agendaOf(e, await getAgenda(turn.trx, e.id), turn.ctx.timezone));
      return turn.reply(parts.join('\n\n──────────\n\n'));
    },
  },
  xuat: {
    access: 'organizer',
    async run(turn, args) {
      const id = Number(args.replace(/\D+/g, '')) || null;
      const e = id ? await getEvent(turn.trx, id) : (await upcomingEvents(turn.trx, turn.now))[0];
      if (!e) return turn.reply(ev.noEventToExport());
      const files = capabilitiesOf(turn.msg.platform).files;
      const base = turn.ctx.config.publicUrl ?? `http://localhost:${turn.ctx.config.port}`;
      const link = ev.exportLink(e.title, `${base}/events/${e.id}/registrations.xlsx`);
      if (files === 'no') return turn.reply(link);
      const xlsx = await buildRegistrationsXlsx(
        registrationSheet(e, await listRegistrations(turn.trx, e.id), turn.ctx.timezone),
      );
      return turn.reply(ev.exportCaption(e.title), {
        document: {
          fileName: `dang-ky-su-kien-${e.id}.xlsx`,
          mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          base64: xlsx.toString('base64'),
          ...(files === 'best-effort' ? { fallbackText: link } : {}),
        },
      });
    },
  },
};

/** A reply to an invitation or reminder, or a message mentioning the bot, in a unit chat. */
export const eventTextHandler: TextHandler = async (turn) => {
  if (!turn.unit || !turn.chat.active) return false;
  const replied = await repliedEvent(turn);
  if (replied)
    return register(turn, stripMention(turn.msg.text, turn.botUsername), 'replace', replied, true);
  if (turn.msg.mentionsBot) {
    const text = stripMention(turn.msg.text, turn.botUsername);
    const parsed = parseAttendeeReply(text);
    if (parsed.kind !== 'none') return register(turn, text, 'replace', null, true);
  }
  return false;
};
