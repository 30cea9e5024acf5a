/**
 * The classification Vietnamese offices report task progress in (VPCP's task system and the
 * reports that go upward use the same words): done on time, done late, in progress within the
 * deadline, overdue — and standing tasks ("thường xuyên"), which have no deadline.
 */
export type TaskStatus = 'done_on_time' | 'done_late' | 'in_progress' | 'overdue' | 'standing';

export const TASK_STATUSES: readonly TaskStatus[] = [
  'done_on_time',
  'done_late',
  'in_progress',
  'overdue',
  'standing',
];

export function taskStatus(
  t: { due_at: Date | string | null; completed_at: Date | string | null; standing: boolean },
  now: Date,
): TaskStatus {
  const due = t.due_at;
  if (t.completed_at) {
    const done = t.completed_at;
    return due && done >= due ? 'done_late' : 'done_on_time';
  }
  if (t.standing) return 'standing';
  return due && now >= due ? 'overdue' : 'in_progress';
}

export const isDone = (s: TaskStatus) => s === 'done_on_time' || s === 'done_late';
