/**
 * A unit list's "Cấp trên" column: the parent by code or by name as people write it, a parent
 * further down the same file, and the rows that cannot be saved refused by row, nothing written.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/http/app';
import { parseUnitsCsv, parseUnitsXlsx } from '../../../src/core/units/import';
import { listUnits, saveImportedUnits, upsertUnits } from '../../../src/core/units/repo';
import { testContext } from '../../helpers/context';
import { openTestDb, type TestDb } from '../../helpers/db';

const TOKEN = 'test-admin-token-0123456789';
let db: TestDb;

beforeAll(async () => {
  db = await openTestDb();
  await upsertUnits(db.db, [
    { code: 'H01', name: 'UBND huyện Châu Thành' },
    { code: 'TX1', name: 'UBND thị xã Châu Thành' },
    { code: 'H02', name: 'UBND huyện Sơn Tịnh' },
    { code: 'H02-01', name: 'UBND xã Tịnh Hà', parent: 'H02' },
  ]);
});
afterAll(() => db.close());

async function tree(): Promise<Record<string, { parent: string | null; children: number }>> {
  return Object.fromEntries(
    (await listUnits(db.db)).map((u) => [u.code, { parent: u.parent, children: u.children }]),
  );
}

async function importCsv(csv: string): Promise<void> {
  await saveImportedUnits(db.db, parseUnitsCsv(csv));
}

describe('CSV import with a parent column', () => {
  it('takes parents by code, by name without diacritics or level words, and defined later in the file', async () => {
    await importCsv(
      [
        'Mã;Tên đơn vị;Cấp trên',
        'X1;UBND xã Tịnh Phong;H02',
        'X2;UBND xã Tịnh Thọ;son tinh',
        'X3;UBND xã Tịnh Bình;UBND huyện Sơn Tịnh',
        'X4;UBND xã Bình Khương;Huyện Bình Sơn', // its district is a few rows below
        'X5;UBND thị trấn Châu Ổ;h03',
        'H03;UBND huyện Bình Sơn;',
      ].join('\n'),
    );
    const t = await tree();
    expect(t['X1']!.parent).toBe('H02');
    expect(t['X2']!.parent).toBe('H02');
    expect(t['X3']!.parent).toBe('H02');
    expect(t['X4']!.parent).toBe('H03');
    expect(t['X5']!.parent).toBe('H03');
    expect(t['H03']).toEqual({ parent: null, children: 2 });
    expect(t['H02']!.children).toBe(4);
  });

  it('a stated level breaks a tie between a district and a town of the same name', async () => {
    await importCsv('Mã,Tên,Trực thuộc\nX6,UBND xã Tân Thành,thị xã Châu Thành');
    expect((await tree())['X6']!.parent).toBe('TX1');
  });

  it('an empty cell makes a top unit; a file without the column leaves parents alone', async () => {
    await importCsv('Mã,Tên đơn vị\nX6,UBND xã Tân Thành (đổi tên)');
    expect((await tree())['X6']!.parent).toBe('TX1');
    await importCsv('Mã,Tên đơn vị,Cấp trên\nX6,UBND xã Tân Thành,');
    expect((await tree())['X6']!.parent).toBeNull();
  });

  it('refuses an unknown, an ambiguous or a self parent, naming the row and writing nothing', async () => {
    const before = await tree();
    const cases: Array<[string, RegExp]> = [
      [
        'Mã,Tên,Cấp trên\nY1,UBND xã Một,H02\nY2,UBND xã Hai,Huyện Không Có',
        /^Dòng 3: không tìm thấy đơn vị cấp trên "Huyện Không Có"/,
      ],
      [
        'Mã,Tên,Cấp trên\nY1,UBND xã Một,Châu Thành',
        /^Dòng 2: đơn vị cấp trên "Châu Thành" khớp nhiều đơn vị: UBND huyện Châu Thành \(mã H01\); UBND thị xã Châu Thành \(mã TX1\)/,
      ],
      ['Mã,Tên,Cấp trên\nY1,UBND xã Một,Y1', /^Dòng 2: "UBND xã Một" không thể là đơn vị cấp trên/],
      [
        'Mã,Tên,Cấp trên\nY1,UBND xã Một,sontinh',
        /^Dòng 2: không tìm thấy đơn vị cấp trên "sontinh".*có phải: UBND huyện Sơn Tịnh\?/,
      ],
    ];
    for (const [csv, message] of cases) await expect(importCsv(csv)).rejects.toThrow(message);
    expect(await tree()).toEqual(before);
  });

  it('refuses loops, in the file and with the tree already saved', async () => {
    const before = await tree();
    await expect(importCsv('Mã,Tên,Cấp trên\nA,UBND huyện A,B\nB,UBND xã B,A')).rejects.toThrow(
      /^Dòng 2: .*vòng lặp/,
    );
    // H02 is above X1: making X1 the parent of H02 would close a loop.
    await expect(importCsv('Mã,Tên,Cấp trên\nH02,UBND huyện Sơn Tịnh,X1')).rejects.toThrow(
      /^Dòng 2: không thể đặt "UBND xã Tịnh Phong" làm cấp trên của "UBND huyện Sơn Tịnh".*vòng lặp/,
    );
    expect(await tree()).toEqual(before);
  });
});

describe('XLSX and the HTTP import', () => {
  it('reads the parent column from Excel (numeric codes padded) and through POST /api/units/import', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Đơn vị');
    ws.addRow(['STT', 'Tên đơn vị', 'Đơn vị cấp trên']);
    ws.addRow([7, 'UBND huyện Nghĩa Hành', '']);
    ws.addRow([8, 'UBND xã Hành Thiện', 7]);
    const units = await parseUnitsXlsx(new Uint8Array(await wb.xlsx.writeBuffer()));
    expect(units.map((u) => u.parentRef?.text ?? null)).toEqual([null, '007']);
    await saveImportedUnits(db.db, units);
    expect((await tree())['008']!.parent).toBe('007');

    const app = createHttpApp({ ctx: testContext(db), adminToken: TOKEN });
    const res = await app.request('/api/units/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
      body: 'Mã,Tên,Cấp trên\nHT-02,UBND xã Hành Đức,nghia hanh',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject([{ code: 'HT-02', parent: '007', children: 0 }]);
    const list = (await (
      await app.request('/api/units', { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as Array<{ code: string; parent: string | null; children: number }>;
    expect(list.find((u) => u.code === '007')).toMatchObject({ parent: null, children: 2 });

    const bad = await app.request('/api/units/import', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/csv' },
      body: 'Mã,Tên,Cấp trên\nHT-03,UBND xã Hành Nhân,Huyện Không Có',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /^Dòng 2: không tìm thấy đơn vị cấp trên "Huyện Không Có"/,
    );
  });
});
