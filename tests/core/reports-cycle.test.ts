import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCampaign, getCampaign, grantExtension } from '../../src/core/reports/manage';
import { deadlineFromVietnamesePhrase } from '../../src/core/time/schedule';
import { openTestDb, type TestDb } from '../helpers/db';
import { TestClock, testContext } from '../helpers/context';
import { chatSim, putUnits } from '../helpers/chat';

const local = (s: string) => new Date(`${s}+07:00`);
let db: TestDb;
let clock: TestClock;
let ctx: ReturnType<typeof testContext>;
let sim: ReturnType<typeof chatSim>;
let orgCode: string;

const UNITS = [
  { code: 'A', name: 'Phòng Văn hóa và Thông tin', category: 'Phòng ban' },
  { code: 'B', name: 'UBND phường Nguyễn Nghiêm', category: 'UBND cấp xã' },
  { code: 'C', name: 'UBND xã Phổ An', category: 'UBND cấp xã' },
  { code: 'D', name: 'UBND xã Phổ Quang', category: 'UBND cấp xã' },
];

async function chases(chatId: string): Promise<number> {
  return (await sim.texts(chatId)).filter((t) => t.startsWith('🔴 ĐÔN ĐỐC')).length;
}
async function reminders(chatId: string): Promise<number> {
  return (await sim.texts(chatId)).filter((t) => t.startsWith('⏰ NHẮC BÁO CÁO')).length;
}

beforeAll(async () => {
  db = await openTestDb();
  clock = new TestClock(local('2024-10-30T09:00:00'));
  ctx = testContext(db, clock);
  sim = chatSim(ctx);
  const codes = await putUnits(ctx, UNITS);
  const { organizerJoinCode } = await import('../../src/core/units/repo');
  orgCode = await organizerJoinCode(ctx.db);
  for (const u of UNITS) await sim.say(`g${u.code}`, `/lienket ${codes[u.code]}`);
  await sim.say('gORG', `/lienket ${orgCode}`);
});
afterAll(() => db.close());

describe('a report requirement over its whole cycle (seed 003: trước ngày 10/11/2024)', () => {
  let id: number;

  it('reads "trước ngày 10/11/2024" as due before 00:00 of 10/11 and tells units the exact moment', async () => {
    const deadline = deadlineFromVietnamesePhrase('2024-11-10', 'before-day', ctx.timezone);
    ({ id } = await createCampaign(ctx, {
      title: 'Báo cáo kết quả thực hiện Kế hoạch TTĐN 2024',
      sourcePlan: 'Kế hoạch của UBND thị xã Đức Phổ',
      deadline,
      units: 'all',
    }));
    await sim.deliverAll();
    const notice = (await sim.texts('gA')).at(-1)!;
    expect(notice).toContain('YÊU CẦU BÁO CÁO');
    expect(notice).toContain('23h59 Thứ Bảy, 9/11/2024');
  });

  it('reminds every unit 7, 3 and 1 day before at 8h00 on working days (Sunday 3/11 → Friday 1/11; Saturday 9/11 → Friday 8/11)', async () => {
    const jobs = await db.db
      .selectFrom('scheduled_jobs')
      .select(['kind', 'due_at'])
      .where('campaign_id', '=', id)
      .where('kind', '=', 'campaign.remind')
      .orderBy('due_at')
      .execute();
    expect(jobs.map((j) => new Date(j.due_at).toISOString())).toEqual([
      local('2024-11-01T08:00:00').toISOString(),
      local('2024-11-07T08:00:00').toISOString(),
      local('2024-11-08T08:00:00').toISOString(),
    ]);
    clock.set(local('2024-11-01T08:00:20'));
    await sim.tick();
    for (const u of UNITS) expect(await reminders(`g${u.code}`)).toBe(1);
  });

  it('records a report sent by /baocao with its time, on time', async () => {
    clock.set(local('2024-11-05T10:15:00'));
    await sim.say('gA', '/baocao Đã gửi Báo cáo số 45/BC-UBND ngày 05/11/2024');
    const reply = (await sim.texts('gA')).at(-1)!;
    expect(reply).toContain('Đã ghi nhận báo cáo');
    expect(reply).toContain('10h15 Thứ Ba, 5/11/2024');
    expect(reply).toContain('đúng hạn');
  });

  it('reminds only the units that still owe, and a tick repeated at the same moment sends nothing twice', async () => {
    clock.set(local('2024-11-07T08:00:05'));
    await sim.tick();
    await sim.tick();
    clock.set(local('2024-11-08T08:00:05'));
    await Promise.all([sim.tick(), sim.tick()]);
    expect(await reminders('gA')).toBe(1);
    for (const c of ['gB', 'gC', 'gD']) expect(await reminders(c)).toBe(3);
  });

  it('after the deadline chases every unit that owes on the first working day at 8h00, and tells organizers once', async () => {
    const first = await db.db
      .selectFrom('scheduled_jobs')
      .select('due_at')
      .where('campaign_id', '=', id)
      .where('kind', '=', 'campaign.chase')
      .executeTakeFirstOrThrow();
    expect(new Date(first.due_at).toISOString()).toBe(local('2024-11-11T08:00:00').toISOString()); // 10/11 is a Sunday
    clock.set(local('2024-11-11T08:00:10'));
    await sim.tick();
    await sim.tick(); // a restart re-ticking the same round
    expect(await chases('gA')).toBe(0);
    for (const c of ['gB', 'gC', 'gD']) expect(await chases(c)).toBe(1);
    const summaries = (await sim.texts('gORG')).filter((t) => t.startsWith('📋 Đôn đốc lần 1'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toContain('còn 3 đơn vị quá hạn');
    expect(summaries[0]).toContain('UBND cấp xã');
    expect(summaries[0]).toContain('quá hạn 2 ngày');
  });

  it('records a late report sent as a file in reply to the chase', async () => {
    clock.set(local('2024-11-11T10:30:00'));
    const chaseId = await sim.find('gB', /ĐÔN ĐỐC/);
    await sim.say('gB', '', {
      replyToMessageId: chaseId,
      attachments: [
        { kind: 'document', fileId: 'F1', fileName: 'BC-TTĐN-2024.pdf', size: 120_000 },
      ],
    });
    expect((await sim.texts('gB')).at(-1)).toContain('NỘP MUỘN');
    // Reporting again updates, never duplicates.
    await sim.say('gB', 'Đã gửi lại báo cáo bản có chữ ký', { replyToMessageId: chaseId });
    const rows = await db.db
      .selectFrom('submissions')
      .selectAll()
      .where('campaign_id', '=', id)
      .execute();
    expect(rows).toHaveLength(2);
    const b = rows.find((r) => r.revisions === 2)!;
    expect(b.late).toBe(true);
    expect(b.files).toEqual([expect.objectContaining({ fileName: 'BC-TTĐN-2024.pdf' })]);
  });

  it('an extension stops chasing that unit until it passes; chasing resumes after', async () => {
    const c = (await getCampaign(db.db, id))!;
    const unitC = await db.db
      .selectFrom('units')
      .select('id')
      .where('code', '=', 'C')
      .executeTakeFirstOrThrow();
    await db.db
      .transaction()
      .execute((trx) => grantExtension(ctx, trx, c, unitC.id, local('2024-11-14T00:00:00')));
    for (const day of ['12', '13', '14']) {
      clock.set(local(`2024-11-${day}T08:00:30`));
      await sim.tick();
    }
    expect(await chases('gB')).toBe(1);
    expect(await chases('gC')).toBe(2); // 11/11, then 14/11 after the extension ended
    expect(await chases('gD')).toBe(4);
  });

  it('a message that might be a report gets a question, and the confirmation records it', async () => {
    clock.set(local('2024-11-14T09:00:00'));
    const chaseId = await sim.find('gD', /ĐÔN ĐỐC/);
    await sim.say('gD', 'dạ', { replyToMessageId: chaseId });
    const q = await sim.last('gD');
    expect(q.text).toContain('Có phải đơn vị báo đã gửi báo cáo');
    expect(
      await db.db.selectFrom('submissions').selectAll().where('campaign_id', '=', id).execute(),
    ).toHaveLength(2);
    await sim.say('gD', '', { callbackData: q.buttons![0]![0]!.data });
    expect((await sim.texts('gD')).at(-1)).toContain('Đã ghi nhận báo cáo');
  });

  it('/tonghop and the API give each unit its status', async () => {
    await sim.say('gORG', '/tonghop');
    const text = (await sim.texts('gORG')).at(-1)!;
    expect(text).toContain('Đúng hạn: 1');
    expect(text).toContain('Muộn: 2');
    expect(text).toContain('Quá hạn: 1');
    await sim.say('gC', '/trangthai');
    expect((await sim.texts('gC')).at(-1)).toMatch(/quá hạn 1 ngày|đã quá hạn/);
  });
});

describe('holidays, several reports, recurrence', () => {
  it('skips Tết: a deadline before Tết 2026 is chased on the first working day after the break', async () => {
    clock.set(local('2026-02-02T09:00:00'));
    const { id } = await createCampaign(ctx, {
      title: 'Báo cáo tháng 1',
      deadline: deadlineFromVietnamesePhrase('2026-02-14', 'before-day', ctx.timezone),
      units: ['C'],
    });
    const chase = await db.db
      .selectFrom('scheduled_jobs')
      .select('due_at')
      .where('campaign_id', '=', id)
      .where('kind', '=', 'campaign.chase')
      .executeTakeFirstOrThrow();
    expect(new Date(chase.due_at).toISOString()).toBe(local('2026-02-23T08:00:00').toISOString());
  });

  it('asks which report when a unit owes several, and records the chosen one', async () => {
    clock.set(local('2026-02-05T09:00:00'));
    await createCampaign(ctx, {
      title: 'Báo cáo quý I',
      deadline: local('2026-03-15T00:00:00'),
      units: ['C'],
    });
    await sim.say('gC', 'Em đã gửi báo cáo rồi ạ');
    const q = await sim.last('gC');
    expect(q.text).toContain('Tin vừa gửi là báo cáo nào');
    await sim.say('gC', '3');
    expect((await sim.texts('gC')).at(-1)).toContain('báo cáo quý I');
  });

  it('a yearly requirement (trước 15/11 hằng năm) opens its next period when the deadline passes', async () => {
    clock.set(local('2027-10-01T09:00:00'));
    const { id } = await createCampaign(ctx, {
      title: 'Báo cáo TTĐN định kỳ',
      units: ['A'],
      recurrence: { kind: 'yearly', month: 11, day: 15 },
    });
    const c = (await getCampaign(db.db, id))!;
    expect(c.period_label).toBe('Năm 2027');
    clock.set(local('2027-11-15T00:05:00'));
    await sim.tick();
    const next = await db.db
      .selectFrom('campaigns')
      .selectAll()
      .where('series_id', '=', id)
      .execute();
    expect(next).toHaveLength(1);
    expect(next[0]!.period_label).toBe('Năm 2028');
    expect(new Date(next[0]!.deadline).toISOString()).toBe(
      local('2028-11-15T00:00:00').toISOString(),
    );
    await sim.tick();
    expect(
      await db.db.selectFrom('campaigns').selectAll().where('series_id', '=', id).execute(),
    ).toHaveLength(1);
  });
});
