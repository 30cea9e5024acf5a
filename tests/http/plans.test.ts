/**
 * POST /api/plans → draft → GET/PATCH → apply (twice), over HTTP on a real database, with unit
 * groups linked through the chat core so the messages applying sends can be seen.
 */
import { readFileSync } from 'node:fs';
import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app';
import { organizerJoinCode } from '../../src/core/units/repo';
import { openTestDb, type TestDb } from '../helpers/db';
import { TestClock, testContext } from '../helpers/context';
import { chatSim, putUnits } from '../helpers/chat';

const TOKEN = 'test-admin-token-0123456789';
const SEED003 = readFileSync(new URL('../fixtures/seeds/003.txt', import.meta.url), 'utf8');
const local = (s: string) => new Date(`${s}+07:00`);

let db: TestDb;
let ctx: ReturnType<typeof testContext>;
let app: ReturnType<typeof createHttpApp>;
let sim: ReturnType<typeof chatSim>;

const call = async (method: string, path: string, body?: unknown) =>
  app.request(`/api${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function counts() {
  const n = async (t: 'units' | 'tasks' | 'campaigns' | 'events' | 'outbox') =>
    Number(
      (
        await db.db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    units: await n('units'),
    tasks: await n('tasks'),
    campaigns: await n('campaigns'),
    events: await n('events'),
    outbox: await n('outbox'),
  };
}

interface Draft {
  id: number;
  document: { number: string | null; title: string | null; issuer: string | null };
  units: Array<{ key: string; name: string; existingCode: string | null; collective: boolean }>;
  events: unknown[];
  requirements: Array<{
    key: string;
    title: string;
    deadline: string;
    units: string[];
    source: string;
    recurrence: { kind: string } | null;
  }>;
  tasks: Array<{
    key: string;
    title: string;
    lead: string[];
    support: string[];
    due: string | null;
    standing: boolean;
    source: string;
  }>;
  warnings: string[];
}

beforeAll(async () => {
  db = await openTestDb();
  ctx = testContext(db, new TestClock(local('2024-04-15T09:00:00')));
  app = createHttpApp({ ctx, adminToken: TOKEN });
  sim = chatSim(ctx);
  // Two units already exist, written differently from the plan (old tone marks, "thị xã").
  const codes = await putUnits(ctx, [
    { code: 'PVHTT', name: 'Phòng Văn hoá và Thông tin thị xã' },
    { code: 'CATX', name: 'Công an thị xã Đức Phổ' },
  ]);
  await sim.say('gV', `/lienket ${codes.PVHTT}`);
  await sim.say('gC', `/lienket ${codes.CATX}`);
  await sim.say('gORG', `/lienket ${await organizerJoinCode(ctx.db)}`);
});
afterAll(() => db.close());

describe('POST /api/plans', () => {
  let draft: Draft;

  it('reads a pasted plan into a draft: document, units, requirement, tasks with their sources', async () => {
    const res = await call('POST', '/plans', { text: SEED003 });
    expect(res.status).toBe(201);
    draft = (await res.json()) as Draft;
    expect(draft.document.title).toBe(
      'Công tác thông tin đối ngoại và truyền thông chính sách thị xã Đức Phổ năm 2024',
    );
    const req = draft.requirements[0]!;
    expect(req.deadline).toBe(local('2024-11-10T00:00:00').toISOString());
    expect(req.source).toContain('trước ngày 10/11/2024');
    const q2 = draft.tasks.find((t) => t.title.startsWith('Chỉ đạo, hướng dẫn'))!;
    expect(q2.lead).toEqual(['Phòng Văn hóa và Thông tin']);
    expect(q2.due).toBe(local('2024-07-01T00:00:00').toISOString());
    expect(q2.source).toContain('Quý II/2024');
    // The existing units are recognised despite "hoá"/"hóa" and the words "thị xã".
    const vh = draft.units.find((u) => u.name === 'Phòng Văn hóa và Thông tin')!;
    expect(vh.existingCode).toBe('PVHTT');
    expect(draft.units.find((u) => u.name === 'Công an thị xã')!.existingCode).toBe('CATX');
    expect(draft.units.find((u) => u.name === 'UBND các xã, phường')!.collective).toBe(true);
    // Nothing is sent before the organizer applies.
    expect(await sim.texts('gV')).toHaveLength(1);
  });

  it('shows and edits the draft: an item dropped, another corrected', async () => {
    const shown = (await (await call('GET', `/plans/${draft.id}`)).json()) as Draft;
    expect(shown.tasks).toHaveLength(draft.tasks.length);
    const first = draft.tasks[0]!;
    const second = draft.tasks[1]!;
    const res = await call('PATCH', `/plans/${draft.id}`, {
      tasks: { [first.key]: null, [second.key]: { due: '2024-06-20' } },
    });
    expect(res.status).toBe(200);
    const edited = (await res.json()) as Draft;
    expect(edited.tasks.some((t) => t.key === first.key)).toBe(false);
    expect(edited.tasks.find((t) => t.key === second.key)!.due).toBe(
      local('2024-06-20T00:00:00').toISOString(),
    );
    const bad = await call('PATCH', `/plans/${draft.id}`, { tasks: { t999: { title: 'x' } } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('tasks.t999');
  });

  it('applies once: units, the requirement and the tasks, each lead group told its task', async () => {
    const before = await counts();
    const res = await call('POST', `/plans/${draft.id}/apply`);
    expect(res.status).toBe(200);
    const result = (await res.json()) as {
      created: Record<string, number>;
      existing: Record<string, number>;
    };
    const after = await counts();
    expect(result.created.task).toBe(draft.tasks.length - 1);
    expect(after.tasks - before.tasks).toBe(draft.tasks.length - 1);
    expect(after.campaigns - before.campaigns).toBe(1);
    expect(result.existing.unit).toBeGreaterThanOrEqual(2);
    await sim.deliverAll();
    const v = await sim.texts('gV');
    expect(v.some((t) => t.startsWith('📌 NHIỆM VỤ SỐ') && t.includes('Chỉ đạo, hướng dẫn'))).toBe(
      true,
    );
    // Công an thị xã leads one task and coordinates none in section II; it is told only its own.
    const c = await sim.texts('gC');
    expect(c.some((t) => t.startsWith('📌 NHIỆM VỤ SỐ') && t.includes('Đấu tranh, phản bác'))).toBe(
      true,
    );
    // Phòng VH-TT coordinates the police task: told whom it supports.
    expect(v.some((t) => t.startsWith('🤝 PHỐI HỢP') && t.includes('Công an thị xã'))).toBe(true);
    const units = await db.db.selectFrom('units').select('name').execute();
    expect(units.filter((u) => u.name.startsWith('Phòng Văn h'))).toHaveLength(1);
  });

  it('applying twice creates nothing new and sends nothing', async () => {
    const before = await counts();
    const res = await call('POST', `/plans/${draft.id}/apply`);
    expect(res.status).toBe(200);
    const result = (await res.json()) as { created: Record<string, number> };
    expect(Object.values(result.created).every((n) => n === 0)).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('lists the tasks with their status in the office classification', async () => {
    const list = (await (await call('GET', `/tasks?plan=${draft.id}`)).json()) as Array<{
      id: number;
      title: string;
      status: string;
      statusLabel: string;
      lead: Array<{ code: string }>;
    }>;
    const police = list.find((t) => t.title.startsWith('Đấu tranh'))!;
    expect(police.status).toBe('standing');
    expect(police.lead.map((u) => u.code)).toEqual(['CATX']);
    const one = (await (await call('GET', `/tasks/${police.id}`)).json()) as { reports: unknown[] };
    expect(one.reports).toEqual([]);
    expect((await call('GET', '/tasks/999999')).status).toBe(404);
  });
});

describe('what is not a plan gets a clear 422, never a guess', () => {
  const NEWS = `Đức Phổ: Khai mạc Hội chợ thương mại năm 2024

Sáng ngày 12/4, UBND thị xã Đức Phổ tổ chức khai mạc Hội chợ thương mại. Theo kế hoạch, hội chợ kéo dài đến ngày 20/4/2024 với 120 gian hàng. Ban tổ chức cho biết các đơn vị đã hoàn thành công tác chuẩn bị trước ngày 10/4/2024 và sẽ báo cáo kết quả trước ngày 30/4/2024.`;

  const INVITATION = `UBND THỊ XÃ ĐỨC PHỔ
PHÒNG VĂN HÓA VÀ THÔNG TIN
Số: 12/GM-PVHTT
Đức Phổ, ngày 05 tháng 4 năm 2024

GIẤY MỜI
Dự hội nghị triển khai công tác thông tin đối ngoại năm 2024

Phòng Văn hóa và Thông tin trân trọng kính mời: Lãnh đạo các cơ quan, đơn vị; UBND các xã, phường.
Thời gian: 8 giờ 00, ngày 10/4/2024.
Địa điểm: Hội trường UBND thị xã.
Đề nghị các đơn vị báo cáo danh sách đại biểu trước ngày 08/4/2024./.`;

  const DECISION = `ỦY BAN NHÂN DÂN
THỊ XÃ ĐỨC PHỔ
Số: 345/QĐ-UBND
Đức Phổ, ngày 20 tháng 3 năm 2024

QUYẾT ĐỊNH
Về việc thành lập Tổ công tác thông tin đối ngoại thị xã

CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ ĐỨC PHỔ
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

QUYẾT ĐỊNH:
Điều 1. Thành lập Tổ công tác thông tin đối ngoại thị xã gồm các ông, bà có tên sau.
Điều 2. Tổ công tác có nhiệm vụ tham mưu UBND thị xã; định kỳ hằng quý báo cáo Chủ tịch UBND thị xã.
Điều 3. Chánh Văn phòng HĐND và UBND thị xã, Trưởng Phòng Văn hóa và Thông tin chịu trách nhiệm thi hành Quyết định này./.`;

  const NEWS_WITH_HEADING = `Bản tin địa phương

Kế hoạch

Năm nay thị xã đặt mục tiêu hoàn thành chuyển đổi số trước ngày 31/12/2024. Sở Y tế chủ trì, phối hợp với các đơn vị báo cáo kết quả trước ngày 15/11/2024.`;

  it.each([
    ['a news article', NEWS],
    ['a news article with a subheading “Kế hoạch”', NEWS_WITH_HEADING],
    ['a meeting invitation letter', INVITATION],
    ['a decision without tasks', DECISION],
  ])('%s → 422 and no draft', async (_name, text) => {
    const before = await db.db.selectFrom('plan_drafts').select('id').execute();
    const res = await call('POST', '/plans', { text });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_a_plan');
    expect(body.error.message).toContain('không phải là một kế hoạch');
    expect(await db.db.selectFrom('plan_drafts').select('id').execute()).toHaveLength(
      before.length,
    );
  });

  it('a PDF without a text layer (a scan) → 422', async () => {
    const form = new FormData();
    form.set('file', new File([scannedPdf()], 'ke-hoach-scan.pdf', { type: 'application/pdf' }));
    const res = await app.request('/api/plans', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: form,
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('scanned_pdf');
  });

  it('a legacy .doc or an image → 415', async () => {
    const form = new FormData();
    form.set('file', new File([new Uint8Array([0xd0, 0xcf, 0x11, 0xe0])], 'ke-hoach.doc'));
    const res = await app.request('/api/plans', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: form,
    });
    expect(res.status).toBe(415);
  });
});

describe('a .docx plan built with the docx package goes through mammoth', () => {
  it('keeps Word tables as rows: a task table with chủ trì / phối hợp / thời gian columns', async () => {
    const cell = (t: string) => new TableCell({ children: [new Paragraph(t)] });
    const row = (cells: string[]) => new TableRow({ children: cells.map(cell) });
    const doc = new Document({
      sections: [
        {
          children: [
            new Paragraph('ỦY BAN NHÂN DÂN'),
            new Paragraph('HUYỆN LẤP VÒ'),
            new Paragraph('Số: 88/KH-UBND'),
            new Paragraph('Lấp Vò, ngày 02 tháng 01 năm 2025'),
            new Paragraph({ children: [new TextRun({ text: 'KẾ HOẠCH', bold: true })] }),
            new Paragraph('Chuyển đổi số trên địa bàn huyện năm 2025'),
            new Paragraph('I. NHIỆM VỤ'),
            new Table({
              rows: [
                row([
                  'STT',
                  'Nội dung nhiệm vụ',
                  'Cơ quan chủ trì',
                  'Cơ quan phối hợp',
                  'Thời gian hoàn thành',
                ]),
                row([
                  '1',
                  'Rà soát hạ tầng mạng các xã',
                  'Phòng Văn hóa và Thông tin',
                  'UBND các xã, thị trấn',
                  'Quý I/2025',
                ]),
                row([
                  '2',
                  'Số hóa hồ sơ một cửa',
                  'Văn phòng HĐND và UBND huyện',
                  'Phòng Tư pháp',
                  'Tháng 6/2025',
                ]),
              ],
            }),
            new Paragraph('II. TỔ CHỨC THỰC HIỆN'),
            new Paragraph('1. Phòng Văn hóa và Thông tin'),
            new Paragraph(
              '- Định kỳ hằng quý, 6 tháng, cuối năm tổng hợp báo cáo UBND huyện; các đơn vị báo cáo kết quả thực hiện gửi Phòng Văn hóa và Thông tin.',
            ),
          ],
        },
      ],
    });
    const form = new FormData();
    form.set(
      'file',
      new File([new Uint8Array(await Packer.toBuffer(doc))], 'ke-hoach-cds.docx', {
        type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      }),
    );
    const res = await app.request('/api/plans', {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: form,
    });
    expect(res.status).toBe(201);
    const d = (await res.json()) as Draft & { sourceKind: string };
    expect(d.sourceKind).toBe('docx');
    expect(d.document.number).toBe('88/KH-UBND');
    expect(d.document.issuer).toBe('ỦY BAN NHÂN DÂN HUYỆN LẤP VÒ');
    const a = d.tasks.find((t) => t.title === 'Rà soát hạ tầng mạng các xã')!;
    expect(a.lead).toEqual(['Phòng Văn hóa và Thông tin']);
    expect(a.support).toEqual(['UBND các xã, thị trấn']);
    expect(a.due).toBe(local('2025-04-01T00:00:00').toISOString());
    const b = d.tasks.find((t) => t.title === 'Số hóa hồ sơ một cửa')!;
    expect(b.due).toBe(local('2025-07-01T00:00:00').toISOString());
    expect(d.requirements.map((r) => r.recurrence?.kind).sort()).toEqual([
      'half-yearly',
      'quarterly',
      'yearly',
    ]);
  });
});

/** A one-page PDF whose page is an empty image area: no text operators at all. */
function scannedPdf(): Uint8Array<ArrayBuffer> {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>',
  ];
  const stream = '0.9 g 0 0 595 842 re f';
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  offsets.push(pdf.length);
  pdf += `4 0 obj\n<< /Length ${stream.length} >>\nstream\n${stream}\nendstream\nendobj\n`;
  const xref = pdf.length;
  pdf += `xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}
