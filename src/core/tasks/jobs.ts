/** Scheduled messages of tasks: reminders before the due date, chases after it, check-ins of standing tasks. */
import type { Trx } from '../../db/types';
import { tk } from '../../messages/plans';
import { organizerChats } from '../chats/targets';
import { sendToUnits } from '../chats/send';
import { enqueue } from '../outbox/enqueue';
import { DEFAULT_QUIET } from '../reports/manage';
import { loadCalendar } from '../time/overrides';
import { addJob } from '../scheduler/jobs';
import type { JobHandler, JobHandlers } from '../scheduler/tick';
import { daysUntilDeadline } from '../time/format';
import { nextChase } from '../time/schedule';
import {
  TASK_AT_TIME,
  TASK_CHASE_EVERY,
  getTask,
  nextCheckIn,
  taskJobPrefix,
  taskRef,
  taskUnits,
  toView,
} from './manage';

async function openTask(trx: Trx, job: { payload: { task: number } }) {
  const id = Number(job.payload.task);
  const t = Number.isInteger(id) ? await getTask(trx, id) : undefined;
  return t && t.status === 'active' && !t.completed_at ? t : null;
}

/** The task's units, and its lead units' ids (their groups, or their parents' groups, get the messages). */
async function leads(trx: Trx, taskId: number) {
  const units = (await taskUnits(trx, [taskId])).get(taskId) ?? [];
  return { units, lead: units.filter((u) => u.role === 'lead').map((u) => u.id) };
}

const remind: JobHandler<'task.remind'> = {
  timeSensitive: true,
  async run(ctx, trx, job, now) {
    const t = await openTask(trx, job);
    if (!t || !t.due_at) return;
    const { units, lead } = await leads(trx, t.id);
    await sendToUnits(trx, lead, tk.reminder(toView(t, units, now), now, ctx.timezone), {
      purpose: 'reminder',
      ref: taskRef(t.id),
    });
  },
};

const chase: JobHandler<'task.chase'> = {
  timeSensitive: true,
  async run(ctx, trx, job, now) {
    const t = await openTask(trx, job);
    if (!t || !t.due_at || now < t.due_at) return;
    const { units, lead } = await leads(trx, t.id);
    const view = toView(t, units, now);
    const daysLate = Math.max(1, -daysUntilDeadline(t.due_at, now, ctx.timezone));
    await sendToUnits(trx, lead, tk.chase(view, daysLate, ctx.timezone), {
      purpose: 'chase',
      ref: taskRef(t.id),
    });
    await enqueue(
      trx,
      await organizerChats(trx),
      { text: tk.chasedSummary(view, daysLate) },
      { purpose: 'summary', ref: taskRef(t.id) },
    );
    const calendar = await loadCalendar(trx, ctx.timezone);
    const next = nextChase(
      {
        deadline: t.due_at,
        atTime: TASK_AT_TIME,
        workingDaysOnly: true,
        calendar,
        quietHours: DEFAULT_QUIET,
        tz: ctx.timezone,
        every: TASK_CHASE_EVERY,
      },
      job.due_at,
    );
    if (next)
      await addJob(trx, {
        key: `${taskJobPrefix(t.id)}${next.key}`,
        kind: 'task.chase',
        dueAt: next.at,
        payload: { task: t.id, round: next.round },
      });
  },
};

/** A standing task's periodic question: what was done this period? Then the next period's. */
const checkin: JobHandler<'task.checkin'> = {
  timeSensitive: false,
  async run(ctx, trx, job, now) {
    const t = await openTask(trx, job);
    if (!t) return;
    const period = job.payload.period ?? '';
    const { units, lead } = await leads(trx, t.id);
    await sendToUnits(trx, lead, tk.checkIn(toView(t, units, now), period), {
      purpose: 'reminder',
      ref: taskRef(t.id),
    });
    const next = nextCheckIn(ctx, t, await loadCalendar(trx, ctx.timezone), job.due_at);
    if (next) await addJob(trx, next);
  },
};

export const taskJobHandlers: Pick<JobHandlers, 'task.remind' | 'task.chase' | 'task.checkin'> = {
  'task.remind': remind,
  'task.chase': chase,
  'task.checkin': checkin,
};
