/**
 * Reading plan files: Word's HTML (lists numbered as Word shows them, table rows as tab-separated
 * cells), a PDF's text layer (lines rebuilt from positioned items, table columns as tabs), text
 * files in UTF-8 or UTF-16, and the refusals (.doc, images, a scan).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import { describe, expect, it } from 'vitest';
import { extractPlan } from '../../../src/core/plans/extract';
import { htmlToPlanText, pdfItemsToText, planFileText } from '../../../src/core/plans/source';

const opts = { now: new Date('2024-03-01T02:00:00Z'), tz: 'Asia/Ho_Chi_Minh' };

describe('Word HTML → lines', () => {
  it('numbers lists the way Word shows them and keeps table rows', () => {
    const html =
      '<p><strong>KẾ HOẠCH</strong></p><ol><li>Sở Y tế<ol><li>Chủ trì &amp; phối hợp</li></ol></li><li>Sở Tư pháp</li></ol>' +
      '<ul><li>gạch đầu dòng</li></ul><table><tr><td><p>Sáng</p></td><td><p>7h30 - 8h00</p><p>đón tiếp</p></td></tr></table><p>a&#160;b &lt;c&gt;</p>';
    expect(htmlToPlanText(html).split('\n\n')).toEqual([
      'KẾ HOẠCH',
      '1. Sở Y tế',
      'a) Chủ trì & phối hợp',
      '2. Sở Tư pháp',
      '- gạch đầu dòng',
      'Sáng\t7h30 - 8h00 đón tiếp',
      'a\u00a0b <c>',
    ]);
  });
});

describe('a .docx laid out per Nghị định 30: the heading block is a borderless table', () => {
  it('reads the issuing body, number, place and date out of the table, cell by cell', async () => {
    const cell = (lines: string[]) =>
      new TableCell({ children: lines.map((l) => new Paragraph(l)) });
    const doc = new Document({
      sections: [
        {
          children: [
            new Table({
              rows: [
                new TableRow({
                  children: [
                    cell(['ỦY BAN NHÂN DÂN', 'TỈNH QUẢNG NGÃI', '———', 'Số: 203/KH-UBND']),
                    cell([
                      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
                      'Độc lập - Tự do - Hạnh phúc',
                      'Quảng Ngãi, ngày 22 tháng 11 năm 2023',
                    ]),
                  ],
                }),
              ],
            }),
            new Paragraph('KẾ HOẠCH'),
            new Paragraph('Công tác thông tin đối ngoại năm 2024'),
            new Paragraph('I. TỔ CHỨC THỰC HIỆN'),
            new Paragraph(
              'Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với Công an tỉnh tổ chức thực hiện; thời gian: tháng 9, 10/2024.',
            ),
          ],
        },
      ],
    });
    const text = await planFileText(
      new Uint8Array(await Packer.toBuffer(doc)),
      'kh.docx',
      undefined,
    );
    const plan = extractPlan(text, opts);
    expect(plan.document).toMatchObject({
      number: '203/KH-UBND',
      issuer: 'ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI',
      issuedOn: '2023-11-22',
      place: 'Quảng Ngãi',
      title: 'Công tác thông tin đối ngoại năm 2024',
    });
    expect(plan.tasks.map((t) => [t.lead, t.support, t.due])).toEqual([
      [
        ['Sở Thông tin và Truyền thông'],
        ['Công an tỉnh'],
        new Date('2024-11-01T00:00:00+07:00').toISOString(),
      ],
    ]);
  });
});

describe('PDF text layer → lines', () => {
  it('breaks lines where the baseline moves, a space between words and a tab between table columns', () => {
    const item = (str: string, x: number, y: number, width: number) => ({
      str,
      x,
      y,
      width,
      fontSize: 12,
      hasEOL: false,
    });
    const text = pdfItemsToText([
      [
        item('STT', 50, 700, 20),
        item('Nội dung', 120, 700, 50),
        item('Chủ trì', 300, 700, 40),
        item('1', 50, 680, 6),
        item('Rà soát', 120, 680, 40),
        item('hồ sơ', 163, 680, 30),
        item('Sở Nội vụ', 300, 680, 50),
      ],
    ]);
    expect(text.split('\n').filter(Boolean)).toEqual([
      'STT\tNội dung\tChủ trì',
      '1\tRà soát hồ sơ\tSở Nội vụ',
    ]);
  });

  it('reads a PDF with a text layer and refuses one without', async () => {
    const text = await planFileText(
      textPdf([
        'KE HOACH',
        'Thu nghiem nam 2024',
        'I. NHIEM VU',
        '1. Ra soat ho so',
        '- Chu tri: So Noi vu.',
        '- Thoi gian: Quy II/2024.',
      ]),
      'kh.pdf',
      'application/pdf',
    );
    const plan = extractPlan(text, opts);
    expect(plan.tasks.map((t) => [t.title, t.lead, t.due])).toEqual([
      ['Ra soat ho so', ['So Noi vu'], new Date('2024-07-01T00:00:00+07:00').toISOString()],
    ]);
    await expect(planFileText(textPdf([]), 'scan.pdf', 'application/pdf')).rejects.toMatchObject({
      code: 'scanned_pdf',
      kind: 'unprocessable',
    });
  });
});

describe('text files and refusals', () => {
  it('reads UTF-8 (with or without BOM) and UTF-16', async () => {
    const s = 'KẾ HOẠCH\nThử';
    expect(await planFileText(new TextEncoder().encode(`\ufeff${s}`), 'kh.txt', 'text/plain')).toBe(
      s,
    );
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from(s, 'utf16le')]);
    expect(await planFileText(utf16, 'kh.txt', undefined)).toBe(s);
  });

  it('refuses a legacy .doc, an image and a broken .docx with a reason', async () => {
    await expect(planFileText(new Uint8Array([1, 2]), 'kh.doc', undefined)).rejects.toMatchObject({
      kind: 'unsupported',
    });
    await expect(
      planFileText(new Uint8Array([1, 2]), 'anh.jpg', 'image/jpeg'),
    ).rejects.toMatchObject({
      kind: 'unsupported',
    });
    await expect(
      planFileText(new Uint8Array([1, 2, 3]), 'hong.docx', undefined),
    ).rejects.toMatchObject({
      code: 'unreadable_file',
    });
  });
});

const soffice = spawnSync('which', ['soffice']).status === 0;

describe.skipIf(!soffice)('a Vietnamese plan exported to PDF by LibreOffice', () => {
  it('reads the same tasks from the PDF as from the .docx', async () => {
    const cell = (t: string) => new TableCell({ children: [new Paragraph(t)] });
    const doc = new Document({
      sections: [
        {
          children: [
            new Paragraph('KẾ HOẠCH'),
            new Paragraph('Chuyển đổi số năm 2025'),
            new Paragraph('I. NHIỆM VỤ'),
            new Table({
              rows: [
                new TableRow({
                  children: ['STT', 'Nội dung', 'Cơ quan chủ trì', 'Thời gian hoàn thành'].map(
                    cell,
                  ),
                }),
                new TableRow({
                  children: ['1', 'Số hóa hồ sơ', 'Sở Nội vụ', 'Quý II/2025'].map(cell),
                }),
              ],
            }),
          ],
        },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'plan-pdf-'));
    const docx = new Uint8Array(await Packer.toBuffer(doc));
    writeFileSync(join(dir, 'kh.docx'), docx);
    execFileSync(
      'soffice',
      [
        '--headless',
        `-env:UserInstallation=file://${dir}/profile`,
        '--convert-to',
        'pdf',
        '--outdir',
        dir,
        join(dir, 'kh.docx'),
      ],
      {
        timeout: 120_000,
        stdio: 'ignore',
      },
    );
    const fromPdf = extractPlan(
      await planFileText(new Uint8Array(readFileSync(join(dir, 'kh.pdf'))), 'kh.pdf', undefined),
      opts,
    );
    const fromDocx = extractPlan(await planFileText(docx, 'kh.docx', undefined), opts);
    const view = (p: typeof fromPdf) => p.tasks.map((t) => [t.title, t.lead, t.due]);
    expect(view(fromDocx)).toEqual([
      ['Số hóa hồ sơ', ['Sở Nội vụ'], new Date('2025-07-01T00:00:00+07:00').toISOString()],
    ]);
    expect(view(fromPdf)).toEqual(view(fromDocx));
  }, 150_000);
});

/** A one-page PDF with a text layer (Helvetica, ASCII), one line per entry; no lines: no text at all. */
function textPdf(lines: string[]): Uint8Array {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const stream = lines.length
    ? `BT /F1 12 Tf 14 TL 50 780 Td ${lines.map((l) => `(${esc(l)}) Tj T*`).join(' ')} ET`
    : '0.9 g 0 0 595 842 re f';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(pdf);
}
