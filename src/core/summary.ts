import { ev, sm, rp } from '../messages/vi';
import { sendToUnits } from './chats/send';
import { listRegistrations, upcomingEvents } from './events/repo';
import type { Turn } from './inbound/turn';
import { campaignUnits, groupByCategory } from './reports/manage';
import { chaseNow } from './reports/chat';
import type { CommandSpec } from './router';
import { formatDeadline } from './time/format';

/** "/tonghop": every upcoming event and active requirement, with who has not answered by category. */
async function summary(turn: Turn): Promise<void> {
  const tz = turn.ctx.timezone;
  const parts: string[] = [];
  for (const e of await upcomingEvents(turn.trx, turn.now)) {
    const regs = await listRegistrations(turn.trx, e.id);
    const pending = regs
      .filter((r) => r.status === 'pending')
      .map((r) => ({ category: r.unit.category, name: r.unit.name }));
    parts.push(
      sm.event(
        e.title,
        regs.length,
        regs.filter((r) => r.status === 'registered').length,
        regs.filter((r) => r.status === 'declined').length,
        groupByCategory(pending).map((g) => ({
          category: g.category,
          names: g.units.map((u) => u.name),
        })),
        regs.reduce((n, r) => n + r.attendees.length, 0),
      ),
    );
  }
  const campaigns = await turn.trx
    .selectFrom('campaigns')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('deadline')
    .execute();
  for (const c of campaigns) {
    const units = await campaignUnits(turn.trx, c, turn.now, tz);
    const count = (s: string) => units.filter((u) => u.status === s).length;
    const overdue = units.filter((u) => u.status === 'overdue');
    parts.push(
      sm.campaign(
        rp.name({ title: c.title, periodLabel: c.period_label }),
        formatDeadline(new Date(c.deadline), tz),
        {
          onTime: count('submitted'),
          late: count('late'),
          pending: count('pending'),
          overdue: overdue.length,
          extended: units.filter(
            (u) => u.extendedUntil && (u.status === 'pending' || u.status === 'overdue'),
          ).length,
          excused: count('excused'),
        },
        groupByCategory(overdue).map((g) => ({
          category: g.category,
          units: g.units.map((u) => ({ name: u.name, daysLate: u.daysLate })),
        })),
      ),
    );
  }
  await turn.reply(parts.length ? parts.join('\n\n──────────\n\n') : sm.empty());
}

/** "/nhacnho": chase overdue reports now and remind units that have not answered an invitation. */
async function remindNow(turn: Turn): Promise<void> {
  const { units } = await chaseNow(turn);
  let registrations = 0;
  for (const e of await upcomingEvents(turn.trx, turn.now)) {
    if (new Date(e.starts_at) <= turn.now) continue;
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
  await turn.reply(rp.chasedNow(units, registrations));
}

export const organizerCommands: Record<string, CommandSpec> = {
  tonghop: { access: 'organizer', run: (turn) => summary(turn) },
  nhacnho: { access: 'organizer', run: (turn) => remindNow(turn) },
};
