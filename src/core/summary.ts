/**
 * "/tonghop" and "/nhacnho". Summaries are sized for a phone: counts per group and the first few
 * names, with where to see everything (the dashboard, or "/tonghop <nhóm>" for one group in
 * full). In a district's group the summary is of its communes.
 */
import type { Unit } from '../db/schema';
import { ev, sm } from '../messages/vi';
import { matchCategory } from './broadcasts/broadcast';
import { sendToUnits } from './chats/send';
import { listRegistrations, upcomingEvents } from './events/repo';
import type { Turn } from './inbound/turn';
import { dashboardBaseUrl } from './login-tokens';
import { campaignUnits, type UnitReportRow } from './reports/manage';
import { chaseNow } from './reports/chat';
import type { CommandSpec } from './router';
import { fold } from './text/normalize';
import { formatDeadline } from './time/format';
import { descendantsOf, summaryGroups, type Named } from './units/tree';

/** What a filter such as "/tonghop UBND huyện" keeps: one category, or one parent's units. */
interface Filter {
  label: string;
  keep(u: Named): boolean;
}

async function filterFor(turn: Turn, typed: string): Promise<Filter | string> {
  const { match, known } = await matchCategory(turn.trx, typed);
  if (match) return { label: match, keep: (u) => u.category === match };
  const key = fold(typed);
  const parents = await turn.trx
    .selectFrom('units as p')
    .select('p.name')
    .where(({ exists, selectFrom }) =>
      exists(selectFrom('units as c').select('c.id').whereRef('c.parent_id', '=', 'p.id')),
    )
    .execute();
  const parent = parents.find((p) => fold(p.name).includes(key));
  if (parent) return { label: parent.name, keep: (u) => u.parentName === parent.name };
  return sm.filterUnknown(typed, known);
}

async function eventParts(turn: Turn, units: Set<string> | null, filter: Filter | null) {
  const base = dashboardBaseUrl(turn.ctx.config);
  const parts: string[] = [];
  for (const e of await upcomingEvents(turn.trx, turn.now)) {
    const regs = (await listRegistrations(turn.trx, e.id))
      .filter((r) => !units || units.has(r.unit.code))
      .filter((r) => !filter || filter.keep({ ...r.unit, parentName: r.unit.parent }));
    if (!regs.length) continue;
    const pending = regs
      .filter((r) => r.status === 'pending')
      .map((r) => ({ ...r.unit, parentName: r.unit.parent }));
    const registered = regs.filter((r) => r.status === 'registered');
    parts.push(
      sm.event({
        title: e.title,
        invited: regs.length,
        registered: registered.length,
        attendees: registered.reduce((n, r) => n + r.attendees.length, 0),
        declined: regs.filter((r) => r.status === 'declined').length,
        withdrawn: regs.filter((r) => r.status === 'withdrawn').length,
        pending: summaryGroups(pending, filter !== null),
        registeredNames: units ? registered.map((r) => r.unit.name) : [],
        link: `${base}/events/${e.id}`,
        filtered: filter?.label ?? null,
      }),
    );
  }
  return parts;
}

async function campaignParts(turn: Turn, units: Set<string> | null, filter: Filter | null) {
  const tz = turn.ctx.timezone;
  const base = dashboardBaseUrl(turn.ctx.config);
  const parts: string[] = [];
  const campaigns = await turn.trx
    .selectFrom('campaigns')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('deadline')
    .execute();
  for (const c of campaigns) {
    const rows = (await campaignUnits(turn.trx, c, turn.now, tz))
      .filter((u) => !units || units.has(u.code))
      .filter((u) => !filter || filter.keep(u));
    if (!rows.length) continue;
    const count = (s: UnitReportRow['status']) => rows.filter((u) => u.status === s).length;
    const overdue = rows.filter((u) => u.status === 'overdue');
    const reported = rows.filter((u) => u.status === 'submitted' || u.status === 'late');
    parts.push(
      sm.campaign({
        name: c.period_label ? `${c.title} (${c.period_label})` : c.title,
        deadline: formatDeadline(c.deadline, tz),
        onTime: count('submitted'),
        late: count('late'),
        pending: count('pending'),
        overdue: overdue.length,
        extended: rows.filter(
          (u) => u.extendedUntil && (u.status === 'pending' || u.status === 'overdue'),
        ).length,
        excused: count('excused'),
        overdueGroups: summaryGroups(overdue, filter !== null),
        reportedNames: units ? reported.map((u) => u.name) : [],
        pendingNames: units ? rows.filter((u) => u.status === 'pending').map((u) => u.name) : [],
        link: `${base}/reports/${c.id}`,
        filtered: filter?.label ?? null,
      }),
    );
  }
  return parts;
}

/** "/tonghop [nhóm]" for organizers; in a parent unit's group, the status of its units below. */
async function summary(turn: Turn, args: string): Promise<void> {
  let units: Set<string> | null = null;
  let filter: Filter | null = null;
  let header: string | null = null;
  if (!turn.isOrganizerChat) {
    const below: Unit[] = turn.unit ? await descendantsOf(turn.trx, turn.unit.id) : [];
    if (!below.length) return turn.reply(sm.onlyParents());
    units = new Set(below.map((u) => u.code));
    header = sm.childrenHeader(turn.unit!.name, below.length);
  } else if (args.trim()) {
    const f = await filterFor(turn, args.trim());
    if (typeof f === 'string') return turn.reply(f);
    filter = f;
  }
  const parts = [
    ...(await eventParts(turn, units, filter)),
    ...(await campaignParts(turn, units, filter)),
  ];
  if (!parts.length) return turn.reply(header ? `${header}\n\n${sm.empty()}` : sm.empty());
  await turn.reply([header, ...parts].filter(Boolean).join('\n\n──────────\n\n'));
}

/** "/nhacnho": chase overdue reports now and remind units that have not answered an invitation. */
async function remindNow(turn: Turn): Promise<void> {
  const { units } = await chaseNow(turn);
  let registrations = 0;
  for (const e of await upcomingEvents(turn.trx, turn.now)) {
    if (e.starts_at <= turn.now) continue;
    const pending = await turn.trx
      .selectFrom('registrations')
      .select('unit_id')
      .where('event_id', '=', e.id)
      .where('status', '=', 'pending')
      .execute();
    await sendToUnits(
      turn.trx,
      pending.map((p) => p.unit_id),
      ev.registrationReminder(e, turn.ctx.timezone),
      { purpose: 'reminder', ref: `event:${e.id}` },
    );
    registrations += pending.length;
  }
  await turn.reply(sm.chasedNow(units, registrations));
}

export const organizerCommands: Record<string, CommandSpec> = {
  tonghop: { access: 'linked', run: (turn, args) => summary(turn, args) },
  nhacnho: { access: 'organizer', run: (turn) => remindNow(turn) },
};
