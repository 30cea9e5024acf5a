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
  return limitMarks(s)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
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
