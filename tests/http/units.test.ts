import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app';
import { openTestDb, type TestDb } from '../helpers/db';
import { testContext } from '../helpers/context';

const TOKEN = 'test-admin-token-0123456789';
let db: TestDb;
let app: ReturnType<typeof createHttpApp>;
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

beforeAll(async () => {
  db = await openTestDb();
  app = createHttpApp({ ctx: testContext(db), adminToken: TOKEN });
});
afterAll(() => db.close());

describe('/healthz', () => {
  it('names the engine in use', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ok: true,
      db: process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite',
    });
  });
});

describe('/api authorization', () => {
  it.each([
    ['missing', {}],
    ['wrong', { authorization: 'Bearer nope' }],
    ['not bearer', { authorization: TOKEN }],
  ])('refuses a %s token with 401 and a Vietnamese message', async (_, headers) => {
    const res = await app.request('/api/units', { headers });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(/mã truy cập/);
  });
});

describe('PUT/GET /api/units', () => {
  it('upserts units keeping diacritics and a stable join code of at least 64 bits', async () => {
    const put = await app.request('/api/units', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify([
        { code: '010', name: 'Sở Y tế', category: 'CÁC SỞ, BAN, NGÀNH TỈNH' },
        {
          code: '071',
          name: 'UBND Thành phố Cao Lãnh'.normalize('NFD'),
          category: 'ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ',
        },
      ]),
    });
    expect(put.status).toBe(200);
    const units = (await put.json()) as Array<{ code: string; name: string; joinCode: string }>;
    expect(units.map((u) => u.name)).toEqual(['Sở Y tế', 'UBND Thành phố Cao Lãnh']);
    for (const u of units) expect(u.joinCode.length * Math.log2(31)).toBeGreaterThanOrEqual(64);
    expect(new Set(units.map((u) => u.joinCode)).size).toBe(2);

    const again = await app.request('/api/units', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify([{ code: '010', name: 'Sở Y tế tỉnh' }]),
    });
    const [renamed] = (await again.json()) as Array<{ name: string; joinCode: string }>;
    expect(renamed!.name).toBe('Sở Y tế tỉnh');
    expect(renamed!.joinCode).toBe(units[0]!.joinCode);

    const list = (await (await app.request('/api/units', { headers: auth })).json()) as Array<{
      code: string;
      chats: unknown[];
    }>;
    expect(list.map((u) => u.code)).toEqual(['010', '071']);
    expect(list[0]!.chats).toEqual([]);
  });

  it('answers a malformed body with 400 naming the field', async () => {
    const res = await app.request('/api/units', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify([{ code: 'a', name: 'A' }, { code: 'b' }]),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toContain('[1].name');
    const notJson = await app.request('/api/units', {
      method: 'PUT',
      headers: auth,
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(
      /JSON/,
    );
  });

  it('gives one organizer code, the same every time', async () => {
    const a = (await (await app.request('/api/organizer-code', { headers: auth })).json()) as {
      joinCode: string;
    };
    const b = (await (await app.request('/api/organizer-code', { headers: auth })).json()) as {
      joinCode: string;
    };
    expect(a.joinCode).toMatch(/^[a-z2-9]{16}$/);
    expect(b.joinCode).toBe(a.joinCode);
  });
});
