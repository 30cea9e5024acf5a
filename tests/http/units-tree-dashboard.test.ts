/**
 * The units page as a tree (communes under their district, folded when many), the add/edit
 * form's parent select, the expand form, and the API's refusals shown word for word.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { listUnits, upsertUnits } from '../../src/core/units/repo';
import { createHttpApp } from '../../src/http/app';
import { mountDashboard } from '../../src/http/dashboard/routes';
import { testContext } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';

const ADMIN = 'test-admin-token-0123456789';
let db: TestDb;
let app: Hono;
let cookie = '';
let csrf = '';

function keep(res: Response): void {
  const jar = new Map(
    cookie ? cookie.split('; ').map((p) => p.split('=') as [string, string]) : [],
  );
  for (const line of res.headers.getSetCookie()) {
    const [name, value] = line.split(';')[0]!.split('=') as [string, string];
    jar.set(name.trim(), value.trim());
  }
  cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}
async function get(path: string): Promise<Response> {
  const res = await app.request(path, { headers: { cookie } });
  keep(res);
  return res;
}
async function post(path: string, fields: Record<string, string>): Promise<Response> {
  const res = await app.request(path, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  });
  keep(res);
  return res;
}
const api = (method: string, path: string, body: unknown) =>
  app.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
/** The page's text as a person reads it (entities decoded). */
const plain = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const csrfIn = (html: string) => /name="_csrf" value="([a-z2-9]+)"/.exec(html)![1]!;
async function parents(): Promise<Record<string, string | null>> {
  return Object.fromEntries((await listUnits(db.db)).map((u) => [u.code, u.parent]));
}

beforeAll(async () => {
  db = await openTestDb();
  const ctx = testContext(db);
  app = createHttpApp({
    ctx,
    adminToken: ADMIN,
    mount: (root) => mountDashboard(root, ctx, { adminToken: ADMIN }),
  });
  await upsertUnits(db.db, [
    { code: 'SYT', name: 'Sở Y tế', category: 'SỞ, NGÀNH' },
    { code: 'H1', name: 'UBND huyện Sơn Tịnh', category: 'UBND HUYỆN' },
    { code: 'H1-01', name: 'UBND xã Tịnh Hà', category: 'UBND CẤP XÃ', parent: 'H1' },
    { code: 'H1-02', name: 'UBND xã Tịnh Sơn', category: 'UBND CẤP XÃ', parent: 'H1' },
    { code: 'H2', name: 'UBND huyện Tư Nghĩa', category: 'UBND HUYỆN' },
    { code: 'XA', name: 'Chủ tịch UBND cấp xã', category: 'UBND CẤP XÃ' },
  ]);
  csrf = csrfIn(await (await get('/')).text());
  const login = await post('/login', { token: ADMIN });
  expect(login.status).toBe(303);
  csrf = csrfIn(await (await get('/units')).text());
});
afterAll(() => db.close());

describe('the units page shows the tree', () => {
  it('lists communes under their district, indented, with the children count', async () => {
    const html = plain(await (await get('/units')).text());
    const district = html.indexOf('>UBND huyện Sơn Tịnh</a>');
    const commune = html.indexOf('>UBND xã Tịnh Hà</a>');
    const next = html.indexOf('>UBND huyện Tư Nghĩa</a>');
    expect(district).toBeGreaterThan(0);
    // Under the district although their category is another one.
    expect(commune).toBeGreaterThan(district);
    expect(commune).toBeLessThan(next);
    expect(html).toMatch(/UBND huyện Sơn Tịnh<\/a>[^]*?2 đơn vị trực thuộc/);
    expect(html).toMatch(
      /class="tree tree-d1"><span aria-hidden="true">↳ <\/span><a href="\/units\/H1-01">/,
    );
    expect(html).toContain('(thuộc UBND huyện Sơn Tịnh)');
  });
});

describe('adding and editing units with a parent', () => {
  it('adds a unit under a district chosen in the select; a taken code is refused', async () => {
    const page = await (await get('/units')).text();
    expect(page).toMatch(
      /<select id="unit-add-parent" name="parent">[^]*<option value="H2">UBND huyện Tư Nghĩa \(H2\)<\/option>/,
    );
    const res = await post('/units/save', {
      mode: 'create',
      code: 'H2-01',
      name: 'UBND xã Nghĩa Lâm',
      category: 'UBND CẤP XÃ',
      parent: 'H2',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/units/H2-01?ok=unitSaved');
    expect((await parents())['H2-01']).toBe('H2');
    const detail = plain(await (await get('/units/H2-01?ok=unitSaved')).text());
    expect(detail).toContain('Đã lưu đơn vị.');
    expect(detail).toMatch(
      /Đơn vị cấp trên<\/dt><dd><a href="\/units\/H2">UBND huyện Tư Nghĩa<\/a>/,
    );

    const taken = await post('/units/save', { mode: 'create', code: 'H2', name: 'Trùng mã' });
    expect(taken.status).toBe(400);
    expect(plain(await taken.text())).toContain('Mã "H2" đã có.');
    expect((await listUnits(db.db, ['H2']))[0]!.name).toBe('UBND huyện Tư Nghĩa');
  });

  it('edits the parent; its own communes are not offered, and a forged loop gets the API message', async () => {
    const page = await (await get('/units/H1')).text();
    const select = /<select id="unit-edit-parent" name="parent">([^]*?)<\/select>/.exec(page)![1]!;
    expect(select).toContain('value="SYT"');
    expect(select).not.toContain('value="H1"');
    expect(select).not.toContain('value="H1-01"');
    // A district is not a row standing for many communes: no expand form on its page.
    expect(page).not.toContain('action="/units/H1/expand"');
    expect(await (await get('/units/XA')).text()).toContain('action="/units/XA/expand"');

    const loop = await post('/units/save', {
      code: 'H1',
      name: 'UBND huyện Sơn Tịnh',
      parent: 'H1-01',
    });
    expect(loop.status).toBe(400);
    const viaApi = await api('PUT', '/units', [
      { code: 'H1', name: 'UBND huyện Sơn Tịnh', parent: 'H1-01' },
    ]);
    expect(viaApi.status).toBe(400);
    const message = ((await viaApi.json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/vòng lặp/);
    expect(plain(await loop.text())).toContain(message);
    expect((await parents())['H1']).toBeNull();

    const moved = await post('/units/save', {
      code: 'H1-02',
      name: 'UBND xã Tịnh Sơn',
      category: 'UBND CẤP XÃ',
      parent: 'H2',
    });
    expect(moved.status).toBe(303);
    const after = await listUnits(db.db, ['H1-02']);
    expect(after[0]).toMatchObject({ parent: 'H2', category: 'UBND CẤP XÃ' });
  });
});

describe('expanding a row that stands for many communes', () => {
  it('refuses an unknown district with the API message, keeping what was typed', async () => {
    const text = 'Huyện Không Có:\nxã Một';
    const res = await post('/units/XA/expand', { parent: '', communes: text });
    expect(res.status).toBe(400);
    const html = plain(await res.text());
    const viaApi = await api('POST', '/units/XA/expand', { communes: text });
    const message = ((await viaApi.json()) as { error: { message: string } }).error.message;
    expect(html).toContain(message);
    expect(html).toContain('Huyện Không Có:\nxã Một</textarea>');
  });

  it('creates one unit per line under the chosen district, then folds the long list', async () => {
    const communes = [
      'xã Nghĩa Kỳ',
      'Nghĩa Thuận',
      'xã Nghĩa Điền',
      'thị trấn La Hà',
      'thị trấn Sông Vệ',
      'xã Nghĩa Hiệp',
    ].join('\n');
    const res = await post('/units/XA/expand', { parent: 'H2', communes });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/units?ok=expanded&n=6');
    const units = await listUnits(db.db);
    expect(units.find((u) => u.code === 'XA')).toBeUndefined();
    const under = units.filter((u) => u.parent === 'H2').map((u) => u.name);
    expect(under).toEqual(
      expect.arrayContaining(['UBND xã Nghĩa Thuận', 'UBND thị trấn La Hà', 'UBND xã Nghĩa Lâm']),
    );
    expect(under).toHaveLength(8);
    const page = plain(await (await get('/units?ok=expanded&n=6')).text());
    expect(page).toContain('Đã tạo hoặc cập nhật 6 đơn vị xã, phường, thị trấn.');
    expect(page).toMatch(
      /<details><summary class="tree tree-d1">8 đơn vị trực thuộc UBND huyện Tư Nghĩa<\/summary>[^]*UBND thị trấn Sông Vệ/,
    );
  });
});

describe('importing a file with a parent column', () => {
  it('saves parents named in the file and shows a bad row as the API words it', async () => {
    const send = (csv: string) => {
      const form = new FormData();
      form.set('_csrf', csrf);
      form.set('file', new File([csv], 'don-vi.csv', { type: 'text/csv' }));
      return app.request('/units/import', { method: 'POST', headers: { cookie }, body: form });
    };
    const ok = await send('Mã,Tên đơn vị,Cấp trên\nH1-03,UBND xã Tịnh Bắc,son tinh');
    expect(ok.status).toBe(303);
    expect((await parents())['H1-03']).toBe('H1');
    const bad = await send('Mã,Tên đơn vị,Cấp trên\nH9-01,UBND xã Ba Tơ,Huyện Không Có');
    expect(bad.status).toBe(400);
    expect(plain(await bad.text())).toContain(
      'Dòng 2: không tìm thấy đơn vị cấp trên "Huyện Không Có"',
    );
    expect((await parents())['H9-01']).toBeUndefined();
  });
});
