import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app';
import { SEED000_AGENDA_TEXT, SEED000_APPENDIX_TEXT } from '../../src/demo/seed000';
import { openTestDb, type TestDb } from '../helpers/db';
import { testContext } from '../helpers/context';

const TOKEN = 'test-admin-token-0123456789';
let db: TestDb;
let app: ReturnType<typeof createHttpApp>;
const auth = (type: string) => ({ authorization: `Bearer ${TOKEN}`, 'content-type': type });

beforeAll(async () => {
  db = await openTestDb();
  app = createHttpApp({ ctx: testContext(db), adminToken: TOKEN });
});
afterAll(() => db.close());

describe('POST /api/units/import', () => {
  it('imports Phụ lục 1 pasted as text: 124 units, names with diacritics, each with a join code', async () => {
    const res = await app.request('/api/units/import', {
      method: 'POST',
      headers: auth('text/plain; charset=utf-8'),
      body: SEED000_APPENDIX_TEXT,
    });
    expect(res.status).toBe(200);
    const units = (await res.json()) as Array<{
      code: string;
      name: string;
      category: string;
      joinCode: string;
    }>;
    expect(units).toHaveLength(124);
    expect(units.find((u) => u.code === '010')!.name).toBe('Sở Y tế');
    expect(units.find((u) => u.code === '081')!.name).toBe('UBND Huyện Lấp Vò');
    expect(new Set(units.map((u) => u.category)).size).toBe(10);
  });

  it('imports CSV and XLSX, and refuses other types and bad rows in Vietnamese', async () => {
    const csv = await app.request('/api/units/import', {
      method: 'POST',
      headers: auth('text/csv'),
      body: 'Mã;Tên đơn vị;Nhóm\nX1;Phòng Văn hóa và Thông tin thị xã Đức Phổ;Phòng ban\n',
    });
    expect(((await csv.json()) as Array<{ name: string }>)[0]!.name).toBe(
      'Phòng Văn hóa và Thông tin thị xã Đức Phổ',
    );
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Đơn vị');
    ws.addRow(['Mã', 'Tên đơn vị', 'Nhóm']);
    ws.addRow(['X2', 'UBND phường Nguyễn Nghiêm', 'UBND cấp xã']);
    const xlsx = await app.request('/api/units/import', {
      method: 'POST',
      headers: auth('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
      body: new Uint8Array(await wb.xlsx.writeBuffer()),
    });
    expect(((await xlsx.json()) as Array<{ name: string }>)[0]!.name).toBe(
      'UBND phường Nguyễn Nghiêm',
    );
    const json = await app.request('/api/units/import', {
      method: 'POST',
      headers: auth('application/json'),
      body: '[]',
    });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { error: { message: string } }).error.message).toMatch(
      /không hỗ trợ/,
    );
    const empty = await app.request('/api/units/import', {
      method: 'POST',
      headers: auth('text/plain'),
      body: 'xin chào',
    });
    expect(empty.status).toBe(400);
  });
});

describe('POST /api/events with the agenda pasted from Phụ lục 2', () => {
  it('places each row on the event day', async () => {
    const res = await app.request('/api/events', {
      method: 'POST',
      headers: auth('application/json'),
      body: JSON.stringify({
        title: 'Lớp tập huấn',
        startsAt: '2025-09-27T07:30:00+07:00',
        registrationDeadline: '2025-09-25T17:00:00+07:00',
        units: ['010'],
        agendaText: SEED000_AGENDA_TEXT,
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    const items = await db.db
      .selectFrom('agenda_items')
      .selectAll()
      .where('event_id', '=', id)
      .orderBy('position')
      .execute();
    expect(items).toHaveLength(11);
    expect(new Date(items[0]!.starts_at).toISOString()).toBe('2025-09-27T00:30:00.000Z');
    expect(items.find((i) => i.title.startsWith('Chuyên đề 2'))!.presenter).toContain(
      'Ban Tuyên giáo Tỉnh ủy',
    );
    expect(items.filter((i) => i.is_break)).toHaveLength(2);
    const bad = await app.request('/api/events', {
      method: 'POST',
      headers: auth('application/json'),
      body: JSON.stringify({
        title: 'X',
        startsAt: '2025-09-27T07:30:00+07:00',
        registrationDeadline: '2025-09-25T17:00:00+07:00',
        units: ['010'],
        agendaText: 'không có giờ',
      }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      'agendaText',
    );
  });
});
