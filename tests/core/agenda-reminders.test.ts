import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelEvent, createEvent, updateEvent } from '../../src/core/events/manage';
import { startTickLoop } from '../../src/scheduler/node-cron';
import { openTestDb, type TestDb } from '../helpers/db';
import { TestClock, testContext } from '../helpers/context';
import { chatSim, putUnits } from '../helpers/chat';

const local = (s: string) => new Date(`${s}+07:00`);
let db: TestDb;
let clock: TestClock;
let ctx: ReturnType<typeof testContext>;
let sim: ReturnType<typeof chatSim>;
let eventId: number;

const agenda = [
  {
    startsAt: local('2024-09-27T07:30:00'),
    endsAt: local('2024-09-27T08:00:00'),
    title: 'Đón tiếp đại biểu, học viên',
    presenter: 'Ban tổ chức',
  },
  {
    startsAt: local('2024-09-27T08:00:00'),
    endsAt: local('2024-09-27T09:30:00'),
    title: 'Chuyên đề 1: Phát ngôn, cung cấp thông tin',
    presenter: 'Lãnh đạo Cục Báo chí',
  },
  {
    startsAt: local('2024-09-27T09:30:00'),
    endsAt: local('2024-09-27T09:45:00'),
    title: 'Giải lao',
  },
  {
    startsAt: local('2024-09-27T14:00:00'),
    endsAt: local('2024-09-27T15:30:00'),
    title: 'Chuyên đề 2: Thông tin đối ngoại',
    presenter: 'Lãnh đạo Ban Tuyên giáo Tỉnh ủy',
  },
];

const count = async (chat: string, re: RegExp) =>
  (await sim.texts(chat)).filter((t) => re.test(t)).length;

beforeAll(async () => {
  db = await openTestDb();
  clock = new TestClock(local('2024-09-16T09:00:00'));
  ctx = testContext(db, clock);
  sim = chatSim(ctx);
  const codes = await putUnits(ctx, [
    { code: 'X', name: 'Sở Y tế' },
    { code: 'Y', name: 'Sở Tư pháp' },
    { code: 'Z', name: 'Báo Đồng Tháp' },
  ]);
  const { organizerJoinCode } = await import('../../src/core/units/repo');
  for (const c of ['X', 'Y', 'Z']) await sim.say(`g${c}`, `/lienket ${codes[c]}`);
  await sim.say('gORG', `/lienket ${await organizerJoinCode(db.db)}`);
  ({ id: eventId } = await createEvent(ctx, {
    title: 'Lớp tập huấn kỹ năng phát ngôn',
    startsAt: local('2024-09-27T07:30:00'),
    endsAt: local('2024-09-27T16:30:00'),
    venue: 'Hội trường UBND tỉnh',
    registrationDeadline: local('2024-09-25T17:00:00'),
    units: 'all',
    agenda,
  }));
  await sim.deliverAll();
  // X registers, Z declines, Y never answers.
  await db.db
    .updateTable('registrations')
    .set({ status: 'registered' })
    .where('unit_id', '=', db.db.selectFrom('units').select('id').where('code', '=', 'X'))
    .execute();
  await db.db
    .updateTable('registrations')
    .set({ status: 'declined' })
    .where('unit_id', '=', db.db.selectFrom('units').select('id').where('code', '=', 'Z'))
    .execute();
});
afterAll(() => db.close());

describe('agenda reminders', () => {
  it('reminds units that have not answered before the registration deadline, nobody else', async () => {
    clock.set(local('2024-09-23T08:00:10'));
    await sim.tick();
    expect(await count('gY', /Nhắc đăng ký/)).toBe(1);
    expect(await count('gX', /Nhắc đăng ký/)).toBe(0);
    expect(await count('gZ', /Nhắc đăng ký/)).toBe(0);
  });

  it('the day before at 17h00: the whole agenda to registered units and organizers only', async () => {
    clock.set(local('2024-09-26T17:00:05'));
    await sim.tick();
    const x = (await sim.texts('gX')).at(-1)!;
    expect(x).toContain('ngày mai Thứ Sáu, 27/9/2024');
    expect(x).toContain('7h30–8h00');
    expect(x).toContain('CHIỀU');
    expect(await count('gORG', /Nhắc lịch/)).toBe(1);
    expect(await count('gY', /Nhắc lịch/)).toBe(0);
    expect(await count('gZ', /Nhắc lịch/)).toBe(0);
  });

  it('before each session (not breaks), with the speaker reminded in the organizer chat; each once', async () => {
    clock.set(local('2024-09-27T07:15:05'));
    await Promise.all([sim.tick(), sim.tick()]);
    clock.set(local('2024-09-27T07:45:02'));
    await sim.tick();
    clock.set(local('2024-09-27T09:15:00'));
    await sim.tick(); // the break at 9h30 has no reminder
    expect(await count('gX', /^🔔 \d+h\d\d:/)).toBe(2);
    expect(await count('gORG', /Nhắc báo cáo viên: Lãnh đạo Cục Báo chí/)).toBe(1);
    expect(await count('gY', /^🔔/)).toBe(0);
  });

  it('a reminder found late after downtime beyond the grace window is skipped, not sent late', async () => {
    // Moving the afternoon session's time re-plans its unsent reminder and tells invited units.
    await updateEvent(ctx, eventId, {
      agenda: agenda.map((a) =>
        a.title.startsWith('Chuyên đề 2') ? { ...a, startsAt: local('2024-09-27T13:30:00') } : a,
      ),
    });
    await sim.deliverAll();
    expect((await sim.texts('gY')).at(-1)).toContain('Chương trình có điều chỉnh');
    const job = await db.db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('key', '=', `event:${eventId}:session:4`)
      .executeTakeFirstOrThrow();
    expect(new Date(job.due_at).toISOString()).toBe(local('2024-09-27T13:15:00').toISOString());
    // The service was down from 13h00 to 13h40.
    clock.set(local('2024-09-27T13:40:00'));
    const r = await sim.tick();
    expect(r.skipped).toBeGreaterThanOrEqual(1);
    expect(await count('gX', /^🔔[^\n]*Chuyên đề 2/)).toBe(0);
    const after = await db.db
      .selectFrom('scheduled_jobs')
      .select(['state', 'note'])
      .where('key', '=', `event:${eventId}:session:4`)
      .executeTakeFirstOrThrow();
    expect(after.state).toBe('skipped');
  });

  it('cancelling tells invited units and cancels what is left', async () => {
    await cancelEvent(ctx, eventId);
    await sim.deliverAll();
    for (const c of ['gX', 'gY', 'gZ'])
      expect((await sim.texts(c)).at(-1)).toContain('THÔNG BÁO HỦY');
    const pending = await db.db
      .selectFrom('scheduled_jobs')
      .selectAll()
      .where('event_id', '=', eventId)
      .where('state', '=', 'pending')
      .execute();
    expect(pending).toHaveLength(0);
  });
});

describe('the real node-cron tick', () => {
  it('fires a reminder due in a second exactly once per chat, with two tick loops running', async () => {
    const real = testContext(db); // system clock
    real.clock = () => new Date();
    const soon = new Date(Date.now() + 60 * 60_000);
    const { id } = await createEvent(real, {
      title: 'Họp giao ban',
      startsAt: soon,
      registrationDeadline: new Date(Date.now() + 30 * 60_000),
      units: ['X'],
      agenda: [
        { startsAt: new Date(Date.now() + 15 * 60_000 + 1500), title: 'Phát biểu khai mạc' },
      ],
      remindDayBefore: null,
      remindMorningOf: null,
    });
    await db.db
      .updateTable('registrations')
      .set({ status: 'registered' })
      .where('event_id', '=', id)
      .execute();
    const loops = [startTickLoop(real, '* * * * * *'), startTickLoop(real, '* * * * * *')];
    await new Promise((r) => setTimeout(r, 3500));
    await Promise.all(loops.map((l) => l.stop()));
    const rows = await db.db
      .selectFrom('outbox')
      .select('chat_external_id')
      .where('ref', '=', `event:${id}`)
      .where('purpose', '=', 'reminder')
      .execute();
    expect(rows.filter((r) => r.chat_external_id === 'gX')).toHaveLength(1);
    expect(rows.filter((r) => r.chat_external_id === 'gORG')).toHaveLength(1);
  });
});
