/**
 * Demo data for the sandbox: on a first start with no units, seed 000's units with its row
 * "Chủ tịch UBND cấp xã" expanded into 13 communes under each of its 12 districts (province.ts),
 * the simulated groups linked (the organizer group as organizer, three unit groups to their
 * units, two communes of Lấp Vò with groups of their own while the other eleven are reached
 * through the district's), seed 000's course a week from now and a report requirement like
 * seed 003's that Lấp Vò owes with its communes. Both go through createEvent/createCampaign,
 * so the invitations arrive in the simulated groups.
 */
import type { AppContext } from '../app-context';
import { createEvent } from '../core/events/manage';
import type { AgendaInput } from '../core/events/types';
import { createCampaign } from '../core/reports/manage';
import { addDays, atLocal, localDateKey } from '../core/time/format';
import { deadlineFromVietnamesePhrase } from '../core/time/schedule';
import { upsertUnits } from '../core/units/repo';
import { expandUnit } from '../core/units/expand';
import { DEMO_COMMUNE_GROUPS, DEMO_DISTRICT, provinceCommunes } from './province';
import { demo, sb } from '../messages/dashboard';
import { seed000Event, seed000Units } from './seed000';
import { fold } from '../core/text/normalize';

export interface SandboxGroup {
  /** `sandbox:<slug>` */
  id: string;
  title: string;
  role: 'organizer' | 'unit';
  unitCode?: string;
}

/** The simulated groups: the organizers' group, three unit groups of seed 000, two communes'. */
export function sandboxGroups(): SandboxGroup[] {
  const names = new Map(seed000Units().map((u) => [u.code, u.name]));
  for (const list of provinceCommunes())
    list.communes.forEach((c, i) =>
      names.set(`${list.parent}-${String(i + 1).padStart(2, '0')}`, `UBND ${c}`),
    );
  const unit = (slug: string, code: string): SandboxGroup => ({
    id: `sandbox:${slug}`,
    title: names.get(code) ?? code,
    role: 'unit',
    unitCode: code,
  });
  return [
    { id: 'sandbox:ban-to-chuc', title: sb.organizerGroup, role: 'organizer' },
    unit('so-y-te', '010'),
    unit('ubnd-lap-vo', '081'),
    unit('bao-dong-thap', '084'),
    ...DEMO_COMMUNE_GROUPS.map((code) =>
      unit(
        fold(names.get(code) ?? code)
          .replace(/^ubnd /, '')
          .replace(/\W+/g, '-'),
        code,
      ),
    ),
  ];
}

/** Links the simulated groups in the chats table, as /lienket would. */
export async function linkSandboxGroups(ctx: AppContext, groups: SandboxGroup[]): Promise<void> {
  const now = ctx.clock();
  for (const g of groups) {
    const unitId =
      g.role === 'unit'
        ? ((
            await ctx.db
              .selectFrom('units')
              .select('id')
              .where('code', '=', g.unitCode!)
              .executeTakeFirst()
          )?.id ?? null)
        : null;
    if (g.role === 'unit' && unitId === null) continue;
    const values = {
      title: g.title,
      role: g.role,
      unit_id: unitId,
      active: true,
      linked_at: now,
      linked_by: 'demo',
    };
    await ctx.db
      .insertInto('chats')
      .values({ platform: 'sandbox', external_id: g.id, ...values })
      .onConflict((oc) => oc.columns(['platform', 'external_id']).doUpdateSet(values))
      .execute();
  }
}

/** Loads the demo when the units table is empty; returns whether it did. */
export async function loadDemo(
  ctx: AppContext,
  groups: SandboxGroup[] = sandboxGroups(),
): Promise<boolean> {
  const count = await ctx.db
    .selectFrom('units')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(count.n) > 0) return false;
  await upsertUnits(ctx.db, seed000Units());
  await expandUnit(ctx.db, '124', provinceCommunes());
  await linkSandboxGroups(ctx, groups);

  const tz = ctx.timezone;
  const today = localDateKey(ctx.clock(), tz);
  // The course keeps its agenda times and moves to a week from now.
  const day = addDays(today, 7);
  const agenda: AgendaInput[] = seed000Event.agenda.map((it) => ({
    startsAt: atLocal(day, it.startsAt, tz),
    endsAt: it.endsAt ? atLocal(day, it.endsAt, tz) : null,
    title: it.title,
    presenter: it.presenter ?? null,
    isBreak: it.isBreak,
  }));
  const first = agenda[0];
  const last = agenda[agenda.length - 1];
  await createEvent(ctx, {
    title: seed000Event.title,
    startsAt: first?.startsAt ?? atLocal(day, '07:30', tz),
    endsAt: last ? (last.endsAt ?? last.startsAt) : null,
    venue: seed000Event.venue,
    mode: seed000Event.mode,
    registrationDeadline: atLocal(addDays(today, 3), '17:00', tz),
    units: 'all',
    agenda,
  });

  const firstTen = await ctx.db
    .selectFrom('units')
    .select('code')
    .orderBy('sort_order')
    .orderBy('code')
    .limit(10)
    .execute();
  const codes = [
    ...new Set([
      ...firstTen.map((u) => u.code),
      ...groups.flatMap((g) => (g.unitCode ? [g.unitCode] : [])),
    ]),
  ];
  await createCampaign(ctx, {
    title: demo.reportTitle,
    sourcePlan: demo.reportSource,
    deadline: deadlineFromVietnamesePhrase(addDays(today, 5), 'by-end-of-day', tz),
    units: { codes, withChildren: [DEMO_DISTRICT] },
  });
  return true;
}
