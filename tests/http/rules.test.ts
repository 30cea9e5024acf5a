/**
 * Ordinary mistakes get a 4xx naming the field, never a 500, and leave nothing half-written:
 * the rules live in the core functions every caller uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app';
import { mountDashboard } from '../../src/http/dashboard/routes';
import { openTestDb, type TestDb } from '../helpers/db';
import { TestClock, testContext } from '../helpers/context';

const TOKEN = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
let db: TestDb;
let app: ReturnType<typeof createHttpApp>;
const clock = new TestClock(new Date('2024-09-16T01:00:00Z'));

type ErrorBody = { error: { code: string; message: string; field?: string } };

async function call(method: string, path: string, body?: unknown) {
  const res = await app.request(path, {
    method,
    headers: auth,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as ErrorBody & Record<string, unknown> };
}

async function count(table: 'units' | 'calendar_overrides' | 'events' | 'campaigns' | 'outbox') {
  const r = await db.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

beforeAll(async () => {
  db = await openTestDb();
  const ctx = testContext(db, clock);
  app = createHttpApp({
    ctx,
    adminToken: TOKEN,
    mount: (root) => mountDashboard(root, ctx, { adminToken: TOKEN, botLinks: {}, sandbox: false }),
  });
  const put = await call('PUT', '/api/units', [
    { code: 'H1', name: 'UBND huyện Tân Phú' },
    { code: 'X1', name: 'UBND xã Tân Phú', parent: 'H1' },
  ]);
  expect(put.status).toBe(200);
});
afterAll(() => db.close());

describe('the cases of the errors issue', () => {
  it.each(['PT15S', 'P1DT2H', 'P99999999W', 'P1M', 'PT30M'])(
    'POST /api/campaigns with chaseEvery %s → 400 naming chaseEvery, nothing written',
    async (chaseEvery) => {
      const before = await count('campaigns');
      const r = await call('POST', '/api/campaigns', {
        title: 'Báo cáo quý',
        deadline: '2024-11-10',
        units: 'all',
        chaseEvery,
      });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('chaseEvery');
      expect(r.body.error.message).toMatch(/chaseEvery|Chu kỳ đôn đốc/);
      expect(await count('campaigns')).toBe(before);
    },
  );

  it('PUT /api/units with the same code twice → 400 naming the second, nothing written', async () => {
    const before = await count('units');
    const r = await call('PUT', '/api/units', [
      { code: 'D1', name: 'Đơn vị một' },
      { code: 'D1', name: 'Đơn vị một (lặp)' },
    ]);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'duplicate_code', field: '[1].code' });
    expect(await count('units')).toBe(before);
  });

  it('PUT /api/calendar with a date both holiday and workday → 400, overrides unchanged', async () => {
    const ok = await call('PUT', '/api/calendar', {
      holidays: [{ date: '2025-01-27', note: 'Tết' }],
      workdays: [],
    });
    expect(ok.status).toBe(200);
    const r = await call('PUT', '/api/calendar', {
      holidays: [{ date: '2025-02-03' }],
      workdays: ['2025-02-03'],
    });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('workdays[0]');
    expect(r.body.error.message).toMatch(/2025-02-03/);
    const twice = await call('PUT', '/api/calendar', {
      holidays: [{ date: '2025-02-03' }, { date: '2025-02-03' }],
      workdays: [],
    });
    expect(twice.status).toBe(400);
    const rows = await db.db.selectFrom('calendar_overrides').select('date_key').execute();
    expect(rows.map((r) => r.date_key)).toEqual(['2025-01-27']);
  });

  const event = {
    title: 'Hội nghị tập huấn',
    startsAt: '2024-09-27T07:30:00+07:00',
    endsAt: '2024-09-27T17:00:00+07:00',
    registrationDeadline: '2024-09-24T17:00:00+07:00',
    units: 'all',
  };

  it.each([
    [
      'registrationDeadline after startsAt',
      { registrationDeadline: '2024-09-28T00:00:00+07:00' },
      'registrationDeadline',
    ],
    ['endsAt before startsAt', { endsAt: '2024-09-27T07:00:00+07:00' }, 'endsAt'],
    [
      'startsAt in the past',
      {
        startsAt: '2024-09-01T07:30:00+07:00',
        registrationDeadline: '2024-08-30T00:00:00+07:00',
        endsAt: null,
      },
      'startsAt',
    ],
    ['startsAt in 2150', { startsAt: '2150-09-27T07:30:00+07:00', endsAt: null }, 'startsAt'],
    [
      'an agenda item ending before it starts',
      {
        agenda: [
          {
            startsAt: '2024-09-27T08:00:00+07:00',
            endsAt: '2024-09-27T07:00:00+07:00',
            title: 'Khai mạc',
          },
        ],
      },
      'agenda[0].endsAt',
    ],
    ['an agenda pasted that reads as nothing', { agendaText: 'không có gì' }, 'agendaText'],
  ])(
    'POST /api/events with %s → 400 naming the field, nothing written',
    async (_, patch, field) => {
      const before = [await count('events'), await count('outbox')];
      const r = await call('POST', '/api/events', { ...event, ...patch });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe(field);
      expect([await count('events'), await count('outbox')]).toEqual(before);
    },
  );

  it('PATCH /api/events/:id refuses an end before the start it keeps', async () => {
    const created = await call('POST', '/api/events', event);
    expect(created.status).toBe(201);
    const r = await call('PATCH', `/api/events/${created.body.id}`, {
      endsAt: '2024-09-27T06:00:00+07:00',
    });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('endsAt');
  });

  it('extensions: 9999 and 2150 are refused at once; a date within five years is granted', async () => {
    const created = await call('POST', '/api/campaigns', {
      title: 'Báo cáo kết quả',
      deadline: '2024-11-10',
      units: ['X1'],
    });
    expect(created.status).toBe(201);
    for (const until of [
      '9999-12-31T23:59:59Z',
      '2150-12-31T00:00:00+07:00',
      '2031-01-01T00:00:00Z',
    ]) {
      const t = performance.now();
      const r = await call('POST', `/api/campaigns/${created.body.id}/extensions`, {
        unit: 'X1',
        until,
      });
      expect(performance.now() - t).toBeLessThan(2000);
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('until');
    }
    const ok = await call('POST', `/api/campaigns/${created.body.id}/extensions`, {
      unit: 'X1',
      until: '2024-11-20T00:00:00+07:00',
    });
    expect(ok.status).toBe(200);
  });

  it('a deadline in the past is refused by the API as by the dashboard', async () => {
    const r = await call('POST', '/api/campaigns', {
      title: 'Báo cáo cũ',
      deadline: '2024-01-10',
      units: 'all',
    });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('deadline');
  });

  it('/favicon.ico and /favicon.svg answer 200 with an image', async () => {
    for (const [path, type] of [
      ['/favicon.ico', 'image/x-icon'],
      ['/favicon.svg', 'image/svg+xml'],
    ] as const) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(type);
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(bytes.length).toBeGreaterThan(100);
    }
    const ico = new Uint8Array(await (await app.request('/favicon.ico')).arrayBuffer());
    expect([...ico.slice(0, 4)]).toEqual([0, 0, 1, 0]); // ICO header: reserved 0, type 1
  });
});

describe('the unit tree', () => {
  it('GET /api/units gives each unit its parent and children count', async () => {
    const r = await app.request('/api/units', { headers: auth });
    const units = (await r.json()) as Array<{
      code: string;
      parent: string | null;
      children: number;
    }>;
    expect(units.find((u) => u.code === 'H1')).toMatchObject({ parent: null, children: 1 });
    expect(units.find((u) => u.code === 'X1')).toMatchObject({ parent: 'H1', children: 0 });
  });

  it('refuses an unknown parent and a loop, leaving the tree as it was', async () => {
    const unknown = await call('PUT', '/api/units', [
      { code: 'X2', name: 'Xã Hai', parent: 'NOPE' },
    ]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: 'unknown_parent', field: '[0].parent' });
    const loop = await call('PUT', '/api/units', [
      { code: 'H1', name: 'UBND huyện Tân Phú', parent: 'X1' },
    ]);
    expect(loop.status).toBe(400);
    expect(loop.body.error.code).toBe('invalid_parent');
    const self = await call('PUT', '/api/units', [
      { code: 'H1', name: 'UBND huyện Tân Phú', parent: 'H1' },
    ]);
    expect(self.status).toBe(400);
    const row = await db.db
      .selectFrom('units as u')
      .leftJoin('units as p', 'p.id', 'u.parent_id')
      .select(['u.code', 'p.code as parent'])
      .where('u.code', 'in', ['H1', 'X1'])
      .orderBy('u.code')
      .execute();
    expect(row).toEqual([
      { code: 'H1', parent: null },
      { code: 'X1', parent: 'H1' },
    ]);
  });

  it('a parent named in the same batch is fine; null moves a unit to the top', async () => {
    const r = await call('PUT', '/api/units', [
      { code: 'X3', name: 'Xã Ba', parent: 'H2' },
      { code: 'H2', name: 'UBND huyện Hai' },
    ]);
    expect(r.status).toBe(200);
    expect(
      (r.body as unknown as Array<{ code: string; parent: string | null }>).find(
        (u) => u.code === 'X3',
      )?.parent,
    ).toBe('H2');
    const top = await call('PUT', '/api/units', [{ code: 'X3', name: 'Xã Ba', parent: null }]);
    expect((top.body as unknown as Array<{ parent: string | null }>)[0]!.parent).toBeNull();
  });
});
