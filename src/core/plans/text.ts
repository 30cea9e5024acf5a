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

const foldCache = new Map<number, string>();

/** One folded character for one UTF-16 code unit: lower case, no diacritics, đ → d. */
function foldUnit(code: number, ch: string): string {
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : ch;
  if (code >= 0xd800 && code <= 0xdfff) return ch; // half of a surrogate pair: kept as is
  let f = foldCache.get(code);
  if (f === undefined) {
    const base = ch.normalize('NFD').charAt(0).toLowerCase();
    f = ch === 'đ' || ch === 'Đ' ? 'd' : /[\u0300-\u036f]/.test(base) ? '~' : base.charAt(0) || ch;
    foldCache.set(code, f);
  }
  return f;
}

/**
 * Lower-case ASCII fold that keeps the length: character i of the result stands for character i
 * of the input ("Đồng Tháp" → "dong thap"). The input should be NFC (a stray combining mark
 * becomes "~").
 */
export function foldKeep(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += foldUnit(s.charCodeAt(i), s.charAt(i));
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
const SUB = /^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\)?\s+/;
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
function cleanRaw(line: string): string {
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
  return s.replace(/ {2,}/g, ' ').trim();
}

/** A table row: cells separated by tabs or by " | " (markdown). */
function tableCells(raw: string): string[] | null {
  if (raw.includes('\t')) return raw.split('\t').map(squeeze);
  if (/^\s*\|.*\|\s*$/.test(raw)) {
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
    if (!s || /^[-–—_=*.·~]+$/.test(s.replace(/ /g, ''))) continue;
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
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if ((ch === '.' || ch === '!' || ch === '?') && text.charAt(i + 1) === ' ') {
      const next = text.charAt(i + 2);
      // "TP. Hồ Chí Minh", "Số 12 đường 30/4. " — a sentence ends before a capital letter.
      const prevWord = text.slice(Math.max(start, i - 4), i);
      if (/\p{Lu}|\d/u.test(next) && !/(?:^|\s)(?:TP|Tp|TX|TT|ThS|TS|PGS|GS|St|Q)$/.test(prevWord)) {
        out.push({ text: text.slice(start, i + 1).trim(), start });
        start = i + 2;
      }
    }
  }
  if (start < text.length && text.slice(start).trim())
    out.push({ text: text.slice(start).trim(), start });
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
