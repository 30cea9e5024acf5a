/**
 * Tables pasted with a header row (from Excel, Word or a form): "STT | Họ và tên | Giới tính |
 * Năm sinh | Chức vụ | Đơn vị | SĐT", in any order and subset, separated by tabs, "|" or runs
 * of spaces. The header says what each column holds, so gender and birth year never reach a
 * name, and only a mobile number in the row becomes the attendee's phone (not an ID-card
 * number, not the office's landline).
 */
import { fold } from '../text/normalize';
import { PHONE_RE } from './phone';
import { isTitleStart } from './titles';

export type Column =
  | 'stt'
  | 'name'
  | 'gender'
  | 'birth'
  | 'title'
  | 'unit'
  | 'phone'
  | 'landline'
  | 'id'
  | 'email'
  | 'note'
  | 'other'
  /** A single-spaced row's text after the number: name then title, split by the name finder. */
  | 'rest';

/** Header cells, folded, by column. */
const HEADERS: Array<[Column, RegExp]> = [
  ['stt', /^(?:stt|tt|so tt|so thu tu|#|no)$/],
  [
    'name',
    /^(?:ho (?:va |& |, |\/)?ten|ho va ten|ten|ho ten (?:dai bieu|hoc vien|nguoi tham du|can bo)|ten (?:dai bieu|hoc vien|can bo)|dai bieu|hoc vien|nguoi tham du)$/,
  ],
  ['gender', /^(?:gioi tinh|gt|phai|nam\/nu|nam nu|ong\/ba|ong ba)$/],
  ['birth', /^(?:nam sinh|ngay sinh|ngay thang nam sinh|ns|nam|nu|sinh nam)$/],
  [
    'title',
    /^(?:chuc vu|chuc danh|cv|chuc (?:vu|danh)(?: va|\/)? ?(?:don vi|co quan|noi)(?: cong tac)?|chuc vu hien tai)$/,
  ],
  [
    'unit',
    /^(?:don vi|don vi cong tac|co quan|co quan cong tac|noi cong tac|ten don vi|dia phuong)$/,
  ],
  [
    'landline',
    /^(?:dien thoai co quan|dt co quan|dtcq|so dt co quan|co dinh|dien thoai co dinh|dt ban)$/,
  ],
  [
    'phone',
    /^(?:sdt|sdt\/zalo|so dien thoai|dien thoai|dt|dtdd|di dong|so di dong|dien thoai di dong|sdt di dong|zalo|so dt|lien he|dien thoai lien he)$/,
  ],
  [
    'id',
    /^(?:cccd|cmnd|cmnd\/cccd|cccd\/cmnd|so cccd|so cmnd|so dinh danh|can cuoc|can cuoc cong dan|so cccd\/cmnd)$/,
  ],
  ['email', /^(?:email|e mail|thu dien tu|mail)$/],
  ['note', /^(?:ghi chu|gc|hinh thuc(?: tham du)?|diem cau|dia diem tham du)$/],
  ['other', /^(?:dan toc|trinh do(?: .*)?|chuyen mon|quoc tich|dia chi|que quan|ky ten|ton giao)$/],
];

function columnOf(cell: string): Column | undefined {
  const key = fold(cell)
    .replace(/[.:*(),;&\-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!key || key.length > 40) return undefined;
  return HEADERS.find(([, re]) => re.test(key))?.[0];
}

/** 'single': a header typed with single spaces ("STT Họ và tên Chức vụ SĐT"), read by phrases. */
export type Separator = 'tab' | 'pipe' | 'spaces' | 'single';

/** Splits a raw line (spaces not yet collapsed) by the separator the header used. */
export function cellsOf(line: string, sep: Separator): string[] {
  if (sep === 'single') return [line.trim()];
  if (sep === 'tab') return line.split('\t').map((c) => c.trim());
  if (sep === 'pipe')
    return line
      .replace(/^\s*\|/, '')
      .replace(/\|\s*$/, '')
      .split('|')
      .map((c) => c.trim());
  return line
    .trim()
    .split(/ {2,}/)
    .map((c) => c.trim());
}

function separatorOf(line: string): Separator | undefined {
  if (line.includes('\t')) return 'tab';
  if (line.includes('|')) return 'pipe';
  if (/\S {2,}\S/.test(line)) return 'spaces';
  return undefined;
}

export interface TableHeader {
  sep: Separator;
  columns: (Column | undefined)[];
}

/** A header row: at least a name column and one more known column, and mostly known cells. */
export function tableHeader(line: string): TableHeader | undefined {
  const sep = separatorOf(line);
  if (!sep) return singleSpacedHeader(line);
  const cells = cellsOf(line, sep);
  const filled = cells.filter((c) => c !== '');
  if (filled.length < 2 || filled.length > 20) return undefined;
  const columns = cells.map((c) => (c === '' ? undefined : columnOf(c)));
  const known = columns.filter((c) => c !== undefined);
  if (!columns.includes('name') || known.length < 2) return undefined;
  if (known.length < filled.length * 0.6) return undefined;
  return { sep, columns };
}

/** Header words typed with single spaces, longest first: every word must belong to one. */
const PHRASES: string[][] = [
  'stt',
  'tt',
  'ho va ten',
  'ho ten',
  'ho, ten',
  'gioi tinh',
  'nam sinh',
  'ngay sinh',
  'chuc vu don vi',
  'chuc vu',
  'chuc danh',
  'don vi cong tac',
  'don vi',
  'co quan',
  'so dien thoai',
  'dien thoai',
  'sdt',
  'dt',
  'cccd',
  'cmnd',
  'email',
  'ghi chu',
]
  .map((p) => p.split(' '))
  .sort((a, b) => b.length - a.length);

function singleSpacedHeader(line: string): TableHeader | undefined {
  if (!/^\s*(?:stt|tt|h[ọo])/iu.test(line)) return undefined;
  const words = fold(line)
    .replace(/[^a-z0-9/ ]+/g, ' ')
    .trim()
    .split(' ');
  if (words.length > 16) return undefined;
  const columns: Column[] = [];
  for (let i = 0; i < words.length;) {
    const phrase = PHRASES.find((p) => p.every((w, k) => words[i + k] === w));
    const column = phrase ? columnOf(phrase.join(' ')) : undefined;
    if (!phrase || !column) return undefined;
    columns.push(column);
    i += phrase.length;
  }
  if (!columns.includes('name') || columns.length < 3) return undefined;
  return { sep: 'single', columns };
}

/**
 * A row under a single-spaced header: the cells cannot be split, so they are read by their
 * look — the number, phones, ID-card numbers, birth years and gender words come out, the name is
 * what the name finder reads first (done by the caller), and the rest is the title.
 */
function singleSpacedRow(line: string, header: TableHeader): Map<Column, string[]> | null {
  let text = line.trim();
  if (!/^\d{1,3}[.)]?\s/.test(text) && header.columns[0] === 'stt') return null;
  text = text.replace(/^\d{1,3}[.)]?\s+/, '');
  const row = new Map<Column, string[]>();
  const phones = [...text.matchAll(PHONE_RE)].map((m) => m[0]);
  if (phones.length) row.set('phone', phones);
  text = text.replace(PHONE_RE, ' ').replace(/(?<![\d])(?:\d{12}|\d{9})(?!\d)/g, ' ');
  if (header.columns.includes('gender')) {
    // The gender word after the name, before a birth year, the title or the end.
    text = text.replace(
      /(?<=\S)\s+(?:Nam|Nữ|NAM|NỮ|nam|nữ)(?=\s+(?:\d{1,2}[/.-]\d{1,2}[/.-])?(?:19|20)\d\d(?!\d)|\s*$)/u,
      ' ',
    );
    const m = /(?<=\S)\s+(?:Nam|Nữ|NAM|NỮ|nam|nữ)\s+(?=\S)/u.exec(text);
    if (m && isTitleStart(text.slice(m.index + m[0].length)))
      text = `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`;
  }
  text = text
    .replace(/(?<![\d/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-])?(?:19|20)\d\d(?![\d/])/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return null;
  row.set('name', [text]);
  row.set('rest', [text]);
  return row;
}

/** What a cell can be, by its look alone (for rows whose empty cells were lost). */
function fits(column: Column | undefined, cell: string): boolean {
  const digits = cell.replace(/[\s.\-]/g, '');
  switch (column) {
    case 'stt':
      return /^\d{1,3}[.)]?$/.test(cell);
    case 'gender':
      return /^(?:nam|nữ|nu|ông|bà|ong|ba)$/iu.test(cell);
    case 'birth':
      return /^(?:\d{4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})$/.test(cell);
    case 'phone':
    case 'landline':
      return /^\+?\d{9,12}$/.test(digits.replace(/^\(\+?84\)/, '84'));
    case 'id':
      return /^\d{9}$|^\d{12}$/.test(digits);
    case 'email':
      return cell.includes('@');
    case 'name':
      return /\p{L}/u.test(cell) && !/\d/.test(cell);
    default:
      return /\p{L}/u.test(cell);
  }
}

/** The cells of a data row, keyed by column; null when the line is not a row of this table. */
export function tableRow(line: string, header: TableHeader): Map<Column, string[]> | null {
  if (header.sep === 'single') return singleSpacedRow(line, header);
  if (separatorOf(line) !== header.sep && !(header.sep === 'spaces' && /\S {2,}\S/.test(line)))
    return null;
  const cells = cellsOf(line, header.sep);
  const row = new Map<Column, string[]>();
  const put = (column: Column | undefined, cell: string): void => {
    if (!column || cell === '') return;
    row.set(column, [...(row.get(column) ?? []), cell]);
  };
  const filled = cells.filter((c) => c !== '');
  if (header.sep !== 'spaces' || filled.length === header.columns.filter(Boolean).length) {
    // Cells line up with the header (tabs and bars keep empty cells in place).
    const cols = header.sep === 'spaces' ? header.columns.filter(Boolean) : header.columns;
    const source = header.sep === 'spaces' ? filled : cells;
    source.forEach((cell, i) => put(cols[i], cell));
    return row;
  }
  // Runs of spaces lose empty cells: give each cell the next column it fits.
  let col = 0;
  const cols = header.columns.filter(Boolean);
  for (const cell of filled) {
    while (col < cols.length && !fits(cols[col], cell)) col++;
    if (col >= cols.length) break;
    put(cols[col], cell);
    col++;
  }
  return row;
}
