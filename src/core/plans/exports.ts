/**
 * What organizers send upward, for one report requirement or for a whole plan: (a) the status
 * workbook, (b) the zip of every file units submitted, (c) a draft Báo cáo tổng hợp. This module
 * gathers the rows from the database; src/export builds the files.
 */
import type { AppContext } from '../../app-context';
import type { Campaign, PlanDraftRow } from '../../db/schema';
import type { Trx } from '../../db/types';
import { xp } from '../../messages/plans';
import { buildStatusXlsx, type StatusSheet } from '../../export/report-status';
// fflate and docx load when an export asks for them, not with the service (≈ 1 MiB of code each).
import type { ZipFile } from '../../export/submitted-files';
import type { SummaryReportInput } from '../../export/summary-report';
import { notFound } from '../errors';
import { campaignUnits, getCampaign, type UnitReportRow } from '../reports/manage';
import { taskViews, type TaskView } from '../tasks/manage';
import { documentDateIn, documentNumberIn } from '../tasks/phrase';
import { formatDateTime, localParts } from '../time/format';
import type { PlanContent } from './types';

export type ExportTarget = { kind: 'campaign'; id: number } | { kind: 'plan'; id: number };
export type ExportFormat = 'xlsx' | 'zip' | 'docx';

export interface ExportFile {
  fileName: string;
  mimeType: string;
  data: Uint8Array;
}

export const MIME: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  zip: 'application/zip',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

const shortDate = (iso: string) => {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d}/${m}/${y}`;
};

// ---------------------------------------------------------------------------------------------
// Loading

interface CampaignData {
  campaign: Campaign;
  units: Array<UnitReportRow & { documentNumber: string | null; documentDate: string | null }>;
}

async function campaignData(ctx: AppContext, trx: Trx, c: Campaign): Promise<CampaignData> {
  const rows = await campaignUnits(trx, c, ctx.clock(), ctx.timezone);
  return {
    campaign: c,
    units: rows.map((u) => {
      const names = (u.files as Array<{ fileName?: string }>)
        .map((f) => f.fileName ?? '')
        .join(' ');
      return {
        ...u,
        documentNumber:
          (u.text && documentNumberIn(u.text)) || documentNumberIn(names.replace(/_/g, '/')),
        documentDate: u.text ? documentDateIn(u.text) : null,
      };
    }),
  };
}

interface PlanData {
  plan: PlanDraftRow;
  content: PlanContent;
  tasks: TaskView[];
  lastReports: Map<number, { at: Date; text: string | null; documentNumber: string | null }>;
  campaigns: CampaignData[];
}

async function planData(ctx: AppContext, trx: Trx, id: number): Promise<PlanData> {
  const plan = await trx
    .selectFrom('plan_drafts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!plan) throw notFound(xp.noPlan(id));
  const taskRows = await trx
    .selectFrom('tasks')
    .selectAll()
    .where('plan_id', '=', id)
    .orderBy('id')
    .execute();
  const tasks = await taskViews(trx, taskRows, ctx.clock());
  const reports = taskRows.length
    ? await trx
        .selectFrom('task_reports')
        .select(['task_id', 'created_at', 'text', 'document_number'])
        .where(
          'task_id',
          'in',
          taskRows.map((t) => t.id),
        )
        .orderBy('created_at')
        .execute()
    : [];
  const lastReports = new Map<
    number,
    { at: Date; text: string | null; documentNumber: string | null }
  >();
  for (const r of reports)
    lastReports.set(r.task_id, {
      at: r.created_at,
      text: r.text,
      documentNumber: r.document_number ?? lastReports.get(r.task_id)?.documentNumber ?? null,
    });
  const applied = await trx
    .selectFrom('plan_applied_items')
    .select('target_id')
    .where('plan_id', '=', id)
    .where('kind', '=', 'requirement')
    .execute();
  const ids = applied.map((a) => a.target_id).filter((x): x is number => x !== null);
  const campaigns = ids.length
    ? await trx
        .selectFrom('campaigns')
        .selectAll()
        .where((eb) => eb.or([eb('id', 'in', ids), eb('series_id', 'in', ids)]))
        .where('status', '!=', 'cancelled')
        .orderBy('deadline')
        .execute()
    : [];
  const data: CampaignData[] = [];
  for (const c of campaigns) data.push(await campaignData(ctx, trx, c));
  return { plan, content: plan.content as PlanContent, tasks, lastReports, campaigns: data };
}

async function loadCampaign(trx: Trx, id: number): Promise<Campaign> {
  const c = await getCampaign(trx, id);
  if (!c) throw notFound(xp.noCampaign(id));
  return c;
}

// ---------------------------------------------------------------------------------------------
// (a) status workbook

function campaignSheet(d: CampaignData, tz: string): StatusSheet {
  const c = d.campaign;
  const counts = xp.reportCounts(d.units.map((u) => u.status));
  return {
    name: xp.campaignSheetName(c.id, c.title),
    title: xp.campaignSheetTitle(c.title, c.period_label),
    subtitle: xp.deadlineLine(c.deadline, tz),
    columns: xp.reportColumns,
    rows: d.units.map((u, i) => [
      i + 1,
      u.name,
      u.category,
      xp.reportStatus[u.status],
      u.submittedAt ? formatDateTime(u.submittedAt, tz) : null,
      u.documentNumber,
      u.documentDate ? shortDate(u.documentDate) : null,
      u.files.length || null,
      xp.reportNote(u, tz),
    ]),
    summary: counts,
  };
}

function taskSheet(p: PlanData, tz: string): StatusSheet {
  return {
    name: xp.tasksSheetName,
    title: xp.tasksSheetTitle(p.content.document.title),
    subtitle: xp.asOf(new Date(), tz),
    columns: xp.taskColumns,
    rows: p.tasks.map((t, i) => {
      const last = p.lastReports.get(t.id);
      return [
        i + 1,
        t.title,
        t.lead.map((u) => u.name).join('; '),
        t.support.map((u) => u.name).join('; ') || null,
        xp.taskDue(t, tz),
        xp.taskStatus[t.status],
        t.progress !== null ? `${t.progress}%` : null,
        last ? formatDateTime(last.at, tz) : null,
        last?.documentNumber ?? null,
        last?.text ? xp.excerpt(last.text, 300) : null,
      ];
    }),
    summary: xp.taskCounts(p.tasks.map((t) => t.status)),
  };
}

async function statusFile(ctx: AppContext, trx: Trx, target: ExportTarget): Promise<ExportFile> {
  const tz = ctx.timezone;
  let sheets: StatusSheet[];
  let base: string;
  if (target.kind === 'campaign') {
    const d = await campaignData(ctx, trx, await loadCampaign(trx, target.id));
    sheets = [campaignSheet(d, tz)];
    base = `tinh-hinh-bao-cao-${target.id}`;
  } else {
    const p = await planData(ctx, trx, target.id);
    sheets = [taskSheet(p, tz), ...p.campaigns.map((c) => campaignSheet(c, tz))];
    base = `tinh-hinh-thuc-hien-ke-hoach-${target.id}`;
  }
  for (const s of sheets)
    s.subtitle = [s.subtitle, xp.asOf(ctx.clock(), tz)].filter(Boolean).join(' — ');
  return { fileName: `${base}.xlsx`, mimeType: MIME.xlsx, data: await buildStatusXlsx(sheets) };
}

// ---------------------------------------------------------------------------------------------
// (b) files zip

interface FileRow {
  campaign_id: number | null;
  task_report_id: number | null;
  unit_id: number | null;
  file_name: string | null;
  state: string;
  size: string | number | null;
  data: Uint8Array | null;
  error: string | null;
}

async function storedFiles(
  trx: Trx,
  where: { campaignIds?: number[]; reportIds?: number[] },
): Promise<FileRow[]> {
  const c = where.campaignIds ?? [];
  const r = where.reportIds ?? [];
  if (!c.length && !r.length) return [];
  return trx
    .selectFrom('stored_files')
    .select([
      'campaign_id',
      'task_report_id',
      'unit_id',
      'file_name',
      'state',
      'size',
      'data',
      'error',
    ])
    .where((eb) =>
      eb.or([
        ...(c.length ? [eb('campaign_id', 'in', c)] : []),
        ...(r.length ? [eb('task_report_id', 'in', r)] : []),
      ]),
    )
    .orderBy('id')
    .execute();
}

async function filesFile(ctx: AppContext, trx: Trx, target: ExportTarget): Promise<ExportFile> {
  const limit = ctx.config.fileStoreMaxBytes;
  const files: ZipFile[] = [];
  const missing: Array<{
    folder: string;
    stt: number;
    unit: string;
    name: string;
    state: string;
    size: number | null;
  }> = [];
  const add = (folder: string, stt: number, unit: string, f: FileRow, i: number) => {
    const name = f.file_name || xp.unnamedFile(i + 1);
    if (f.state === 'stored' && f.data)
      files.push({ folder, stt, unit, fileName: name, data: new Uint8Array(f.data) });
    else
      missing.push({
        folder,
        stt,
        unit,
        name,
        state: f.state,
        size: f.size === null ? null : Number(f.size),
      });
  };
  const addCampaign = async (d: CampaignData, folder: string) => {
    const rows = await storedFiles(trx, { campaignIds: [d.campaign.id] });
    d.units.forEach((u, i) =>
      rows
        .filter((f) => f.unit_id === u.unitId)
        .forEach((f, j) => add(folder, i + 1, u.name, f, j)),
    );
  };
  let base: string;
  let title: string;
  if (target.kind === 'campaign') {
    const d = await campaignData(ctx, trx, await loadCampaign(trx, target.id));
    await addCampaign(d, '');
    base = `tep-bao-cao-${target.id}`;
    title = d.campaign.title;
  } else {
    const p = await planData(ctx, trx, target.id);
    for (const c of p.campaigns)
      await addCampaign(
        c,
        xp.campaignFolder(c.campaign.id, c.campaign.title, c.campaign.period_label),
      );
    const reports = p.tasks.length
      ? await trx
          .selectFrom('task_reports')
          .select(['id', 'task_id', 'unit_id'])
          .where(
            'task_id',
            'in',
            p.tasks.map((t) => t.id),
          )
          .execute()
      : [];
    const rows = await storedFiles(trx, { reportIds: reports.map((r) => r.id) });
    for (const t of p.tasks) {
      const units = [...t.lead, ...t.support];
      const folder = xp.taskFolder(t.id, t.title);
      const ids = new Set(reports.filter((r) => r.task_id === t.id).map((r) => r.id));
      units.forEach((u, i) =>
        rows
          .filter(
            (f) => f.task_report_id !== null && ids.has(f.task_report_id) && f.unit_id === u.id,
          )
          .forEach((f, j) => add(folder, i + 1, u.name, f, j)),
      );
    }
    base = `tep-ke-hoach-${target.id}`;
    title = p.content.document.title ?? '';
  }
  const note = xp.zipNote(title, files.length, missing, limit, ctx.clock(), ctx.timezone);
  return {
    fileName: `${base}.zip`,
    mimeType: MIME.zip,
    data: (await import('../../export/submitted-files')).buildFilesZip(files, note),
  };
}

// ---------------------------------------------------------------------------------------------
// (c) Báo cáo tổng hợp

async function summaryFile(
  ctx: AppContext,
  trx: Trx,
  target: ExportTarget,
  issuer: string | null,
): Promise<ExportFile> {
  const tz = ctx.timezone;
  const now = ctx.clock();
  const p = localParts(now, tz);
  const date = { day: p.day, month: p.month, year: p.year };
  let input: SummaryReportInput;
  if (target.kind === 'campaign') {
    const c = await loadCampaign(trx, target.id);
    const d = await campaignData(ctx, trx, c);
    const plan = await trx
      .selectFrom('plan_applied_items as a')
      .innerJoin('plan_drafts as p', 'p.id', 'a.plan_id')
      .select('p.content')
      .where('a.kind', '=', 'requirement')
      .where('a.target_id', '=', c.series_id ?? c.id)
      .executeTakeFirst();
    const doc = (plan?.content as PlanContent | undefined)?.document ?? null;
    input = xp.campaignReport(d, doc, issuer, date, tz);
  } else {
    const pd = await planData(ctx, trx, target.id);
    input = xp.planReport(pd.content, pd.tasks, pd.lastReports, pd.campaigns, issuer, date, tz);
  }
  const base =
    target.kind === 'campaign'
      ? `bao-cao-tong-hop-${target.id}`
      : `bao-cao-tong-hop-ke-hoach-${target.id}`;
  return {
    fileName: `${base}.docx`,
    mimeType: MIME.docx,
    data: await (await import('../../export/summary-report')).buildSummaryReportDocx(input),
  };
}

export type { CampaignData, PlanData };

/** One export of a requirement or a plan as a file (throws not_found for an unknown id). */
export async function buildExport(
  ctx: AppContext,
  trx: Trx,
  target: ExportTarget,
  format: ExportFormat,
  opts: { issuer?: string | null } = {},
): Promise<ExportFile> {
  if (format === 'xlsx') return statusFile(ctx, trx, target);
  if (format === 'zip') return filesFile(ctx, trx, target);
  return summaryFile(ctx, trx, target, opts.issuer ?? null);
}

export const exportPath = (t: ExportTarget, f: ExportFormat) =>
  `/exports/${t.kind === 'campaign' ? 'campaigns' : 'plans'}/${t.id}/${f === 'xlsx' ? 'status.xlsx' : f === 'zip' ? 'files.zip' : 'report.docx'}`;
