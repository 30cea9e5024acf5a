/**
 * The review page: paste a plan, see each item beside its source sentence, correct one, drop
 * one, apply; the task list in the classification; the export downloads behind the login.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createHttpApp } from '../../src/http/app';
import { mountDashboard } from '../../src/http/dashboard/routes';
import { openTestDb, type TestDb } from '../helpers/db';
import { TestClock, testContext } from '../helpers/context';

const ADMIN = 'test-admin-token-0123456789';
const SEED003 = readFileSync(new URL('../fixtures/seeds/003.txt', import.meta.url), 'utf8');
let db: TestDb;
let app: Hono;
let cookie = '';
let csrf = '';

const csrfIn = (html: string) => /name="_csrf" value="([a-z2-9]+)"/.exec(html)?.[1] ?? null;
const keep = (res: Response) => {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    if (pair)
      cookie = [
        ...cookie.split('; ').filter((c) => c && !c.startsWith(pair.split('=')[0]!)),
        pair,
      ].join('; ');
  }
  return res;
};
const get = async (path: string) => keep(await app.request(path, { headers: { cookie } }));
const post = async (path: string, fields: Record<string, string>) =>
  keep(
    await app.request(path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    }),
  );

beforeAll(async () => {
  db = await openTestDb();
  const ctx = testContext(db, new TestClock(new Date('2024-04-15T02:00:00Z')));
  app = createHttpApp({
    ctx,
    adminToken: ADMIN,
    mount: (root) => mountDashboard(root, ctx, { adminToken: ADMIN }),
  });
  const page = await get('/');
  csrf = csrfIn(await page.text())!;
  expect((await post('/login', { token: ADMIN })).status).toBe(303);
  csrf = csrfIn(await (await get('/plans')).text())!;
});
afterAll(() => db.close());

describe('the plans page', () => {
  let id: number;

  it('reads a pasted plan and shows each item beside the sentence it came from', async () => {
    const res = await post('/plans', { text: SEED003 });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    id = Number(/\/plans\/(\d+)/.exec(location)![1]);
    const html = await (await get(location)).text();
    expect(html).toContain(
      'Công tác thông tin đối ngoại và truyền thông chính sách thị xã Đức Phổ năm 2024',
    );
    expect(html).toContain('<blockquote class="quote"');
    expect(html).toContain('- Thời gian thực hiện: Quý II/2024.');
    expect(html).toContain('Cần xem lại');
    expect(html).toContain('name="lead"');
    // Not a page a visitor without a session can see.
    const anon = await app.request(location);
    expect(anon.status).toBe(303);
  });

  it('saves a corrected item and drops another', async () => {
    const save = await post(`/plans/${id}/items/t2`, {
      title: 'Chỉ đạo, hướng dẫn công tác TTĐN (sửa)',
      lead: 'Phòng Văn hóa và Thông tin\nVăn phòng HĐND và UBND thị xã',
      support: '',
      due: '2024-06-20',
      dueText: 'trước ngày 20/6/2024',
    });
    expect(save.status).toBe(303);
    const drop = await post(`/plans/${id}/items/t1/drop`, {});
    expect(drop.status).toBe(303);
    const api = await app.request(`/api/plans/${id}`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    const d = (await api.json()) as {
      tasks: Array<{ key: string; title: string; lead: string[]; due: string }>;
    };
    expect(d.tasks.some((t) => t.key === 't1')).toBe(false);
    const t2 = d.tasks.find((t) => t.key === 't2')!;
    expect(t2.title).toBe('Chỉ đạo, hướng dẫn công tác TTĐN (sửa)');
    expect(t2.lead).toEqual(['Phòng Văn hóa và Thông tin', 'Văn phòng HĐND và UBND thị xã']);
    expect(t2.due).toBe(new Date('2024-06-20T00:00:00+07:00').toISOString());
  });

  it('refuses a form without the CSRF token', async () => {
    const res = await app.request(`/plans/${id}/apply`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(res.status).toBe(403);
    expect(await db.db.selectFrom('tasks').select('id').execute()).toHaveLength(0);
  });

  it('applies, lists the tasks in the classification, and offers the exports', async () => {
    const res = await post(`/plans/${id}/apply`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/ok=applied&n=\d+/);
    const page = await (await get(`/plans/${id}`)).text();
    expect(page).toContain('Đã áp dụng');
    expect(page).toContain(`/exports/plans/${id}/status.xlsx`);
    const tasks = await (await get('/tasks')).text();
    expect(tasks).toContain('Thường xuyên (');
    expect(tasks).toContain('Chỉ đạo, hướng dẫn công tác TTĐN (sửa)');
    const overdue = await (await get('/tasks?status=in_progress')).text();
    expect(overdue).toContain('aria-current="page"');
    const xlsx = await get(`/exports/plans/${id}/status.xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const one = await db.db
      .selectFrom('tasks')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect((await get(`/tasks/${one.id}`)).status).toBe(200);
    expect((await get('/tasks/999999')).status).toBe(404);
  });
});
