/**
 * What units say about invitations, in their groups: lists (a reply to the invitation, a
 * mention, /dangky, /them, or an unmistakable list posted while the invitation is unanswered),
 * declines, "/huy <tên>" and "/huy", and a district answering for its communes under their
 * names. With several open events and no invitation replied to, the bot asks which one.
 */
import type { EventRow, Unit } from '../../db/schema';
import { ev, tree } from '../../messages/vi';
import { buildRegistrationsXlsx } from '../../export/registrations';
import { parseAttendeeReply, type ParsedReply } from '../attendees/parse';
import { stripMention } from '../inbound/command';
import type { Turn } from '../inbound/turn';
import { signedDownloadUrl } from '../exports/links';
import { closePrompt, isYes, numberedAnswer, openPrompt } from '../prompts/prompts';
import type { CommandSpec, TextHandler } from '../router';
import { fold } from '../text/normalize';
import { headingUnit, resolveNamedChildren } from '../units/acting';
import { registrationSheet } from './export';
import {
  currentAttendees,
  eventWithRegistrations,
  findPerson,
  recordAnswer,
  registrationOf,
  removePerson,
  withdraw,
  type Answer,
  type Registration,
} from './registering';
import { getAgenda, getEvent, listRegistrations, openEventsForUnit, upcomingEvents } from './repo';
import { capabilitiesOf } from '../channel';

const CHOOSE = 'event.choose';
const WITHDRAW = 'event.withdraw';

interface Ask {
  /** The message to register, kept while the bot asks which event. */
  text: string;
  mode: 'add' | 'replace' | null;
}

/** The invitation (or reminder) this message replies to, if it is one of an event's. */
async function repliedEventId(turn: Turn): Promise<number | null> {
  const ref = turn.repliedRef;
  const m = ref ? /^event:(\d+)$/.exec(ref) : null;
  return m ? Number(m[1]) : null;
}

/** Open events any of these units is invited to, soonest first. */
async function openEventsFor(turn: Turn, units: Unit[]): Promise<EventRow[]> {
  const seen = new Map<number, EventRow>();
  for (const u of units)
    for (const e of await openEventsForUnit(turn.trx, u.id, turn.now)) seen.set(e.id, e);
  return [...seen.values()].sort((a, b) => a.starts_at.getTime() - b.starts_at.getTime());
}

/** Who a parsed reply speaks for: the group's own unit, and communes named in sections. */
async function whoFor(
  turn: Turn,
  parsed: Exclude<ParsedReply, { kind: 'none' }>,
  text: string,
): Promise<{ parts: Array<{ unit: Unit; answer: Answer }> } | { reply: string }> {
  let own = turn.unit!;
  if (!parsed.sections?.length) {
    // "Sở Y tế: 1. …" posted in another unit's group: for a unit below it, the group speaks for
    // it; for any other, nothing is registered.
    const headed = await headingUnit(turn.trx, own, text);
    if (headed && !headed.below) return { reply: tree.notBelow(headed.unit.name, own.name) };
    if (headed) own = headed.unit;
  }
  const parts: Array<{ unit: Unit; answer: Answer }> = [];
  const sections = parsed.sections ?? [];
  if (sections.length) {
    const named = await resolveNamedChildren(
      turn.trx,
      own,
      sections.map((s) => s.unitText),
    );
    if ('reply' in named) return named;
    for (const s of sections) {
      const unit = named.found.get(s.unitText)!;
      parts.push({
        unit,
        answer: s.declined
          ? { kind: 'decline', reason: s.reason }
          : { kind: 'list', attendees: s.attendees, mode: 'replace', statedCount: s.statedCount },
      });
    }
  }
  const inSections = new Set(sections.flatMap((s) => s.attendees.map((a) => fold(a.name))));
  if (parsed.kind === 'declined') {
    if (!sections.length)
      parts.push({ unit: own, answer: { kind: 'decline', reason: parsed.reason } });
  } else {
    const mine = parsed.attendees.filter((a) => !inSections.has(fold(a.name)));
    if (mine.length)
      parts.push({
        unit: own,
        answer: {
          kind: 'list',
          attendees: mine,
          mode: parsed.mode ?? 'replace',
          ...(parsed.replaced ? { replaced: parsed.replaced } : {}),
          ...(parsed.statedCount !== undefined && !sections.length
            ? { statedCount: parsed.statedCount }
            : {}),
        },
      });
  }
  return { parts };
}

/**
 * Reads a message as an answer to an invitation and records it. Returns false when the message
 * is not for this handler (chatter, or a list posted unaddressed where nothing awaits one).
 */
async function answer(
  turn: Turn,
  text: string,
  o: { addressed: boolean; mode: 'add' | 'replace' | null; eventId: number | null },
): Promise<boolean> {
  const parsed = parseAttendeeReply(text);
  if (parsed.kind === 'none') {
    if (o.addressed) await turn.reply(ev.notUnderstood());
    return o.addressed;
  }
  if (!o.addressed && parsed.confidence !== 'high') return false;
  const who = await whoFor(turn, parsed, text);
  if ('reply' in who) {
    await turn.reply(who.reply);
    return true;
  }
  if (!who.parts.length) {
    if (o.addressed) await turn.reply(ev.notUnderstood());
    return o.addressed;
  }
  const units = who.parts.map((p) => p.unit);
  let event: EventRow | undefined;
  let regs: Map<number, Registration> | undefined;
  if (o.eventId) {
    const loaded = await eventWithRegistrations(
      turn,
      o.eventId,
      units.map((u) => u.id),
    );
    if (loaded?.event.status === 'active') ({ event, registrations: regs } = loaded);
  } else {
    const open = await openEventsFor(turn, units);
    if (open.length > 1) {
      if (!o.addressed && !(await anyPending(turn, open, units))) return false;
      const promptId = await openPrompt(
        turn.trx,
        turn.chat.id,
        CHOOSE,
        { eventIds: open.map((e) => e.id), text, mode: o.mode } satisfies Ask & {
          eventIds: number[];
        },
        turn.now,
      );
      await turn.reply(ev.whichEvent(open.map((e) => e.title)), {
        buttons: [open.map((_, i) => ({ text: String(i + 1), data: `p:${promptId}:${i + 1}` }))],
      });
      return true;
    }
    event = open[0];
  }
  if (!event) {
    if (o.addressed) await turn.reply(ev.noOpenEvent());
    return o.addressed;
  }
  // Unaddressed, a list answers only an invitation still waiting for one.
  if (!o.addressed && !(await anyPending(turn, [event], units))) return false;
  regs ??= (
    await eventWithRegistrations(
      turn,
      event.id,
      units.map((u) => u.id),
    )
  )?.registrations;
  const replies: string[] = [];
  for (const p of who.parts) {
    const reg = regs?.get(p.unit.id);
    if (!reg) {
      replies.push(ev.notInvited(p.unit.name, event.title));
      continue;
    }
    const a: Answer = p.answer.kind === 'list' && o.mode ? { ...p.answer, mode: o.mode } : p.answer;
    const done = await recordAnswer(turn, event, p.unit, reg, a);
    replies.push(done.text);
  }
  await turn.reply(replies.join('\n\n──────────\n\n'), { ref: `event:${event.id}` });
  return true;
}

async function anyPending(turn: Turn, events: EventRow[], units: Unit[]): Promise<boolean> {
  for (const e of events)
    for (const u of units)
      if ((await registrationOf(turn, e.id, u.id))?.status === 'pending') return true;
  return false;
}

/** Answers to the bot's own questions here: which event (a number), confirm a withdrawal. */
async function answerPrompt(turn: Turn): Promise<boolean> {
  const prompt = turn.arrival.prompt;
  if (!prompt || !prompt.kind.startsWith('event.')) return false;
  const data = turn.msg.callbackData;
  const button = data?.startsWith('p:') ? data.split(':') : null;
  if (button && Number(button[1]) !== prompt.id) return false;
  const said = button
    ? button.slice(2).join(':')
    : fold(stripMention(turn.msg.text, turn.botUsername));
  if (prompt.kind === CHOOSE) {
    const p = prompt.payload as unknown as Ask & { eventIds: number[] };
    const n = numberedAnswer(said);
    if (n === null) return false;
    if (n < 1 || n > p.eventIds.length) {
      await turn.reply(ev.choiceInvalid(p.eventIds.length));
      return true;
    }
    await closePrompt(turn.trx, prompt.id);
    return answer(turn, p.text, { addressed: true, mode: p.mode, eventId: p.eventIds[n - 1]! });
  }
  if (prompt.kind === WITHDRAW && (said === 'yes' || isYes(said))) {
    const p = prompt.payload as { eventId: number; unitId: number };
    await closePrompt(turn.trx, prompt.id);
    const event = await getEvent(turn.trx, p.eventId);
    const unit = await turn.trx
      .selectFrom('units')
      .selectAll()
      .where('id', '=', p.unitId)
      .executeTakeFirst();
    const reg = event && unit ? await registrationOf(turn, event.id, unit.id) : undefined;
    if (!event || !unit || !reg) return turn.reply(ev.noOpenEvent()).then(() => true);
    await turn.reply(await withdraw(turn, event, unit, reg), { ref: `event:${event.id}` });
    return true;
  }
  return false;
}

/** The event a command is about: the invitation replied to, else the unit's only open one. */
async function commandEvent(turn: Turn, units: Unit[]): Promise<EventRow | string> {
  const replied = await repliedEventId(turn);
  if (replied) return (await getEvent(turn.trx, replied)) ?? ev.noOpenEvent();
  const open = await openEventsFor(turn, units);
  if (!open.length) return ev.noOpenEvent();
  if (open.length > 1) return ev.whichEventForCommand(open.map((e) => e.title));
  return open[0]!;
}

/** "/huy" asks before withdrawing everything; "/huy <tên>" removes one person (or a commune's registration). */
async function cancel(turn: Turn, args: string): Promise<void> {
  const own = turn.unit!;
  const typed = args.trim();
  const event = await commandEvent(turn, [own]);
  if (typeof event === 'string') return turn.reply(event);
  const reg = await registrationOf(turn, event.id, own.id);
  if (typed && reg?.status === 'registered') {
    const list = await currentAttendees(turn, reg.id);
    if (findPerson(list, typed).length)
      return turn.reply(await removePerson(turn, event, own, reg, typed), {
        ref: `event:${event.id}`,
      });
  }
  let target: Unit = own;
  let targetReg = reg;
  if (typed) {
    // Not one of ours: perhaps a commune this group registered for.
    const named = await resolveNamedChildren(turn.trx, own, [typed]);
    if ('reply' in named) {
      const ownList = reg ? await currentAttendees(turn, reg.id) : [];
      return turn.reply(
        ownList.length
          ? ev.notInList(
              typed,
              ownList.map((a) => a.name),
            )
          : named.reply,
      );
    }
    target = named.found.get(typed)!;
    targetReg = await registrationOf(turn, event.id, target.id);
  }
  if (!targetReg || targetReg.status !== 'registered')
    return turn.reply(ev.nothingToWithdraw(target.name, event.title));
  const n = (await currentAttendees(turn, targetReg.id)).length;
  const promptId = await openPrompt(
    turn.trx,
    turn.chat.id,
    WITHDRAW,
    { eventId: event.id, unitId: target.id },
    turn.now,
    30 * 60_000,
  );
  await turn.reply(ev.withdrawConfirm(target.name, event.title, n), {
    buttons: [[{ text: ev.withdrawButton(), data: `p:${promptId}:yes` }]],
  });
}

export const eventCommands: Record<string, CommandSpec> = {
  dangky: {
    access: 'unit',
    run: (turn, args) =>
      answer(turn, args, { addressed: true, mode: null, eventId: null }).then(() => undefined),
  },
  them: {
    access: 'unit',
    run: (turn, args) =>
      answer(turn, args, { addressed: true, mode: 'add', eventId: null }).then(() => undefined),
  },
  huy: { access: 'unit', run: (turn, args) => cancel(turn, args) },
  danhsach: {
    access: 'unit',
    async run(turn) {
      const events = await openEventsForUnit(turn.trx, turn.unit!.id, turn.now);
      if (!events.length) return turn.reply(ev.noOpenEvent());
      const parts: string[] = [];
      for (const e of events) {
        const reg = (await registrationOf(turn, e.id, turn.unit!.id))!;
        const row = await turn.trx
          .selectFrom('registrations')
          .select('decline_reason')
          .where('id', '=', reg.id)
          .executeTakeFirstOrThrow();
        parts.push(
          ev.registrationShow(
            e.title,
            reg.status,
            await currentAttendees(turn, reg.id),
            reg.late,
            row.decline_reason,
          ),
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
      // Where a file cannot go (or may not arrive), a signed link opens it without a login.
      const link =
        files === 'yes'
          ? null
          : ev.exportLink(
              e.title,
              await signedDownloadUrl(turn.ctx, turn.trx, { kind: 'registrations', id: e.id }),
            );
      if (files === 'no') return turn.reply(link!, { sensitive: true });
      const xlsx = await buildRegistrationsXlsx(
        registrationSheet(e, await listRegistrations(turn.trx, e.id), turn.ctx.timezone),
      );
      return turn.reply(ev.exportCaption(e.title), {
        document: {
          fileName: `dang-ky-su-kien-${e.id}.xlsx`,
          mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          base64: xlsx.toString('base64'),
          ...(link ? { fallbackText: link } : {}),
        },
      });
    },
  },
};

/**
 * In a unit group: answers to the bot's questions; a reply to an invitation or a mention of
 * the bot (an answer, whatever it says); an unmistakable list or decline posted while an
 * invitation waits for one. Anything else is left to other handlers, or alone.
 */
export const eventTextHandler: TextHandler = async (turn) => {
  if (!turn.unit || !turn.chat.active) return false;
  if (await answerPrompt(turn)) return true;
  if (turn.msg.callbackData) return false;
  const text = stripMention(turn.msg.text, turn.botUsername);
  const replied = await repliedEventId(turn);
  if (replied) return answer(turn, text, { addressed: true, mode: null, eventId: replied });
  if (turn.msg.mentionsBot) {
    // Addressed, but it may be about a report: only a list or a decline is ours.
    const parsed = parseAttendeeReply(text);
    if (parsed.kind === 'none') return false;
    return answer(turn, text, { addressed: true, mode: null, eventId: null });
  }
  return answer(turn, text, { addressed: false, mode: null, eventId: null });
};
