/**
 * The status workbook organizers send upward: one sheet per report requirement or per plan's
 * tasks, each a titled table (STT, unit, status in the office classification, the date and number
 * of the document the unit gave…) with counts below. Pure: the caller gives the rows and labels.
 */
import type ExcelJS from 'exceljs';

export interface StatusColumn {
  header: string;
  width: number;
  /** Centered (STT, dates, counts). */
  center?: boolean;
}

export interface StatusSheet {
  /** Worksheet tab name (Excel allows 31 characters; longer is cut). */
  name: string;
  title: string;
  subtitle?: string;
  columns: StatusColumn[];
  rows: Array<Array<string | number | null>>;
  /** Lines under the table ("Đã báo cáo đúng hạn: 12"…). */
  summary: string[];
}

const FONT = 'Times New Roman';
const thin: Partial<ExcelJS.Border> = { style: 'thin' };
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };

function colLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26))
    s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique in the workbook. */
function sheetName(raw: string, used: Set<string>): string {
  const base =
    raw
      .replace(/[:\\/?*[\]]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 28) || 'Trang';
  let name = base;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base.slice(0, 26)} ${i}`;
  used.add(name.toLowerCase());
  return name;
}

export async function buildStatusXlsx(sheets: StatusSheet[]): Promise<Buffer> {
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'Điều phối';
  const used = new Set<string>();
  for (const s of sheets) {
    const ws = wb.addWorksheet(sheetName(s.name, used));
    const last = colLetter(s.columns.length);
    s.columns.forEach((c, i) => {
      ws.getColumn(i + 1).width = c.width;
    });
    const titleRow = (text: string, size: number, bold: boolean, italic = false) => {
      const row = ws.addRow([text]);
      ws.mergeCells(`A${row.number}:${last}${row.number}`);
      const cell = row.getCell(1);
      cell.font = { name: FONT, size, bold, italic };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      row.height = text.length > 90 ? 36 : 20;
    };
    titleRow(s.title.toLocaleUpperCase('vi'), 13, true);
    if (s.subtitle) titleRow(s.subtitle, 12, false, true);
    ws.addRow([]);
    const header = ws.addRow(s.columns.map((c) => c.header));
    header.height = 30;
    header.eachCell((cell) => {
      cell.font = { name: FONT, size: 12, bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.border = BORDER;
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
    });
    for (const r of s.rows) {
      const row = ws.addRow(r.map((v) => (v === null ? '' : v)));
      s.columns.forEach((c, i) => {
        const cell = row.getCell(i + 1);
        cell.font = { name: FONT, size: 12 };
        cell.alignment = {
          horizontal: c.center ? 'center' : 'left',
          vertical: 'middle',
          wrapText: true,
        };
        cell.border = BORDER;
        // Document numbers ("45/BC-UBND") and dates stay text, never numbers or formulas.
        if (typeof r[i] === 'string') cell.numFmt = '@';
      });
    }
    ws.addRow([]);
    for (const line of s.summary) {
      const row = ws.addRow([line]);
      ws.mergeCells(`A${row.number}:${last}${row.number}`);
      row.getCell(1).font = { name: FONT, size: 12, italic: true };
    }
    ws.views = [
      { state: 'frozen', xSplit: 0, ySplit: header.number, activeCell: `A${header.number + 1}` },
    ];
    ws.pageSetup = {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${header.number}:${header.number}`,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    };
    ws.headerFooter.oddFooter = '&CTrang &P/&N';
  }
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
