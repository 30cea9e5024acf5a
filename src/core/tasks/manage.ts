/**
 * Tasks (nhiệm vụ): created from a plan with their lead and coordinating units; the lead units'
 * groups get the task and coordinating units are told whom they support, in the creating
 * transaction. Reminders before the due date and chases after it follow the reports' working-day
 * calendar and quiet hours; a standing task gets a check-in each period (quarterly by default).
 */
import { sql } from 'kysely';
import type { AppContext } from '../../app-context';
import type { SubmissionFile, TaskRow } from '../../db/schema';
import type { Trx } from '../../db/types';
import { tk } from '../../messages/plans';
import { sendToUnits } from '../chats/send';
import { notFound } from '../errors';
import { scheduleFileFetches } from '../files/store';
import { DEFAULT_QUIET } from '../reports/manage';
import { loadCalendar } from '../time/overrides';
import { cancelJobs, replanJobs, type PlannedJob } from '../scheduler/jobs';
import { firstPeriod, type Recurrence } from '../time/recurrence';
import { DEFAULT_REMIND_BEFORE, nextChase, planReminders } from '../time/schedule';
import { documentNumberIn } from './phrase';
import { taskStatus, type TaskStatus } from './status';

/** Chases of an overdue task: every 5 working days, once a week (a task runs for months, a report for days). */
export const TASK_CHASE_EVERY = 'P5D';
export const TASK_AT_TIME = '08:00';
/** A check-in of a standing task comes this long before its period closes. */
export const CHECKIN_BEFORE = 'P7D';
export const DEFAULT_CHECKIN: Recurrence = { kind: 'quarterly' };

export const taskJobPrefix = (id: number) => `task:${id}:`;
export const taskRef = (id: number) => `task:${id}`;

export interface TaskInput {
  planId?: number | null;
  title: string;
  source?: string | null;
  sourcePlan?: string | null;
  dueAt?: Date | null;
  dueText?: string | null;
  recurrence?: Recurrence | null;
  standing?: boolean;
  leadUnitIds: number[];
  supportUnitIds: number[];
}

export interface TaskUnitRef {
  id: number;
  code: string;
  name: string;
  category: string | null;
  role: 'lead' | 'support';
}

export interface TaskView {
  id: number;
  planId: number | null;
  title: string;
  source: string | null;
  sourcePlan: string | null;
  due: Date | null;
  dueText: string | null;
  recurrence: Recurrence | null;
  standing: boolean;
  progress: number | null;
  completedAt: Date | null;
  lastReportAt: Date | null;
  status: TaskStatus;
  active: boolean;
  lead: TaskUnitRef[];
  support: TaskUnitRef[];
}

function scheduleBase(
  ctx: AppContext,
  deadline: Date,
  calendar: Awaited<ReturnType<typeof loadCalendar>>,
) {
  return {
    deadline,
    atTime: TASK_AT_TIME,
    workingDaysOnly: true,
    calendar,
    quietHours: DEFAULT_QUIET,
    tz: ctx.timezone,
  };
}

/** Plans (or re-plans) a task's reminders, its first chase and its next check-in. */
export async function planTaskJobs(ctx: AppContext, trx: Trx, t: TaskRow): Promise<void> {
  const now = ctx.clock();
  const jobs: PlannedJob[] = [];
  const prefix = taskJobPrefix(t.id);
  if (t.status === 'active' && !t.completed_at) {
    const calendar = await loadCalendar(trx, ctx.timezone);
    if (t.due_at && !t.standing) {
      const base = scheduleBase(ctx, t.due_at, calendar);
      for (const r of planReminders({ ...base, before: DEFAULT_REMIND_BEFORE, now }))
        jobs.push({
          key: `${prefix}${r.key}`,
          kind: 'task.remind',
          dueAt: r.at,
          payload: { task: t.id },
        });
      const first = nextChase(
        { ...base, every: TASK_CHASE_EVERY },
        now > base.deadline ? now : base.deadline,
      );
      if (first)
        jobs.push({
          key: `${prefix}${first.key}`,
          kind: 'task.chase',
          dueAt: first.at,
          payload: { task: t.id, round: first.round },
        });
    }
    if (t.standing) {
      const checkin = nextCheckIn(ctx, t, calendar, now);
      if (checkin) jobs.push(checkin);
    }
  }
  await replanJobs(trx, {}, jobs, prefix);
}

/** The first check-in after `after`: a week before the close of the next period of its cadence. */
export function nextCheckIn(
  ctx: AppContext,
  t: TaskRow,
  calendar: Awaited<ReturnType<typeof loadCalendar>>,
  after: Date,
): PlannedJob | null {
  const rec = (t.recurrence as Recurrence | null) ?? DEFAULT_CHECKIN;
  let from = after;
  for (let i = 0; i < 3; i++) {
    const period = firstPeriod(rec, from, ctx.timezone);
    const [at] = planReminders({
      ...scheduleBase(ctx, period.deadline, calendar),
      before: [CHECKIN_BEFORE],
      now: after,
    });
    if (at)
      return {
        key: `${taskJobPrefix(t.id)}checkin:${period.periodKey}`,
        kind: 'task.checkin',
        dueAt: at.at,
        payload: { task: t.id, period: period.periodLabel },
      };
    from = period.deadline;
  }
  return null;
}

export async function getTask(trx: Trx, id: number): Promise<TaskRow | undefined> {
  return trx.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function taskUnits(trx: Trx, taskIds: number[]): Promise<Map<number, TaskUnitRef[]>> {
  const out = new Map<number, TaskUnitRef[]>();
  if (!taskIds.length) return out;
  const rows = await trx
    .selectFrom('task_units as tu')
    .innerJoin('units as u', 'u.id', 'tu.unit_id')
    .select(['tu.task_id', 'tu.role', 'u.id', 'u.code', 'u.name', 'u.category', 'u.sort_order'])
    .where('tu.task_id', 'in', taskIds)
    .orderBy('u.sort_order')
    .orderBy('u.code')
    .execute();
  for (const r of rows) {
    const list = out.get(r.task_id) ?? [];
    list.push({ id: r.id, code: r.code, name: r.name, category: r.category, role: r.role });
    out.set(r.task_id, list);
  }
  return out;
}

export function toView(t: TaskRow, units: TaskUnitRef[], now: Date): TaskView {
  return {
    id: t.id,
    planId: t.plan_id,
    title: t.title,
    source: t.source,
    sourcePlan: t.source_plan,
    due: t.due_at,
    dueText: t.due_text,
    recurrence: (t.recurrence as Recurrence | null) ?? null,
    standing: t.standing,
    progress: t.progress,
    completedAt: t.completed_at,
    lastReportAt: t.last_report_at,
    status: taskStatus(t, now),
    active: t.status === 'active',
    lead: units.filter((u) => u.role === 'lead'),
    support: units.filter((u) => u.role === 'support'),
  };
}

export async function taskViews(trx: Trx, rows: TaskRow[], now: Date): Promise<TaskView[]> {
  const units = await taskUnits(
    trx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toView(r, units.get(r.id) ?? [], now));
}

/** Creates a task, tells its units in their groups and plans its reminders, in the caller's transaction. */
export async function createTask(ctx: AppContext, trx: Trx, input: TaskInput): Promise<TaskRow> {
  const standing = input.standing ?? false;
  const t = await trx
    .insertInto('tasks')
    .values({
      plan_id: input.planId ?? null,
      title: input.title.normalize('NFC'),
      source: input.source ?? null,
      source_plan: input.sourcePlan ?? null,
      due_at: standing ? null : (input.dueAt ?? null),
      due_text: input.dueText ?? null,
      recurrence: input.recurrence ? JSON.stringify(input.recurrence) : null,
      standing,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const lead = [...new Set(input.leadUnitIds)];
  const support = [...new Set(input.supportUnitIds)].filter((id) => !lead.includes(id));
  const rows = [
    ...lead.map((unit_id) => ({ task_id: t.id, unit_id, role: 'lead' as const })),
    ...support.map((unit_id) => ({ task_id: t.id, unit_id, role: 'support' as const })),
  ];
  if (rows.length) await trx.insertInto('task_units').values(rows).execute();
  const view = toView(t, (await taskUnits(trx, [t.id])).get(t.id) ?? [], ctx.clock());
  await sendToUnits(trx, lead, tk.assigned(view, ctx.timezone), {
    purpose: 'task',
    ref: taskRef(t.id),
  });
  await sendToUnits(trx, support, tk.supportNotice(view, ctx.timezone), {
    purpose: 'task',
    ref: taskRef(t.id),
  });
  await planTaskJobs(ctx, trx, t);
  return t;
}

export interface TaskReportInput {
  unitId: number;
  chatId: number;
  senderName: string;
  text: string | null;
  progress: number | null;
  done: boolean;
  files: SubmissionFile[];
}

/**
 * Records a unit's update on a task. A lead unit's "done" completes the task (on time or late
 * against its due date) and stops its reminders; a coordinating unit's update is kept as a note.
 */
export async function recordTaskReport(
  ctx: AppContext,
  trx: Trx,
  t: TaskRow,
  given: TaskReportInput,
): Promise<{ task: TaskRow; completedNow: boolean }> {
  const now = ctx.clock();
  const acting = await actingUnit(trx, t.id, given.unitId);
  if (!acting) throw notFound(tk.notYourTask(t.id));
  const role = { role: acting.role };
  const input = { ...given, unitId: acting.unitId };
  const report = await trx
    .insertInto('task_reports')
    .values({
      task_id: t.id,
      unit_id: input.unitId,
      chat_id: input.chatId,
      sender_name: input.senderName,
      text: input.text,
      progress: input.progress,
      done: input.done,
      document_number: input.text ? documentNumberIn(input.text) : null,
      files: JSON.stringify(input.files),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await scheduleFileFetches(
    trx,
    { taskReportId: report.id, unitId: input.unitId, chatId: input.chatId },
    input.files,
    now,
  );
  const lead = role.role === 'lead';
  const completedNow = lead && input.done && !t.completed_at && !t.standing;
  const updated = await trx
    .updateTable('tasks')
    .set({
      last_report_at: now,
      ...(lead && input.progress !== null ? { progress: input.progress } : {}),
      ...(completedNow ? { completed_at: now, progress: 100 } : {}),
    })
    .where('id', '=', t.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (completedNow) await cancelJobs(trx, taskJobPrefix(t.id));
  return { task: updated, completedNow };
}

/**
 * The unit an update counts for: the sender's own unit when the task names it, else the task's
 * unit it speaks for in the tree (a district's group answering for a commune without a group),
 * leads first.
 */
export async function actingUnit(
  trx: Trx,
  taskId: number,
  unitId: number,
): Promise<{ unitId: number; role: 'lead' | 'support' } | null> {
  const rows = await sql<{ unit_id: number; role: 'lead' | 'support'; depth: number }>`
    WITH RECURSIVE up(unit_id, role, ancestor, depth) AS (
      SELECT tu.unit_id, tu.role, tu.unit_id, 0 FROM task_units tu WHERE tu.task_id = ${taskId}
      UNION ALL
      SELECT up.unit_id, up.role, u.parent_id, up.depth + 1 FROM up JOIN units u ON u.id = up.ancestor
      WHERE u.parent_id IS NOT NULL AND up.depth < 32)
    SELECT unit_id, role, depth FROM up WHERE ancestor = ${unitId}
    ORDER BY depth, role, unit_id`.execute(trx);
  const r = rows.rows[0];
  return r ? { unitId: r.unit_id, role: r.role } : null;
}

/** Open tasks of a unit (as lead or support), earliest due first. */
export async function tasksOfUnit(
  trx: Trx,
  unitId: number,
): Promise<Array<TaskRow & { role: 'lead' | 'support' }>> {
  return trx
    .selectFrom('tasks as t')
    .innerJoin('task_units as tu', 'tu.task_id', 't.id')
    .selectAll('t')
    .select('tu.role')
    .where('tu.unit_id', '=', unitId)
    .where('t.status', '=', 'active')
    .orderBy('t.completed_at', (o) => o.desc().nullsFirst())
    .orderBy('t.due_at', (o) => o.asc().nullsLast())
    .orderBy('t.id')
    .execute();
}
