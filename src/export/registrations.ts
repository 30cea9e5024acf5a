/**
 * The registration list of an event as organizers file it: an Excel sheet laid out like the
 * plan's "Phụ lục 1 — Danh sách tham dự" (groups, units numbered in order, one line per
 * attendee), and a flat CSV of the same rows. Pure: the caller loads the rows.
 */
import type ExcelJS from 'exceljs';
import type { RegistrationStatus } from '../db/schema';

export interface RegistrationSheetRow {
  category: string | null;
  /** Sort order of the unit (its STT in the unit list). */
  order: number;
  unitName: string;
  status: RegistrationStatus;
  /** Registered after the registration deadline. */
  late: boolean;
  /** The unit's parent (a commune's district), when units form a tree. */
  parentName?: string | null;
  /** Why it declined, as the unit wrote it. */
  declineReason?: string | null;
  attendees: Array<{ name: string; title?: string | null; phone?: string | null }>;
}

export interface RegistrationSheetInput {
  title: string;
  subtitle?: string;
  rows: RegistrationSheetRow[];
}

export const NOTE_PENDING = 'Chưa đăng ký';
export const NOTE_DECLINED = 'Không cử người tham dự';
export const NOTE_WITHDRAWN = 'Đã rút đăng ký';
export const NOTE_LATE = 'Đăng ký muộn';
export const NOTE_NO_NAMES = 'Chưa có danh sách';
/** Heading of units that have no category when others have one. */
export const OTHER_CATEGORY = 'ĐƠN VỊ KHÁC';

const STATUS_LABEL: Record<RegistrationStatus, string> = {
  pending: 'Chưa đăng ký',
  registered: 'Đã đăng ký',
  declined: 'Không tham dự',
  withdrawn: 'Đã rút đăng ký',
};

function noteOf(row: RegistrationSheetRow): string {
  const notes: string[] = [];
  if (row.status === 'pending') notes.push(NOTE_PENDING);
  else if (row.status === 'declined')
    notes.push(
      row.declineReason ? `${NOTE_DECLINED} (lý do: ${row.declineReason})` : NOTE_DECLINED,
    );
  else if (row.status === 'withdrawn') notes.push(NOTE_WITHDRAWN);
  else if (row.attendees.length === 0) notes.push(NOTE_NO_NAMES);
  if (row.late && row.status !== 'pending') notes.push(NOTE_LATE);
  return notes.join('; ');
}

interface Group {
  category: string | null;
  rows: RegistrationSheetRow[];
}

/** Rows by unit order, grouped by category in the order the groups first appear. */
function groupRows(rows: RegistrationSheetRow[]): Group[] {
  const sorted = rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.order - b.r.order || a.i - b.i);
  const groups = new Map<string | null, Group>();
  for (const { r } of sorted) {
    const key = r.category && r.category.trim() ? r.category.trim() : null;
    let g = groups.get(key);
    if (!g) {
      g = { category: key, rows: [] };
      groups.set(key, g);
    }
    g.rows.push(r);
  }
  const list = [...groups.values()];
  // Units without a category go last, under their own heading when other groups exist.
  const none = list.findIndex((g) => g.category === null);
  if (none >= 0 && list.length > 1) list.push(...list.splice(none, 1));
  return list;
}

interface Column {
  header: string;
  width: number;
  /** Merged down over a unit's attendees (the unit's own cells). */
  perUnit: boolean;
  center?: boolean;
  text?: boolean;
  value(
    unit: RegistrationSheetRow,
    stt: number,
    person: RegistrationSheetRow['attendees'][number] | null,
  ): string | number;
}

/** The appendix's columns; "Đơn vị cấp trên" only when units form a tree. */
function columnsFor(rows: RegistrationSheetRow[]): Column[] {
  const tree = rows.some((r) => r.parentName);
  return [
    { header: 'STT', width: 6, perUnit: true, center: true, value: (_, stt) => stt },
    { header: 'Đơn vị', width: 38, perUnit: true, value: (u) => u.unitName },
    ...(tree
      ? [
          {
            header: 'Đơn vị cấp trên',
            width: 28,
            perUnit: true,
            value: (u: RegistrationSheetRow) => u.parentName ?? '',
          },
        ]
      : []),
    { header: 'Họ và tên', width: 26, perUnit: false, value: (_, __, p) => p?.name ?? '' },
    { header: 'Chức vụ', width: 32, perUnit: false, value: (_, __, p) => p?.title ?? '' },
    {
      header: 'Điện thoại',
      width: 15,
      perUnit: false,
      center: true,
      text: true,
      value: (_, __, p) => p?.phone ?? '',
    },
    { header: 'Ghi chú', width: 24, perUnit: true, value: (u) => noteOf(u) },
  ];
}

/** Per parent: how many of the units under it registered, and how many people. */
function subtotalsByParent(
  rows: RegistrationSheetRow[],
): Array<{ parent: string; units: number; registered: number; attendees: number }> {
  const by = new Map<
    string,
    { parent: string; units: number; registered: number; attendees: number }
  >();
  for (const r of rows) {
    if (!r.parentName) continue;
    const t = by.get(r.parentName) ?? {
      parent: r.parentName,
      units: 0,
      registered: 0,
      attendees: 0,
    };
    t.units++;
    if (r.status === 'registered') t.registered++;
    t.attendees += r.attendees.length;
    by.set(r.parentName, t);
  }
  return [...by.values()];
}

const colLetter = (n: number) => String.fromCharCode(64 + n);

const thin: Partial<ExcelJS.Border> = { style: 'thin' };
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const FONT = 'Times New Roman';

/**
 * An .xlsx workbook with one sheet "Danh sách": title rows ("DANH SÁCH THAM DỰ", the event title
 * in capitals, the subtitle), the header STT | Đơn vị | Họ và tên | Chức vụ | Điện thoại | Ghi chú
 * (frozen, repeated on every printed page), a merged heading row per category, and one row per
 * attendee with the unit's STT, name and note merged down over its attendees. A unit without
 * attendees gets one row whose note says why. A4 landscape, fit to page width.
 */
export async function buildRegistrationsXlsx(input: RegistrationSheetInput): Promise<Buffer> {
  // exceljs is loaded on the first export, not at start-up (it is large).
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  wb.creator = 'Điều phối';
  const ws = wb.addWorksheet('Danh sách');
  ws.properties.defaultRowHeight = 18;
  const COLUMNS = columnsFor(input.rows);
  const LAST_COL = colLetter(COLUMNS.length);
  COLUMNS.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width;
  });

  const titleRow = (
    text: string,
    opts: { size: number; bold?: boolean; italic?: boolean; height?: number },
  ) => {
    const row = ws.addRow([text]);
    ws.mergeCells(`A${row.number}:${LAST_COL}${row.number}`);
    const cell = row.getCell(1);
    cell.font = {
      name: FONT,
      size: opts.size,
      bold: opts.bold ?? false,
      italic: opts.italic ?? false,
    };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    if (opts.height) row.height = opts.height;
    return row;
  };
  titleRow('DANH SÁCH THAM DỰ', { size: 14, bold: true, height: 22 });
  titleRow(input.title.toLocaleUpperCase('vi'), {
    size: 13,
    bold: true,
    height: input.title.length > 70 ? 36 : 20,
  });
  if (input.subtitle) titleRow(input.subtitle, { size: 12, italic: true });
  ws.addRow([]);

  const header = ws.addRow(COLUMNS.map((c) => c.header));
  header.height = 22;
  header.eachCell((cell) => {
    cell.font = { name: FONT, size: 12, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = BORDER;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
  });
  const headerRowNumber = header.number;

  const bodyCell = (cell: ExcelJS.Cell, center = false) => {
    cell.font = { name: FONT, size: 12 };
    cell.alignment = { horizontal: center ? 'center' : 'left', vertical: 'middle', wrapText: true };
    cell.border = BORDER;
  };

  const groups = groupRows(input.rows);
  const showHeadings = groups.some((g) => g.category !== null);
  let stt = 0;
  let unitsRegistered = 0;
  let attendeesTotal = 0;
  for (const group of groups) {
    if (showHeadings) {
      const row = ws.addRow([group.category ?? OTHER_CATEGORY]);
      ws.mergeCells(`A${row.number}:${LAST_COL}${row.number}`);
      const cell = row.getCell(1);
      cell.font = { name: FONT, size: 12, bold: true };
      cell.alignment = { horizontal: 'left', vertical: 'middle', wrapText: true };
      cell.border = BORDER;
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
    }
    for (const unit of group.rows) {
      stt++;
      if (unit.status === 'registered') unitsRegistered++;
      attendeesTotal += unit.attendees.length;
      const people = unit.attendees.length > 0 ? unit.attendees : [null];
      const first = ws.rowCount + 1;
      for (const person of people) {
        const row = ws.addRow(COLUMNS.map((c) => c.value(unit, stt, person)));
        COLUMNS.forEach((c, i) => {
          bodyCell(row.getCell(i + 1), c.center);
          // Phone numbers stay text: a leading 0 or +84 must survive.
          if (c.text) row.getCell(i + 1).numFmt = '@';
        });
        row.getCell(1).numFmt = '00';
      }
      const last = ws.rowCount;
      if (last > first) {
        COLUMNS.forEach((c, i) => {
          if (c.perUnit) ws.mergeCells(`${colLetter(i + 1)}${first}:${colLetter(i + 1)}${last}`);
        });
      }
    }
  }

  ws.addRow([]);
  const total = ws.addRow([
    `Tổng cộng: ${unitsRegistered}/${stt} đơn vị đã đăng ký, ${attendeesTotal} đại biểu.`,
  ]);
  ws.mergeCells(`A${total.number}:${LAST_COL}${total.number}`);
  total.getCell(1).font = { name: FONT, size: 12, italic: true };
  for (const t of subtotalsByParent(input.rows)) {
    const row = ws.addRow([subtotalLine(t)]);
    ws.mergeCells(`A${row.number}:${LAST_COL}${row.number}`);
    row.getCell(1).font = { name: FONT, size: 12, italic: true };
  }

  ws.views = [
    { state: 'frozen', xSplit: 0, ySplit: headerRowNumber, activeCell: `A${headerRowNumber + 1}` },
  ];
  ws.pageSetup = {
    paperSize: 9, // A4
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    printTitlesRow: `${headerRowNumber}:${headerRowNumber}`,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
  };
  ws.headerFooter.oddFooter = '&CTrang &P/&N';

  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}

function subtotalLine(t: {
  parent: string;
  units: number;
  registered: number;
  attendees: number;
}): string {
  return `Cộng ${t.parent}: ${t.registered}/${t.units} đơn vị cấp dưới đã đăng ký, ${t.attendees} đại biểu.`;
}

/** RFC 4180 field; text that a spreadsheet would run as a formula is prefixed with "'". */
function csvField(value: string): string {
  let v = value;
  if (/^[=@\t\r]/.test(v) || (/^[+-]/.test(v) && !/^[+-]?[\d\s().-]+$/.test(v))) v = `'${v}`;
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * The same list as CSV for spreadsheets: UTF-8 with BOM (Excel reads Vietnamese correctly),
 * CRLF line ends, header Nhóm,STT,Đơn vị,Trạng thái,Họ và tên,Chức vụ,Điện thoại,Ghi chú,
 * one row per attendee and one row for a unit without attendees.
 */
export function buildRegistrationsCsv(input: RegistrationSheetInput): string {
  const tree = input.rows.some((r) => r.parentName);
  const lines = [
    [
      'Nhóm',
      'STT',
      'Đơn vị',
      ...(tree ? ['Đơn vị cấp trên'] : []),
      'Trạng thái',
      'Họ và tên',
      'Chức vụ',
      'Điện thoại',
      'Ghi chú',
    ],
  ];
  let stt = 0;
  for (const group of groupRows(input.rows)) {
    for (const unit of group.rows) {
      stt++;
      const note = noteOf(unit);
      const people = unit.attendees.length > 0 ? unit.attendees : [null];
      for (const person of people) {
        lines.push([
          group.category ?? '',
          String(stt),
          unit.unitName,
          ...(tree ? [unit.parentName ?? ''] : []),
          STATUS_LABEL[unit.status],
          person?.name ?? '',
          person?.title ?? '',
          person?.phone ?? '',
          note,
        ]);
      }
    }
  }
  for (const t of subtotalsByParent(input.rows)) lines.push(['', '', subtotalLine(t)]);
  return `\uFEFF${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}
