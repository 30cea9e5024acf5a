import type { AppContext } from '../../app-context';
import { DomainError, notFound } from '../errors';
import { checkCadence, checkFuture, checkRemindBefore } from '../time/bounds';
import type { Campaign } from '../../db/schema';
import { rp, rules, type OwedReport } from '../../messages/vi';
import { organizerChats } from '../chats/targets';
import { forDelivery, sendToUnits } from '../chats/send';
import { enqueue } from '../outbox/enqueue';
import type { Trx } from '../../db/types';
import { primeBatch, takePrimed } from '../outbox/batch';
import { addJob, cancelJobs, replanJobs, type PlannedJob } from '../scheduler/jobs';
import type { WorkCalendar } from '../time/calendar';
import { loadCalendar } from '../time/overrides';
import { daysUntilDeadline, formatDeadlineStatus } from '../time/format';
import { firstPeriod, nextPeriod, type Recurrence } from '../time/recurrence';
import { DEFAULT_REMIND_BEFORE, nextChase, planReminders, type QuietHours } from '../time/schedule';
import { resolveUnitSelector } from '../units/repo';
import { scheduleFileFetches } from '../files/store';
import type { UnitSelector } from '../events/types';

export type UnitReportStatus = 'pending' | 'submitted' | 'late' | 'overdue' | 'excused';

export interface CampaignInput {
  title: string;
  sourcePlan?: string | null;
  /** Absent for a recurring requirement: the first period's deadline is used. */
  deadline?: Date | null;
  units: UnitSelector;
  remindBefore?: string[];
  chaseEvery?: string | null;
  atTime?: string;
  workingDaysOnly?: boolean;
  quietHours?: QuietHours | null;
  maxChases?: number | null;
  recurrence?: Recurrence | null;
}

export const campaignJobPrefix = (id: number) => `campaign:${id}:`;
export const DEFAULT_QUIET: QuietHours = { from: '21:00', to: '07:00' };

export function owed(c: Campaign, extendedUntil: Date | null = null): OwedReport {
  return {
    title: c.title,
    periodLabel: c.period_label,
    deadline: c.deadline,
    extendedUntil,
  };
}

function scheduleOptions(c: Campaign, calendar: WorkCalendar, tz: string) {
  return {
    deadline: c.deadline,
    atTime: c.at_time,
    workingDaysOnly: c.working_days_only,
    calendar,
    quietHours: c.quiet_hours,
    tz,
  };
}

/** Reminders before the deadline, the first chase round, and the roll-over of a recurring requirement. */
async function planCampaign(ctx: AppContext, trx: Trx, c: Campaign): Promise<void> {
  const calendar = await loadCalendar(trx, ctx.timezone);
  const opts = scheduleOptions(c, calendar, ctx.timezone);
  const jobs: PlannedJob[] = planReminders({
    ...opts,
    before: c.remind_before,
    now: ctx.clock(),
  }).map((r) => ({
    key: `${campaignJobPrefix(c.id)}${r.key}`,
    kind: 'campaign.remind',
    dueAt: r.at,
    campaignId: c.id,
  }));
  if (c.chase_every) {
    const first = nextChase({ ...opts, every: c.chase_every, maxChases: c.max_chases }, c.deadline);
    if (first)
      jobs.push({
        key: `${campaignJobPrefix(c.id)}${first.key}`,
        kind: 'campaign.chase',
        dueAt: first.at,
        campaignId: c.id,
        payload: { round: first.round },
      });
  }
  if (c.recurrence)
    jobs.push({
      key: `${campaignJobPrefix(c.id)}rollover`,
      kind: 'campaign.rollover',
      dueAt: c.deadline,
      campaignId: c.id,
    });
  await replanJobs(trx, { campaignId: c.id }, jobs, campaignJobPrefix(c.id));
}

const HHMM = /^([01]?\d|2[0-3]):[0-5]\d$/;

/** The rules of a report requirement, whoever asks for one (API, dashboard, plan import). */
export function checkCampaignInput(input: CampaignInput, now: Date): void {
  if (!input.title.trim())
    throw new DomainError('invalid_body', rules.needTitle(), { field: 'title' });
  if (input.deadline) checkFuture(input.deadline, now, 'deadline');
  for (const [i, d] of (input.remindBefore ?? []).entries())
    checkRemindBefore(d, `remindBefore[${i}]`);
  if (input.chaseEvery) checkCadence(input.chaseEvery, 'chaseEvery');
  for (const [field, value] of [
    ['atTime', input.atTime],
    ['quietHours.from', input.quietHours?.from],
    ['quietHours.to', input.quietHours?.to],
  ] as const) {
    if (value !== undefined && !HHMM.test(value))
      throw new DomainError('invalid_body', rules.badTimeOfDay(field), { field });
  }
  const max = input.maxChases;
  if (max !== undefined && max !== null && (!Number.isInteger(max) || max < 0 || max > 1000))
    throw new DomainError('invalid_body', rules.badMaxChases(), { field: 'maxChases' });
}

async function insertCampaign(
  ctx: AppContext,
  trx: Trx,
  input: CampaignInput,
  unitIds: number[],
  seriesId: number | null,
): Promise<Campaign & { unreachable: number[] }> {
  let deadline = input.deadline ?? null;
  let periodLabel: string | null = null;
  if (input.recurrence) {
    const period = deadline ? null : firstPeriod(input.recurrence, ctx.clock(), ctx.timezone);
    if (period) {
      deadline = period.deadline;
      periodLabel = period.periodLabel;
    }
  }
  if (!deadline) throw new DomainError('invalid', rules.deadlineNeeded(), { field: 'deadline' });
  const c = await trx
    .insertInto('campaigns')
    .values({
      series_id: seriesId,
      title: input.title.normalize('NFC'),
      source_plan: input.sourcePlan ?? null,
      period_label: periodLabel,
      deadline,
      recurrence: input.recurrence ? JSON.stringify(input.recurrence) : null,
      remind_before: JSON.stringify(input.remindBefore ?? [...DEFAULT_REMIND_BEFORE]),
      chase_every: input.chaseEvery === undefined ? 'P1D' : input.chaseEvery,
      at_time: input.atTime ?? '08:00',
      working_days_only: input.workingDaysOnly ?? true,
      quiet_hours:
        input.quietHours === null ? null : JSON.stringify(input.quietHours ?? DEFAULT_QUIET),
      max_chases: input.maxChases ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('campaign_units')
    .values(unitIds.map((id) => ({ campaign_id: c.id, unit_id: id })))
    .execute();
  await planCampaign(ctx, trx, c);
  const sent = await sendToUnits(
    trx,
    unitIds,
    (d) => {
      const text = forDelivery(rp.requirementNotice(owed(c), c.source_plan, ctx.timezone), d);
      return d.onBehalf.length ? `${text}\n\n${rp.reportForChildren()}` : text;
    },
    { purpose: 'notice', ref: `campaign:${c.id}` },
  );
  return Object.assign(c, { unreachable: sent.unreachable });
}

export async function createCampaign(
  ctx: AppContext,
  input: CampaignInput,
): Promise<{ id: number; deadline: Date; unreachable: string[] }> {
  checkCampaignInput(input, ctx.clock());
  return ctx.db.transaction().execute(async (trx) => {
    const { units, unknown } = await resolveUnitSelector(trx, input.units);
    if (unknown.length)
      throw new DomainError('unknown_units', `Không tìm thấy đơn vị/nhóm: ${unknown.join(', ')}`, {
        field: 'units',
      });
    if (!units.length)
      throw new DomainError('invalid', 'Chưa chọn đơn vị nào phải báo cáo.', { field: 'units' });
    const c = await insertCampaign(
      ctx,
      trx,
      input,
      units.map((u) => u.id),
      null,
    );
    const missing = new Set(c.unreachable);
    return {
      id: c.id,
      deadline: c.deadline,
      unreachable: units.filter((u) => missing.has(u.id)).map((u) => u.code),
    };
  });
}

/** Opens the next period of a recurring requirement, with the same units and settings. */
export async function rollOver(ctx: AppContext, trx: Trx, c: Campaign): Promise<Campaign | null> {
  if (!c.recurrence) return null;
  const rec = c.recurrence as Recurrence;
  const period = nextPeriod(rec, c.deadline, ctx.timezone);
  const existing = await trx
    .selectFrom('campaigns')
    .select('id')
    .where('series_id', '=', c.series_id ?? c.id)
    .where('deadline', '=', period.deadline)
    .executeTakeFirst();
  if (existing) return null;
  const units = await trx
    .selectFrom('campaign_units')
    .select('unit_id')
    .where('campaign_id', '=', c.id)
    .execute();
  const next = await insertCampaign(
    ctx,
    trx,
    {
      title: c.title,
      sourcePlan: c.source_plan,
      deadline: period.deadline,
      units: [],
      remindBefore: c.remind_before,
      chaseEvery: c.chase_every,
      atTime: c.at_time,
      workingDaysOnly: c.working_days_only,
      quietHours: c.quiet_hours,
      maxChases: c.max_chases,
      recurrence: rec,
    },
    units.map((u) => u.unit_id),
    c.series_id ?? c.id,
  );
  await trx
    .updateTable('campaigns')
    .set({ period_label: period.periodLabel })
    .where('id', '=', next.id)
    .execute();
  const withLabel = { ...next, period_label: period.periodLabel };
  await enqueue(
    trx,
    await organizerChats(trx),
    { text: rp.newPeriod(owed(withLabel), ctx.timezone) },
    { purpose: 'notice', ref: `campaign:${next.id}` },
  );
  return withLabel;
}

export interface UnitReportRow {
  unitId: number;
  code: string;
  name: string;
  category: string | null;
  /** The parent unit's id and name, when units form a tree. */
  parentId: number | null;
  parentName: string | null;
  /** The document number and date the unit gave when it reported. */
  docNumber: string | null;
  docDate: string | null;
  status: UnitReportStatus;
  extendedUntil: Date | null;
  submittedAt: Date | null;
  text: string | null;
  files: unknown[];
  chaseCount: number;
  /** Days past the effective deadline for overdue units (1 on the first day after it). */
  daysLate: number;
}

export function unitStatus(
  deadline: Date,
  row: {
    excused: boolean;
    extended_until: Date | null;
    submitted_at: Date | null;
    late: boolean | null;
  },
  now: Date,
): UnitReportStatus {
  if (row.excused) return 'excused';
  if (row.submitted_at) return row.late ? 'late' : 'submitted';
  const effective = row.extended_until ?? deadline;
  return now >= effective ? 'overdue' : 'pending';
}

export async function campaignUnits(
  trx: Trx,
  c: Campaign,
  now: Date,
  tz: string,
): Promise<UnitReportRow[]> {
  const primed = takePrimed<UnitReportRow[]>(trx, `campaignUnits:${c.id}`);
  if (primed) return primed;
  return (await unitRowsOf(trx, [c.id])).map((r) => reportRow(c, r, now, tz));
}

/**
 * For a tick's batch: the campaigns and their units' rows in two statements, primed where
 * getCampaign and campaignUnits will look.
 */
export async function primeCampaigns(
  trx: Trx,
  ids: number[],
  now: Date,
  tz: string,
): Promise<Map<number, UnitReportRow[]>> {
  const out = new Map<number, UnitReportRow[]>();
  if (!ids.length) return out;
  const campaigns = await trx.selectFrom('campaigns').selectAll().where('id', 'in', ids).execute();
  for (const id of ids)
    primeBatch(
      trx,
      `campaign:${id}`,
      campaigns.find((c) => c.id === id),
    );
  const rows = await unitRowsOf(
    trx,
    campaigns.map((c) => c.id),
  );
  for (const c of campaigns) {
    const list = rows.filter((r) => r.campaign_id === c.id).map((r) => reportRow(c, r, now, tz));
    primeBatch(trx, `campaignUnits:${c.id}`, list);
    out.set(c.id, list);
  }
  return out;
}

async function unitRowsOf(trx: Trx, campaignIds: number[]) {
  return trx
    .selectFrom('campaign_units as cu')
    .innerJoin('units as u', 'u.id', 'cu.unit_id')
    .leftJoin('units as p', 'p.id', 'u.parent_id')
    .leftJoin('submissions as s', (j) =>
      j.onRef('s.campaign_id', '=', 'cu.campaign_id').onRef('s.unit_id', '=', 'cu.unit_id'),
    )
    .select([
      'u.id',
      'u.code',
      'u.name',
      'u.category',
      'u.parent_id',
      'p.name as parent_name',
      's.doc_number',
      's.doc_date',
      'cu.excused',
      'cu.extended_until',
      'cu.chase_count',
      's.submitted_at',
      's.late',
      's.text',
      's.files',
      'cu.campaign_id',
    ])
    .where('cu.campaign_id', 'in', campaignIds)
    .orderBy('u.sort_order')
    .orderBy('u.code')
    .execute();
}

function reportRow(
  c: Campaign,
  r: Awaited<ReturnType<typeof unitRowsOf>>[number],
  now: Date,
  tz: string,
): UnitReportRow {
  const deadline = c.deadline;
  {
    const status = unitStatus(deadline, r, now);
    const effective = r.extended_until ?? deadline;
    return {
      unitId: r.id,
      code: r.code,
      name: r.name,
      category: r.category,
      parentId: r.parent_id,
      parentName: r.parent_name,
      docNumber: r.doc_number,
      docDate: r.doc_date,
      status,
      extendedUntil: r.extended_until,
      submittedAt: r.submitted_at,
      text: r.text,
      files: (r.files as unknown[] | null) ?? [],
      chaseCount: r.chase_count,
      daysLate: status === 'overdue' ? Math.max(1, -daysUntilDeadline(effective, now, tz)) : 0,
    };
  }
}

export function groupByCategory<T extends { category: string | null }>(
  rows: T[],
  otherLabel = 'Khác',
): Array<{ category: string; units: T[] }> {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const k = r.category ?? otherLabel;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return [...groups].map(([category, units]) => ({ category, units }));
}

export async function getCampaign(trx: Trx, id: number): Promise<Campaign | undefined> {
  const primed = takePrimed<Campaign | undefined>(trx, `campaign:${id}`);
  if (primed) return primed;
  return trx.selectFrom('campaigns').selectAll().where('id', '=', id).executeTakeFirst();
}

async function assignment(trx: Trx, campaignId: number, unitId: number) {
  return trx
    .selectFrom('campaign_units')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('unit_id', '=', unitId)
    .executeTakeFirst();
}

/** Gives one unit a later deadline; the unit is told, and chased again only after it. */
export async function grantExtension(
  ctx: AppContext,
  trx: Trx,
  c: Campaign,
  unitId: number,
  until: Date,
): Promise<void> {
  checkFuture(until, ctx.clock(), 'until');
  if (!(await assignment(trx, c.id, unitId)))
    throw notFound('Đơn vị không thuộc báo cáo này.', 'unit');
  await trx
    .updateTable('campaign_units')
    .set({ extended_until: until })
    .where('campaign_id', '=', c.id)
    .where('unit_id', '=', unitId)
    .execute();
  await sendToUnits(trx, [unitId], rp.extendedUnit(owed(c), until, ctx.timezone), {
    purpose: 'notice',
    ref: `campaign:${c.id}`,
  });
  // Chasing may have stopped when nobody owed anything; make sure a round follows the new date.
  if (c.chase_every && c.status === 'active') {
    const calendar = await loadCalendar(trx, ctx.timezone);
    const next = nextChase(
      { ...scheduleOptions(c, calendar, ctx.timezone), every: c.chase_every, maxChases: null },
      until,
    );
    if (next)
      await addJob(trx, {
        key: `${campaignJobPrefix(c.id)}${next.key}`,
        kind: 'campaign.chase',
        dueAt: next.at,
        campaignId: c.id,
        payload: { round: next.round },
      });
  }
  await trx
    .insertInto('audit_log')
    .values({
      actor: 'organizer',
      action: 'campaign.extension',
      details: JSON.stringify({ campaign: c.id, unit: unitId, until }),
    })
    .execute();
}

export async function excuseUnit(
  trx: Trx,
  c: Campaign,
  unitId: number,
  note: string | null,
): Promise<void> {
  if (!(await assignment(trx, c.id, unitId)))
    throw notFound('Đơn vị không thuộc báo cáo này.', 'unit');
  await trx
    .updateTable('campaign_units')
    .set({ excused: true, excuse_note: note })
    .where('campaign_id', '=', c.id)
    .where('unit_id', '=', unitId)
    .execute();
  await trx
    .insertInto('audit_log')
    .values({
      actor: 'organizer',
      action: 'campaign.excuse',
      details: JSON.stringify({ campaign: c.id, unit: unitId, note }),
    })
    .execute();
}

export async function cancelCampaign(trx: Trx, id: number): Promise<void> {
  await trx.updateTable('campaigns').set({ status: 'cancelled' }).where('id', '=', id).execute();
  await cancelJobs(trx, campaignJobPrefix(id));
}

export interface SubmissionInput {
  text: string | null;
  files: Array<{
    kind: string;
    fileId: string;
    fileName?: string;
    mimeType?: string;
    size?: number;
  }>;
  senderName: string;
  chatId: number;
  /** The report's number and date as the unit stated them ("45/BC-UBND", "2024-11-05"). */
  docNumber?: string | null;
  docDate?: string | null;
  /** The unit whose group reported, when a district reports for its commune. */
  actingUnitId?: number | null;
  /** "Gửi nhầm file, gửi lại": the new text and files replace what was recorded. */
  correction?: boolean;
}

/**
 * Records (or updates) a unit's report; on time is judged by the first submission against its
 * deadline. A correction replaces the text and files; another message adds to them.
 */
export async function recordSubmission(
  trx: Trx,
  c: Campaign,
  unitId: number,
  input: SubmissionInput,
  now: Date,
): Promise<{ late: boolean; updated: boolean; submittedAt: Date; extendedUntil: Date | null }> {
  // Its files are fetched from the platform by a job each, after this transaction.
  await scheduleFileFetches(
    trx,
    { campaignId: c.id, unitId, chatId: input.chatId },
    input.files,
    now,
  );
  const a = await assignment(trx, c.id, unitId);
  const extendedUntil = a?.extended_until ?? null;
  const late = now >= (extendedUntil ?? c.deadline);
  const existing = await trx
    .selectFrom('submissions')
    .selectAll()
    .where('campaign_id', '=', c.id)
    .where('unit_id', '=', unitId)
    .executeTakeFirst();
  const who = {
    sender_name: input.senderName,
    chat_id: input.chatId,
    acting_unit_id: input.actingUnitId ?? null,
  };
  if (existing) {
    // A correction with new files replaces the old ones; otherwise files accumulate.
    const replace = input.correction && input.files.length > 0;
    const files = replace ? input.files : [...(existing.files ?? []), ...input.files];
    await trx
      .updateTable('submissions')
      .set({
        text: input.text ?? existing.text,
        files: JSON.stringify(files),
        doc_number: input.docNumber ?? existing.doc_number,
        doc_date: input.docDate ?? existing.doc_date,
        ...who,
        revisions: existing.revisions + 1,
        updated_at: now,
      })
      .where('id', '=', existing.id)
      .execute();
    return {
      late: existing.late,
      updated: true,
      submittedAt: existing.submitted_at,
      extendedUntil,
    };
  }
  await trx
    .insertInto('submissions')
    .values({
      campaign_id: c.id,
      unit_id: unitId,
      submitted_at: now,
      late,
      text: input.text,
      files: JSON.stringify(input.files),
      doc_number: input.docNumber ?? null,
      doc_date: input.docDate ?? null,
      ...who,
    })
    .execute();
  return { late, updated: false, submittedAt: now, extendedUntil };
}

/**
 * Assignments still owed: the requirement is active, the unit is not excused and has not
 * reported. The one definition of "still owes", for chats, chases, broadcasts and summaries.
 */
export function owingAssignments(trx: Trx) {
  return trx
    .selectFrom('campaign_units as cu')
    .innerJoin('campaigns as c', 'c.id', 'cu.campaign_id')
    .where('c.status', '=', 'active')
    .where('cu.excused', '=', false)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('submissions as s')
            .select('s.id')
            .whereRef('s.campaign_id', '=', 'cu.campaign_id')
            .whereRef('s.unit_id', '=', 'cu.unit_id'),
        ),
      ),
    );
}

/** Active requirements this unit still owes, earliest first. */
export async function owedCampaigns(
  trx: Trx,
  unitId: number,
): Promise<Array<Campaign & { extended_until: Date | null }>> {
  return owingAssignments(trx)
    .selectAll('c')
    .select('cu.extended_until')
    .where('cu.unit_id', '=', unitId)
    .orderBy('c.deadline')
    .orderBy('c.id')
    .execute();
}

export function statusText(c: Campaign, extendedUntil: Date | null, now: Date, tz: string): string {
  return formatDeadlineStatus(extendedUntil ?? c.deadline, now, tz);
}
