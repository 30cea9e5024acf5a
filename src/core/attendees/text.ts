/**
 * Character-level helpers for the attendee parser. They work on NFC text (the caller runs
 * cleanText first) and, unlike `fold`, keep string length so that positions found in the
 * folded text are valid in the original.
 */

const COMBINING = /[\u0300-\u036f]/g;

/** Lower-case, diacritics removed, đ→d, one UTF-16 unit in → one out (positions survive). */
export function foldSame(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += foldUnit(s[i]!);
  return out;
}

const FOLDED = new Map<string, string>();

function foldUnit(unit: string): string {
  let f = FOLDED.get(unit);
  if (f === undefined) {
    const base = unit.normalize('NFD').replace(COMBINING, '').replace(/[đĐ]/g, 'd').toLowerCase();
    f = base.length === 1 ? base : base.length === 0 ? '~' : unit.toLowerCase().slice(0, 1);
    // Lone surrogates and unusual letters are few; cap the cache anyway against hostile variety.
    if (FOLDED.size < 4096) FOLDED.set(unit, f);
  }
  return f;
}

/** True when the word carries a Vietnamese diacritic or đ (so it was typed with accents). */
export function hasDiacritics(s: string): boolean {
  return foldSame(s) !== s.toLowerCase();
}

export type WordCase = 'upper' | 'title' | 'lower' | 'mixed';

const CASES = new Map<string, WordCase>();

/** The case a word is typed in (remembered: the same words come again and again). */
export function wordCase(w: string): WordCase {
  let c = CASES.get(w);
  if (c === undefined) {
    c = caseOf(w);
    if (CASES.size >= 4096) CASES.clear();
    CASES.set(w, c);
  }
  return c;
}

function caseOf(w: string): WordCase {
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

/** Separators, symbols and emoji around a title as typed; parentheses and brackets are handled apart. */
const EDGE = /[\s\p{P}\p{S}\uFE0F\u200D]/u;
const EDGE_CACHE = new Map<string, boolean>();
function isEdge(ch: string): boolean {
  const code = ch.charCodeAt(0);
  // Letters and digits of ASCII and Vietnamese (Latin ranges) are never edges: the common case.
  if ((code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122))
    return false;
  // Outside the basic plane are emoji and other symbols: trimmed, one UTF-16 half at a time.
  if (code >= 0xd800 && code <= 0xdfff) return true;
  let edge = EDGE_CACHE.get(ch);
  if (edge === undefined) {
    edge = EDGE.test(ch);
    if (EDGE_CACHE.size < 4096) EDGE_CACHE.set(ch, edge);
  }
  return edge;
}
const isLeadEdge = (ch: string): boolean => ch !== '(' && ch !== '[' && isEdge(ch);
const isTrailEdge = (ch: string): boolean => ch !== ')' && ch !== ']' && isEdge(ch);

/** Rounds of unwrapping: "((PGĐ))" needs two; more layers than this are not a title anyway. */
const TRIM_ROUNDS = 6;

/**
 * Trims separators and unbalanced or wrapping parentheses from both ends, repeatedly (a bounded
 * number of rounds, each linear, so hostile text of brackets costs linear time).
 */
export function trimEdges(s: string): string {
  let a = 0;
  let b = s.length;
  for (let round = 0; round < TRIM_ROUNDS; round++) {
    const before = [a, b];
    while (a < b && isLeadEdge(s[a]!)) a++;
    while (b > a && isTrailEdge(s[b - 1]!)) b--;
    if (b - a >= 2 && s[a] === '(' && s[b - 1] === ')' && balanced(s, a + 1, b - 1)) {
      a++;
      b--;
    } else {
      const opens = count(s, a, b, '(');
      const closes = count(s, a, b, ')');
      if (closes > opens && s[b - 1] === ')') b--;
      else if (opens > closes && s[a] === '(') a++;
      else if (opens > closes && s[b - 1] === '(') b--;
      else if (closes > opens && s[a] === ')') a++;
    }
    if (before[0] === a && before[1] === b) break;
  }
  return s.slice(a, b);
}

function count(s: string, from: number, to: number, ch: string): number {
  let n = 0;
  for (let i = from; i < to; i++) if (s[i] === ch) n++;
  return n;
}

function balanced(s: string, from: number, to: number): boolean {
  let depth = 0;
  for (let i = from; i < to; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth < 0) return false;
  }
  return depth === 0;
}
