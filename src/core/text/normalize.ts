/**
 * Text folding for matching what people type on phones against stored names.
 * Users mix NFC and decomposed Unicode, drop diacritics and change case; matching
 * must ignore all three while stored text keeps its diacritics.
 */

/** NFC, collapse whitespace, trim. The form every inbound text is stored in. */
export function cleanText(s: string): string {
  // NUL and lone surrogates (a text cut mid-emoji) are refused by Postgres: drop and repair them.
  return limitMarks(s.toWellFormed().replace(/\u0000/g, ''))
    .normalize('NFC')
    .replace(/[\v\f\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** Lower-case ASCII fold: "Đồng Tháp" → "dong thap". */
export function fold(s: string): string {
  // Parsers and lookups fold every word they look at: one pass over a table and one string,
  // where the general path below makes six. Any character outside the table takes that path.
  if (s.length > FOLD_FAST_MAX) return foldAnyText(s);
  const map = foldTable();
  if (foldBuffer.length < s.length) foldBuffer = new Uint16Array(FOLD_FAST_MAX);
  let len = 0;
  let afterSpace = true; // leading whitespace is dropped
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const f = c < map.length ? map[c]! : UNKNOWN;
    if (f >= 0) {
      foldBuffer[len++] = f;
      afterSpace = false;
    } else if (f === SPACE) {
      if (!afterSpace) foldBuffer[len++] = 32;
      afterSpace = true;
    } else if (f === UNKNOWN) return foldAnyText(s);
  }
  if (afterSpace && len > 0) len--; // a trailing space
  return String.fromCharCode.apply(null, foldBuffer.subarray(0, len) as unknown as number[]);
}

/** `fold` for any text (other scripts, marks outside Vietnamese's, surrogates). */
export function foldAnyText(s: string): string {
  return limitMarks(s)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const FOLD_FAST_MAX = 2048;
let foldBuffer = new Uint16Array(0);
const UNKNOWN = -1;
const DROP = -2;
const SPACE = -3;
let FOLD_TABLE: Int32Array | undefined;

/**
 * What each character folds to on its own, for Latin (ASCII up to the combining marks `fold` drops,
 * and Latin Extended Additional, where Vietnamese letters are). Folding is character by character
 * there: NFD decomposes each letter alone, the marks it yields are all dropped (so their order does
 * not matter), and lower-casing Latin letters needs no context. tests/core/text-fold.test.ts checks
 * every character and mixed texts against the general path.
 */
function foldTable(): Int32Array {
  if (FOLD_TABLE) return FOLD_TABLE;
  const table = new Int32Array(0x1f00).fill(UNKNOWN);
  for (let c = 0; c < table.length; c++) {
    if (c >= 0x370 && c < 0x1e00) continue;
    const ch = String.fromCharCode(c);
    if (/\s/.test(ch)) {
      table[c] = SPACE;
      continue;
    }
    const folded = foldAnyText(ch);
    if (folded === '') table[c] = DROP;
    else if (folded.length === 1) table[c] = folded.charCodeAt(0);
  }
  return (FOLD_TABLE = table);
}

/**
 * `s` without the characters at its end that `charClass` (a one-character pattern) matches.
 * The same as `s.replace(/[…]+$/u, '')`, which a regex engine runs in quadratic time on a long
 * run of such characters followed by something else.
 */
export function trimEndMatching(s: string, charClass: RegExp): string {
  let end = s.length;
  while (end > 0 && charClass.test(s[end - 1]!)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * Keeps at most a few combining marks after each letter. Vietnamese needs two (a vowel mark and
 * a tone); long stacks ("Zalgo" text) only slow Unicode normalization down, which reorders a
 * run of marks in quadratic time.
 */
export function limitMarks(s: string): string {
  return MARK_RUN.test(s) ? s.replace(MARK_RUN_G, '$1') : s;
}
const MARK_RUN = /\p{M}{5}/u;
const MARK_RUN_G = /(\p{M}{4})\p{M}+/gu;

const WORDS_CACHE = new Map<string, string>();

/**
 * Folded words separated by single spaces, "/" kept ("đ/c"): the form the parsers' phrase
 * patterns match. Parsers ask for the same sentence several times, so recent answers are kept.
 */
export function foldedWords(s: string): string {
  let w = WORDS_CACHE.get(s);
  if (w === undefined) {
    w = fold(s)
      .replace(/[^a-z0-9/]+/g, ' ')
      .trim();
    if (WORDS_CACHE.size >= 256) WORDS_CACHE.clear();
    WORDS_CACHE.set(s, w);
  }
  return w;
}
