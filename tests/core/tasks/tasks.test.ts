/**
 * Tasks through the chat core: assignment messages to lead and coordinating units, /nhiemvu,
 * updates by reply or by number ("đã hoàn thành nhiệm vụ 3", "đang triển khai, đạt 70%") with
 * files, the status classification, reminders and chases on the working-day calendar, and the
 * check-in of a standing task.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTask, getTask } from '../../../src/core/tasks/manage';
import { taskStatus } from '../../../src/core/tasks/status';
import { runTick } from '../../../src/core/scheduler/handlers';
import { organizerJoinCode } from '../../../src/core/units/repo';
import { openTestDb, type TestDb } from '../../helpers/db';
import { TestClock, testContext } from '../../helpers/context';
import { chatSim, putUnits } from '../../helpers/chat';

const local = (s: string) => new Date(`${s}+07:00`);
let db: TestDb;
let clock: TestClock;
let ctx: ReturnType<typeof testContext>;
let sim: ReturnType<typeof chatSim>;
let ids: Record<string, number>;
const fetched: string[] = [];

async function newTask(
  input: Omit<Parameters<typeof createTask>[2], 'leadUnitIds' | 'supportUnitIds'> & {
    lead: string[];
    support?: string[];
  },
) {
  const t = await ctx.db.transaction().execute((trx) =>
    createTask(ctx, trx, {
      ...input,
      leadUnitIds: input.lead.map((c) => ids[c]!),
      supportUnitIds: (input.support ?? []).map((c) => ids[c]!),
    }),
  );
  await sim.deliverAll();
  return t;
}

beforeAll(async () => {
  db = await openTestDb();
  clock = new TestClock(local('2024-10-28T09:00:00'));
  ctx = testContext(db, clock);
  // A platform that hands over the bytes of a file it was asked for.
  ctx.platforms = {
    telegram: {
      async fetchFile(fileId) {
        fetched.push(fileId);
        return { data: new TextEncoder().encode(`nội dung ${fileId}`), fileName: `${fileId}.pdf` };
      },
    },
  };
  sim = chatSim(ctx);
  const codes = await putUnits(ctx, [
    { code: 'VH', name: 'Phòng Văn hóa và Thông tin' },
    { code: 'CA', name: 'Công an thị xã' },
    { code: 'TT', name: 'Trung tâm Truyền thông - Văn hóa - Thể thao' },
  ]);
  for (const c of ['VH', 'CA', 'TT']) await sim.say(`g${c}`, `/lienket ${codes[c]}`);
  await sim.say('gORG', `/lienket ${await organizerJoinCode(ctx.db)}`);
  ids = Object.fromEntries(
    (await db.db.selectFrom('units').select(['id', 'code']).execute()).map((u) => [u.code, u.id]),
  );
});
afterAll(() => db.close());

describe('a dated task', () => {
  let id: number;

  it('goes to the lead unit’s group; the coordinating unit is told whom it supports', async () => {
    ({ id } = await newTask({
      title: 'Ban hành văn bản hướng dẫn tuyên truyền',
      dueAt: local('2024-11-10T00:00:00'),
      dueText: 'trước ngày 10/11/2024',
      lead: ['VH'],
      support: ['CA'],
    }));
    const lead = (await sim.texts('gVH')).at(-1)!;
    expect(lead).toContain(`NHIỆM VỤ SỐ ${id}: Ban hành văn bản hướng dẫn tuyên truyền`);
    expect(lead).toContain('Thời hạn: 23h59 Thứ Bảy, 9/11/2024');
    const support = (await sim.texts('gCA')).at(-1)!;
    expect(support).toContain('PHỐI HỢP NHIỆM VỤ SỐ');
    expect(support).toContain('phối hợp với Phòng Văn hóa và Thông tin');
    expect(await sim.texts('gTT')).toHaveLength(1); // only the link confirmation
  });

  it('plans reminders 7, 3 and 1 day before at 8h00 on working days (Sunday 3/11 → Friday 1/11)', async () => {
    const jobs = await db.db
      .selectFrom('scheduled_jobs')
      .select(['kind', 'due_at'])
      .where('key', 'like', `task:${id}:%`)
      .orderBy('due_at')
      .execute();
    expect(
      jobs.filter((j) => j.kind === 'task.remind').map((j) => new Date(j.due_at).toISOString()),
    ).toEqual([
      local('2024-11-01T08:00:00').toISOString(),
      local('2024-11-07T08:00:00').toISOString(),
      local('2024-11-08T08:00:00').toISOString(),
    ]);
    // The first chase is the first working day after the deadline, at 8h00: Monday 11/11.
    expect(jobs.find((j) => j.kind === 'task.chase')!.due_at).toEqual(local('2024-11-11T08:00:00'));
  });

  it('lists the unit’s tasks with /nhiemvu, as lead and as coordinating unit', async () => {
    await sim.say('gVH', '/nhiemvu');
    expect((await sim.texts('gVH')).at(-1)).toMatch(
      new RegExp(`#${id} Ban hành[\\s\\S]*Chủ trì — Đang thực hiện trong hạn`),
    );
    await sim.say('gCA', '/nhiemvu');
    expect((await sim.texts('gCA')).at(-1)).toContain('Phối hợp với Phòng Văn hóa và Thông tin');
  });

  it('records progress given in reply to the task message, with a file fetched afterwards', async () => {
    const taskMsg = await sim.find('gVH', /NHIỆM VỤ SỐ/);
    await sim.say('gVH', 'Dạ đang triển khai, đạt 70%', {
      replyToMessageId: taskMsg,
      attachments: [{ kind: 'document', fileId: 'F1', fileName: 'du-thao.docx', size: 1200 }],
    });
    expect((await sim.texts('gVH')).at(-1)).toContain('đạt 70%');
    const t = (await getTask(db.db, id))!;
    expect(t.progress).toBe(70);
    expect(taskStatus(t, clock.now())).toBe('in_progress');
    const file = await db.db.selectFrom('stored_files').selectAll().executeTakeFirstOrThrow();
    expect(file.state).toBe('pending');
    expect(fetched).toEqual([]); // nothing downloaded inside the message's transaction
    await runTick(ctx);
    const stored = await db.db.selectFrom('stored_files').selectAll().executeTakeFirstOrThrow();
    expect(stored.state).toBe('stored');
    expect(new TextDecoder().decode(stored.data!)).toBe('nội dung F1');
    expect(stored.file_name).toBe('du-thao.docx');
  });

  it('reminds before the due date and stops once the lead unit says it is done', async () => {
    clock.set(local('2024-11-01T08:00:30'));
    await runTick(ctx);
    await sim.deliverAll();
    expect((await sim.texts('gVH')).at(-1)).toMatch(/^⏰ NHẮC HẠN NHIỆM VỤ SỐ/);
    clock.set(local('2024-11-05T10:00:00'));
    await sim.say('gVH', `Đã hoàn thành nhiệm vụ ${id}, Báo cáo số 45/BC-PVHTT`);
    expect((await sim.texts('gVH')).at(-1)).toContain('Hoàn thành đúng hạn');
    const t = (await getTask(db.db, id))!;
    expect(taskStatus(t, clock.now())).toBe('done_on_time');
    const report = await db.db
      .selectFrom('task_reports')
      .select('document_number')
      .where('task_id', '=', id)
      .where('done', '=', true)
      .executeTakeFirstOrThrow();
    expect(report.document_number).toBe('45/BC-PVHTT');
    const pending = await db.db
      .selectFrom('scheduled_jobs')
      .select('key')
      .where('key', 'like', `task:${id}:%`)
      .where('state', '=', 'pending')
      .execute();
    expect(pending).toEqual([]);
  });
});

describe('an overdue task', () => {
  it('is chased after its due date (every 5 working days: weekly) and completed late', async () => {
    clock.set(local('2024-11-05T10:00:00'));
    const { id } = await newTask({
      title: 'Rà soát trang thông tin điện tử',
      dueAt: local('2024-11-08T00:00:00'),
      lead: ['TT'],
    });
    clock.set(local('2024-11-08T08:00:10'));
    await runTick(ctx);
    await sim.deliverAll();
    const chase = (await sim.texts('gTT')).at(-1)!;
    expect(chase).toMatch(/^🔴 ĐÔN ĐỐC NHIỆM VỤ SỐ/);
    expect(chase).toContain('quá hạn 1 ngày');
    expect((await sim.texts('gORG')).at(-1)).toContain(`Đã đôn đốc nhiệm vụ số ${id}`);
    const next = await db.db
      .selectFrom('scheduled_jobs')
      .select('due_at')
      .where('key', 'like', `task:${id}:chase:%`)
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(next.due_at).toEqual(local('2024-11-15T08:00:00'));
    clock.set(local('2024-11-12T09:00:00'));
    await sim.say('gTT', 'đã hoàn thành nhiệm vụ', { mentionsBot: true });
    expect(taskStatus((await getTask(db.db, id))!, clock.now())).toBe('done_late');
  });
});

describe('several open tasks', () => {
  it('asks which one an update without a number is about, and takes the answer', async () => {
    const a = await newTask({
      title: 'Nhiệm vụ thứ nhất',
      dueAt: local('2024-12-31T00:00:00'),
      lead: ['CA'],
    });
    const b = await newTask({
      title: 'Nhiệm vụ thứ hai',
      dueAt: local('2024-12-31T00:00:00'),
      lead: ['CA'],
    });
    await sim.say('gCA', 'đạt 40%');
    const question = await sim.last('gCA');
    expect(question.text).toContain('Cập nhật vừa gửi là của nhiệm vụ nào?');
    expect(question.buttons?.[0]).toHaveLength(2);
    await sim.say('gCA', '2');
    expect((await getTask(db.db, b.id))!.progress).toBe(40);
    expect((await getTask(db.db, a.id))!.progress).toBeNull();
  });

  it('keeps a coordinating unit’s update as a note: only the lead completes a task', async () => {
    const t = await newTask({
      title: 'Nhiệm vụ có phối hợp',
      dueAt: local('2024-12-31T00:00:00'),
      lead: ['VH'],
      support: ['TT'],
    });
    await sim.say('gTT', `nhiệm vụ ${t.id} đã hoàn thành phần việc của Trung tâm`);
    expect((await sim.texts('gTT')).at(-1)).toContain('đơn vị phối hợp');
    expect((await getTask(db.db, t.id))!.completed_at).toBeNull();
  });

  it('ignores group chatter that is not about a task', async () => {
    const before = (await sim.texts('gVH')).length;
    await sim.say('gVH', 'Chiều nay họp lúc 14h nhé các anh chị');
    expect(await sim.texts('gVH')).toHaveLength(before);
  });
});

describe('a unit without a group of its own', () => {
  it('gets its task through its parent’s group, and the parent’s reply counts for it', async () => {
    await putUnits(ctx, [{ code: 'XA', name: 'UBND xã Phổ An' }]);
    const xa = await db.db
      .selectFrom('units')
      .select('id')
      .where('code', '=', 'XA')
      .executeTakeFirstOrThrow();
    await db.db.updateTable('units').set({ parent_id: ids.VH! }).where('id', '=', xa.id).execute();
    ids.XA = xa.id;
    const t = await newTask({
      title: 'Cập nhật bảng tin xã',
      dueAt: local('2024-12-31T00:00:00'),
      lead: ['XA'],
    });
    const msg = (await sim.texts('gVH')).at(-1)!;
    expect(msg).toContain('UBND xã Phổ An');
    expect(msg).toContain(`NHIỆM VỤ SỐ ${t.id}`);
    await sim.say('gVH', 'Xã đã hoàn thành', {
      replyToMessageId: await sim.find('gVH', new RegExp(`NHIỆM VỤ SỐ ${t.id}`)),
    });
    const report = await db.db
      .selectFrom('task_reports')
      .select(['unit_id', 'done'])
      .where('task_id', '=', t.id)
      .executeTakeFirstOrThrow();
    expect(report).toEqual({ unit_id: xa.id, done: true });
    expect((await getTask(db.db, t.id))!.completed_at).not.toBeNull();
  });
});

describe('a standing task', () => {
  it('has no deadline and gets a check-in a week before each quarter closes', async () => {
    clock.set(local('2024-11-12T09:00:00'));
    const t = await newTask({
      title: 'Theo dõi dư luận báo chí',
      standing: true,
      recurrence: { kind: 'quarterly' },
      dueText: 'Thường xuyên trong năm 2024',
      lead: ['CA'],
    });
    expect(taskStatus(t, clock.now())).toBe('standing');
    const job = await db.db
      .selectFrom('scheduled_jobs')
      .select(['due_at', 'key'])
      .where('key', 'like', `task:${t.id}:checkin:%`)
      .executeTakeFirstOrThrow();
    // Quý IV/2024 closes before 15/12 (Sunday): the check-in is a week earlier, Friday 6/12 8h00.
    expect(job.due_at).toEqual(local('2024-12-06T08:00:00'));
    clock.set(local('2024-12-06T08:01:00'));
    await runTick(ctx);
    await sim.deliverAll();
    expect((await sim.texts('gCA')).at(-1)).toMatch(
      /^🗓 NHIỆM VỤ THƯỜNG XUYÊN SỐ \d+: Theo dõi dư luận báo chí[\s\S]*Quý IV\/2024/,
    );
    const next = await db.db
      .selectFrom('scheduled_jobs')
      .select('key')
      .where('key', 'like', `task:${t.id}:checkin:%`)
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(next.key).toContain('2025-Q1');
  });

  it('gives the organizers a summary in the classification with /nhiemvu', async () => {
    await sim.say('gORG', '/nhiemvu');
    const text = (await sim.texts('gORG')).at(-1)!;
    expect(text).toMatch(/Tổng hợp \d+ nhiệm vụ/);
    for (const label of ['Hoàn thành đúng hạn: 2', 'Hoàn thành quá hạn: 1', 'Thường xuyên: 1'])
      expect(text).toContain(label);
  });
});
