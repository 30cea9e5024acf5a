/**
 * Who may do what, table-driven:
 * - every chat command × the kinds of chat it can arrive from (the organizers' group, the unit's
 *   own group, another unit's group, an unlinked group, a private chat): allowed, or refused with
 *   a Vietnamese message and nothing changed;
 * - every /api route × (no token, wrong token, right token): 401, 401, 2xx or a 4xx validation;
 * - /lienket guesses rate-limited per chat;
 * - secrets (bot token, webhook secret, admin token, join codes) never in the logs, at debug level.
 */
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app-context';
import { loadConfig } from '../../src/config';
import { organizerJoinCode } from '../../src/core/units/repo';
import { createHttpApp } from '../../src/http/app';
import { createLogger, type Logger } from '../../src/log';
import { dl } from '../../src/messages/dashboard';
import { sm, t } from '../../src/messages/vi';
import { startService } from '../../src/service';
import { FakeTelegramApi } from '../fakes/telegram-api';
import { chatSim, putUnits } from '../helpers/chat';
import { testContext, TestClock } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';
import {
  ADMIN,
  SECRET,
  startTelegramHarness,
  TOKEN,
  type Harness,
} from '../helpers/telegram-harness';

const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

/** Everything a command could change, as one comparable string; `unit` narrows it to one unit's rows. */
async function digest(db: TestDb['db'], unit?: number): Promise<string> {
  const regs = await db
    .selectFrom('registrations')
    .select(['id', 'event_id', 'unit_id', 'status', 'late', 'updated_at'])
    .orderBy('id')
    .$if(unit !== undefined, (q) => q.where('unit_id', '=', unit!))
    .execute();
  const attendees = await db
    .selectFrom('attendees')
    .innerJoin('registrations', 'registrations.id', 'attendees.registration_id')
    .select([
      'attendees.registration_id',
      'attendees.position',
      'attendees.name',
      'attendees.title',
      'attendees.phone',
    ])
    .$if(unit !== undefined, (q) => q.where('registrations.unit_id', '=', unit!))
    .orderBy('attendees.registration_id')
    .orderBy('attendees.position')
    .execute();
  const submissions = await db
    .selectFrom('submissions')
    .selectAll()
    .$if(unit !== undefined, (q) => q.where('unit_id', '=', unit!))
    .orderBy('id')
    .execute();
  const campaignUnits = await db
    .selectFrom('campaign_units')
    .selectAll()
    .$if(unit !== undefined, (q) => q.where('unit_id', '=', unit!))
    .orderBy('campaign_id')
    .orderBy('unit_id')
    .execute();
  if (unit !== undefined) return JSON.stringify({ regs, attendees, submissions, campaignUnits });
  const rest = {
    chats: await db
      .selectFrom('chats')
      .select(['external_id', 'role', 'unit_id', 'active'])
      .orderBy('id')
      .execute(),
    units: await db
      .selectFrom('units')
      .select(['code', 'name', 'join_code'])
      .orderBy('id')
      .execute(),
    events: await db.selectFrom('events').select(['id', 'title', 'status']).orderBy('id').execute(),
    campaigns: await db
      .selectFrom('campaigns')
      .select(['id', 'status', 'deadline'])
      .orderBy('id')
      .execute(),
    broadcasts: await db.selectFrom('broadcasts').select(['id', 'status']).orderBy('id').execute(),
    jobs: await db
      .selectFrom('scheduled_jobs')
      .select(['key', 'state', 'due_at'])
      .orderBy('id')
      .execute(),
    prompts: await db.selectFrom('pending_prompts').selectAll().orderBy('id').execute(),
    loginTokens: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM login_tokens`.execute(db))
      .rows[0]!.n,
    calendar: await db.selectFrom('calendar_overrides').selectAll().orderBy('date_key').execute(),
    reminders: (
      await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM outbox WHERE purpose NOT IN ('reply', 'delete')`.execute(db)
    ).rows[0]!.n,
  };
  return JSON.stringify({ regs, attendees, submissions, campaignUnits, ...rest });
}

// ===================================================================== chat commands

type Kind = 'organizer' | 'ownUnit' | 'otherUnit' | 'unlinked' | 'private';
const KINDS: Kind[] = ['organizer', 'ownUnit', 'otherUnit', 'unlinked', 'private'];
const CHAT: Record<Kind, string> = {
  organizer: 'g-org',
  ownUnit: 'g-yte',
  otherUnit: 'g-tuphap',
  unlinked: 'g-la',
  private: 'p-1',
};

type Expect = 'allowed' | (() => string);
const unitOnly = (k: Kind): Expect =>
  k === 'ownUnit' || k === 'otherUnit'
    ? 'allowed'
    : k === 'unlinked'
      ? t.notLinked
      : t.onlyUnitChat;
const organizerOnly = (k: Kind): Expect => (k === 'organizer' ? 'allowed' : t.onlyOrganizer);
const linkedOnly = (k: Kind): Expect =>
  k === 'organizer' || k === 'ownUnit' || k === 'otherUnit' ? 'allowed' : t.notLinked;

/** command → args, and what each kind of chat should get. */
const COMMAND_TABLE: Array<{ command: string; args: string; expect: (k: Kind) => Expect }> = [
  {
    command: 'lienket',
    args: 'khongphaima123',
    expect: (k) => (k === 'private' ? t.linkPrivateChat : 'allowed'),
  },
  {
    command: 'dangky',
    args: '1. Ông Nguyễn Văn An - Phó Giám đốc\n2. Bà Lê Thị Bình - Chuyên viên',
    expect: unitOnly,
  },
  { command: 'them', args: 'Ông Trần Văn Cường - Trưởng phòng', expect: unitOnly },
  { command: 'danhsach', args: '', expect: unitOnly },
  { command: 'huy', args: '', expect: unitOnly },
  { command: 'lich', args: '', expect: linkedOnly },
  { command: 'baocao', args: 'Đã gửi báo cáo số 15/BC-UBND', expect: unitOnly },
  { command: 'trangthai', args: '', expect: unitOnly },
  {
    // Organizers, or a parent unit's group (of its units below); these units have none.
    command: 'tonghop',
    args: '',
    expect: (k) =>
      k === 'organizer'
        ? 'allowed'
        : k === 'ownUnit' || k === 'otherUnit'
          ? sm.onlyParents
          : t.notLinked,
  },
  {
    command: 'thongbao',
    args: 'Kính đề nghị các đơn vị gửi danh sách trước 17h00.',
    expect: organizerOnly,
  },
  { command: 'nhacnho', args: '', expect: organizerOnly },
  { command: 'giahan', args: 'Sở Y tế 30/12/2099', expect: organizerOnly },
  { command: 'mien', args: 'Sở Tư pháp', expect: organizerOnly },
  { command: 'xuat', args: '', expect: organizerOnly },
  {
    command: 'dashboard',
    args: '',
    expect: (k) => (k === 'organizer' ? 'allowed' : k === 'private' ? dl.notOrganizer : dl.refused),
  },
  { command: 'huongdan', args: '', expect: () => 'allowed' },
];

describe('chat commands × kinds of chat', () => {
  let db: TestDb;
  let ctx: AppContext & { testClock: TestClock };
  let chat: ReturnType<typeof chatSim>;
  let unitIds: Record<string, number>;

  beforeAll(async () => {
    db = await openTestDb();
    ctx = testContext(db);
    chat = chatSim(ctx);
    const codes = await putUnits(ctx, [
      { code: 'YT', name: 'Sở Y tế', category: 'Sở, ban, ngành' },
      { code: 'TP', name: 'Sở Tư pháp', category: 'Sở, ban, ngành' },
    ]);
    unitIds = Object.fromEntries(
      (await db.db.selectFrom('units').select(['id', 'code']).execute()).map((u) => [u.code, u.id]),
    );
    await chat.say(CHAT.organizer, `/lienket ${await organizerJoinCode(db.db)}`);
    await chat.say(CHAT.ownUnit, `/lienket ${codes.YT}`);
    await chat.say(CHAT.otherUnit, `/lienket ${codes.TP}`);
    // The unlinked group and the private chat have written before (their chat rows exist).
    await chat.say(CHAT.unlinked, 'Chào cả nhà');
    await chat.say(CHAT.private, 'Chào bot');
    const { createEvent } = await import('../../src/core/events/manage');
    const { createCampaign } = await import('../../src/core/reports/manage');
    const now = ctx.clock().getTime();
    await createEvent(ctx, {
      title: 'Tập huấn phân quyền',
      startsAt: new Date(now + 10 * 86_400_000),
      registrationDeadline: new Date(now + 5 * 86_400_000),
      units: 'all',
      agenda: [],
    } as never);
    await createCampaign(ctx, {
      title: 'Báo cáo phân quyền',
      deadline: new Date(now + 7 * 86_400_000),
      units: 'all',
    } as never);
    await chat.deliverAll();
  });
  afterAll(() => db.close());

  const results: Array<{ command: string; kind: Kind; expected: string; got: string }> = [];

  for (const kind of KINDS) {
    for (const row of COMMAND_TABLE) {
      const expected = row.expect(kind);
      it(`/${row.command} in ${kind}: ${expected === 'allowed' ? 'allowed' : 'refused'}`, async () => {
        const chatId = CHAT[kind];
        const before = await digest(db.db);
        const otherUnitId = kind === 'otherUnit' ? unitIds.YT! : unitIds.TP!;
        const otherBefore = await digest(db.db, otherUnitId);
        const lastId =
          (
            await db.db
              .selectFrom('outbox')
              .select((eb) => eb.fn.max('id').as('m'))
              .executeTakeFirst()
          )?.m ?? 0;
        await chat.say(chatId, `/${row.command}${row.args ? ` ${row.args}` : ''}`);
        const replies = await db.db
          .selectFrom('outbox')
          .select(['payload', 'chat_external_id'])
          .where('id', '>', Number(lastId))
          .where('chat_external_id', '=', chatId)
          .where('purpose', '=', 'reply')
          .orderBy('id')
          .execute();
        const texts = replies.map((r) => (r.payload as { text: string }).text);
        results.push({
          command: row.command,
          kind,
          expected: expected === 'allowed' ? 'allowed' : 'refused',
          got: (texts[0] ?? '').slice(0, 60),
        });
        expect(texts.length, `no answer to /${row.command} in ${kind}`).toBeGreaterThan(0);
        const refusals = [
          t.notLinked(),
          t.onlyUnitChat(),
          t.onlyOrganizer(),
          t.linkPrivateChat(),
          dl.refused(),
          dl.notOrganizer(),
          t.unknownCommand(row.command),
        ];
        if (expected === 'allowed') {
          expect(refusals, `/${row.command} refused in ${kind}: ${texts[0]}`).not.toContain(
            texts[0],
          );
        } else {
          expect(texts).toEqual([expected()]);
          expect(texts[0]).toMatch(VIETNAMESE);
          expect(await digest(db.db), `/${row.command} in ${kind} changed something`).toBe(before);
        }
        // Whatever a unit's group may do, it never touches another unit's data.
        if (kind !== 'organizer')
          expect(
            await digest(db.db, otherUnitId),
            `/${row.command} in ${kind} changed another unit`,
          ).toBe(otherBefore);
      });
    }
  }

  it('registrations and reports from the two unit groups landed on their own units only', async () => {
    const regs = await db.db
      .selectFrom('registrations')
      .innerJoin('units', 'units.id', 'registrations.unit_id')
      .leftJoin('attendees', 'attendees.registration_id', 'registrations.id')
      .select(['units.code', 'registrations.status', 'attendees.name'])
      .execute();
    // /huy alone only asks before withdrawing: the lists of /dangky and /them stay, each on its
    // own unit, and nobody else is listed.
    expect(regs.every((r) => r.name !== null)).toBe(true);
    expect([...new Set(regs.map((r) => `${r.code}:${r.status}`))].sort()).toEqual([
      'TP:registered',
      'YT:registered',
    ]);
    // Reports: the unit group's own unit (Sở Tư pháp may have been excused by /mien first).
    const subs = await db.db
      .selectFrom('submissions')
      .innerJoin('units', 'units.id', 'submissions.unit_id')
      .select(['units.code'])
      .execute();
    expect(subs.map((s) => s.code)).toContain('YT');
    expect(subs.every((s) => s.code === 'YT' || s.code === 'TP')).toBe(true);
    console.log(
      JSON.stringify({
        test: 'authz/chat matrix',
        cases: results.length,
        refused: results.filter((r) => r.expected === 'refused').length,
      }),
    );
  });

  it('/lienket guesses are limited per chat: the sixth is refused, even with the right code; other chats are not affected; the block ends', async () => {
    const codes = await putUnits(ctx, [{ code: 'NV', name: 'Sở Nội vụ' }]);
    const guess = 'g-guess';
    for (let i = 0; i < 5; i++) await chat.say(guess, `/lienket sai${i}ma${i}`);
    await chat.say(guess, '/lienket vanlaisai');
    await chat.say(guess, `/lienket ${codes.NV}`);
    const texts = await chat.texts(guess);
    expect(texts.slice(0, 5).every((x) => x === t.linkBadCode())).toBe(true);
    expect(texts.slice(5)).toEqual([t.linkRateLimited(15), t.linkRateLimited(15)]);
    expect(texts[5]).toMatch(VIETNAMESE);
    const linked = await db.db
      .selectFrom('chats')
      .select(['role'])
      .where('external_id', '=', guess)
      .executeTakeFirstOrThrow();
    expect(linked.role).toBeNull();
    // Another group (same person) still gets its own five tries.
    await chat.say('g-elsewhere', '/lienket sai', { from: `user-${guess}` });
    expect(await chat.texts('g-elsewhere')).toEqual([t.linkBadCode()]);
    // After the window the right code works.
    ctx.testClock.advance(16 * 60_000);
    await chat.say(guess, `/lienket ${codes.NV}`);
    expect((await chat.texts(guess)).at(-1)).toContain('Sở Nội vụ');
  });
});

// ===================================================================== the HTTP API

describe('every /api route × no token, wrong token, right token', () => {
  let db: TestDb;
  let ctx: AppContext;
  let app: ReturnType<typeof createHttpApp>;
  const ids: Record<string, number> = {};
  const ADMIN_TOKEN = 'matrix-admin-token-0123456789';

  beforeAll(async () => {
    db = await openTestDb();
    ctx = testContext(db);
    app = createHttpApp({ ctx, adminToken: ADMIN_TOKEN });
    const { createEvent } = await import('../../src/core/events/manage');
    const { createCampaign } = await import('../../src/core/reports/manage');
    const { createAndSend } = await import('../../src/core/broadcasts/broadcast');
    await putUnits(ctx, [
      { code: 'A', name: 'Sở Y tế' },
      { code: 'B', name: 'Sở Tư pháp' },
      { code: 'H', name: 'UBND huyện Tân Phú' },
      { code: 'X', name: 'Chủ tịch UBND cấp xã' },
    ]);
    const now = ctx.clock().getTime();
    const ev = (title: string) =>
      createEvent(ctx, {
        title,
        startsAt: new Date(now + 10 * 86_400_000),
        registrationDeadline: new Date(now + 5 * 86_400_000),
        units: 'all',
        agenda: [],
      } as never);
    ids.event = (await ev('Sự kiện A')).id;
    ids.eventToDelete = (await ev('Sự kiện bị huỷ')).id;
    ids.campaign = (
      await createCampaign(ctx, {
        title: 'Báo cáo A',
        deadline: new Date(now + 7 * 86_400_000),
        units: 'all',
      } as never)
    ).id;
    ids.campaignToDelete = (
      await createCampaign(ctx, {
        title: 'Báo cáo bị huỷ',
        deadline: new Date(now + 7 * 86_400_000),
        units: 'all',
      } as never)
    ).id;
    ids.broadcast = (await createAndSend(ctx, 'Thông báo A', { kind: 'units', units: 'all' })).id;
    // A linked group for POST /api/chats/unlink to unlink.
    await db.db
      .insertInto('chats')
      .values({ platform: 'telegram', external_id: '-100777', title: 'Nhóm A', role: 'organizer' })
      .execute();
    const { createDraft } = await import('../../src/core/plans/drafts');
    const { applyDraft } = await import('../../src/core/plans/apply');
    const plan = `KẾ HOẠCH\nThử nghiệm\nI. NHIỆM VỤ\n1. Rà soát\n- Chủ trì: Sở Y tế.\n- Thời gian: ${new Date(now + 30 * 86_400_000).toLocaleDateString('en-GB')}.`;
    ids.plan = (await createDraft(ctx, { text: plan, sourceKind: 'text' })).id;
    ids.task = (await applyDraft(ctx, ids.plan, 'test')).draft.applied.t1!.id!;
  });
  afterAll(() => db.close());

  const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  /** A body the route accepts (right token → 2xx), and one it must refuse with 400. */
  const BODIES: Record<
    string,
    { valid?: () => { type?: string; body: string }; invalid?: string; id?: string }
  > = {
    'PUT /api/units': {
      valid: () => ({ body: JSON.stringify([{ code: 'C', name: 'Sở Nội vụ' }]) }),
      invalid: JSON.stringify([{ code: 'có khoảng trắng', name: '' }]),
    },
    'POST /api/units/import': {
      valid: () => ({ type: 'text/csv', body: 'mã,tên,nhóm\nD,Sở Xây dựng,Sở ngành\n' }),
    },
    'POST /api/events': {
      valid: () => ({
        body: JSON.stringify({
          title: 'Hội nghị mới',
          startsAt: future(12),
          registrationDeadline: future(6),
          units: 'all',
          agenda: [],
        }),
      }),
      invalid: JSON.stringify({ title: '', startsAt: 'ngày mai', units: 'all' }),
    },
    'PATCH /api/events/:id': {
      valid: () => ({ body: JSON.stringify({ title: 'Sự kiện A (đổi tên)' }) }),
      invalid: JSON.stringify({ startsAt: 'không phải ngày' }),
    },
    'DELETE /api/events/:id': { id: 'eventToDelete' },
    'POST /api/campaigns': {
      valid: () => ({
        body: JSON.stringify({ title: 'Báo cáo mới', deadline: future(9), units: 'all' }),
      }),
      invalid: JSON.stringify({ title: 'x', deadline: 'hôm qua', units: 'all', chaseEvery: 'P1M' }),
    },
    'POST /api/campaigns/:id/extensions': {
      valid: () => ({ body: JSON.stringify({ unit: 'A', until: future(20) }) }),
      invalid: JSON.stringify({ unit: 'A', until: 'sau' }),
    },
    'POST /api/campaigns/:id/excuse': {
      valid: () => ({ body: JSON.stringify({ unit: 'B', note: 'Đã báo miệng' }) }),
      invalid: JSON.stringify({ note: 3 }),
    },
    'DELETE /api/campaigns/:id': { id: 'campaignToDelete' },
    'PUT /api/calendar': {
      valid: () => ({
        body: JSON.stringify({
          holidays: [{ date: '2026-02-16', note: 'Tết' }],
          workdays: ['2026-02-28'],
        }),
      }),
      invalid: JSON.stringify({ holidays: [{ date: '16/2/2026' }] }),
    },
    'POST /api/broadcasts': {
      valid: () => ({ body: JSON.stringify({ text: 'Thông báo mới', units: 'all' }) }),
      invalid: JSON.stringify({ text: '' }),
    },
    'POST /api/broadcasts/:id/resend': { valid: () => ({ body: '{}' }) },
    'POST /api/units/:code/expand': {
      valid: () => ({
        body: JSON.stringify({ communes: 'UBND huyện Tân Phú: xã Tân Hòa, xã Tân Thành' }),
      }),
      invalid: JSON.stringify({ communes: [{ parent: '', communes: [] }] }),
      id: 'unitCode',
    },
    'POST /api/units/rotate-code': {
      valid: () => ({ body: JSON.stringify({ code: 'A' }) }),
      invalid: JSON.stringify({ code: 3 }),
    },
    'POST /api/organizer-code/rotate': { valid: () => ({ body: '{}' }) },
    'POST /api/chats/unlink': {
      valid: () => ({ body: JSON.stringify({ platform: 'telegram', chatId: '-100777' }) }),
      invalid: JSON.stringify({ platform: 'icq', chatId: '' }),
    },
    'POST /api/plans': {
      valid: () => ({
        body: JSON.stringify({ text: 'KẾ HOẠCH\nThử\nI. NHIỆM VỤ\n1. A\n- Chủ trì: Sở Y tế.' }),
      }),
      invalid: JSON.stringify({ text: 3 }),
    },
    'PATCH /api/plans/:id': {
      valid: () => ({ body: JSON.stringify({ tasks: { t1: { title: 'Rà soát (sửa)' } } }) }),
      invalid: JSON.stringify({ tasks: { t1: { due: 'mai' } } }),
    },
    'POST /api/plans/:id/apply': { valid: () => ({ body: '{}' }) },
  };
  const idFor = (route: string) => {
    if (route.includes(':code')) return 'X';
    const key =
      BODIES[route]?.id ??
      (route.includes('/events/')
        ? 'event'
        : route.includes('/campaigns/')
          ? 'campaign'
          : route.includes('/plans/')
            ? 'plan'
            : route.includes('/tasks/')
              ? 'task'
              : 'broadcast');
    return ids[key]!;
  };

  function routes(): Array<{ method: string; path: string }> {
    const seen = new Set<string>();
    const out: Array<{ method: string; path: string }> = [];
    for (const r of app.routes) {
      if (!r.path.startsWith('/api/') || r.method === 'ALL' || r.path.includes('*')) continue;
      const key = `${r.method} ${r.path}`;
      if (!seen.has(key)) out.push({ method: r.method, path: r.path });
      seen.add(key);
    }
    // DELETEs last: they cancel what the others use.
    return out.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
  }

  const call = (
    method: string,
    path: string,
    auth: string | null,
    body?: { type?: string; body: string },
  ) =>
    app.request(path, {
      method,
      headers: {
        ...(auth !== null ? { authorization: auth } : {}),
        ...(body ? { 'content-type': body.type ?? 'application/json' } : {}),
      },
      body: body?.body,
    });

  it('knows every route (a new route must be added to the table)', () => {
    const list = routes().map((r) => `${r.method} ${r.path}`);
    expect(list.length).toBeGreaterThanOrEqual(20);
    for (const r of list.filter((x) => /^(POST|PUT|PATCH)/.test(x)))
      expect(BODIES[r]?.valid, `no body for ${r}`).toBeDefined();
  });

  it('no token and wrong tokens: 401 with a Vietnamese message, nothing changed', async () => {
    const before = await digest(db.db);
    const WRONG = [
      null,
      '',
      'Bearer',
      'Bearer ',
      'Bearer sai-ma-truy-cap',
      `Bearer ${ADMIN_TOKEN}x`,
      `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
      ADMIN_TOKEN,
      `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
      `Token ${ADMIN_TOKEN}`,
    ];
    let n = 0;
    for (const r of routes()) {
      const path = r.path.replace(/:(\w+)/g, () => String(idFor(`${r.method} ${r.path}`)));
      for (const auth of WRONG) {
        const spec = BODIES[`${r.method} ${r.path}`];
        const res = await call(r.method, path, auth, spec?.valid?.());
        expect(
          res.status,
          `${r.method} ${path} with ${auth === null ? 'no header' : JSON.stringify(auth.slice(0, 12))}`,
        ).toBe(401);
        const body = (await res.json()) as { error: { message: string } };
        expect(body.error.message).toMatch(VIETNAMESE);
        n++;
      }
    }
    expect(await digest(db.db)).toBe(before);
    console.log(JSON.stringify({ test: 'authz/api unauthorized', requests: n }));
  });

  it('right token: invalid bodies → 400 with a Vietnamese message; valid requests → 2xx', async () => {
    const statuses: Record<string, number> = {};
    for (const r of routes()) {
      const route = `${r.method} ${r.path}`;
      const path = r.path.replace(/:(\w+)/g, () => String(idFor(route)));
      const spec = BODIES[route];
      if (spec?.invalid) {
        const before = await digest(db.db);
        const bad = await call(r.method, path, `Bearer ${ADMIN_TOKEN}`, { body: spec.invalid });
        expect(bad.status, `${route} invalid body`).toBe(400);
        expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
          VIETNAMESE,
        );
        expect(await digest(db.db), `${route} invalid body changed something`).toBe(before);
        const notJson = await call(r.method, path, `Bearer ${ADMIN_TOKEN}`, {
          body: '{không phải json',
        });
        expect(notJson.status, `${route} broken JSON`).toBe(400);
      }
      const res = await call(r.method, path, `Bearer ${ADMIN_TOKEN}`, spec?.valid?.());
      statuses[route] = res.status;
      expect(
        res.status,
        `${route}: ${res.status} ${await res.clone().text()}`,
      ).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
    }
    // Ids that are not ids: 400; ids that do not exist: 404 (a 2xx is noted), never 5xx.
    const okOnUnknown: string[] = [];
    for (const r of routes().filter((x) => x.path.includes(':'))) {
      const route = `${r.method} ${r.path}`;
      for (const id of ['abc', '-1', '0', '1.5', '99999999999']) {
        const res = await call(
          r.method,
          r.path.replace(/:(\w+)/g, id),
          `Bearer ${ADMIN_TOKEN}`,
          BODIES[route]?.valid?.(),
        );
        // A unit code is any short text: an unknown one is 404, not a malformed id.
        expect(res.status, `${route} with id ${id}`).toBe(r.path.includes(':code') ? 404 : 400);
      }
      const res = await call(
        r.method,
        r.path.replace(/:(\w+)/g, '999999'),
        `Bearer ${ADMIN_TOKEN}`,
        BODIES[route]?.valid?.(),
      );
      expect(res.status, `${route} with an unknown id`).toBeLessThan(500);
      if (res.status !== 404) okOnUnknown.push(`${route} → ${res.status}`);
    }
    console.log(
      JSON.stringify({ test: 'authz/api authorized', statuses, notFoundAnswered2xx: okOnUnknown }),
    );
  });
});

// ===================================================================== secrets in logs

/** A logger configured exactly as in production (createLogger) whose output goes to memory. */
function memoryLogger(): { log: Logger; text: () => string } {
  const chunks: string[] = [];
  const log = createLogger('debug');
  (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = {
    write: (s: string) => void chunks.push(s),
  };
  return { log, text: () => chunks.join('') };
}

describe('secrets never reach the logs', () => {
  let h: Harness;
  const mem = memoryLogger();

  beforeAll(async () => {
    h = await startTelegramHarness({ service: { log: mem.log } });
  });
  afterAll(() => h.close());

  it('bot token, webhook secret, admin token and join codes are absent from debug logs of a flow with failures', async () => {
    const res = await h.api('PUT', '/units', [
      { code: 'S1', name: 'Sở Y tế' },
      { code: 'S2', name: 'Sở Tư pháp' },
    ]);
    const units = (await res.json()) as Array<{ code: string; joinCode: string }>;
    const orgCode = ((await (await h.api('GET', '/organizer-code')).json()) as { joinCode: string })
      .joinCode;
    const user = h.tg.user({ first_name: 'Lan' });
    const org = h.tg.group({ title: 'Ban tổ chức' });
    const g1 = h.tg.group({ title: 'Sở Y tế' });
    const g2 = h.tg.group({ title: 'Nhóm lỗi' });
    await h.post(h.tg.command(org, user, '/lienket', orgCode));
    await h.post(h.tg.command(g1, user, '/lienket', units[0]!.joinCode));
    await h.post(h.tg.text(g1, user, `/start ${units[1]!.joinCode}`));
    await h.post(h.tg.command(g1, user, '/lienket', units[0]!.joinCode), 'sai-bi-mat');
    // Failures that log errors: a turn that cannot be stored (NUL in the title) carrying a code,
    // updates the adapter cannot read, a failed delivery, a wrong token on the API.
    await h.post({
      ...h.tg.command({ ...g2, title: 'Nhóm\u0000lỗi' }, user, '/lienket', units[1]!.joinCode),
    });
    await h.post({
      update_id: 990_000_001,
      message: { message_id: 1, date: 1, text: `/lienket ${units[1]!.joinCode}`, chat: null },
    } as never);
    h.fake.failNext('sendMessage', 2, 400, { description: 'Bad Request: message text is empty' });
    await h.post(h.tg.command(org, user, '/thongbao', `Mã của Sở Y tế là ${units[0]!.joinCode}`));
    await fetch(`${h.service.url}/api/units`, { headers: { authorization: 'Bearer sai' } });
    await h.settle();

    // Telegram unreachable: a second instance starts against a dead Bot API and gets a webhook.
    const dead = new FakeTelegramApi({ token: TOKEN });
    await dead.start();
    const deadUrl = dead.url;
    await dead.stop();
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const second = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: await mkdtemp(join(tmpdir(), 'dieu-phoi-secrets-')),
        ADMIN_TOKEN: ADMIN,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: deadUrl,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        PUBLIC_URL: 'http://127.0.0.1:9',
        INSTANCE_ID: 'secrets-b',
      }),
      { db: h.db, log: mem.log, scheduler: false },
    );
    try {
      await fetch(`${second.url}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
        body: JSON.stringify(h.tg.command(g1, user, '/lienket', units[0]!.joinCode)),
      });
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await second.stop();
    }

    const logs = mem.text();
    const lines = logs.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(3);
    expect(logs).toMatch(/"level":(40|50)/); // the failures above were logged
    const secrets: Record<string, string> = {
      botToken: TOKEN,
      botTokenSecretPart: TOKEN.split(':')[1]!,
      webhookSecret: SECRET,
      adminToken: ADMIN,
      organizerJoinCode: orgCode,
      ...Object.fromEntries(units.map((u) => [`joinCode ${u.code}`, u.joinCode])),
    };
    const leaked = Object.entries(secrets)
      .filter(([, v]) => logs.includes(v))
      .map(([k]) => ({
        secret: k,
        line: lines.find((l) => l.includes(secrets[k]!))!.slice(0, 400),
      }));
    console.log(
      JSON.stringify({
        test: 'authz/secrets',
        logLines: lines.length,
        leaked: leaked.map((l) => l.secret),
      }),
    );
    if (process.env.TEST_DUMP_LOGS) console.log(logs);
    expect(leaked).toEqual([]);
  }, 60_000);
});
