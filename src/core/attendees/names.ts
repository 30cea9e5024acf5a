/**
 * Finds people's names in the tokens of one segment.
 *
 * A name is a run of 2–5 name-like words (capitalised, or all lower-case when typed that way).
 * A run counts as a person when something vouches for it: a surname from the list, a formal
 * honorific or rank before it ("Ông", "đ/c", "Thượng tá"), a "Họ tên:" label, or — for names
 * with an unlisted surname — its position at the start of an entry followed by a title or a
 * phone. Runs that continue a place or school ("xã Tân Thuận", "THPT Nguyễn Du") never count.
 */
import {
  AMBIGUOUS_PLACE_CONTEXT,
  BLOCKERS,
  LOWER_STOP,
  MIDDLE_MARKERS,
  PHRASES,
  PLACE_CONTEXT,
  PLACE_NAMES,
  LOWER_DEGREES,
  SOFT_HONORIFICS,
  STRONG_SOFT_HONORIFICS,
  SURNAMES,
  compoundSurnameLength,
  isSurname,
  type Phrase,
} from './lexicon';
import { foldSame, hasDiacritics, isVietSyllable, titleCaseWord, wordCase } from './text';
import { isTitleStart } from './titles';
import { tokenize, type Tok } from './tokens';

export interface NameSpan {
  /** First token of the span, including the honorifics and label absorbed before the name. */
  first: number;
  /** Last token of the name itself. */
  last: number;
  name: string;
}

type Vouch = 'label' | 'strong' | 'soft' | null;
type Context = 'place' | 'ambiguous' | 'neutral';

interface Run {
  words: number[];
  vouch: Vouch;
  context: Context;
  /** The run starts an entry (segment start or after a separator), where unlisted surnames are allowed. */
  entryStart: boolean;
  /** The run (with its honorifics) opens the segment, where phone keyboards capitalise the first letter. */
  segmentStart: boolean;
  /** Why the run ended: a lower-case ordinary word means the words were a sentence, not a name. */
  endedByStopWord: boolean;
}

/** Punctuation after which a new entry may start. */
const ENTRY_SEPARATORS = new Set([
  ',',
  ';',
  ':',
  '/',
  '(',
  '-',
  '–',
  '—',
  '+',
  '•',
  '*',
  '|',
  '.',
  '&',
]);
const CONJUNCTIONS = new Set(['và', 'cùng', 'với']);

export function findNames(toks: Tok[], seg: string): NameSpan[] {
  const honAt = markSoftHonorifics(toks);
  const phraseAt = toks.map((_, i) => phraseStartingAt(toks, i));
  const spans: NameSpan[] = [];

  let vouch: Vouch = null;
  let vouchFrom = -1;
  let skippedPlace = false;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'hon' || honAt[i]) {
      const lower = t.text.toLowerCase();
      const strong =
        t.kind === 'hon' || STRONG_SOFT_HONORIFICS.has(lower) || LOWER_DEGREES.has(lower);
      if (vouch !== 'label') vouch = strong || vouch === 'strong' ? 'strong' : 'soft';
      if (vouchFrom < 0) vouchFrom = i;
      continue;
    }
    if (t.kind === 'label' && t.field === 'name') {
      vouch = 'label';
      vouchFrom = i;
      continue;
    }
    const phrase = phraseAt[i];
    if (phrase && t.kind === 'word' && !(vouch && isSurname(t.text))) {
      // A unit or title phrase where a name could start: skip it whole, remembering places.
      skippedPlace = phrase.kind === 'place';
      i += phrase.words.length - 1;
      vouch = null;
      vouchFrom = -1;
      continue;
    }
    if (
      t.kind === 'word' &&
      canStartRun(t.text, vouch, isEntryStart(toks, vouchFrom >= 0 ? vouchFrom : i))
    ) {
      const run = collectRun(toks, i, phraseAt, honAt, {
        vouch,
        context: skippedPlace ? 'place' : contextBefore(toks, i),
        entryStart: isEntryStart(toks, vouchFrom >= 0 ? vouchFrom : i),
        segmentStart: (vouchFrom >= 0 ? vouchFrom : i) === 0,
      });
      for (const part of splitRun(run, toks)) {
        if (acceptRun(part, toks, seg)) {
          const first = part === run && vouchFrom >= 0 ? vouchFrom : part.words[0]!;
          spans.push({
            first,
            last: part.words[part.words.length - 1]!,
            name: formatName(part.words.map((w) => toks[w]!.text)),
          });
        }
      }
      i = run.words[run.words.length - 1]!;
    }
    vouch = null;
    vouchFrom = -1;
    skippedPlace = false;
  }
  return spans;
}

/**
 * One-word honorifics (ông, bà, anh, chị, em, cô, chú…) count only right before a name word
 * and not inside a name: "Nguyễn Tuấn Anh", "Lê Thị Bé Em" end with them, and in
 * "Bà Ông Thị Mỹ Dung" the second one is the surname.
 */
function markSoftHonorifics(toks: Tok[]): boolean[] {
  const marks = toks.map(() => false);
  toks.forEach((t, i) => {
    if (t.kind !== 'word') return;
    const lower = t.text.toLowerCase();
    const degree = t.text === lower && LOWER_DEGREES.has(lower);
    if (!SOFT_HONORIFICS.has(lower) && !degree) return;
    const next = toks[i + 1];
    if (!next || next.kind !== 'word' || !isNameWord(next.text)) return;
    if (wordCase(next.text) === 'lower' && (degree || !isSurname(next.text))) return;
    const prev = toks[i - 1];
    if (prev && (prev.kind === 'hon' || marks[i - 1])) return;
    if (
      prev &&
      prev.kind === 'word' &&
      isNameWord(prev.text) &&
      wordCase(prev.text) !== 'lower' &&
      wordCase(t.text) !== 'lower'
    )
      return;
    marks[i] = true;
  });
  return marks;
}

/** A word that may be part of a name: letters only, not a title/unit/function word, syllable-shaped. */
function isNameWord(w: string): boolean {
  if (!/^[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)?$/u.test(w)) return false;
  if (BLOCKERS.has(w.toLowerCase())) return false;
  const c = wordCase(w.replace(/^\p{L}['’]/u, '')); // H'Hen, Y'Moan
  if (c === 'mixed') return false;
  // Capitalised words may be non-Vietnamese (Khmer "Sol"), but must hold a vowel (not "Ths");
  // words in capitals or lower case must be Vietnamese syllables (not "UBND", "pgđ").
  if (c === 'title') return /[aeiouy]/.test(foldSame(w)) && (w.length > 1 || isVietSyllable(w));
  return w.includes("'") || w.includes('’') || isVietSyllable(w);
}

function canStartRun(w: string, vouch: Vouch, entryStart: boolean): boolean {
  if (!isNameWord(w)) return false;
  if (wordCase(w) !== 'lower') return true;
  // Lower-case names ("nguyễn văn tâm - cv") only where a name is expected, and with a surname.
  return vouch === 'label' || ((entryStart || vouch !== null) && isSurname(w));
}

function isEntryStart(toks: Tok[], i: number): boolean {
  const prev = toks[i - 1];
  if (!prev) return true;
  if (prev.kind === 'punct') return ENTRY_SEPARATORS.has(prev.text);
  if (prev.kind === 'phone' || prev.kind === 'label') return true;
  return prev.kind === 'word' && CONJUNCTIONS.has(prev.text.toLowerCase());
}

function contextBefore(toks: Tok[], i: number): Context {
  const prev = toks[i - 1];
  if (!prev || prev.kind !== 'word') return 'neutral';
  const lower = prev.text.toLowerCase();
  if (PLACE_CONTEXT.has(lower)) return 'place';
  if (AMBIGUOUS_PLACE_CONTEXT.has(lower)) {
    // "VH-TT Nguyễn…": TT joined by a hyphen is part of an abbreviation, not thị trấn.
    const before = toks[i - 2];
    return before && before.kind === 'punct' && /[-&]/.test(before.text) ? 'neutral' : 'ambiguous';
  }
  return 'neutral';
}

/** Phrases by their first word, longest first (PHRASES is sorted so). */
const PHRASES_BY_FIRST = new Map<string, Phrase[]>();
for (const p of PHRASES) {
  const list = PHRASES_BY_FIRST.get(p.words[0]!) ?? [];
  list.push(p);
  PHRASES_BY_FIRST.set(p.words[0]!, list);
}

function phraseStartingAt(toks: Tok[], i: number): Phrase | undefined {
  const t = toks[i]!;
  if (t.kind !== 'word') return undefined;
  return PHRASES_BY_FIRST.get(t.text.toLowerCase())?.find((p) =>
    p.words.every((w, k) => {
      const t = toks[i + k];
      return t !== undefined && t.kind === 'word' && t.text.toLowerCase() === w;
    }),
  );
}

function collectRun(
  toks: Tok[],
  i: number,
  phraseAt: (Phrase | undefined)[],
  honAt: boolean[],
  base: Pick<Run, 'vouch' | 'context' | 'entryStart' | 'segmentStart'>,
): Run {
  const words = [i];
  const startsLower = wordCase(toks[i]!.text) === 'lower';
  let sawLower = startsLower;
  let endedByStopWord = false;
  for (let j = i + 1; j < toks.length; j++) {
    const t = toks[j]!;
    if (t.kind !== 'word' || honAt[j] || !isNameWord(t.text)) break;
    const phrase = phraseAt[j];
    if (phrase) {
      // "Nguyễn Văn An Văn thư" ends before the phrase; "Nguyễn Văn Thư" keeps it.
      if (words.length >= 2 || !isSurname(toks[i]!.text)) break;
    }
    const lower = wordCase(t.text) === 'lower';
    if (lower) {
      if (LOWER_STOP.has(t.text.toLowerCase())) {
        endedByStopWord = true;
        break;
      }
      // "Nguyễn văn hải" (keyboard capitalised the first letter) continues in lower case, but only
      // where a name is expected; after two capitalised words a lower-case word is the next phrase
      // ("… An lái xe"), and "Giáo dục và Đào tạo" is no name.
      const mayContinueLower =
        startsLower ||
        sawLower ||
        (words.length === 1 && (base.segmentStart || base.vouch !== null));
      if (!mayContinueLower) break;
      sawLower = true;
    }
    words.push(j);
  }
  return { ...base, words, endedByStopWord };
}

/**
 * Splits runs that hold more than one thing: two names typed without a separator
 * ("Nguyễn Văn An Lê Thị Bình"), or a unit or place followed by a name ("Sở Y Tế Nguyễn Văn An",
 * "xã Bình Thành Lê Văn Tư", "xã Phan Rí Cửa Lê Minh Tuấn"). A new name starts at a surname
 * followed by Văn/Thị after at least two words, or — when the run does not itself start with a
 * surname, or follows a place word — at a surname that leaves a name of two to four words.
 * Compound family names ("Công Tằng Tôn Nữ …", "Âu Dương …") are never cut.
 */
function splitRun(run: Run, toks: Tok[]): Run[] {
  const text = (k: number): string => toks[run.words[k]!]!.text;
  const n = run.words.length;
  const compound = compoundSurnameLength(run.words.map((w) => toks[w]!.text));
  const cuts: number[] = [];
  for (let k = Math.max(2, compound); k + 1 < n; k++) {
    if (isSurname(text(k)) && MIDDLE_MARKERS.has(text(k + 1).toLowerCase())) cuts.push(k);
  }
  // A place named after a person ("THPT Nguyễn Quang Diêu", "xã Lê Lợi") is a whole run; a
  // person follows a place only in longer runs ("xã Phan Rí Cửa Lê Minh Tuấn").
  const afterPlace = run.context !== 'neutral' && !(isSurname(text(0)) && n <= 4);
  if (!cuts.length && !compound && run.vouch === null && (!isSurname(text(0)) || afterPlace)) {
    // In a place ("xã Long Hồ Trần Minh Tuấn") the place keeps at least two words when it can.
    // Typed with accents, an unaccented word ("Quang") is not the surname it folds to ("Quàng").
    const accented = run.words.some((w) => hasDiacritics(toks[w]!.text));
    const surname = (w: string) =>
      isSurname(w) && (!accented || hasDiacritics(w) || SURNAMES.has(w.toLowerCase()));
    const fitsName = (k: number) => surname(text(k)) && n - k >= 2 && n - k <= (afterPlace ? 4 : 5);
    let k = -1;
    for (let j = afterPlace ? 2 : 1; j < n && k < 0; j++) if (fitsName(j)) k = j;
    if (k < 0 && afterPlace && n > 1 && fitsName(1)) k = 1;
    if (k > 0) cuts.push(k);
  }
  if (!cuts.length) return [run];
  const parts: Run[] = [];
  let from = 0;
  for (const cut of [...cuts, run.words.length]) {
    const words = run.words.slice(from, cut);
    parts.push(
      from === 0
        ? { ...run, words, endedByStopWord: false }
        : {
            ...run,
            words,
            vouch: null,
            context: contextBefore(toks, words[0]!),
            entryStart: false,
            segmentStart: false,
          },
    );
    from = cut;
  }
  return parts;
}

/** Level words of an administrative unit (the last word of "thị trấn", "thành phố", "thị xã" too). */
const ADMIN_LEVELS = new Set([
  'xã',
  'phường',
  'trấn',
  'huyện',
  'quận',
  'tỉnh',
  'phố',
  'ấp',
  'thôn',
]);

function acceptRun(run: Run, toks: Tok[], seg: string): boolean {
  const words = run.words.map((w) => toks[w]!.text);
  const lowerish = words.some((w) => wordCase(w) === 'lower');
  const compound = compoundSurnameLength(words);
  const longest = (lowerish ? 4 : 5) + Math.max(0, compound - 1);
  if (words.length < 2 || words.length > longest) return false;
  if (PLACE_NAMES.has(foldSame(words.join(' ')))) return false;
  // A name does not end on its middle name or an initial: "Nguyễn Văn A", "Trần Thị B" are placeholders.
  const lastWord = words[words.length - 1]!.toLowerCase();
  const lastFolded = foldSame(lastWord);
  if (
    lastFolded === 'thi' ||
    (lastFolded === 'van' && words.length === 2) ||
    /^[a-xz]$/.test(lastWord)
  )
    return false;
  if (run.vouch === 'label') return true;
  // Right after a place word, a run is the place's name ("xã Tân Thuận") unless it has the shape
  // of a person's: surname, Văn/Thị, given name ("UBND xã Trần Văn Khỏe" — the title before him).
  // Schools and memorials are named after people: only after an administrative level.
  const before = toks[run.words[0]! - 1];
  const personShaped =
    words.length >= 3 &&
    isSurname(words[0]!) &&
    MIDDLE_MARKERS.has(words[1]!.toLowerCase()) &&
    before?.kind === 'word' &&
    ADMIN_LEVELS.has(before.text.toLowerCase());
  if (run.vouch !== 'strong' && run.context === 'place' && !personShaped) return false;
  if (run.vouch !== 'strong' && run.context === 'ambiguous' && words.length < 3) return false;
  if (lowerish && run.endedByStopWord) return false;
  if (isSurname(words[0]!) || compound > 0) return true;
  if (run.vouch === 'strong') return !lowerish;
  if (run.vouch === 'soft' || lowerish || !run.entryStart) return false;
  return followedByTitleOrPhone(toks, run.words[run.words.length - 1]! + 1, seg);
}

function followedByTitleOrPhone(toks: Tok[], j: number, seg: string): boolean {
  let k = j;
  while (toks[k]?.kind === 'punct' && ENTRY_SEPARATORS.has(toks[k]!.text)) k++;
  const t = toks[k];
  if (!t) return false;
  if (t.kind === 'phone' || (t.kind === 'label' && t.field === 'title')) return true;
  return t.kind === 'word' && isTitleStart(seg.slice(t.start));
}

/**
 * Title Case for names typed in all capitals or all lower case — including "Nguyễn văn hải",
 * where only the keyboard's automatic capital is upper case; other mixed case stays as typed.
 */
export function formatName(words: string[]): string {
  const joined = words.join(' ');
  const rest = words.slice(1).join(' ');
  const allUpper = joined === joined.toUpperCase();
  const allLower = rest === rest.toLowerCase() && wordCase(words[0]!) !== 'upper';
  return allUpper || allLower ? words.map(titleCaseWord).join(' ') : joined;
}

/**
 * The name in a table's name column: the first name found in it, or — the header vouching for
 * it — the cell itself when it is two to seven name-like words ("Kim Sol Phia", "Y Moan Êban").
 */
export function nameFromCell(cell: string): string | undefined {
  const toks = tokenize(cell);
  const found = findNames(toks, cell);
  if (found.length) return found[0]!.name;
  const words = toks.filter((t) => t.kind === 'word').map((t) => t.text);
  const onlyWords = toks.every((t) => t.kind === 'word' || t.kind === 'hon');
  if (!onlyWords || words.length < 2 || words.length > 7) return undefined;
  if (!words.every((w) => /^[\p{L}\p{M}'’]+$/u.test(w) && wordCase(w) !== 'mixed'))
    return undefined;
  return formatName(words);
}
