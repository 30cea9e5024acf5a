/**
 * Tasks in chat. A unit: "/nhiemvu" lists its tasks; a reply to a task message, "đã hoàn thành
 * nhiệm vụ 3" or "đang triển khai, đạt 70%" (with files) updates one. The organizers: "/nhiemvu"
 * counts every task by status and lists the overdue ones; "/nhiemvu 3" shows one task.
 */
import type { TaskRow } from '../../db/schema';
import { tk } from '../../messages/plans';
import { stripMention } from '../inbound/command';
import type { Turn } from '../inbound/turn';
import {
  closePrompt,
  currentPrompt,
  numberedAnswer,
  openPrompt,
  type Prompt,
} from '../prompts/prompts';
import type { CommandSpec, TextHandler } from '../router';
import { fold } from '../text/normalize';
import { getTask, recordTaskReport, taskUnits, taskViews, tasksOfUnit, toView } from './manage';
import { parseTaskUpdate, type TaskUpdate } from './phrase';
import { TASK_STATUSES, type TaskStatus } from './status';

const CHOOSE = 'task.choose';

interface PendingUpdate {
  taskIds: number[];
  text: string;
  update: TaskUpdate;
  files: Array<{
    kind: string;
    fileId: string;
    fileName?: string;
    mimeType?: string;
    size?: number;
  }>;
}

function filesOf(turn: Turn) {
  return (turn.msg.attachments ?? []).map((a) => ({
    kind: a.kind,
    fileId: a.fileId,
    ...(a.fileName ? { fileName: a.fileName } : {}),
    ...(a.mimeType ? { mimeType: a.mimeType } : {}),
    ...(typeof a.size === 'number' ? { size: a.size } : {}),
  }));
}

async function record(
  turn: Turn,
  t: TaskRow,
  text: string,
  update: TaskUpdate,
  files: PendingUpdate['files'],
): Promise<void> {
  const { task, completedNow } = await recordTaskReport(turn.ctx, turn.trx, t, {
    unitId: turn.unit!.id,
    chatId: turn.chat.id,
    senderName: turn.msg.sender.name,
    text: text || null,
    progress: update.progress,
    done: update.done,
    files,
  });
  await turn.audit('task.report', {
    task: t.id,
    unit: turn.unit!.code,
    done: update.done,
    progress: update.progress,
  });
  const units = (await taskUnits(turn.trx, [t.id])).get(t.id) ?? [];
  const view = toView(task, units, turn.now);
  const lead = units.some((u) => u.id === turn.unit!.id && u.role === 'lead');
  await turn.reply(
    tk.recorded(view, turn.unit!.name, {
      lead,
      completedNow,
      progress: update.progress,
      files: files.length,
    }),
    { ref: `task:${t.id}` },
  );
}

async function listForUnit(turn: Turn): Promise<void> {
  const rows = await tasksOfUnit(turn.trx, turn.unit!.id);
  const views = await taskViews(turn.trx, rows, turn.now);
  const roles = new Map(rows.map((r) => [r.id, r.role]));
  await turn.reply(
    tk.unitList(
      turn.unit!.name,
      views.map((v) => ({ view: v, role: roles.get(v.id)! })),
      turn.ctx.timezone,
    ),
  );
}

async function organizerSummary(turn: Turn): Promise<void> {
  const rows = await turn.trx
    .selectFrom('tasks')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('due_at', (o) => o.asc().nullsLast())
    .orderBy('id')
    .limit(5000)
    .execute();
  const views = await taskViews(turn.trx, rows, turn.now);
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
  for (const v of views) counts[v.status]++;
  await turn.reply(
    tk.organizerSummary(
      counts,
      views.filter((v) => v.status === 'overdue'),
      turn.ctx.timezone,
      turn.now,
    ),
  );
}

async function showOne(turn: Turn, id: number): Promise<void> {
  const t = await getTask(turn.trx, id);
  if (!t) return turn.reply(tk.noSuchTask(id));
  const units = (await taskUnits(turn.trx, [t.id])).get(t.id) ?? [];
  if (!turn.isOrganizerChat && !units.some((u) => u.id === turn.unit?.id))
    return turn.reply(tk.notYourTask(id));
  const reports = await turn.trx
    .selectFrom('task_reports as r')
    .leftJoin('units as u', 'u.id', 'r.unit_id')
    .select(['r.created_at', 'r.text', 'r.progress', 'r.done', 'u.name'])
    .where('r.task_id', '=', t.id)
    .orderBy('r.created_at', 'desc')
    .limit(5)
    .execute();
  await turn.reply(
    tk.detail(
      toView(t, units, turn.now),
      reports.map((r) => ({
        at: r.created_at,
        unit: r.name ?? '',
        text: r.text,
        progress: r.progress,
        done: r.done,
      })),
      turn.ctx.timezone,
    ),
    { ref: `task:${t.id}` },
  );
}

export const taskCommands: Record<string, CommandSpec> = {
  nhiemvu: {
    access: 'linked',
    async run(turn, args) {
      const n = /^\s*#?\s*(\d{1,7})\s*$/.exec(args);
      if (n) return showOne(turn, Number(n[1]));
      if (turn.isOrganizerChat) return organizerSummary(turn);
      return listForUnit(turn);
    },
  },
};

/** A choice among the unit's tasks the bot asked for ("1", "2", or a button). */
async function answerChoice(turn: Turn): Promise<boolean> {
  const fromButton = turn.msg.callbackData?.startsWith('tk:') ? turn.msg.callbackData : null;
  // A numbered answer belongs to the newest question asked in the chat, which may not be ours;
  // a button names its own question.
  const newest = turn.arrival.prompt;
  const prompt = fromButton
    ? await currentPrompt<PendingUpdate>(turn.trx, turn.chat.id, CHOOSE, turn.now)
    : newest?.kind === CHOOSE
      ? (newest as unknown as Prompt<PendingUpdate>)
      : null;
  if (!prompt) return false;
  let idx: number | null = null;
  if (fromButton) {
    const [, pid, i] = fromButton.split(':');
    if (Number(pid) !== prompt.id) return false;
    idx = Number(i);
  } else {
    idx = numberedAnswer(fold(turn.msg.text));
    if (idx === null) return false;
  }
  const ids = prompt.payload.taskIds;
  if (!Number.isInteger(idx) || idx < 1 || idx > ids.length) {
    await turn.reply(tk.choiceInvalid(ids.length));
    return true;
  }
  await closePrompt(turn.trx, prompt.id);
  const t = await getTask(turn.trx, ids[idx - 1]!);
  if (t) await record(turn, t, prompt.payload.text, prompt.payload.update, prompt.payload.files);
  return true;
}

/**
 * Unit messages about tasks: a reply to a task message (always), a message naming a task
 * ("nhiệm vụ 3", "#3") with an update, or a clear update ("đạt 70%", "đã hoàn thành nhiệm vụ")
 * when the unit has open tasks. Anything else is left to the other handlers.
 */
export const taskTextHandler: TextHandler = async (turn) => {
  if (!turn.unit || !turn.chat.active) return false;
  if (await answerChoice(turn)) return true;
  if (turn.msg.callbackData) return false;
  const text = stripMention(turn.msg.text, turn.botUsername);
  const update = parseTaskUpdate(text);
  const files = filesOf(turn);
  const ref = turn.repliedRef;
  if (ref?.startsWith('task:')) {
    const t = await getTask(turn.trx, Number(ref.slice(5)));
    if (!t) return false;
    await record(turn, t, text, update, files);
    return true;
  }
  const intent = update.done || update.progress !== null || update.working;
  if (update.taskNumber !== null && (intent || files.length || turn.msg.mentionsBot)) {
    const t = await getTask(turn.trx, update.taskNumber);
    if (!t || t.status !== 'active') {
      await turn.reply(tk.noSuchTask(update.taskNumber));
      return true;
    }
    await record(turn, t, text, update, files);
    return true;
  }
  // Without a task named, only an unmistakable update is taken: "đạt 70%", or "nhiệm vụ" said.
  const clear = update.progress !== null || (intent && (update.aboutTask || turn.msg.mentionsBot));
  if (!clear) return false;
  const open = (await tasksOfUnit(turn.trx, turn.unit.id)).filter(
    (t) => !t.completed_at && t.role === 'lead',
  );
  if (!open.length) {
    if (!update.aboutTask && !turn.msg.mentionsBot) return false;
    await turn.reply(tk.noOpenTask());
    return true;
  }
  if (open.length === 1) {
    await record(turn, open[0]!, text, update, files);
    return true;
  }
  const shown = open.slice(0, 10);
  const promptId = await openPrompt(
    turn.trx,
    turn.chat.id,
    CHOOSE,
    { taskIds: shown.map((t) => t.id), text, update, files } as unknown as Record<string, unknown>,
    turn.now,
  );
  await turn.reply(tk.whichTask(await taskViews(turn.trx, shown, turn.now), turn.ctx.timezone), {
    buttons: [shown.map((_, i) => ({ text: String(i + 1), data: `tk:${promptId}:${i + 1}` }))],
  });
  return true;
};
