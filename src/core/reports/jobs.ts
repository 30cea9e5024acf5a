import type { AppContext } from '../../app-context';
import { rp } from '../../messages/vi';
import { organizerChats, primeDeliveries } from '../chats/targets';
import { sendToUnits } from '../chats/send';
import { dashboardBaseUrl } from '../login-tokens';
import { summaryGroups } from '../units/tree';
import { enqueue } from '../outbox/enqueue';
import type { Trx } from '../../db/types';
import { addJob } from '../scheduler/jobs';
import type { Job, JobHandler, JobHandlers } from '../scheduler/tick';
import { nextChase } from '../time/schedule';
import { loadCalendar } from '../time/overrides';
import {
  type UnitReportRow,
  campaignJobPrefix,
  campaignUnits,
  getCampaign,
  owed,
  primeCampaigns,
  rollOver,
  statusText,
} from './manage';

/**
 * Each unit's own text in its own group; a parent's group relaying for units below it gets one
 * digest naming them (after its own text when it owes too): one message per chat per round.
 */
async function sendPerUnit(
  trx: Trx,
  units: UnitReportRow[],
  text: (u: UnitReportRow) => string,
  digest: (children: UnitReportRow[]) => string,
  purpose: string,
  campaignId: number,
): Promise<void> {
  const byId = new Map(units.map((u) => [u.unitId, u]));
  await sendToUnits(
    trx,
    units.map((u) => u.unitId),
    (d) => {
      const own = d.own ? text(byId.get(d.unitId)!) : null;
      if (!d.onBehalf.length) return own!;
      const relayed = digest(d.onBehalf.map((c) => byId.get(c.id)!));
      return own ? `${own}\n\n${relayed}` : relayed;
    },
    { purpose, ref: `campaign:${campaignId}` },
  );
}

async function activeCampaign(trx: Trx, job: Job) {
  const c = job.campaign_id ? await getCampaign(trx, job.campaign_id) : undefined;
  return c && c.status === 'active' ? c : null;
}

/** For a batch: the jobs' campaigns, their units and how those are reached, in three statements. */
async function prefetch(ctx: AppContext, trx: Trx, jobs: Job[], now: Date): Promise<void> {
  const ids = [...new Set(jobs.map((j) => j.campaign_id).filter((x): x is number => !!x))];
  const units = await primeCampaigns(trx, ids, now, ctx.timezone);
  await primeDeliveries(
    trx,
    [...units.values()].flat().map((u) => u.unitId),
  );
}

/** Before the deadline: every unit that has not reported, each in its own chats. */
const remind: JobHandler<'campaign.remind'> = {
  timeSensitive: true,
  prefetch,
  async run(ctx, trx, job, now) {
    const c = await activeCampaign(trx, job);
    if (!c) return;
    const units = (await campaignUnits(trx, c, now, ctx.timezone)).filter(
      (u) => u.status === 'pending',
    );
    await sendPerUnit(
      trx,
      units,
      (u) =>
        rp.reminder(
          owed(c, u.extendedUntil),
          statusText(c, u.extendedUntil, now, ctx.timezone),
          ctx.timezone,
        ),
      (children) =>
        rp.reminderDigest(
          owed(c),
          children.map((u) => ({
            name: u.name,
            status: statusText(c, u.extendedUntil, now, ctx.timezone),
          })),
        ),
      'reminder',
      c.id,
    );
  },
};

/**
 * One chase round: every unit still owing past its (extended) deadline and under the chase cap,
 * one summary to the organizers, and the next round planned while anyone still owes.
 */
export async function chaseRound(
  ctx: AppContext,
  trx: Trx,
  campaignId: number,
  round: number,
  now: Date,
): Promise<number> {
  const c = await getCampaign(trx, campaignId);
  if (!c || c.status !== 'active') return 0;
  const units = await campaignUnits(trx, c, now, ctx.timezone);
  const overdue = units.filter((u) => u.status === 'overdue');
  const chased = overdue.filter((u) => c.max_chases === null || u.chaseCount < c.max_chases);
  await sendPerUnit(
    trx,
    chased,
    (u) =>
      rp.chase(
        owed(c, u.extendedUntil),
        statusText(c, u.extendedUntil, now, ctx.timezone),
        ctx.timezone,
      ),
    (children) =>
      rp.chaseDigest(
        owed(c),
        children.map((u) => ({
          name: u.name,
          status: statusText(c, u.extendedUntil, now, ctx.timezone),
        })),
      ),
    'chase',
    c.id,
  );
  if (chased.length) {
    await trx
      .updateTable('campaign_units')
      .set((eb) => ({ chase_count: eb('chase_count', '+', 1) }))
      .where('campaign_id', '=', c.id)
      .where(
        'unit_id',
        'in',
        chased.map((u) => u.unitId),
      )
      .execute();
  }
  const link = `${dashboardBaseUrl(ctx.config)}/reports/${c.id}`;
  await enqueue(
    trx,
    await organizerChats(trx),
    {
      text: rp.overdueSummary(owed(c), summaryGroups(overdue, false), overdue.length, round, link),
    },
    { purpose: 'summary', ref: `campaign:${c.id}` },
  );
  const stillOwing = units.some((u) => u.status === 'overdue' || u.status === 'pending');
  if (!stillOwing) {
    await trx.updateTable('campaigns').set({ status: 'closed' }).where('id', '=', c.id).execute();
  }
  return chased.length;
}

const chase: JobHandler<'campaign.chase'> = {
  timeSensitive: true,
  prefetch,
  async run(ctx, trx, job, now) {
    const c = await activeCampaign(trx, job);
    if (!c || !c.chase_every) return;
    const round = job.payload.round ?? 1;
    await chaseRound(ctx, trx, c.id, round, now);
    const after = await getCampaign(trx, c.id);
    if (after?.status !== 'active') return;
    const calendar = await loadCalendar(trx, ctx.timezone);
    const next = nextChase(
      {
        deadline: c.deadline,
        atTime: c.at_time,
        workingDaysOnly: c.working_days_only,
        calendar,
        quietHours: c.quiet_hours,
        tz: ctx.timezone,
        every: c.chase_every,
        maxChases: c.max_chases,
      },
      job.due_at,
    );
    if (next)
      await addJob(trx, {
        key: `${campaignJobPrefix(c.id)}${next.key}`,
        kind: 'campaign.chase',
        dueAt: next.at,
        campaignId: c.id,
        payload: { round: next.round },
      });
  },
};

/** A recurring requirement opens its next period when the current one's deadline passes; never skipped. */
const rollover: JobHandler<'campaign.rollover'> = {
  timeSensitive: false,
  async run(ctx, trx, job) {
    const c = job.campaign_id ? await getCampaign(trx, job.campaign_id) : undefined;
    if (c && c.status !== 'cancelled') await rollOver(ctx, trx, c);
  },
};

export const reportJobHandlers: Pick<
  JobHandlers,
  'campaign.remind' | 'campaign.chase' | 'campaign.rollover'
> = {
  'campaign.remind': remind,
  'campaign.chase': chase,
  'campaign.rollover': rollover,
};
