/** Tasks: every task with its lead units, its time and its status in the office classification; one task with its updates. */
import type { Context } from 'hono';
import { getTask, taskViews, type TaskView } from '../../../core/tasks/manage';
import { TASK_STATUSES, type TaskStatus } from '../../../core/tasks/status';
import { formatDateTime } from '../../../core/time/format';
import { pd, TASK_STATUS_LABEL, xp } from '../../../messages/plans';
import type { Session } from '../auth';
import { intParamOf, render, type Dash } from '../kit';
import { Badge, Layout, TableWrap } from '../layout';

/** Badge colours of the existing stylesheet, by task status. */
const BADGE: Record<TaskStatus, string> = {
  done_on_time: 'submitted',
  done_late: 'late',
  in_progress: 'pending',
  overdue: 'overdue',
  standing: 'active',
};

const names = (units: TaskView['lead']) => units.map((u) => u.name).join('; ');

function ListPage(p: {
  c: Context;
  session: Session;
  sandbox: boolean;
  tasks: TaskView[];
  status: TaskStatus | null;
  tz: string;
}) {
  const shown = p.status ? p.tasks.filter((t) => t.status === p.status) : p.tasks;
  return (
    <Layout title={pd.tasks.title} nav="tasks" session={p.session} sandbox={p.sandbox}>
      <h1>{pd.tasks.heading}</h1>
      <nav aria-label={pd.tasks.filter}>
        <ul class="inline">
          <li>
            <a href="/tasks" aria-current={p.status ? undefined : 'page'}>
              {pd.tasks.all} ({p.tasks.length})
            </a>
          </li>
          {TASK_STATUSES.map((s) => (
            <li>
              <a href={`/tasks?status=${s}`} aria-current={p.status === s ? 'page' : undefined}>
                {TASK_STATUS_LABEL[s]} ({p.tasks.filter((t) => t.status === s).length})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {shown.length === 0 ? (
        <p>{pd.tasks.empty}</p>
      ) : (
        <TableWrap label={pd.tasks.heading}>
          <table>
            <thead>
              <tr>
                <th scope="col">{pd.tasks.colTask}</th>
                <th scope="col">{pd.tasks.colLead}</th>
                <th scope="col">{pd.tasks.colDue}</th>
                <th scope="col">{pd.tasks.colStatus}</th>
                <th scope="col">{pd.tasks.colLast}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((t) => (
                <tr data-status={t.status}>
                  <td>
                    <a href={`/tasks/${t.id}`}>
                      #{t.id} {t.title}
                    </a>
                  </td>
                  <td class="small">{names(t.lead)}</td>
                  <td class="small">{xp.taskDue(t, p.tz)}</td>
                  <td>
                    <Badge kind={BADGE[t.status]} label={TASK_STATUS_LABEL[t.status]} />
                    {t.progress !== null && !t.completedAt ? (
                      <div class="small">{t.progress}%</div>
                    ) : null}
                  </td>
                  <td class="small">
                    {t.lastReportAt ? formatDateTime(t.lastReportAt, p.tz) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}

interface ReportRow {
  at: Date;
  unit: string | null;
  sender: string | null;
  text: string | null;
  progress: number | null;
  done: boolean;
  files: number;
}

function TaskPage(p: {
  session: Session;
  sandbox: boolean;
  t: TaskView;
  reports: ReportRow[];
  tz: string;
}) {
  const t = p.t;
  return (
    <Layout title={t.title} nav="tasks" session={p.session} sandbox={p.sandbox}>
      <p>
        <a href="/tasks">← {pd.tasks.title}</a>
      </p>
      <h1>
        #{t.id} {t.title}
      </h1>
      <section class="card">
        <dl class="facts">
          <dt>{pd.tasks.colLead}</dt>
          <dd>{names(t.lead)}</dd>
          {t.support.length ? (
            <>
              <dt>{pd.tasks.support}</dt>
              <dd>{names(t.support)}</dd>
            </>
          ) : null}
          <dt>{pd.tasks.colDue}</dt>
          <dd>{xp.taskDue(t, p.tz)}</dd>
          <dt>{pd.tasks.colStatus}</dt>
          <dd>
            <Badge kind={BADGE[t.status]} label={TASK_STATUS_LABEL[t.status]} />
            {t.progress !== null && !t.completedAt ? ` ${t.progress}%` : ''}
          </dd>
          {t.planId ? (
            <>
              <dt>{pd.tasks.plan}</dt>
              <dd>
                <a href={`/plans/${t.planId}`}>{t.sourcePlan ?? `#${t.planId}`}</a>
              </dd>
            </>
          ) : null}
        </dl>
        {t.source ? (
          <blockquote class="quote">
            {t.source.split('\n').map((l) => (
              <div>{l}</div>
            ))}
          </blockquote>
        ) : null}
      </section>
      <h2>{pd.tasks.reports}</h2>
      {p.reports.length === 0 ? (
        <p>{pd.tasks.noReports}</p>
      ) : (
        <ul>
          {p.reports.map((r) => (
            <li>
              <strong>{formatDateTime(r.at, p.tz)}</strong> — {r.unit ?? ''}
              {r.sender ? ` (${r.sender})` : ''}
              {r.done ? ` — ${pd.tasks.done}` : r.progress !== null ? ` — ${r.progress}%` : ''}
              {r.files ? ` — ${pd.tasks.files(r.files)}` : ''}
              {r.text ? <div class="small">{r.text}</div> : null}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function taskRoutes(dash: Dash): void {
  const ctx = dash.ctx;
  dash.get('/tasks', async (c, s) => {
    const rows = await ctx.db
      .selectFrom('tasks')
      .selectAll()
      .where('status', '=', 'active')
      .orderBy('id')
      .limit(5000)
      .execute();
    const q = c.req.query('status') as TaskStatus | undefined;
    return render(
      c,
      <ListPage
        c={c}
        session={s}
        sandbox={dash.sandbox}
        tasks={await taskViews(ctx.db, rows, ctx.clock())}
        status={q && TASK_STATUSES.includes(q) ? q : null}
        tz={ctx.timezone}
      />,
    );
  });

  dash.get('/tasks/:id', async (c, s) => {
    const id = intParamOf(c, 'id');
    const t = id ? await getTask(ctx.db, id) : undefined;
    if (!t) return dash.notFound(c, s);
    const [view] = await taskViews(ctx.db, [t], ctx.clock());
    const reports = await ctx.db
      .selectFrom('task_reports as r')
      .leftJoin('units as u', 'u.id', 'r.unit_id')
      .select([
        'r.created_at',
        'r.text',
        'r.progress',
        'r.done',
        'r.files',
        'r.sender_name',
        'u.name',
      ])
      .where('r.task_id', '=', t.id)
      .orderBy('r.created_at', 'desc')
      .execute();
    return render(
      c,
      <TaskPage
        session={s}
        sandbox={dash.sandbox}
        t={view!}
        tz={ctx.timezone}
        reports={reports.map((r) => ({
          at: r.created_at,
          unit: r.name,
          sender: r.sender_name,
          text: r.text,
          progress: r.progress,
          done: r.done,
          files: ((r.files as unknown[]) ?? []).length,
        }))}
      />,
    );
  });
}
