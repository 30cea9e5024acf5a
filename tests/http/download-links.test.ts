/**
 * Chats that cannot receive a file (the Zalo Bot API) get a signed download link: it opens that
 * one export without a login, is refused when altered or expired, and is not kept at rest.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent } from '../../src/core/events/manage';
import { organizerJoinCode } from '../../src/core/units/repo';
import { createHttpApp } from '../../src/http/app';
import { chatSim, putUnits } from '../helpers/chat';
import { TestClock, testContext } from '../helpers/context';
import { openTestDb, type TestDb } from '../helpers/db';

let db: TestDb;
const clock = new TestClock(new Date('2024-09-16T01:00:00Z'));

beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => db.close());

describe('signed download links', () => {
  it('/xuat on the Zalo Bot API answers a link that downloads the list, once signed, for 7 days', async () => {
    const ctx = testContext(db, clock, { PUBLIC_URL: 'https://bot.example.vn' });
    const app = createHttpApp({ ctx, adminToken: 'download-test-admin-0123' });
    const chat = chatSim(ctx, 'zalo-bot');
    await putUnits(ctx, [{ code: 'YT', name: 'Sở Y tế' }]);
    await chat.say('g-org', `/lienket ${await organizerJoinCode(db.db)}`);
    await createEvent(ctx, {
      title: 'Tập huấn',
      startsAt: new Date('2024-09-27T00:30:00Z'),
      registrationDeadline: new Date('2024-09-24T10:00:00Z'),
      units: 'all',
      agenda: [],
    });
    await chat.say('g-org', '/xuat');
    const reply = (await chat.texts('g-org')).at(-1)!;
    const url = /https:\/\/bot\.example\.vn(\/d\/[\w.-]+)/.exec(reply)?.[1];
    expect(url, reply).toBeDefined();
    const row = await db.db
      .selectFrom('outbox')
      .select('sensitive')
      .where('chat_external_id', '=', 'g-org')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(row.sensitive).toBe(true);

    const res = await app.request(url!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const cells: string[] = [];
    wb.worksheets[0]!.eachRow((r) => r.eachCell((c) => cells.push(String(c.value))));
    expect(cells).toContain('Sở Y tế');

    const [body, mac] = url!.slice(3).split('.');
    const forged = Buffer.from(
      JSON.stringify({ d: { kind: 'registrations', id: 2 }, exp: Date.parse('2030-01-01') }),
    ).toString('base64url');
    for (const bad of [`/d/${forged}.${mac}`, `/d/${body}.${mac!.slice(0, -2)}xx`, '/d/abc']) {
      const r = await app.request(bad);
      expect(r.status, bad).toBe(404);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('link_invalid');
    }
    clock.advance(8 * 86_400_000);
    expect((await app.request(url!)).status).toBe(404);
  });
});
