/**
 * The text of a plan file: .docx through mammoth's HTML (so Word's automatic numbering "1.",
 * "a)" and table rows survive: mammoth's raw text drops both), .pdf through its text layer
 * (unpdf), .txt/.md as UTF-8. A PDF without a text layer (a scan) is refused, never guessed at.
 */
import { pw } from '../../messages/plans';
import { DomainError } from '../errors';

export type PlanFileKind = 'docx' | 'pdf' | 'text';

/** Files larger than this are refused before reading (a plan with appendices is well below). */
export const MAX_PLAN_FILE_BYTES = 20 * 1024 * 1024;

export function planFileKind(
  fileName: string | undefined,
  mimeType: string | undefined,
): PlanFileKind | null {
  const name = (fileName ?? '').toLowerCase();
  const mime = (mimeType ?? '').toLowerCase();
  if (name.endsWith('.docx') || mime.includes('wordprocessingml')) return 'docx';
  if (name.endsWith('.pdf') || mime === 'application/pdf') return 'pdf';
  if (/\.(?:txt|md|markdown|text)$/.test(name) || mime.startsWith('text/')) return 'text';
  return null;
}

// ---------------------------------------------------------------------------------------------
// .docx → text, through mammoth's HTML

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code =
        e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[e.toLowerCase()] ?? all;
  });
}

const LETTERS = 'abcdefghiklmnopqrstuvxy';

/**
 * mammoth's HTML (p, h1–h6, ol/ul/li, table/tr/td/th, br, strong, em, a…) as the lines the
 * extractor reads: one paragraph per line, list items numbered the way Word shows them ("1.",
 * then "a)", then "-"), table rows with tab-separated cells — except the borderless heading table
 * of Nghị định 30 (issuer and number | motto, place and date), read cell by cell. One pass.
 */
export function htmlToPlanText(html: string): string {
  const out: string[] = [];
  let line = '';
  const lists: Array<{ ordered: boolean; n: number }> = [];
  let tableDepth = 0;
  /** The rows of the table being read: each cell's paragraphs. */
  let rows: string[][][] = [];
  let cells: string[][] | null = null;
  let cell: string[] | null = null;
  const flush = () => {
    // Tabs inside a paragraph separate columns (a table typed with tabs); at its ends they indent.
    const s = line
      .replace(/^[ \t]+|[ \t]+$/g, '')
      .replace(/ *\t[ \t]*/g, '\t')
      .replace(/ {2,}/g, ' ');
    if (s) {
      if (cell !== null) cell.push(s);
      else out.push(s);
    }
    line = '';
  };
  const endTable = () => {
    const all = rows.flatMap((r) => r.flat()).join(' ');
    const heading = /C[ỘO]NG H[ÒO]A X[ÃA] H[ỘO]I|Độc lập\s*-\s*Tự do/iu.test(all);
    for (const r of rows) {
      if (heading) out.push(...r.flat());
      else if (r.some((c) => c.length))
        out.push(r.map((c) => c.join(' ').replace(/\t/g, ' ')).join('\t'));
    }
    rows = [];
  };
  const re = /<(\/?)([a-z0-9]+)[^>]*>|([^<]+)/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    if (m[3] !== undefined) {
      line += decodeEntities(m[3]).replace(/[\r\n]+/g, ' ');
      continue;
    }
    const closing = m[1] === '/';
    const tag = m[2]!.toLowerCase();
    switch (tag) {
      case 'p':
      case 'h1':
      case 'h2':
      case 'h3':
      case 'h4':
      case 'h5':
      case 'h6':
        flush();
        break;
      case 'br':
        if (cell !== null) line += ' ';
        else flush();
        break;
      case 'ol':
      case 'ul':
        flush();
        if (closing) lists.pop();
        else lists.push({ ordered: tag === 'ol', n: 0 });
        break;
      case 'li':
        flush();
        if (!closing && lists.length) {
          const l = lists[lists.length - 1]!;
          l.n += 1;
          const depth = lists.length;
          line = !l.ordered
            ? '- '
            : depth === 1
              ? `${l.n}. `
              : depth === 2
                ? `${LETTERS[(l.n - 1) % LETTERS.length]}) `
                : '- ';
        }
        break;
      case 'table':
        flush();
        tableDepth = Math.max(0, tableDepth + (closing ? -1 : 1));
        if (closing && tableDepth === 0) endTable();
        break;
      case 'tr':
        if (tableDepth > 1) break;
        flush();
        if (closing) {
          if (cells) rows.push(cells);
          cells = null;
        } else cells = [];
        break;
      case 'td':
      case 'th':
        if (tableDepth > 1) break;
        flush();
        if (closing) {
          cells?.push(cell ?? []);
          cell = null;
        } else cell = [];
        break;
      default:
        break;
    }
  }
  flush();
  if (rows.length) endTable();
  return out.join('\n\n');
}

async function docxText(data: Uint8Array): Promise<string> {
  const { default: mammoth } = await import('mammoth');
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(data) })).value;
  } catch (e) {
    throw new DomainError('unreadable_file', pw.unreadableFile('Word (.docx)'), {
      kind: 'unprocessable',
      cause: e,
    });
  }
  return htmlToPlanText(html);
}

// ---------------------------------------------------------------------------------------------
// .pdf → text, from the positioned items of its text layer

interface PdfItem {
  str: string;
  x: number;
  y: number;
  width: number;
  fontSize: number;
  hasEOL: boolean;
}

interface Segment {
  chars: string[];
  x: number;
  end: number;
  size: number;
}

interface PdfLine {
  y: number;
  segments: Segment[];
}

/** How many earlier lines / segments an item is compared with (keeps the rebuild linear). */
const LOOKBACK = 16;

/**
 * A glyph drawn over a run of text: PDFs written with a font lacking a precomposed Vietnamese
 * letter ("Ế", "ộ") draw it from a fallback font after the run, at its place, and leave a space
 * in the run. Put it back at that place.
 */
function overlay(host: Segment, str: string, x: number, end: number): void {
  const width = (host.end - host.x) / Math.max(1, host.chars.length);
  const k = Math.round((x - host.x) / width);
  if (k >= host.chars.length) {
    host.chars.push(str);
    host.end = Math.max(host.end, end);
    return;
  }
  for (const j of [k, k - 1, k + 1]) {
    if (host.chars[j] === ' ') {
      host.chars[j] = str;
      return;
    }
  }
  host.chars.splice(Math.max(0, k), 0, str);
}

/**
 * Lines from the positioned items of each page's text layer: items on the same baseline form a
 * line (in reading order, left to right), a glyph drawn over a run goes back into it, a small gap
 * is a space and a wide one (a table column) a tab.
 */
export function pdfItemsToText(pages: PdfItem[][]): string {
  const out: string[] = [];
  for (const items of pages) {
    const lines: PdfLine[] = [];
    for (const it of items) {
      if (!it.str || !Number.isFinite(it.x) || !Number.isFinite(it.y)) continue;
      const size = it.fontSize || 10;
      const end = it.x + Math.max(0, it.width || 0);
      let line: PdfLine | undefined;
      for (let i = lines.length - 1; i >= Math.max(0, lines.length - LOOKBACK); i--)
        if (Math.abs(lines[i]!.y - it.y) <= Math.max(2, size * 0.3)) {
          line = lines[i];
          break;
        }
      if (!line) lines.push((line = { y: it.y, segments: [] }));
      const blank = !it.str.trim();
      const segs = line.segments;
      let host: Segment | undefined;
      for (let i = segs.length - 1; i >= Math.max(0, segs.length - LOOKBACK); i--) {
        const s = segs[i]!;
        if (it.x >= s.x - 0.5 && it.x < s.end - 0.5) {
          host = s;
          break;
        }
      }
      if (host) {
        if (!blank) overlay(host, it.str, it.x, end);
        continue;
      }
      if (blank) continue;
      segs.push({ chars: [...it.str], x: it.x, end, size });
    }
    lines.sort((a, b) => b.y - a.y);
    for (const l of lines) {
      const segs = l.segments.sort((a, b) => a.x - b.x);
      let text = '';
      let lastEnd = -Infinity;
      for (const s of segs) {
        const gap = s.x - lastEnd;
        if (text) text += gap > s.size * 3 ? '\t' : gap > s.size * 0.15 ? ' ' : '';
        text += s.chars.join('');
        lastEnd = Math.max(lastEnd, s.end);
      }
      out.push(text.replace(/ {2,}/g, ' '));
    }
    out.push('');
  }
  return out.join('\n');
}

async function pdfText(data: Uint8Array): Promise<string> {
  const { extractTextItems } = await import('unpdf');
  let pages: PdfItem[][];
  try {
    pages = (await extractTextItems(new Uint8Array(data))).items as PdfItem[][];
  } catch (e) {
    throw new DomainError('unreadable_file', pw.unreadableFile('PDF'), {
      kind: 'unprocessable',
      cause: e,
    });
  }
  const text = pdfItemsToText(pages);
  if (text.replace(/\s+/g, '').length < 20)
    throw new DomainError('scanned_pdf', pw.scannedPdf(), { kind: 'unprocessable' });
  return text;
}

function plainText(data: Uint8Array): string {
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data);
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data);
  return new TextDecoder('utf-8').decode(data).replace(/^\uFEFF/, '');
}

/** The text of a plan file; throws a DomainError (415, 413 or 422) a person can act on. */
export async function planFileText(
  data: Uint8Array,
  fileName: string | undefined,
  mimeType: string | undefined,
): Promise<string> {
  if (data.byteLength > MAX_PLAN_FILE_BYTES)
    throw new DomainError('too_large', pw.fileTooLarge(MAX_PLAN_FILE_BYTES), { kind: 'too_large' });
  if ((fileName ?? '').toLowerCase().endsWith('.doc'))
    throw new DomainError('unsupported_type', pw.oldDoc(), { kind: 'unsupported', field: 'file' });
  const kind = planFileKind(fileName, mimeType);
  if (!kind)
    throw new DomainError('unsupported_type', pw.unsupportedFile(fileName ?? mimeType ?? ''), {
      kind: 'unsupported',
      field: 'file',
    });
  const text =
    kind === 'docx' ? await docxText(data) : kind === 'pdf' ? await pdfText(data) : plainText(data);
  if (!text.trim()) throw new DomainError('empty_file', pw.emptyFile(), { kind: 'unprocessable' });
  return text;
}
