/**
 * Character-level helpers for the attendee parser. They work on NFC text (the caller runs
 * cleanText first) and, unlike `fold`, keep string length so that positions found in the
 * folded text are valid in the original.
 */

const COMBINING = /[\u0300-\u036f]/g;

/** Lower-case, diacritics removed, đ→d, one UTF-16 unit in → one out (positions survive). */
export function foldSame(s: string): string {
  let out = '';
  for (const unit of s.split('')) {
    const base = unit.normalize('NFD').replace(COMBINING, '').replace(/[đĐ]/g, 'd').toLowerCase();
    out +=
      base.length === 1
        ? base
        : unit.length === 1 && base.length === 0
          ? '~'
          : unit.toLowerCase().slice(0, 1);
  }
  return out;
}

/** True when the word carries a Vietnamese diacritic or đ (so it was typed with accents). */
export function hasDiacritics(s: string): boolean {
  return foldSame(s) !== s.toLowerCase();
}

export type WordCase = 'upper' | 'title' | 'lower' | 'mixed';

export function wordCase(w: string): WordCase {
  const letters = w.replace(/[^\p{L}]/gu, '');
  if (!letters) return 'mixed';
  if (letters === letters.toLowerCase()) return 'lower';
  if (letters === letters.toUpperCase()) return letters.length === 1 ? 'title' : 'upper';
  const rest = letters.slice(1);
  if (letters[0] === letters[0]!.toUpperCase() && rest === rest.toLowerCase()) return 'title';
  return 'mixed';
}

/** "NGUYỄN" / "nguyễn" → "Nguyễn". */
export function titleCaseWord(w: string): string {
  const chars = Array.from(w.toLowerCase());
  const first = chars.shift() ?? '';
  return first.toUpperCase() + chars.join('');
}

/**
 * Shape of a Vietnamese syllable (on the folded form): optional initial consonant cluster,
 * one to three vowels, optional final consonant. Abbreviations such as UBND, PGĐ, VH, TP, CV
 * fail it, which keeps them out of names even when typed in capitals.
 */
const SYLLABLE =
  /^(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$/;

export function isVietSyllable(w: string): boolean {
  return SYLLABLE.test(foldSame(w));
}

/** Separators, symbols and emoji around a title as typed; parentheses are handled apart. */
const EDGE_LEAD = /^(?:(?![(\[])[\s\p{P}\p{S}\uFE0F\u200D])+/u;
const EDGE_TRAIL = /(?:(?![)\]])[\s\p{P}\p{S}\uFE0F\u200D])+$/u;

/** Trims separators and unbalanced or wrapping parentheses from both ends, repeatedly. */
export function trimEdges(s: string): string {
  let prev = '';
  let cur = s;
  while (cur !== prev) {
    prev = cur;
    cur = cur.replace(EDGE_LEAD, '').replace(EDGE_TRAIL, '');
    if (cur.startsWith('(') && cur.endsWith(')') && balanced(cur.slice(1, -1)))
      cur = cur.slice(1, -1);
    const opens = count(cur, '(');
    const closes = count(cur, ')');
    if (closes > opens && cur.endsWith(')')) cur = cur.slice(0, -1);
    else if (opens > closes && cur.startsWith('(')) cur = cur.slice(1);
    else if (opens > closes && cur.endsWith('(')) cur = cur.slice(0, -1);
    else if (closes > opens && cur.startsWith(')')) cur = cur.slice(1);
  }
  return cur;
}

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
