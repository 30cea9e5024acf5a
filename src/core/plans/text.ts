/**
 * The text layer of plan extraction: one clean line per paragraph, each with a folded twin of the
 * same length (so a pattern found in the folded text cuts the same span out of the original), and
 * the structural marker Vietnamese administrative documents put in front of a paragraph
 * (I. / 1. / 2.1. / a) / - / +). Everything here is linear in the input.
 */
import { DomainError } from '../errors';

/** Longer texts are refused: a plan with its appendices is far below this. */
export const MAX_PLAN_CHARS = 600_000;
/** Lines are cut at this length (at a space) so every per-line pattern works on bounded text. */
export const MAX_LINE_CHARS = 2_000;

/** Folded code of every BMP character below U+2000 (Latin and Vietnamese), filled on first use. */
const TABLE = new Uint16Array(0x2000);
const OTHER = new Map<number, number>();

function computeFold(code: number): number {
  const ch = String.fromCharCode(code);
  if (ch === 'đ' || ch === 'Đ') return 0x64;
  const base = ch.normalize('NFD').charAt(0).toLowerCase();
  if (!base || base.length !== 1) return code;
  const b = base.charCodeAt(0);
  return b >= 0x300 && b <= 0x36f ? 0x7e : b; // a stray combining mark becomes "~"
}

/**
 * Lower-case ASCII fold that keeps the length: character i of the result stands for character i
 * of the input ("Đồng Tháp" → "dong thap"). The input should be NFC (a stray combining mark
 * becomes "~").
 */
let buffer = new Uint16Array(4096);

export function foldKeep(s: string): string {
  const n = s.length;
  if (buffer.length < n) buffer = new Uint16Array(Math.max(n, buffer.length * 2));
  const codes = buffer;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x41 && c <= 0x5a) c += 32;
    } else if (c < 0x2000) {
      let f = TABLE[c]!;
      if (f === 0) TABLE[c] = f = computeFold(c);
      c = f;
    } else if (c < 0xd800 || c > 0xdfff) {
      let f = OTHER.get(c);
      if (f === undefined) OTHER.set(c, (f = computeFold(c)));
      c = f;
    }
    codes[i] = c;
  }
  let out = '';
  for (let i = 0; i < n; i += 8192)
    out += String.fromCharCode.apply(
      null,
      codes.subarray(i, Math.min(n, i + 8192)) as unknown as number[],
    );
  return out;
}

export type LineKind = 'roman' | 'num' | 'sub' | 'letter' | 'dash' | 'plus' | 'para' | 'row';

export interface Line {
  /** Position among the document's lines. */
  index: number;
  /** The line as written (NFC, single spaces; table cells separated by tabs). */
  text: string;
  fold: string;
  kind: LineKind;
  /** "II", "3", "2.1", "a", "-", "+", "" */
  marker: string;
  /** The text after the marker. */
  body: string;
  bodyFold: string;
}

const ROMAN = /^([ivxlc]{1,7})\s*[.)/]\s*/;
const SUB = /^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\)?(?:\s+|$)/;
const NUM = /^(\d{1,2})\s*[.)/]\s*/;
const LETTER = /^([a-zđ])\s*[).]\s+/;
const DASH = /^[-–—•·●▪◦*]\s*/;
const PLUS = /^[+]\s*/;

function isRoman(s: string): boolean {
  return /^(?:x{0,3})(?:ix|iv|v?i{0,3})$/.test(s) && s.length > 0;
}

/** Splits a long paragraph at sentence ends (else spaces) into pieces of at most MAX_LINE_CHARS. */
function wrap(line: string): string[] {
  if (line.length <= MAX_LINE_CHARS) return [line];
  const out: string[] = [];
  let rest = line;
  while (rest.length > MAX_LINE_CHARS) {
    const window = rest.slice(0, MAX_LINE_CHARS);
    let cut = window.lastIndexOf('. ');
    if (cut < MAX_LINE_CHARS / 2) cut = window.lastIndexOf(' ');
    if (cut < MAX_LINE_CHARS / 2) cut = MAX_LINE_CHARS - 1;
    out.push(rest.slice(0, cut + 1).trim());
    rest = rest.slice(cut + 1);
  }
  if (rest.trim()) out.push(rest.trim());
  return out;
}

/** Markdown and word-processor debris that carries no meaning for the plan. */
const DEBRIS = /[\u0000\u00a0\u2000-\u200b\u202f\u3000\ufeff\r#*_`\\^]/;

function cleanRaw(line: string): string {
  if (!DEBRIS.test(line)) return line;
  let s = line
    .replace(/\u0000/g, '')
    .replace(/[\u00a0\u2000-\u200b\u202f\u3000\ufeff]/g, ' ')
    .replace(/\r/g, '');
  s = s.replace(/^\s*#{1,6}\s+/, '');
  s = s.replace(/^(\s*)\*(\s+)/, '$1-$2'); // "* item" is a bullet
  s = s.replace(/\*+|_{2,}|`+/g, ''); // emphasis
  s = s.replace(/\\([\\*_{}[\]()#+.!|-])/g, '$1');
  s = s.replace(/\^\{([^}]{0,40})\}/g, ' $1');
  return s;
}

function squeeze(s: string): string {
  return (s.includes('  ') ? s.replace(/ {2,}/g, ' ') : s).trim();
}

/** A table row: cells separated by tabs or by " | " (markdown). */
function tableCells(raw: string): string[] | null {
  // A tab that only indents the paragraph does not make a table row.
  const inner = raw.includes('\t') ? raw.replace(/^[ \t]+|[ \t]+$/g, '') : '';
  if (inner.includes('\t')) return inner.split('\t').map(squeeze);
  if (raw.trimStart().startsWith('|') && /\|\s*$/.test(raw)) {
    const inner = raw.trim().slice(1, -1);
    if (/^[\s|:-]*$/.test(inner)) return []; // |---|---| separator
    return inner.split('|').map(squeeze);
  }
  return null;
}

function classify(index: number, text: string): Line {
  const fold = foldKeep(text);
  const line: Line = {
    index,
    text,
    fold,
    kind: 'para',
    marker: '',
    body: text,
    bodyFold: fold,
  };
  if (text.includes('\t')) {
    line.kind = 'row';
    return line;
  }
  const set = (kind: LineKind, marker: string, len: number) => {
    line.kind = kind;
    line.marker = marker;
    line.body = text.slice(len);
    line.bodyFold = fold.slice(len);
  };
  let m: RegExpExecArray | null;
  if ((m = ROMAN.exec(fold)) && isRoman(m[1]!) && /^[IVXLC]/.test(text)) {
    set('roman', m[1]!.toUpperCase(), m[0].length);
  } else if ((m = SUB.exec(fold))) {
    set('sub', m[1]!, m[0].length);
  } else if ((m = NUM.exec(fold)) && !/^\d{1,2}\s*[./]\s*\d/.test(fold)) {
    set('num', m[1]!, m[0].length);
  } else if ((m = LETTER.exec(fold)) && /^[a-zđ]/.test(text)) {
    set('letter', m[1]!, m[0].length);
  } else if ((m = DASH.exec(text)) && m[0].length > 0 && !/^[-–—]{2,}/.test(text)) {
    set('dash', '-', m[0].length);
  } else if ((m = PLUS.exec(text)) && m[0].length > 0) {
    set('plus', '+', m[0].length);
  }
  return line;
}

const ENDS_SENTENCE = /[.;:!?)"”»]$|\.\/\.$/;

/**
 * The document as lines: NFC, one paragraph per line, a paragraph broken by the extraction ("…để
 * phát hiện, chấn" / "chính, xử lý…") joined again, table rows kept with tab-separated cells,
 * blank lines dropped, and long paragraphs cut at MAX_LINE_CHARS.
 */
export function toLines(text: string): Line[] {
  if (text.length > MAX_PLAN_CHARS)
    throw new DomainError(
      'too_large',
      `Văn bản quá dài (${text.length.toLocaleString('vi-VN')} ký tự; tối đa ${MAX_PLAN_CHARS.toLocaleString('vi-VN')}).`,
      { kind: 'too_large' },
    );
  const raw = text.toWellFormed().normalize('NFC').split('\n');
  const paragraphs: Array<{ text: string; row: boolean }> = [];
  for (const r of raw) {
    const cleaned = cleanRaw(r);
    const cells = tableCells(cleaned);
    if (cells) {
      if (cells.some((c) => c !== '')) paragraphs.push({ text: cells.join('\t'), row: true });
      continue;
    }
    const s = squeeze(cleaned.replace(/\t/g, ' '));
    if (!s || /^[-–—_=*.·~ ]+$/.test(s)) continue;
    const prev = paragraphs[paragraphs.length - 1];
    // A paragraph cut in two by the PDF or the copy: the second half starts in lower case.
    if (
      prev &&
      !prev.row &&
      /^\p{Ll}/u.test(s) &&
      !/^[a-zđ]\s*[).]\s/.test(s) &&
      !ENDS_SENTENCE.test(prev.text) &&
      prev.text.length + s.length < MAX_LINE_CHARS * 4
    ) {
      prev.text = `${prev.text} ${s}`;
      continue;
    }
    paragraphs.push({ text: s, row: false });
  }
  const lines: Line[] = [];
  for (const p of paragraphs) {
    if (p.row) {
      lines.push(classify(lines.length, p.text.slice(0, MAX_LINE_CHARS * 4)));
      continue;
    }
    for (const piece of wrap(p.text)) lines.push(classify(lines.length, piece));
  }
  return lines;
}

/** "K Ế  H O Ạ C H" (letter-spaced headings in PDFs) → "KẾ HOẠCH"-like compact text, else as is. */
export function unspaced(fold: string): string {
  return /^(?:\S ){3,}\S$/.test(fold) ? fold.replace(/ /g, '') : fold;
}

/** Sentences of a paragraph (". " followed by a capital or a digit, ";" kept inside). */
export function sentences(text: string): Array<{ text: string; start: number }> {
  const out: Array<{ text: string; start: number }> = [];
  const push = (from: number, to: number) => {
    const raw = text.slice(from, to);
    const trimmed = raw.trim();
    if (trimmed) out.push({ text: trimmed, start: from + raw.length - raw.trimStart().length });
  };
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if ((ch === '.' || ch === '!' || ch === '?') && text.charAt(i + 1) === ' ') {
      const next = text.charAt(i + 2);
      // "TP. Hồ Chí Minh", "Số 12 đường 30/4. " — a sentence ends before a capital letter.
      const prevWord = text.slice(Math.max(start, i - 4), i);
      if (
        /\p{Lu}|\d/u.test(next) &&
        !/(?:^|\s)(?:TP|Tp|TX|TT|ThS|TS|PGS|GS|St|Q)$/.test(prevWord)
      ) {
        push(start, i + 1);
        start = i + 2;
      }
    }
  }
  if (start < text.length) push(start, text.length);
  return out;
}

/** Upper-case first letter: "các cơ quan" → "Các cơ quan". */
export function capitalizeFirst(s: string): string {
  return s.charAt(0).toLocaleUpperCase('vi') + s.slice(1);
}

/** Trailing punctuation and wrapping quotes of a phrase. */
export function trimPhrase(s: string): string {
  return s
    .replace(/^[\s,;:.–-]+/u, '')
    .replace(/[\s,;:.–-]+$/u, '')
    .replace(/\.\/$/, '')
    .trim();
}
