/**
 * Unit lists as organizers already have them: the appendix table of a plan ("Phụ lục 1 —
 * Danh sách tham dự"), a CSV export, or an Excel sheet. Everything here is pure and in
 * memory; the result is what `PUT /api/units` upserts.
 */
import { DomainError } from '../errors';
import { IMPORT_LINE_MAX_CHARS, IMPORT_MAX_CHARS } from '../text/limits';
import { cleanText, fold, limitMarks, trimEndMatching } from '../text/normalize';
import { splitCells } from '../text/table';
import { tree } from '../../messages/vi';
import { findUnits, unitKey } from './lookup';
import type { UnitUpsert } from './repo';

export interface UnitInput {
  /** Stable identifier; from an appendix the STT zero-padded to 3 digits ("001"). */
  code: string;
  name: string;
  /** Group heading as written in the source ("CÁC SỞ, BAN, NGÀNH TỈNH"). */
  category?: string;
  /** Sort order (the STT). */
  order?: number;
  /**
   * A CSV/Excel "cấp trên" cell as written (a code or a name), resolved by `resolveParents`;
   * null when the file has the column but the cell is empty (a top unit).
   */
  parentRef?: { text: string; line: number } | null;
}

/** A row that cannot be imported. `line` is 1-based (text line, or Excel row number). */
export class UnitImportError extends DomainError {
  override readonly name = 'UnitImportError';
  readonly line: number | undefined;
  constructor(message: string, line?: number) {
    super('invalid_import', line === undefined ? message : `Dòng ${line}: ${message}`);
    this.line = line;
  }
}

/**
 * A unit list is refused whole rather than cut: importing part of it would silently leave units
 * out. Beyond IMPORT_MAX_CHARS characters, or a row beyond IMPORT_LINE_MAX_CHARS, is not a unit list.
 */
function refuseOversized(text: string): void {
  if (text.length > IMPORT_MAX_CHARS)
    throw new UnitImportError(
      `Danh sách quá dài (hơn ${IMPORT_MAX_CHARS.toLocaleString('vi-VN')} ký tự); hãy chia thành nhiều lần nhập.`,
    );
}

function lineTooLong(line: number): UnitImportError {
  return new UnitImportError(
    `dòng dài hơn ${IMPORT_LINE_MAX_CHARS.toLocaleString('vi-VN')} ký tự, không phải một dòng của danh sách đơn vị.`,
    line,
  );
}

/** Codes made only of digits are zero-padded to 3 digits, the way the appendix numbers units. */
export function codeFromNumber(n: number | string): string {
  return String(n).padStart(3, '0');
}

// ---------------------------------------------------------------------------------------------
// Appendix text
// ---------------------------------------------------------------------------------------------

const NUM_CELL = /^(\d{1,4})[.)]?$/;
const INLINE_PAIR = /^(\d{1,4})[.)]?\s+(\S.*)$/;

interface Pair {
  stt: number;
  name: string;
}

/** The (STT, name) pairs of a row, or null when the line is not a table row. */
function rowPairs(cells: string[], allowInline: boolean): Pair[] | null {
  const pairs: Pair[] = [];
  let i = 0;
  while (i < cells.length) {
    const cell = cells[i]!;
    const num = NUM_CELL.exec(cell);
    if (num) {
      const parts: string[] = [];
      i++;
      while (i < cells.length && !NUM_CELL.test(cells[i]!) && !INLINE_PAIR.test(cells[i]!)) {
        parts.push(cells[i]!);
        i++;
      }
      // A number with no name (a page number, an empty trailing cell) is not a unit.
      if (parts.length > 0) pairs.push({ stt: Number(num[1]), name: parts.join(' ') });
      continue;
    }
    const inline = allowInline ? INLINE_PAIR.exec(cell) : null;
    if (inline) {
      pairs.push({ stt: Number(inline[1]), name: inline[2]! });
      i++;
      continue;
    }
    return null;
  }
  return pairs.length > 0 ? pairs : null;
}

/** ALL-CAPS single-cell line: a category heading (or a title line above the table). */
function isHeading(cells: string[]): boolean {
  if (cells.length !== 1) return false;
  const s = cells[0]!;
  const letters = s.match(/\p{L}/gu);
  if (!letters || letters.length < 2) return false;
  if (/^[\d(]/.test(s)) return false;
  // "I. MỤC ĐÍCH…", "II. NỘI DUNG…": section titles of the plan body, not table groups.
  if (/^[IVXLC]+\.\s/.test(s)) return false;
  return s === s.toLocaleUpperCase('vi') && s !== s.toLocaleLowerCase('vi');
}

/** Legacy-font conversion artefacts seen in real plans ("THAM MUÙ" is VNI for "THAM MƯU"). */
const TYPO_FIXES: Array<[RegExp, string]> = [
  [/(?<!\p{L})MUÙ(?!\p{L})/gu, 'MƯU'],
  [/(?<!\p{L})muù(?!\p{L})/gu, 'mưu'],
];

function cleanHeading(s: string): string {
  let out = trimEndMatching(cleanText(s), /[\s,;:–-]/u);
  for (const [re, to] of TYPO_FIXES) out = out.replace(re, to);
  return out;
}

function capitalize(word: string): string {
  const lower = word.toLocaleLowerCase('vi');
  return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1);
}

/**
 * Lower case with diacritics kept (so "Quận" ≠ "Quân"/"Quản", "Xã" ≠ "Xa") and the old tone
 * placement unified ("uỷ" → "ủy", "hoá" → "hóa").
 */
function lowerVi(s: string): string {
  return s
    .normalize('NFC')
    .toLocaleLowerCase('vi')
    .replace(/uỷ/g, 'ủy')
    .replace(/oá/g, 'óa')
    .replace(/oà/g, 'òa')
    .replace(/\.$/, '');
}

/** Level words that end a heading naming one body per locality ("… HUYỆN, THÀNH PHỐ"). */
const TAIL_PHRASES: Array<{ words: string[]; party: boolean }> = [
  { words: ['huyện', 'ủy'], party: true },
  { words: ['thành', 'ủy'], party: true },
  { words: ['thị', 'ủy'], party: true },
  { words: ['quận', 'ủy'], party: true },
  { words: ['thành', 'phố'], party: false },
  { words: ['thị', 'xã'], party: false },
  { words: ['thị', 'trấn'], party: false },
  { words: ['cấp', 'xã'], party: false },
  { words: ['cấp', 'huyện'], party: false },
  { words: ['cấp', 'tỉnh'], party: false },
  { words: ['huyện'], party: false },
  { words: ['quận'], party: false },
  { words: ['xã'], party: false },
  { words: ['phường'], party: false },
  { words: ['tp'], party: false },
];
const TAIL_FILLERS = new Set([',', '-', '–', '/', '&', 'và', 'các']);

interface HeadingSubject {
  /** Short organ name used to qualify place-only rows ("UBND", "Ban Tuyên giáo", "Phòng VH-TT"). */
  prefix: string;
  /** The heading names party committees ("HUYỆN ỦY, THÀNH ỦY"): "Huyện X" becomes "Huyện ủy X". */
  party: boolean;
}

/**
 * "BAN TUYÊN GIÁO HUYỆN ỦY, THÀNH ỦY" → {prefix: "Ban Tuyên giáo", party: true};
 * "ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ" → {prefix: "UBND"}. Null when the heading has no
 * locality tail (its place rows are then left as written) or names no organ.
 */
export function headingSubject(heading: string): HeadingSubject | null {
  const tokens: Array<{ text: string; lower: string; index: number }> = [];
  const re = /[^\s,\-–/&]+|[,\-–/&]/gu;
  for (let m = re.exec(heading); m; m = re.exec(heading)) {
    tokens.push({ text: m[0], lower: lowerVi(m[0]), index: m.index });
  }
  let end = tokens.length;
  let party = false;
  let sawLevel = false;
  outer: while (end > 0) {
    for (const phrase of TAIL_PHRASES) {
      const n = phrase.words.length;
      if (end - n < 0) continue;
      if (phrase.words.every((w, k) => tokens[end - n + k]!.lower === w)) {
        end -= n;
        sawLevel = true;
        party ||= phrase.party;
        continue outer;
      }
    }
    if (TAIL_FILLERS.has(tokens[end - 1]!.lower)) {
      end--;
      continue;
    }
    break;
  }
  if (!sawLevel || end === 0) return null;
  let subject = heading.slice(0, tokens[end - 1]!.index + tokens[end - 1]!.text.length);
  subject = cleanText(subject.replace(/^(các|những)\s+/iu, ''));
  if (!subject) return null;
  return { prefix: organShortName(subject), party };
}

const ABBREVIATIONS: Array<[string, string]> = [
  ['uy ban nhan dan', 'UBND'],
  ['hoi dong nhan dan', 'HĐND'],
  ['mat tran to quoc viet nam', 'MTTQ Việt Nam'],
];
/** Organ heads of two words, after which the proper part of the name starts. */
const TWO_WORD_HEADS = new Set([
  'van phong',
  'uy ban',
  'cong an',
  'dang uy',
  'chi cuc',
  'benh vien',
  'hoi dong',
  'lien doan',
  'cong doan',
  'ban quan',
]);

function initials(part: string): string {
  return part
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toLocaleUpperCase('vi'))
    .join('');
}

/** "PHÒNG VĂN HÓA - THÔNG TIN" → "Phòng VH-TT"; "TRUNG TÂM VĂN HOÁ, THỂ THAO VÀ TRUYỀN THANH" → "TT VH-TT-TT". */
function organShortName(subject: string): string {
  const f = fold(subject);
  for (const [from, to] of ABBREVIATIONS) if (f === from) return to;
  const words = subject.split(/\s+/);
  const acronymOf = (rest: string) =>
    rest
      .split(/\s*[,\-–&/]\s*|\s+(?:và|VÀ|Và)\s+/u)
      .map(initials)
      .filter(Boolean)
      .join('-');
  if (f.startsWith('phong ') && words.length > 1)
    return `Phòng ${acronymOf(words.slice(1).join(' '))}`;
  if (f.startsWith('trung tam ') && words.length > 2)
    return `TT ${acronymOf(words.slice(2).join(' '))}`;
  // Vietnamese organ names capitalize the organ word and the first word of the proper part:
  // "Ban Tuyên giáo", "Hội Nông dân", "Văn phòng Tỉnh ủy", "Đảng ủy".
  const headLen = words.length >= 2 && TWO_WORD_HEADS.has(fold(`${words[0]} ${words[1]}`)) ? 2 : 1;
  return words
    .map((w, i) => (i === 0 || i === headLen ? capitalize(w) : w.toLocaleLowerCase('vi')))
    .join(' ');
}

const PLACE_START =
  /^(huyện ủy|thành ủy|thị ủy|quận ủy|đảng ủy|huyện|thành phố|thị xã|thị trấn|quận|xã|phường|tp)(?:[\s.]|$)/u;
const PARTY_COMMITTEE: Record<string, string> = {
  huyện: 'Huyện ủy',
  'thành phố': 'Thành ủy',
  tp: 'Thành ủy',
  'thị xã': 'Thị ủy',
  quận: 'Quận ủy',
  xã: 'Đảng ủy xã',
  phường: 'Đảng ủy phường',
  'thị trấn': 'Đảng ủy thị trấn',
};

/** Qualify a place-only row ("Huyện Tân Hồng") with the organ its heading names. */
function qualifyPlace(name: string, subject: HeadingSubject | null): string {
  if (!subject) return name;
  const m = PLACE_START.exec(lowerVi(name));
  if (!m) return name;
  const kind = m[1]!;
  const committee = PARTY_COMMITTEE[kind];
  if (subject.party && committee) {
    // "Thành phố Cao Lãnh" → "Thành ủy Cao Lãnh": drop the place word (as many words as it has).
    const rest = name
      .split(/\s+/)
      .slice(kind.split(' ').length)
      .join(' ')
      .replace(/^\.\s*/, '');
    return `${subject.prefix} ${committee} ${rest}`.trim();
  }
  return `${subject.prefix} ${name}`;
}

/** "Lãnh đạo Văn phòng Tỉnh ủy" → "Văn phòng Tỉnh ủy": who should attend is not part of the unit. */
function unitNameFromRow(raw: string): string {
  const name = cleanText(raw);
  const m = /^lãnh đạo\s+(\S.*)$/iu.exec(name);
  return m ? m[1]! : name;
}

/**
 * Units from text pasted out of a plan's appendix (Phụ lục 1 of seed 000 is the model):
 * ALL-CAPS category headings, then rows of one or two `STT<TAB>name` pairs. Title lines above
 * the table, blank lines and anything that is neither a heading nor a row are skipped.
 *
 * - code = STT padded to 3 digits, order = STT.
 * - category = the heading as written (ALL CAPS, diacritics kept, trailing tabs and commas
 *   dropped, the legacy-font typo "MUÙ" → "MƯU" fixed).
 * - Place-only rows under a heading that names one body per locality ("BAN TUYÊN GIÁO HUYỆN ỦY,
 *   THÀNH ỦY", "ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ") are qualified with that body so every name
 *   is unambiguous: "Ban Tuyên giáo Thành ủy Cao Lãnh", "UBND Huyện Tân Hồng".
 * - A leading "Lãnh đạo " is dropped ("Lãnh đạo Văn phòng Tỉnh ủy" → "Văn phòng Tỉnh ủy").
 *
 * Throws UnitImportError when an STT appears twice.
 */
export function parseAppendixUnits(text: string): UnitInput[] {
  refuseOversized(text);
  const lines = limitMarks(text).normalize('NFC').split(/\r?\n/);
  const units: UnitInput[] = [];
  const seen = new Map<number, number>();
  let heading: string | null = null; // current (or pending) heading text
  let headingLines = 0;
  /** What the heading names, worked out when its first row comes (most caps lines get none). */
  let subject: HeadingSubject | null | undefined;
  let headingHasRows = false;
  let prevWasHeading = false;
  let inTable = false;

  for (let idx = 0; idx < lines.length; idx++) {
    const lineNo = idx + 1;
    const line = lines[idx]!;
    if (line.length > IMPORT_LINE_MAX_CHARS) throw lineTooLong(lineNo);
    // Rows and headings have letters: a line without any is blank, or a rule or stray numbers
    // that end a pending title (as any line that is not a row does), read without splitting.
    if (!/\p{L}/u.test(line)) {
      if (/\S/.test(line) && heading && !headingHasRows) heading = null;
      prevWasHeading = false;
      continue;
    }
    const cells = splitCells(line).filter((c) => c !== '');
    if (cells.length === 0) {
      prevWasHeading = false;
      continue;
    }
    if (isHeading(cells)) {
      // A heading wrapped over consecutive lines is joined; otherwise a new heading replaces
      // the pending one (title lines above the table never get rows, so they vanish).
      // A heading wraps over two or three lines, never more: a longer run starts afresh.
      const joined = prevWasHeading && heading !== null && headingLines < 3;
      heading = cleanHeading(joined ? `${heading} ${cells[0]}` : cells[0]!);
      headingLines = joined ? headingLines + 1 : 1;
      subject = undefined;
      headingHasRows = false;
      prevWasHeading = true;
      continue;
    }
    prevWasHeading = false;
    // "01 Văn phòng…" with a single space is only trusted inside the table.
    const pairs = rowPairs(cells, cells.length > 1 || inTable || heading !== null);
    if (!pairs) {
      // Caps lines followed by prose ("(Kèm theo Kế hoạch…)") were the document title, not a
      // group; a table header row ("STT | Tên đơn vị") keeps the heading.
      const isTableHeader = ['stt', 'tt', 'so tt'].includes(
        fold(cells[0]!)
          .replace(/[^a-z ]/g, '')
          .trim(),
      );
      if (heading && !headingHasRows && !isTableHeader) heading = null;
      continue;
    }
    inTable = true;
    headingHasRows = true;
    if (subject === undefined) subject = heading ? headingSubject(heading) : null;
    for (const { stt, name } of pairs) {
      const first = seen.get(stt);
      if (first !== undefined) {
        throw new UnitImportError(`STT ${stt} đã có ở dòng ${first}.`, lineNo);
      }
      seen.set(stt, lineNo);
      const unit: UnitInput = {
        code: codeFromNumber(stt),
        name: qualifyPlace(unitNameFromRow(name), subject),
        order: stt,
      };
      if (heading) unit.category = heading;
      units.push(unit);
    }
  }
  return disambiguate(units);
}

/** Names still equal after qualification get their category appended, so none is ambiguous. */
function disambiguate(units: UnitInput[]): UnitInput[] {
  const byKey = new Map<string, UnitInput[]>();
  for (const u of units) {
    const k = fold(u.name);
    byKey.set(k, [...(byKey.get(k) ?? []), u]);
  }
  for (const group of byKey.values()) {
    if (group.length < 2) continue;
    const categories = new Set(group.map((u) => u.category ?? ''));
    if (categories.size < 2) continue;
    for (const u of group) if (u.category) u.name = `${u.name} (${u.category})`;
  }
  return units;
}

// ---------------------------------------------------------------------------------------------
// CSV / XLSX
// ---------------------------------------------------------------------------------------------

type Field = 'code' | 'name' | 'category' | 'order' | 'parent';

const HEADER_NAMES: Record<Field, string[]> = {
  code: ['ma', 'ma don vi', 'ma dv', 'code', 'unit code', 'id'],
  name: [
    'ten',
    'ten don vi',
    'ten dv',
    'don vi',
    'ten co quan',
    'co quan',
    'co quan don vi',
    'name',
    'unit',
    'unit name',
  ],
  category: [
    'nhom',
    'loai',
    'nhom don vi',
    'loai don vi',
    'phan loai',
    'khoi',
    'category',
    'group',
    'type',
  ],
  order: ['stt', 'so tt', 'so thu tu', 'thu tu', 'tt', 'order', 'sort', 'sort order', 'no', '#'],
  parent: [
    'cap tren',
    'don vi cap tren',
    'ma cap tren',
    'ma don vi cap tren',
    'ten don vi cap tren',
    'truc thuoc',
    'thuoc',
    'parent',
    'parent code',
    'parent unit',
  ],
};

function headerField(cell: string): Field | null {
  const raw = cleanText(cell);
  if (raw === '#') return 'order';
  const key = fold(raw)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  for (const field of Object.keys(HEADER_NAMES) as Field[]) {
    if (HEADER_NAMES[field].includes(key)) return field;
  }
  return null;
}

export interface SheetRow {
  /** 1-based line (CSV record start) or Excel row number, for error messages. */
  line: number;
  cells: string[];
}

/**
 * The shared row logic of CSV and Excel imports: the first non-empty row is the header
 * (Vietnamese or English names), then one unit per row.
 */
export function unitsFromRows(rows: SheetRow[]): UnitInput[] {
  const nonEmpty = rows.filter((r) => r.cells.some((c) => c !== '' && cleanText(c) !== ''));
  const header = nonEmpty[0];
  if (!header) throw new UnitImportError('Tệp không có dữ liệu.');
  const columns: Partial<Record<Field, number>> = {};
  header.cells.forEach((cell, i) => {
    const field = headerField(cell);
    if (field && columns[field] === undefined) columns[field] = i;
  });
  if (columns.name === undefined) {
    throw new UnitImportError(
      'không tìm thấy cột tên đơn vị trong dòng tiêu đề (cần một cột "Tên đơn vị" hoặc "name"; các cột khác: "Mã", "Nhóm", "STT", "Cấp trên").',
      header.line,
    );
  }
  const get = (r: SheetRow, f: Field) => {
    const i = columns[f];
    return i === undefined ? '' : cleanText(r.cells[i] ?? '');
  };

  const units: UnitInput[] = [];
  const codes = new Map<string, number>();
  let position = 0;
  for (const row of nonEmpty.slice(1)) {
    position++;
    const name = get(row, 'name');
    const codeRaw = get(row, 'code');
    const orderRaw = get(row, 'order');
    const category = get(row, 'category');
    if (!name) throw new UnitImportError('thiếu tên đơn vị.', row.line);
    let order: number | undefined;
    if (orderRaw) {
      const m = /^(\d{1,6})(?:\.0+)?$/.exec(orderRaw.replace(/[.)]$/, ''));
      if (!m) throw new UnitImportError(`STT "${orderRaw}" không phải là số.`, row.line);
      order = Number(m[1]);
    }
    let code = codeRaw;
    if (/^\d+(?:\.0+)?$/.test(code)) code = codeFromNumber(Number.parseInt(code, 10)); // Excel drops leading zeros
    if (!code) code = codeFromNumber(order ?? position);
    if (/\s/.test(code))
      throw new UnitImportError(`mã đơn vị "${code}" không được chứa khoảng trắng.`, row.line);
    const firstLine = codes.get(code.toLowerCase());
    if (firstLine !== undefined) {
      throw new UnitImportError(`mã đơn vị "${code}" trùng với dòng ${firstLine}.`, row.line);
    }
    codes.set(code.toLowerCase(), row.line);
    const unit: UnitInput = { code, name, order: order ?? position };
    if (category) unit.category = category;
    if (columns.parent !== undefined) {
      const parent = get(row, 'parent');
      // Excel drops the leading zeros of a parent's code as it does of the unit's own.
      const text = /^\d+(?:\.0+)?$/.test(parent)
        ? codeFromNumber(Number.parseInt(parent, 10))
        : parent;
      unit.parentRef = text ? { text, line: row.line } : null;
    }
    units.push(unit);
  }
  return units;
}

/** RFC 4180 records with the line each starts on. Delimiter: the one the header line uses. */
export function parseCsvRecords(text: string): SheetRow[] {
  refuseOversized(text);
  const src = text.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(src);
  const rows: SheetRow[] = [];
  let cells: string[] = [];
  let field = '';
  /** The field so far is only spaces: a quote here opens a quoted field. */
  let fieldBlank = true;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let quotedAt = 0;
  let inQuotes = false;
  const endRecord = () => {
    cells.push(field);
    rows.push({ line: recordLine, cells });
    cells = [];
    field = '';
    fieldBlank = true;
  };
  const append = (s: string) => {
    field += s;
    if (field.length > IMPORT_LINE_MAX_CHARS) throw lineTooLong(recordLine);
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          append('"');
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      if (ch === '\n') line++;
      append(ch);
      i++;
      continue;
    }
    if (ch === '"' && fieldBlank) {
      field = '';
      fieldBlank = false;
      inQuotes = true;
      quotedAt = line;
      i++;
    } else if (ch === delimiter) {
      cells.push(field);
      field = '';
      fieldBlank = true;
      i++;
    } else if (ch === '\r' && src[i + 1] === '\n') {
      i++;
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      line++;
      recordLine = line;
      i++;
    } else {
      append(ch);
      if (!/\s/.test(ch)) fieldBlank = false;
      i++;
    }
  }
  if (inQuotes) throw new UnitImportError('dấu ngoặc kép (") mở nhưng không đóng.', quotedAt);
  if (field !== '' || cells.length > 0) endRecord();
  return rows;
}

function detectDelimiter(src: string): string {
  let firstLine = '';
  let inQuotes = false;
  for (const ch of src) {
    if (ch === '"') inQuotes = !inQuotes;
    if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (firstLine.trim()) break;
      firstLine = '';
      continue;
    }
    if (!inQuotes) firstLine += ch;
  }
  const counts = [';', ',', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

/**
 * Units from CSV: a header row (mã/code, tên/tên đơn vị/name, nhóm/loại/category, stt/order),
 * comma, semicolon or tab delimited, quoted fields, UTF-8 BOM tolerated. A row without a code
 * gets one from its STT (or its position); digit-only codes are padded to 3 digits.
 */
export function parseUnitsCsv(text: string): UnitInput[] {
  return unitsFromRows(parseCsvRecords(text));
}

/** Plain text of an exceljs cell value (rich text, hyperlinks, formula results, numbers). */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as {
      richText?: Array<{ text: string }>;
      text?: unknown;
      result?: unknown;
      error?: unknown;
    };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return cellText(v.text);
    if ('result' in v) return cellText(v.result);
  }
  return '';
}

/** Units from the first worksheet of an .xlsx file, with the same header logic as CSV. */
export async function parseUnitsXlsx(data: ArrayBuffer | Uint8Array): Promise<UnitInput[]> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  // exceljs hands the bytes to JSZip, which takes a plain ArrayBuffer (its typings say so too).
  const bytes: ArrayBuffer = data instanceof Uint8Array ? new Uint8Array(data).buffer : data;
  try {
    await workbook.xlsx.load(bytes);
  } catch (err) {
    throw new UnitImportError(
      `Không đọc được tệp Excel (${err instanceof Error ? err.message : String(err)}).`,
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new UnitImportError('Tệp Excel không có trang tính nào.');
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value));
    rows.push({ line: rowNumber, cells });
  });
  return unitsFromRows(rows);
}

// ---------------------------------------------------------------------------------------------
// Parents named in a file
// ---------------------------------------------------------------------------------------------

export interface KnownUnit {
  code: string;
  name: string;
  /** The parent's code in the database. */
  parent: string | null;
}

/**
 * Turns each row's "cấp trên" cell into a parent code. A cell is a code (of a row of the same
 * file, even one further down, or of a unit already saved) or a name matched as people type it
 * (lookup.ts: diacritics, case and the UBND/huyện/xã/phường/thị trấn words ignored, a stated
 * level breaking ties). An unknown or ambiguous parent, a unit under itself, or a loop with the
 * units already saved is refused naming the row, before anything is written.
 */
export function resolveParents(units: UnitInput[], known: KnownUnit[]): UnitUpsert[] {
  const inFile = new Set(units.map((u) => u.code));
  const candidates = [
    ...units.map((u) => ({ code: u.code, name: u.name })),
    ...known.filter((k) => !inFile.has(k.code)),
  ];
  const parentOf = new Map(known.map((k) => [k.code, k.parent]));
  // A file names a handful of districts over and over: each is looked up once.
  const lookups = new Map<string, Lookup>();
  const lookup = (text: string) => {
    let l = lookups.get(text);
    if (!l) lookups.set(text, (l = lookUp(text, candidates)));
    return l;
  };
  const out: UnitUpsert[] = units.map(({ parentRef, ...u }) => {
    if (parentRef === undefined) return u;
    const parent = parentRef ? parentCode(u, parentRef, lookup(parentRef.text)) : null;
    parentOf.set(u.code, parent);
    return { ...u, parent };
  });
  const names = new Map(candidates.map((c) => [c.code, c.name]));
  for (const u of units) {
    if (!u.parentRef) continue;
    // Up from the new parent: meeting the unit again means it would sit below itself.
    let at = parentOf.get(u.code) ?? null;
    for (let depth = 0; at !== null && depth < 64; depth++) {
      if (at === u.code)
        throw new UnitImportError(
          tree.importParentLoop(u.name, names.get(parentOf.get(u.code)!) ?? u.parentRef.text),
          u.parentRef.line,
        );
      at = parentOf.get(at) ?? null;
    }
  }
  return out;
}

interface Lookup {
  /** Units with this code, or else whose name has the same key. */
  matches: Array<{ code: string; name: string }>;
  byCode: boolean;
  /** Close names, to suggest when nothing matches. */
  near: string[];
}

function lookUp(text: string, candidates: Array<{ code: string; name: string }>): Lookup {
  const lower = text.toLowerCase();
  const exact = candidates.filter((c) => c.code === text);
  const byCode = exact.length ? exact : candidates.filter((c) => c.code.toLowerCase() === lower);
  if (byCode.length) return { matches: byCode, byCode: true, near: [] };
  const key = unitKey(text);
  const found = findUnits(candidates, text, { limit: 20 });
  return {
    matches: found.filter((c) => unitKey(c.name) === key),
    byCode: false,
    near: found.slice(0, 3).map((c) => c.name),
  };
}

function parentCode(unit: UnitInput, ref: { text: string; line: number }, found: Lookup): string {
  let matches = found.matches;
  if (!found.byCode) {
    // A commune row naming its district "Tân Phú" is not asking for itself.
    if (matches.length > 1) matches = matches.filter((c) => c.code !== unit.code);
    if (!matches.length)
      throw new UnitImportError(tree.importParentUnknown(ref.text, found.near), ref.line);
    if (matches.length > 1)
      throw new UnitImportError(
        tree.importParentAmbiguous(ref.text, matches.slice(0, 5)),
        ref.line,
      );
  }
  const parent = matches[0]!;
  if (parent.code === unit.code)
    throw new UnitImportError(tree.importParentSelf(unit.name), ref.line);
  return parent.code;
}
