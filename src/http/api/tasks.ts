import type { Hono } from 'hono';
import type { AppContext } from '../../app-context';
import { notFound } from '../../core/errors';
import { getTask, taskViews, type TaskView } from '../../core/tasks/manage';
import { TASK_STATUSES, type TaskStatus } from '../../core/tasks/status';
import { TASK_STATUS_LABEL } from '../../messages/plans';
import { intParam } from '../validate';
import { docs } from '../openapi';

export function taskJson(v: TaskView) {
  const unit = (u: TaskView['lead'][number]) => ({
    code: u.code,
    name: u.name,
    category: u.category,
  });
  return {
    id: v.id,
    planId: v.planId,
    title: v.title,
    lead: v.lead.map(unit),
    support: v.support.map(unit),
    due: v.due?.toISOString() ?? null,
    dueText: v.dueText,
    recurrence: v.recurrence,
    standing: v.standing,
    status: v.status,
    statusLabel: TASK_STATUS_LABEL[v.status],
    progress: v.progress,
    completedAt: v.completedAt?.toISOString() ?? null,
    lastReportAt: v.lastReportAt?.toISOString() ?? null,
    active: v.active,
    source: v.source,
    sourcePlan: v.sourcePlan,
  };
}

const doc = docs('Nhiệm vụ');

export function tasksApi(api: Hono, ctx: AppContext): void {
  /** `?plan=<id>`, `?unit=<code>`, `?status=overdue` filter the list. */
  api.get(
    '/tasks',
    doc({
      summary: 'Danh sách nhiệm vụ',
      query: {
        plan: 'Số kế hoạch.',
        unit: 'Mã đơn vị (chủ trì hoặc phối hợp).',
        status: 'Tình trạng, ví dụ `overdue`.',
      },
    }),
    async (c) => {
      const plan = Number(c.req.query('plan'));
      const unit = c.req.query('unit');
      const status = c.req.query('status') as TaskStatus | undefined;
      let q = ctx.db.selectFrom('tasks').selectAll('tasks').orderBy('tasks.id');
      if (Number.isInteger(plan) && plan > 0) q = q.where('tasks.plan_id', '=', plan);
      if (unit)
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('task_units as tu')
              .innerJoin('units as u', 'u.id', 'tu.unit_id')
              .select('tu.task_id')
              .whereRef('tu.task_id', '=', 'tasks.id')
              .where('u.code', '=', unit),
          ),
        );
      const views = await taskViews(ctx.db, await q.limit(10_000).execute(), ctx.clock());
      const filtered =
        status && TASK_STATUSES.includes(status) ? views.filter((v) => v.status === status) : views;
      return c.json(filtered.map(taskJson));
    },
  );

  api.get('/tasks/:id', doc({ summary: 'Một nhiệm vụ, kèm các lần cập nhật' }), async (c) => {
    const id = intParam(c, 'id');
    const t = await getTask(ctx.db, id);
    if (!t) throw notFound(`Không có nhiệm vụ số ${id}.`);
    const [view] = await taskViews(ctx.db, [t], ctx.clock());
    const reports = await ctx.db
      .selectFrom('task_reports as r')
      .leftJoin('units as u', 'u.id', 'r.unit_id')
      .select([
        'r.id',
        'r.created_at',
        'r.text',
        'r.progress',
        'r.done',
        'r.document_number',
        'r.files',
        'r.sender_name',
        'u.code',
        'u.name',
      ])
      .where('r.task_id', '=', id)
      .orderBy('r.created_at')
      .execute();
    return c.json({
      ...taskJson(view!),
      reports: reports.map((r) => ({
        id: r.id,
        at: r.created_at.toISOString(),
        unit: r.code ? { code: r.code, name: r.name } : null,
        sender: r.sender_name,
        text: r.text,
        progress: r.progress,
        done: r.done,
        documentNumber: r.document_number,
        files: r.files,
      })),
    });
  });
}
