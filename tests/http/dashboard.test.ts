/**
 * Dashboard auth without a browser (app.request): the login page, one-time links (single use,
 * 10 minutes), session cookie flags and expiry, CSRF refusals; the /dashboard chat command;
 * the chat simulator's routes through the real core and outbox.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createSandboxAdapter, type SandboxAdapter } from '../../bots/sandbox/index';
import { dashboardCommands } from '../../src/core/dashboard-link';
import type { InboundMessage } from '../../src/core/channel';
import { Turn } from '../../src/core/inbound/turn';
import { consumeLoginToken } from '../../src/core/login-tokens';
import { OutboxWorker } from '../../src/core/outbox/worker';
import { upsertUnits } from '../../src/core/units/repo';
import { linkSandboxGroups, type SandboxGroup } from '../../src/demo/load-demo';
import { createHttpApp } from '../../src/http/app';
import { createLoginLink } from '../../src/http/dashboard/auth';
import { mountDashboard } from '../../src/http/dashboard/routes';
import { chartSeries } from '../../src/http/dashboard/pages/reports';
import { mountSandbox } from '../../src/http/sandbox/routes';
import { createSink } from '../../src/core/inbound/sink';
import { testContext, TestClock } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';

const ADMIN = 'test-admin-token-0123456789';
let db: TestDb;
let clock: TestClock;
let ctx: ReturnType<typeof testContext>;
let app: Hono;

/** Cookies as a browser keeps them: name → value, updated from every Set-Cookie. */
class Jar {
  readonly cookies = new Map<string, string>();
  take(res: Response): string[] {
    const set = res.headers.getSetCookie();
    for (const line of set) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return set;
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function get(
  jar: Jar,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  const res = await app.request(path, { headers: { cookie: jar.header(), ...headers } });
  jar.take(res);
  return res;
}

async function post(
  jar: Jar,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const res = await app.request(path, {
    method: 'POST',
    headers: {
      cookie: jar.header(),
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
  jar.take(res);
  return res;
}

const csrfIn = (html: string) => /name="_csrf" value="([a-z2-9]+)"/.exec(html)?.[1] ?? null;
const codeOf = (link: string) => link.split('/login/')[1]!;

/** Logs in with the admin token; returns the jar and the session's CSRF token. */
async function login(): Promise<{ jar: Jar; csrf: string }> {
  const jar = new Jar();
  const page = await get(jar, '/');
  const res = await post(jar, '/login', { _csrf: csrfIn(await page.text())!, token: ADMIN });
  expect(res.status).toBe(303);
  const units = await get(jar, '/units');
  expect(units.status).toBe(200);
  return { jar, csrf: csrfIn(await units.text())! };
}

beforeAll(async () => {
  db = await openTestDb();
  clock = new TestClock(new Date('2024-09-16T01:00:00Z'));
  ctx = testContext(db, clock);
  app = createHttpApp({
    ctx,
    adminToken: ADMIN,
    mount: (root) => mountDashboard(root, ctx, { adminToken: ADMIN }),
  });
});
afterAll(() => db.close());
beforeEach(() => clock.set('2024-09-16T01:00:00Z'));

describe('login page', () => {
  it('GET / shows the Vietnamese login form when not logged in, with a CSRF field and no outside resources', async () => {
    const jar = new Jar();
    const res = await get(jar, '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html><html lang="vi">/);
    expect(html).toContain('Đăng nhập trang quản trị');
    expect(html).toMatch(/<label for="token">/);
    expect(csrfIn(html)).toBe(jar.cookies.get('dp_csrf'));
    expect(html).not.toMatch(/(?:src|href)="https?:\/\//);
  });

  it('refuses a wrong admin token (401) and a form without the CSRF token (403)', async () => {
    const jar = new Jar();
    const csrf = csrfIn(await (await get(jar, '/')).text())!;
    const wrong = await post(jar, '/login', { _csrf: csrf, token: 'not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Mã quản trị không đúng');
    const noCsrf = await post(jar, '/login', { token: ADMIN });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.text()).toContain('CSRF');
    expect(jar.cookies.has('dp_session')).toBe(false);
  });

  it('logs in with the admin token: session cookie HttpOnly, SameSite=Lax, Path=/, not Secure on plain http', async () => {
    const jar = new Jar();
    const csrf = csrfIn(await (await get(jar, '/')).text())!;
    const res = await app.request('/login', {
      method: 'POST',
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token: ADMIN, next: '/units' }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/units');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('dp_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);
    // Only the hash of the session id is stored.
    const id = /dp_session=([^;]+)/.exec(cookie)![1]!;
    const rows = await db.db.selectFrom('sessions').select('id_hash').execute();
    expect(rows.some((r) => r.id_hash === id)).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('believes no X-Forwarded-Proto for the cookie (Secure comes from PUBLIC_URL) and never redirects to another host', async () => {
    const jar = new Jar();
    const csrf = csrfIn(await (await get(jar, '/', { 'x-forwarded-proto': 'https' })).text())!;
    const res = await post(
      jar,
      '/login',
      { _csrf: csrf, token: ADMIN, next: '//evil.example/x' },
      { 'x-forwarded-proto': 'https' },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('dp_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
  });

  it('sends a visitor who is not logged in back to the login page, remembering where they were going', async () => {
    const res = await get(new Jar(), '/events');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?next=%2Fevents');
    const json = await get(new Jar(), '/broadcasts/1/status.json');
    expect(json.status).toBe(401);
  });
});

describe('one-time login links', () => {
  it('work once: the page submits a form, the form logs in, a second use is refused', async () => {
    const link = await createLoginLink(
      db.db,
      'http://localhost:3000',
      'Nguyễn Lan (sandbox:u-lan)',
      clock.now(),
    );
    expect(link).toMatch(/^http:\/\/localhost:3000\/login\/[a-z2-9]{32}$/);
    const path = new URL(link).pathname;
    const jar = new Jar();
    // Opening the link (as a link preview would) does not use it.
    const page = await get(jar, path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-autosubmit');
    expect((await get(new Jar(), path)).status).toBe(200);
    const used = await post(jar, path, { _csrf: csrfIn(html)! });
    expect(used.status).toBe(303);
    expect(jar.cookies.has('dp_session')).toBe(true);
    expect((await get(jar, '/units')).status).toBe(200);

    const again = new Jar();
    const second = await get(again, path);
    expect(second.status).toBe(410);
    expect(await second.text()).toContain('đã được dùng');
    const secondPost = await post(again, path, { _csrf: again.cookies.get('dp_csrf') ?? 'x' });
    expect([403, 410]).toContain(secondPost.status);
    expect(again.cookies.has('dp_session')).toBe(false);
  });

  it('expire after 10 minutes', async () => {
    const link = await createLoginLink(db.db, 'http://localhost', 'Lan', clock.now());
    const path = new URL(link).pathname;
    const jar = new Jar();
    const csrf = csrfIn(await (await get(jar, path)).text())!;
    clock.advance(10 * 60_000 + 1);
    const res = await post(jar, path, { _csrf: csrf });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain('hết hạn');
    expect(jar.cookies.has('dp_session')).toBe(false);
    expect((await get(new Jar(), path)).status).toBe(410);
  });

  it('are stored as hashes, and one code cannot be used twice even by racing requests', async () => {
    const link = await createLoginLink(db.db, 'http://localhost', 'Lan', clock.now());
    const code = codeOf(link);
    const stored = await db.db.selectFrom('login_tokens').select('token_hash').execute();
    expect(stored.some((r) => r.token_hash === code)).toBe(false);
    const results = await Promise.all(
      [1, 2, 3].map(() => consumeLoginToken(db.db, code, clock.now())),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuse a made-up or malformed code with 404', async () => {
    expect((await get(new Jar(), '/login/abcdefghjkmnpqrstuvwxyz234567892')).status).toBe(404);
    expect((await get(new Jar(), `/login/${encodeURIComponent('<script>')}`)).status).toBe(404);
  });

  it('a POST without the pre-login CSRF cookie is refused with 403 and does not use the code', async () => {
    const link = await createLoginLink(db.db, 'http://localhost', 'Lan', clock.now());
    const path = new URL(link).pathname;
    const res = await post(new Jar(), path, { _csrf: 'abcdefghjkmnpqrstuvwxyz234567892' });
    expect(res.status).toBe(403);
    expect((await get(new Jar(), path)).status).toBe(200);
  });
});

describe('sessions and CSRF', () => {
  it('a logged-in POST without or with a wrong CSRF token gets the Vietnamese 403 page and changes nothing', async () => {
    const { jar, csrf } = await login();
    const before = await db.db
      .selectFrom('units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const appendix = 'CÁC SỞ, BAN, NGÀNH TỈNH\n10\tSở Y tế';
    const attempts: Array<Record<string, string>> = [
      { appendix },
      { appendix, _csrf: 'wrong' },
      // One character off (a token that already ends in "x" gets a "y").
      { appendix, _csrf: `${csrf.slice(0, -1)}${csrf.endsWith('x') ? 'y' : 'x'}` },
    ];
    for (const fields of attempts) {
      const res = await post(jar, '/units/import', fields);
      expect(res.status).toBe(403);
      const html = await res.text();
      expect(html).toContain('Yêu cầu bị từ chối');
      expect(html).toContain('lang="vi"');
    }
    const after = await db.db
      .selectFrom('units')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    const ok = await post(jar, '/units/import', { appendix, _csrf: csrf });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/units?ok=imported&n=1');
  });

  it('a POST with no session at all is refused (403), not processed', async () => {
    const res = await post(new Jar(), '/broadcasts/preview', { text: 'x', _csrf: 'y' });
    expect(res.status).toBe(403);
    expect(await db.db.selectFrom('broadcasts').selectAll().execute()).toHaveLength(0);
  });

  it('a session lasts 12 hours', async () => {
    const { jar } = await login();
    clock.advance(11 * 3600_000);
    expect((await get(jar, '/units')).status).toBe(200);
    clock.advance(3600_000 + 1000);
    expect((await get(jar, '/units')).status).toBe(303);
  });

  it('logout ends the session (with CSRF)', async () => {
    const { jar, csrf } = await login();
    expect((await post(jar, '/logout', {})).status).toBe(403);
    const res = await post(jar, '/logout', { _csrf: csrf });
    expect(res.status).toBe(303);
    expect(jar.cookies.has('dp_session')).toBe(false);
    expect(
      (await app.request('/units', { headers: { cookie: `dp_session=${'a'.repeat(32)}` } })).status,
    ).toBe(303);
  });

  it('serves the CSS and JS with cache headers', async () => {
    const page = await (await get(new Jar(), '/')).text();
    const css = /href="(\/assets\/app\.css\?v=[0-9a-f]+)"/.exec(page)![1]!;
    const res = await app.request(css);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=31536000/);
    const js = await app.request('/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/max-age=/);
    expect(
      (
        await app.request('/assets/app.js', {
          headers: { 'if-none-match': js.headers.get('etag')! },
        })
      ).status,
    ).toBe(304);
  });
});

describe('dashboard pages', () => {
  it('units: link status per platform, join code, QR on the detail page; events: create, table by category, downloads', async () => {
    const { jar, csrf } = await login();
    const appendix = [
      'CÁC SỞ, BAN, NGÀNH TỈNH',
      '10\tSở Y tế\t11\tSở Thông tin và Truyền thông',
      'CƠ QUAN BÁO CHÍ, TRUYỀN THÔNG',
      '84\tBáo Đồng Tháp',
    ].join('\n');
    expect((await post(jar, '/units/import', { appendix, _csrf: csrf })).status).toBe(303);
    await linkSandboxGroups(ctx, [
      { id: 'sandbox:so-y-te', title: 'Sở Y tế', role: 'unit', unitCode: '010' },
    ]);
    const units = await (await get(jar, '/units?ok=imported&n=3')).text();
    expect(units).toContain('Đã nhập 3 đơn vị');
    expect(units).toContain('Báo Đồng Tháp');
    expect(units).toContain('đã liên kết, đang hoạt động');
    const detail = await get(jar, '/units/010');
    const html = await detail.text();
    expect(html).toContain('<svg role="img"');
    expect(html).toMatch(/\/lienket [a-z2-9]{16}/);

    const created = await post(jar, '/events', {
      _csrf: csrf,
      title: 'Hội nghị thử',
      start: '2024-09-27T07:30',
      deadline: '2024-09-24T17:00',
      venue: 'Hội trường',
      unitsMode: 'all',
      agenda:
        "Sáng\t7h30' - 8h00'\tĐón tiếp đại biểu\tBan tổ chức\n\t8h00' - 9h00'\tKhai mạc\tLãnh đạo UBND Tỉnh",
    });
    expect(created.status).toBe(303);
    const eventPath = created.headers.get('location')!.split('?')[0]!;
    const page = await (await get(jar, eventPath)).text();
    expect(page).toContain('Hội nghị thử');
    expect(page).toContain('CÁC SỞ, BAN, NGÀNH TỈNH');
    expect(page).toMatch(/id="unit-010" data-status="pending"/);
    expect(page).toContain('Chưa trả lời');
    expect(page).toContain('Khai mạc');
    const xlsx = await get(jar, `${eventPath}/registrations.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toMatch(/spreadsheetml/);
    const csv = await get(jar, `${eventPath}/registrations.csv`);
    expect(await csv.text()).toContain('Sở Y tế');
    expect((await get(new Jar(), `${eventPath}/registrations.xlsx`)).status).toBe(303);
    // The invitation went to the linked simulated group.
    const invites = await db.db
      .selectFrom('outbox')
      .select('chat_external_id')
      .where('purpose', '=', 'invite')
      .execute();
    expect(invites.map((r) => r.chat_external_id)).toContain('sandbox:so-y-te');
    // Edit: a new venue is announced to the invited units; cancel tells them too.
    const edited = await post(jar, `${eventPath}/edit`, {
      _csrf: csrf,
      start: '2024-09-27T07:30',
      end: '2024-09-27T09:00',
      deadline: '2024-09-24T17:00',
      venue: 'Hội trường B',
    });
    expect(edited.status).toBe(303);
    expect(edited.headers.get('location')).toMatch(/ok=updated$/);
    const notices = await db.db
      .selectFrom('outbox')
      .select('payload')
      .where('purpose', '=', 'notice')
      .where('chat_external_id', '=', 'sandbox:so-y-te')
      .execute();
    expect(notices.some((n) => (n.payload as { text: string }).text.includes('Hội trường B'))).toBe(
      true,
    );
    const same = await post(jar, `${eventPath}/edit`, {
      _csrf: csrf,
      start: '2024-09-27T07:30',
      end: '2024-09-27T09:00',
      deadline: '2024-09-24T17:00',
      venue: 'Hội trường B',
    });
    expect(same.headers.get('location')).toMatch(/ok=unchanged$/);
    expect(
      (await post(jar, `${eventPath}/cancel`, { _csrf: csrf })).headers.get('location'),
    ).toMatch(/ok=cancelled$/);
    const cancelledPage = await (await get(jar, eventPath)).text();
    expect(cancelledPage).toContain('Sự kiện đã bị hủy.');
    expect(cancelledPage).not.toContain(`action="${eventPath}/edit"`);
    // An invalid form comes back with the message and the values kept.
    const bad = await post(jar, '/events', {
      _csrf: csrf,
      title: 'Sai',
      start: '2024-09-27T07:30',
      deadline: '2024-09-28T17:00',
      unitsMode: 'all',
    });
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('Hạn đăng ký (registrationDeadline) phải trước thời gian bắt đầu');
    expect(badHtml).toContain('value="Sai"');
  });

  it('reports: create with "trước ngày", status per unit, chart, extension and excuse', async () => {
    const { jar, csrf } = await login();
    const res = await post(jar, '/reports', {
      _csrf: csrf,
      title: 'Báo cáo kết quả thực hiện Kế hoạch',
      deadline: '2024-11-10',
      recurrence: 'none',
      unitsMode: 'codes',
      codes: '010, 011',
    });
    expect(res.status).toBe(303);
    const path = res.headers.get('location')!.split('?')[0]!;
    const html = await (await get(jar, path)).text();
    expect(html).toContain('23h59 Thứ Bảy, 9/11/2024');
    expect(html).toMatch(/<svg viewBox="0 0 720 260" role="img"/);
    expect(html).toMatch(/id="unit-010" data-status="pending"/);
    expect(
      (await post(jar, `${path}/extend`, { _csrf: csrf, unit: '010', until: '2024-11-20' })).status,
    ).toBe(303);
    expect((await post(jar, `${path}/excuse`, { _csrf: csrf, unit: '011' })).status).toBe(303);
    const after = await (await get(jar, path)).text();
    expect(after).toContain('gia hạn đến 23h59 Thứ Tư, 20/11/2024');
    expect(after).toMatch(/id="unit-011" data-status="excused"/);
  });

  it('chart series: cumulative per local day, stops at today, marks the deadline', () => {
    const s = chartSeries({
      createdAt: new Date('2024-11-01T02:00:00Z'),
      deadline: new Date('2024-11-09T17:00:00Z'), // 00:00 of 10/11 in Vietnam
      submissions: [
        new Date('2024-11-02T03:00:00Z'),
        new Date('2024-11-02T09:00:00Z'),
        new Date('2024-11-04T20:00:00Z'),
      ],
      total: 5,
      now: new Date('2024-11-05T03:00:00Z'),
      tz: 'Asia/Ho_Chi_Minh',
    });
    expect(s.days[0]).toBe('2024-11-01');
    expect(s.days[s.days.length - 1]).toBe('2024-11-09');
    // 2024-11-04T20:00Z is 3h on 5/11 in Vietnam: counted on the 5th, which is today.
    expect(s.values.slice(0, 5)).toEqual([0, 2, 2, 2, 3]);
    expect(s.values[5]).toBeNull();
    expect(s.days[s.deadlineIndex!]).toBe('2024-11-09');
  });
});

describe('/dashboard chat command', () => {
  let personId: number;
  let orgChat: number;
  let unitChatId: number;

  async function person(
    external: string,
    name: string,
    privateChat: string | null,
  ): Promise<number> {
    const row = await db.db
      .insertInto('people')
      .values({
        platform: 'telegram',
        external_id: external,
        display_name: name,
        private_chat_id: privateChat,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
  async function chat(
    external: string,
    role: 'organizer' | 'unit' | null,
    unitId: number | null = null,
  ): Promise<number> {
    const row = await db.db
      .insertInto('chats')
      .values({
        platform: 'telegram',
        external_id: external,
        title: external,
        role,
        unit_id: unitId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }
  async function run(
    chatId: number,
    type: 'group' | 'private',
    who: number,
    senderId: string,
  ): Promise<Array<{ chat: string; text: string }>> {
    return db.db.transaction().execute(async (trx) => {
      const c = await trx
        .selectFrom('chats')
        .selectAll()
        .where('id', '=', chatId)
        .executeTakeFirstOrThrow();
      const msg: InboundMessage = {
        platform: 'telegram',
        updateKey: `k${Math.random()}`,
        chat: { id: c.external_id, type },
        sender: { id: senderId, name: 'Nguyễn Lan' },
        text: '/dashboard',
      };
      const before = await trx
        .selectFrom('outbox')
        .select((eb) => eb.fn.max('id').as('m'))
        .executeTakeFirstOrThrow();
      await dashboardCommands.dashboard!.run(
        new Turn(ctx, trx, msg, c, null, who, 'dieuphoi_bot'),
        '',
      );
      const rows = await trx
        .selectFrom('outbox')
        .select(['chat_external_id', 'payload'])
        .where('id', '>', Number(before.m ?? 0))
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        chat: r.chat_external_id,
        text: (r.payload as { text: string }).text,
      }));
    });
  }

  beforeAll(async () => {
    personId = await person('u-lan', 'Nguyễn Lan', 'sandbox:dm-lan');
    orgChat = await chat('sandbox:org-cmd', 'organizer');
    await chat('sandbox:dm-lan', null);
    await upsertUnits(db.db, [{ code: 'X1', name: 'Đơn vị thử' }]);
    const unit = await db.db
      .selectFrom('units')
      .select('id')
      .where('code', '=', 'X1')
      .executeTakeFirstOrThrow();
    unitChatId = await chat('sandbox:unit-cmd', 'unit', unit.id);
  });

  it('in a private chat, refuses someone never seen in an organizer group', async () => {
    const dm = await db.db
      .selectFrom('chats')
      .select('id')
      .where('external_id', '=', 'sandbox:dm-lan')
      .executeTakeFirstOrThrow();
    const out = await run(dm.id, 'private', personId, 'u-lan');
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('chỉ dành cho thành viên nhóm Ban tổ chức');
  });

  it('in a private chat, gives an organizer a working one-time link', async () => {
    await db.db
      .insertInto('chat_members')
      .values({ chat_id: orgChat, person_id: personId })
      .execute();
    const dm = await db.db
      .selectFrom('chats')
      .select('id')
      .where('external_id', '=', 'sandbox:dm-lan')
      .executeTakeFirstOrThrow();
    const out = await run(dm.id, 'private', personId, 'u-lan');
    expect(out[0]!.chat).toBe('sandbox:dm-lan');
    const url = /(http:\/\/localhost:\d+\/login\/[a-z2-9]{32})/.exec(out[0]!.text)![1]!;
    expect(out[0]!.text).toContain('10 phút');
    expect(await consumeLoginToken(db.db, codeOf(url), clock.now())).toEqual({
      label: 'Nguyễn Lan (telegram:u-lan)',
    });
    expect(await consumeLoginToken(db.db, codeOf(url), clock.now())).toBeNull();
  });

  it('in the organizer group, sends the link privately and says so in the group', async () => {
    const out = await run(orgChat, 'group', personId, 'u-lan');
    expect(out.map((o) => o.chat).sort()).toEqual(['sandbox:dm-lan', 'sandbox:org-cmd']);
    expect(out.find((o) => o.chat === 'sandbox:org-cmd')!.text).toContain('tin nhắn riêng');
    expect(out.find((o) => o.chat === 'sandbox:org-cmd')!.text).not.toMatch(/\/login\//);
    expect(out.find((o) => o.chat === 'sandbox:dm-lan')!.text).toMatch(/\/login\/[a-z2-9]{32}/);
  });

  it('in the organizer group, asks someone the bot cannot reach privately to write to it first', async () => {
    const other = await person('u-binh', 'Lê Bình', null);
    const out = await run(orgChat, 'group', other, 'u-binh');
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('@dieuphoi_bot');
  });

  it('elsewhere, refuses politely', async () => {
    const out = await run(unitChatId, 'group', personId, 'u-lan');
    expect(out).toHaveLength(1);
    expect(out[0]!.text).toContain('chỉ dùng trong tin nhắn riêng');
  });
});

describe('chat simulator routes', () => {
  let sapp: Hono;
  let sandbox: SandboxAdapter;
  let worker: OutboxWorker;
  const groups: SandboxGroup[] = [
    { id: 'sandbox:ban-to-chuc-2', title: 'Ban tổ chức (mô phỏng)', role: 'organizer' },
    { id: 'sandbox:bao-dt', title: 'Báo Đồng Tháp', role: 'unit', unitCode: '084' },
  ];

  beforeAll(async () => {
    await linkSandboxGroups(ctx, groups);
    const real = { ...ctx, clock: () => new Date() };
    sandbox = createSandboxAdapter({
      sink: createSink(
        real,
        () => sandbox.botUsername(),
        () => worker?.poke(),
      ),
      perSecond: 0,
    });
    worker = new OutboxWorker(real, sandbox.sender, { instanceId: 'test-sandbox' });
    sapp = createHttpApp({
      ctx: real,
      adminToken: ADMIN,
      mount: (root) =>
        mountSandbox(root, real, { adapter: sandbox, groups, requireSession: false }),
    });
  });

  const sreq = async (jar: Jar, path: string, init: RequestInit = {}) => {
    const r = await sapp.request(path, {
      ...init,
      headers: { cookie: jar.header(), ...(init.headers as Record<string, string>) },
    });
    jar.take(r);
    return r;
  };

  it('shows the simulated groups; a message typed there goes through the core and the bot answers in the same group', async () => {
    const jar = new Jar();
    const page = await sreq(jar, '/sandbox');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Ban tổ chức (mô phỏng)');
    expect(html).toContain('Liên kết với: Báo Đồng Tháp');
    const csrf = csrfIn(html)!;
    const res = await sreq(jar, '/sandbox/chats/bao-dt/messages', {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        _csrf: csrf,
        name: 'Trần Văn Cường',
        text: '/huongdan',
      }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    await worker.drain(3000);
    const log = sandbox.store.messagesOf('sandbox:bao-dt');
    expect(log[0]).toMatchObject({ from: 'user', senderName: 'Trần Văn Cường', text: '/huongdan' });
    expect(log[1]).toMatchObject({ from: 'bot', replyToMessageId: log[0]!.id });
    expect(log[1]!.text).toContain('Báo Đồng Tháp');
    const updates = (await (await sreq(jar, '/sandbox/updates.json?v=0')).json()) as {
      version: number;
      messages: Array<{ chatKey: string; html: string }>;
    };
    expect(updates.messages.filter((m) => m.chatKey === 'bao-dt')).toHaveLength(2);
    expect(updates.messages.at(-1)!.html).toContain('data-reply=');
    const none = (await (await sreq(jar, `/sandbox/updates.json?v=${updates.version}`)).json()) as {
      messages: unknown[];
    };
    expect(none.messages).toEqual([]);
  });

  it('refuses a post without the CSRF token', async () => {
    const res = await sreq(new Jar(), '/sandbox/chats/bao-dt/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'A', text: 'x' }).toString(),
    });
    expect(res.status).toBe(403);
  });

  it('simulated delivery failures show up as failed rows with a reason', async () => {
    sandbox.store.setFailing('sandbox:bao-dt', true);
    const result = await sandbox.sender.send('sandbox:bao-dt', { text: 'x' });
    expect(result).toMatchObject({ ok: false, kind: 'permanent' });
    sandbox.store.setFailing('sandbox:bao-dt', false);
    expect(await sandbox.sender.send('sandbox:bao-dt', { text: 'y' })).toMatchObject({ ok: true });
  });

  it('behind the login when real platforms are configured too', async () => {
    const guarded = createHttpApp({
      ctx,
      adminToken: ADMIN,
      mount: (root) => mountSandbox(root, ctx, { adapter: sandbox, groups, requireSession: true }),
    });
    const res = await guarded.request('/sandbox');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?next=%2Fsandbox');
  });
});
