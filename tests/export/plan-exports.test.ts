/**
 * What organizers send upward, for a report requirement and for a plan: the status workbook
 * (opened with exceljs), the zip of submitted files (opened with fflate) and the draft Báo cáo
 * tổng hợp (its document.xml read out of the .docx), from the API, the dashboard paths and the
 * /xuat… chat commands (a file on Telegram, a link on Zalo). When LibreOffice is installed, each
 * file is also converted by it, headless, as the organizer's office suite would open it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDraft } from '../../src/core/plans/apply';
import { createDraft } from '../../src/core/plans/drafts';
import { buildExport } from '../../src/core/plans/exports';
import { runTick } from '../../src/core/scheduler/handlers';
import { organizerJoinCode } from '../../src/core/units/repo';
import { createHttpApp } from '../../src/http/app';
import { openTestDb, type TestDb } from '../helpers/db';
import { TestClock, testContext } from '../helpers/context';
import { chatSim, putUnits } from '../helpers/chat';

const TOKEN = 'test-admin-token-0123456789';
const local = (s: string) => new Date(`${s}+07:00`);
const PLAN = `UBND THỊ XÃ ĐỨC PHỔ
PHÒNG VĂN HÓA VÀ THÔNG TIN
Số: 45/KH-PVHTT
Đức Phổ, ngày 12 tháng 4 năm 2024

KẾ HOẠCH
Tuyên truyền kỷ niệm ngày thành lập thị xã năm 2024

I. NHIỆM VỤ
1. Treo băng rôn, khẩu hiệu tại các tuyến đường chính
- Đơn vị chủ trì: UBND phường Nguyễn Nghiêm.
- Đơn vị phối hợp: UBND xã Phổ An.
- Thời gian hoàn thành: trước ngày 30/11/2024.
2. Đưa tin trên trang thông tin điện tử
- Đơn vị chủ trì: UBND xã Phổ An.
- Thời gian thực hiện: Thường xuyên.

II. TỔ CHỨC THỰC HIỆN
Các đơn vị báo cáo kết quả thực hiện về Phòng Văn hóa và Thông tin trước ngày 10/12/2024./.`;

let db: TestDb;
let ctx: ReturnType<typeof testContext>;
let sim: ReturnType<typeof chatSim>;
let zalo: ReturnType<typeof chatSim>;
let app: ReturnType<typeof createHttpApp>;
let planId: number;
let campaignId: number;
const STORE_LIMIT = 5000;

async function xlsxRows(data: Uint8Array) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(data).buffer);
  return wb.worksheets.map((ws) => ({
    name: ws.name,
    rows: ws
      .getSheetValues()
      .map((r) =>
        Array.isArray(r)
          ? r.slice(1).map((v) => (v === undefined || v === null ? '' : String(v)))
          : [],
      ),
  }));
}

function documentXml(docx: Uint8Array): string {
  const files = unzipSync(docx);
  expect(Object.keys(files)).toContain('word/document.xml');
  // Text runs only: what Word shows.
  return [...strFromU8(files['word/document.xml']!).matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => m[1])
    .join('');
}

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db, new TestClock(local('2024-11-20T09:00:00')), {
    FILE_STORE_MAX_BYTES: String(STORE_LIMIT),
  });
  ctx.platforms = {
    telegram: {
      async fetchFile(fileId) {
        const size = fileId === 'HUGE' ? STORE_LIMIT + 1 : 64;
        return { data: new Uint8Array(size).fill(65), fileName: `${fileId}.pdf` };
      },
    },
  };
  app = createHttpApp({ ctx, adminToken: TOKEN });
  sim = chatSim(ctx);
  zalo = chatSim(ctx, 'zalo');
  const codes = await putUnits(ctx, [
    { code: 'NN', name: 'UBND phường Nguyễn Nghiêm', category: 'UBND cấp xã' },
    { code: 'PA', name: 'UBND xã Phổ An', category: 'UBND cấp xã' },
    { code: 'PQ', name: 'UBND xã Phổ Quang', category: 'UBND cấp xã' },
  ]);
  for (const c of ['NN', 'PA', 'PQ']) await sim.say(`g${c}`, `/lienket ${codes[c]}`);
  const org = await organizerJoinCode(ctx.db);
  await sim.say('gORG', `/lienket ${org}`);
  await zalo.say('zORG', `/lienket ${org}`);

  const draft = await createDraft(ctx, { text: PLAN, sourceKind: 'text' });
  planId = draft.id;
  // The report duty names "Các đơn vị": point it at the three communes before applying.
  await db.db
    .updateTable('plan_drafts')
    .set({
      content: JSON.stringify({
        ...draft,
        requirements: draft.requirements.map((r) => ({
          ...r,
          units: ['UBND phường Nguyễn Nghiêm', 'UBND xã Phổ An', 'UBND xã Phổ Quang'],
        })),
      }),
    })
    .where('id', '=', planId)
    .execute();
  const applied = await applyDraft(ctx, planId, 'test');
  campaignId = applied.draft.applied.r1!.id!;
  await sim.deliverAll();

  // Phổ An reports on time with a document number and two files (one over the store limit).
  const notice = await sim.find('gPA', /YÊU CẦU BÁO CÁO/);
  await sim.say('gPA', 'Đã gửi Báo cáo số 12/BC-UBND ngày 18/11/2024 về kết quả tuyên truyền', {
    replyToMessageId: notice,
    attachments: [
      { kind: 'document', fileId: 'BC12', fileName: 'Báo cáo 12.pdf' },
      { kind: 'document', fileId: 'HUGE', fileName: 'Ảnh hoạt động.zip' },
    ],
  });
  // Nguyễn Nghiêm finishes its task late, with a file.
  ctx.testClock.set(local('2024-12-02T10:00:00'));
  const taskMsg = await sim.find('gNN', /NHIỆM VỤ SỐ/);
  await sim.say('gNN', 'Đã hoàn thành, Báo cáo số 7/BC-UBND', {
    replyToMessageId: taskMsg,
    attachments: [{ kind: 'document', fileId: 'ANH', fileName: 'anh-bang-ron.pdf' }],
  });
  await runTick(ctx);
  ctx.testClock.set(local('2024-12-12T09:00:00'));
});
afterAll(() => db.close());

describe('the status workbook', () => {
  it('lists every unit of a requirement with its status, the date and the number it gave', async () => {
    const file = await buildExport(ctx, ctx.db, { kind: 'campaign', id: campaignId }, 'xlsx');
    const [sheet] = await xlsxRows(file.data);
    const body = sheet!.rows.filter((r) => /^\d+$/.test(r[0] ?? ''));
    expect(body.map((r) => [r[1], r[3]])).toEqual([
      ['UBND phường Nguyễn Nghiêm', 'Quá hạn (chưa báo cáo)'],
      ['UBND xã Phổ An', 'Hoàn thành đúng hạn'],
      ['UBND xã Phổ Quang', 'Quá hạn (chưa báo cáo)'],
    ]);
    const pa = body[1]!;
    expect(pa[5]).toBe('12/BC-UBND');
    expect(pa[6]).toBe('18/11/2024');
    expect(pa[7]).toBe('2');
    expect(sheet!.rows.flat().join(' ')).toContain('Hoàn thành đúng hạn: 1');
  });

  it('gives a plan’s tasks in the classification, and its requirement on a second sheet', async () => {
    const file = await buildExport(ctx, ctx.db, { kind: 'plan', id: planId }, 'xlsx');
    const sheets = await xlsxRows(file.data);
    expect(sheets.map((s) => s.name)).toEqual(['Nhiệm vụ', expect.stringMatching(/^BC\d+ /)]);
    const tasks = sheets[0]!.rows.filter((r) => /^\d+$/.test(r[0] ?? ''));
    expect(tasks.map((r) => [r[1], r[2], r[5]])).toEqual([
      [
        'Treo băng rôn, khẩu hiệu tại các tuyến đường chính',
        'UBND phường Nguyễn Nghiêm',
        'Hoàn thành quá hạn',
      ],
      ['Đưa tin trên trang thông tin điện tử', 'UBND xã Phổ An', 'Thường xuyên'],
    ]);
    expect(tasks[0]![8]).toBe('7/BC-UBND');
  });
});

describe('the zip of submitted files', () => {
  it('names each file <STT>_<unit>_<original name> and states what was not kept and why', async () => {
    const file = await buildExport(ctx, ctx.db, { kind: 'campaign', id: campaignId }, 'zip');
    const entries = unzipSync(file.data);
    expect(Object.keys(entries).sort()).toEqual([
      '02_UBND xã Phổ An_Báo cáo 12.pdf',
      'DANH_SACH_TEP.txt',
    ]);
    expect(entries['02_UBND xã Phổ An_Báo cáo 12.pdf']).toHaveLength(64);
    const note = strFromU8(entries['DANH_SACH_TEP.txt']!);
    expect(note).toContain('Ảnh hoạt động.zip');
    expect(note).toContain('quá giới hạn lưu trữ');
    expect(note).toContain('FILE_STORE_MAX_BYTES');
  });

  it('puts a plan’s files in a folder per requirement and per task', async () => {
    const entries = unzipSync(
      (await buildExport(ctx, ctx.db, { kind: 'plan', id: planId }, 'zip')).data,
    );
    const names = Object.keys(entries);
    expect(names.some((n) => /^BC\d+ - .*\/02_UBND xã Phổ An_Báo cáo 12\.pdf$/.test(n))).toBe(true);
    expect(
      names.some((n) =>
        /^NV\d+ - Treo băng rôn.*\/01_UBND phường Nguyễn Nghiêm_anh-bang-ron\.pdf$/.test(n),
      ),
    ).toBe(true);
  });
});

describe('the draft Báo cáo tổng hợp', () => {
  it('is laid out per Nghị định 30/2020: body, number left blank, motto, place and date, results, late and missing units, annex', async () => {
    const file = await buildExport(ctx, ctx.db, { kind: 'campaign', id: campaignId }, 'docx', {
      issuer: 'Phòng Văn hóa và Thông tin',
    });
    const text = documentXml(file.data);
    for (const s of [
      'PHÒNG VĂN HÓA VÀ THÔNG TIN',
      'Số:      /BC-',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Đức Phổ, ngày 12 tháng 12 năm 2024',
      'BÁO CÁO',
      'Kế hoạch số 45/KH-PVHTT',
      'UBND xã Phổ An: báo cáo lúc',
      'văn bản số 12/BC-UBND ngày 18/11/2024',
      'Đơn vị chưa báo cáo (2): UBND phường Nguyễn Nghiêm',
      'Nơi nhận:',
      'Phụ lục',
      'TỔNG HỢP TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ',
    ])
      expect(text).toContain(s);
    const xml = strFromU8(unzipSync(file.data)['word/document.xml']!);
    expect(xml).toContain('Times New Roman');
    expect(xml).toMatch(/<w:pgMar [^>]*w:left="170[01]"/); // 30 mm
  });

  it('summarises a plan: tasks in the classification, overdue ones, each requirement', async () => {
    const text = documentXml(
      (await buildExport(ctx, ctx.db, { kind: 'plan', id: planId }, 'docx')).data,
    );
    expect(text).toContain('KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ');
    expect(text).toContain('Hoàn thành quá hạn');
    expect(text).toContain('TỔNG HỢP TÌNH HÌNH THỰC HIỆN NHIỆM VỤ');
  });
});

describe('from the API and the organizer chat', () => {
  it('serves each export with its type', async () => {
    for (const [path, type] of [
      [`/api/campaigns/${campaignId}/export/status.xlsx`, 'spreadsheetml'],
      [`/api/campaigns/${campaignId}/export/files.zip`, 'application/zip'],
      [`/api/plans/${planId}/export/report.docx`, 'wordprocessingml'],
    ] as const) {
      const res = await app.request(path, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    const missing = await app.request('/api/campaigns/99999/export/status.xlsx', {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(missing.status).toBe(404);
  });

  it('/xuatbaocao sends the workbook on Telegram, /xuattep a link on Zalo', async () => {
    await sim.say('gORG', `/xuatbaocao #${campaignId}`);
    const row = await db.db
      .selectFrom('outbox')
      .select('payload')
      .where('chat_external_id', '=', 'gORG')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    const doc = (row.payload as { document: { fileName: string; base64: string } }).document;
    expect(doc.fileName).toMatch(/\.xlsx$/);
    const sheets = await xlsxRows(Buffer.from(doc.base64, 'base64'));
    expect(sheets[0]!.rows.flat().join(' ')).toContain('UBND xã Phổ An');

    await zalo.say('zORG', `/xuattep kh ${planId}`);
    const linkText = (await zalo.texts('zORG')).at(-1)!;
    const path = /https?:\/\/[^/\s]+(\/d\/\S+)/.exec(linkText)?.[1];
    expect(path, linkText).toBeTruthy();
    const zip = await app.request(path!);
    expect(zip.status).toBe(200);
    expect(
      Buffer.from(await zip.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    await sim.say('gORG', '/xuattonghop');
    expect((await sim.texts('gORG')).at(-1)).toContain('Dự thảo Báo cáo tổng hợp'); // the only requirement
    await sim.say('gORG', '/xuattonghop quý 3');
    expect((await sim.texts('gORG')).at(-1)).toContain('Vui lòng chọn nội dung cần xuất');
  });
});

const soffice = spawnSync('which', ['soffice']).status === 0;

describe.skipIf(!soffice)('LibreOffice opens the exports', () => {
  it('converts the workbook and the report to PDF, headless', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lo-'));
    const xlsx = await buildExport(ctx, ctx.db, { kind: 'plan', id: planId }, 'xlsx');
    const docx = await buildExport(ctx, ctx.db, { kind: 'campaign', id: campaignId }, 'docx');
    writeFileSync(join(dir, 'status.xlsx'), xlsx.data);
    writeFileSync(join(dir, 'report.docx'), docx.data);
    execFileSync(
      'soffice',
      [
        '--headless',
        `-env:UserInstallation=file://${dir}/profile`,
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        join(dir, 'status.xlsx'),
        join(dir, 'report.docx'),
      ],
      { timeout: 120_000, stdio: 'ignore' },
    );
    const pdfs = readdirSync(dir).filter((f) => f.endsWith('.pdf'));
    expect(pdfs.sort()).toEqual(['report.pdf', 'status.pdf']);
    for (const p of pdfs)
      expect(readFileSync(join(dir, p)).subarray(0, 5).toString()).toBe('%PDF-');
  }, 150_000);
});
