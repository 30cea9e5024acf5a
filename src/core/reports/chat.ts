import { rp } from '../../messages/vi';
import type { Campaign } from '../../db/schema';
import type { Turn } from '../inbound/turn';
import type { CommandSpec } from '../router';
import { addDays, atLocal } from '../time/format';
import { parseUserDate } from '../time/parse';
import { checkFuture, checkInstant } from '../time/bounds';
import { findUnits } from '../units/lookup';
import { chaseRound } from './jobs';
import { reportCommand } from './conversation';
import { excuseUnit, getCampaign, grantExtension, owed, owedCampaigns, statusText } from './manage';

/** "/giahan [#id] <đơn vị> <ngày>": the date is the longest tail that reads as a date. */
function splitUnitAndDate(
  args: string,
  now: Date,
  tz: string,
): { unitText: string; until: Date | null } {
  const tokens = args.split(/\s+/).filter(Boolean);
  for (let k = Math.min(6, tokens.length - 1); k >= 1; k--) {
    const parsed = parseUserDate(tokens.slice(-k).join(' '), now, tz);
    if (parsed) {
      // Out of the bot's window (31/12/9999): refused before any arithmetic on it.
      checkInstant(parsed.date, rp.extensionLabel());
      // A bare date extends through the end of that day.
      const until = parsed.hasTime ? parsed.date : atLocal(addDays(parsed.dateKey, 1), '00:00', tz);
      return {
        unitText: tokens
          .slice(0, -k)
          .join(' ')
          .replace(/\s*(den|đến|toi|tới|ngay|ngày)$/i, ''),
        until,
      };
    }
  }
  return { unitText: args, until: null };
}

/** Picks the requirement an organizer command is about: "#id", or the only active one. */
async function campaignForOrganizer(
  turn: Turn,
  args: string,
): Promise<{ c: Campaign; rest: string } | null> {
  const m = /^#(\d+)\s*/.exec(args);
  if (m) {
    const c = await getCampaign(turn.trx, Number(m[1]));
    if (c && c.status === 'active') return { c, rest: args.slice(m[0].length) };
  }
  const active = await turn.trx
    .selectFrom('campaigns')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('deadline')
    .execute();
  if (active.length === 1 && !m) return { c: active[0]!, rest: args };
  await turn.reply(
    active.length
      ? rp.whichCampaign(
          active.map((c) => ({ id: c.id, title: c.title, periodLabel: c.period_label })),
        )
      : rp.noCampaign(),
  );
  return null;
}

async function unitFor(turn: Turn, c: Campaign, typed: string) {
  const assigned = await turn.trx
    .selectFrom('units')
    .innerJoin('campaign_units', 'campaign_units.unit_id', 'units.id')
    .selectAll('units')
    .where('campaign_units.campaign_id', '=', c.id)
    .execute();
  const found = findUnits(assigned, typed);
  if (found.length === 1) return found[0]!;
  if (found.length > 1)
    await turn.reply(
      rp.unitAmbiguous(
        typed,
        found.slice(0, 8).map((u) => u.name),
      ),
    );
  else await turn.reply(rp.unitNotFound(typed));
  return null;
}

export const reportCommands: Record<string, CommandSpec> = {
  baocao: { access: 'unit', run: (turn, args) => reportCommand(turn, args) },
  trangthai: {
    access: 'unit',
    async run(turn) {
      const list = await owedCampaigns(turn.trx, turn.unit!.id);
      const items = list.map((c) => ({
        ...owed(c, c.extended_until),
        status: statusText(c, c.extended_until, turn.now, turn.ctx.timezone),
      }));
      return turn.reply(rp.owedList(turn.unit!.name, items, turn.ctx.timezone));
    },
  },
  giahan: {
    access: 'organizer',
    async run(turn, args) {
      if (!args.trim()) return turn.reply(rp.giahanUsage());
      const picked = await campaignForOrganizer(turn, args);
      if (!picked) return;
      const { unitText, until } = splitUnitAndDate(picked.rest, turn.now, turn.ctx.timezone);
      if (!until) return turn.reply(rp.dateNotUnderstood());
      checkFuture(until, turn.now, rp.extensionLabel());
      if (!unitText) return turn.reply(rp.giahanUsage());
      const unit = await unitFor(turn, picked.c, unitText);
      if (!unit) return;
      await grantExtension(turn.ctx, turn.trx, picked.c, unit.id, until);
      return turn.reply(rp.extended(unit.name, owed(picked.c), until, turn.ctx.timezone));
    },
  },
  mien: {
    access: 'organizer',
    async run(turn, args) {
      if (!args.trim()) return turn.reply(rp.mienUsage());
      const picked = await campaignForOrganizer(turn, args);
      if (!picked) return;
      const unit = await unitFor(turn, picked.c, picked.rest);
      if (!unit) return;
      await excuseUnit(turn.trx, picked.c, unit.id, null);
      return turn.reply(rp.excused(unit.name, owed(picked.c)));
    },
  },
};

/** "/nhacnho": a chase round now for every active requirement (overdue units), plus event registration reminders. */
export async function chaseNow(turn: Turn): Promise<{ units: number }> {
  const active = await turn.trx
    .selectFrom('campaigns')
    .select('id')
    .where('status', '=', 'active')
    .where('deadline', '<=', turn.now)
    .execute();
  let units = 0;
  for (const c of active) units += await chaseRound(turn.ctx, turn.trx, c.id, 0, turn.now);
  return { units };
}
