/**
 * Finding the unit a person means from what they type on a phone: "ubnd huyen lap vo",
 * "Lấp Vò", "so y te", text in NFC or decomposed Unicode. Pure; the caller decides what to do
 * with no match (ask again), one (use it) or several (ask which, best first).
 */
import { cleanText, fold } from '../text/normalize';

/** Locality levels a name or a query can state: they never make a match, but they can break a tie. */
type Level = 'huyen' | 'tp' | 'tx' | 'tt' | 'xa' | 'phuong';

interface NameTokens {
  /** Tokens that identify the unit (folded, without UBND / huyện / thành phố / xã / phường). */
  strong: string[];
  levels: Set<Level>;
  /** The name says UBND / Ủy ban nhân dân (a tie-break between "Văn phòng UBND" and "Văn phòng Tỉnh ủy"). */
  ubnd: boolean;
}

function words(s: string): string[] {
  return fold(s)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

/**
 * Drop the words that every district/commune name carries ("UBND", "Ủy ban nhân dân", "huyện",
 * "thành phố"/"TP", "thị xã", "thị trấn", "xã", "phường") and remember the locality level they
 * state. "Huyện ủy"/"Thành ủy"/"Thị ủy" keep "ủy" (a party committee is not the UBND) and state
 * the level too. "xã hội" is a word, not a commune.
 */
function analyze(tokens: string[]): NameTokens {
  const strong: string[] = [];
  const levels = new Set<Level>();
  let ubnd = false;
  for (let i = 0; i < tokens.length;) {
    const a = tokens[i]!;
    const b = tokens[i + 1];
    if (a === 'uy' && b === 'ban' && tokens[i + 2] === 'nhan' && tokens[i + 3] === 'dan') {
      ubnd = true;
      i += 4;
    } else if (a === 'ubnd') {
      ubnd = true;
      i += 1;
    } else if (a === 'thanh' && b === 'pho') {
      levels.add('tp');
      i += 2;
    } else if (a === 'tp') {
      levels.add('tp');
      i += 1;
    } else if (a === 'thi' && b === 'xa') {
      levels.add('tx');
      i += 2;
    } else if (a === 'thi' && b === 'tran') {
      levels.add('tt');
      i += 2;
    } else if (a === 'huyen') {
      levels.add('huyen');
      i += 1;
    } else if ((a === 'thanh' || a === 'thi') && b === 'uy') {
      levels.add(a === 'thanh' ? 'tp' : 'tx');
      strong.push('uy');
      i += 2;
    } else if (a === 'xa' && b !== 'hoi') {
      levels.add('xa');
      i += 1;
    } else if (a === 'phuong') {
      levels.add('phuong');
      i += 1;
    } else {
      strong.push(a);
      i += 1;
    }
  }
  return { strong, levels, ubnd };
}

/**
 * The folded match key of a unit name: lower case, no diacritics, punctuation as spaces, the
 * UBND/level words removed. "UBND Huyện Lấp Vò" → "lap vo"; "Sở Y tế" → "so y te".
 * Not unique: "UBND Thành phố Cao Lãnh" and "UBND Huyện Cao Lãnh" share "cao lanh".
 */
export function unitKey(name: string): string {
  const tokens = words(name);
  const { strong } = analyze(tokens);
  return (strong.length > 0 ? strong : tokens).join(' ');
}

/** +1 when the query states the unit's level, -1 when it states another one, 0 otherwise. */
function levelAgreement(query: Set<Level>, unit: Set<Level>): number {
  if (query.size === 0 || unit.size === 0) return 0;
  for (const l of query) if (unit.has(l)) return 1;
  return -1;
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (a.length < b.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/**
 * How well one typed token stands for one name token: 1 equal, 0.8 prefix, 0.5 one typo. A typo
 * counts little: folded Vietnamese syllables one letter apart are often other real words
 * ("thong"/"thuong", "tin"/"tinh"), so it must not outweigh a real match elsewhere.
 */
function tokenSimilarity(typed: string, name: string): number {
  if (typed === name) return 1;
  if (typed.length >= 3 && name.startsWith(typed)) return 0.8;
  const longer = Math.max(typed.length, name.length);
  if (typed.length >= 4 && name.length >= 4 && longer >= 5 && editDistanceAtMostOne(typed, name))
    return 0.5;
  return 0;
}

/** Vietnamese acronyms have no vowels ("vh", "tncs", "ldtbxh"); real syllables always have one. */
const looksLikeAcronym = (t: string) => t.length >= 2 && !/[aeiouy]/.test(t);

/** Indexes start…end, the name tokens a run covers. */
const span = (start: number, end: number) =>
  Array.from({ length: end - start + 1 }, (_, k) => start + k);

// The two runs below compare against every unit's name for every typed token: they match in
// place and build the run only when it is found, since building strings per name was most of
// a lookup's garbage.

/** A typed acronym ("vhttdl", "qlda") standing for a run of name tokens ("van hoa the thao va du lich"). */
function acronymRun(typed: string, name: string[], used: boolean[]): number[] | null {
  if (typed.length > 8 || !(looksLikeAcronym(typed) || typed.length >= 4)) return null;
  for (let start = 0; start < name.length; start++) {
    if (used[start]) continue;
    let built = 0;
    let j = start;
    for (; j < name.length && !used[j] && built < typed.length; j++) {
      if (name[j] === 'va' && built > 0) continue;
      if (typed.charCodeAt(built) !== name[j]!.charCodeAt(0)) break;
      built++;
    }
    if (built === typed.length && j - start >= 2) return span(start, j - 1);
  }
  return null;
}

/** A typed token written solid ("vhtt", "laivung") for consecutive name tokens ("vh tt"). */
function concatRun(typed: string, name: string[], used: boolean[]): number[] | null {
  for (let start = 0; start < name.length; start++) {
    let built = 0;
    for (let j = start; j < name.length && !used[j] && built < typed.length; j++) {
      if (!typed.startsWith(name[j]!, built)) break;
      built += name[j]!.length;
      if (built === typed.length && j > start) return span(start, j);
    }
  }
  return null;
}

interface Match {
  /** Typed tokens explained (weighted). */
  typed: number;
  /** Name tokens explained (weighted). */
  name: number;
}

/** Several typed words standing for one name token: its acronym ("van hoa" → "vh") or its solid spelling. */
function typedRun(
  T: string[],
  i: number,
  U: string[],
  used: boolean[],
): (Match & { j: number; k: number }) | null {
  const forms = typedForms(T);
  for (let k = Math.min(4, T.length - i); k >= 2; k--) {
    const { solid, ini } = forms[i]![k]!;
    for (let j = 0; j < U.length; j++) {
      if (used[j]) continue;
      const u = U[j]!;
      if (u === ini || u === solid) return { typed: k, name: 1, j, k };
      // "thanh nien" for "tncs": the start of a longer acronym.
      if (looksLikeAcronym(u) && u.length > ini.length && ini.length >= 2 && u.startsWith(ini)) {
        return { typed: k * 0.8, name: 0.8, j, k };
      }
    }
  }
  return null;
}

const FORMS = new WeakMap<string[], Array<Array<{ solid: string; ini: string }>>>();

/**
 * For each typed word i and run length k (2…4): the run written solid and its acronym. They
 * depend on the query alone, which is scored against every unit: worked out once per query.
 */
function typedForms(T: string[]): Array<Array<{ solid: string; ini: string }>> {
  let forms = FORMS.get(T);
  if (!forms) {
    forms = T.map((_, i) => {
      const byLength: Array<{ solid: string; ini: string }> = [];
      for (let k = 2; k <= Math.min(4, T.length - i); k++) {
        const words = T.slice(i, i + k);
        byLength[k] = {
          solid: words.join(''),
          ini: words
            .filter((w) => w !== 'va')
            .map((w) => w.charAt(0))
            .join(''),
        };
      }
      return byLength;
    });
    FORMS.set(T, forms);
  }
  return forms;
}

/** Score in about [0, 1.3] of a query against a name; 0 when the query is not plausibly this unit. */
function fuzzyScore(q: NameTokens, u: NameTokens, T = q.strong, U = u.strong): number {
  if (T.length === 0 || U.length === 0) return 0;
  const used = U.map(() => false);
  let matchedT = 0;
  let matchedU = 0;
  let firstMatched = false;
  let lastJ = -1;
  for (let i = 0; i < T.length; i++) {
    const t = T[i]!;
    // 1. one token for one token, preferring the next one in order
    let bestJ = -1;
    let best = 0;
    for (let j = 0; j < U.length; j++) {
      if (used[j]) continue;
      const s = tokenSimilarity(t, U[j]!);
      if (s > best || (s === best && s > 0 && bestJ < lastJ && j > lastJ)) {
        best = s;
        bestJ = j;
      }
    }
    if (bestJ >= 0) {
      // A prefix or typo match gives way to a whole run below ("vhtt" is "vh tt", not a prefix of "vh").
      const run = best < 1 ? (concatRun(t, U, used) ?? acronymRun(t, U, used)) : null;
      if (!run) {
        used[bestJ] = true;
        matchedT += best;
        matchedU += best;
        if (i === 0 && bestJ === 0 && best === 1) firstMatched = true;
        lastJ = bestJ;
        continue;
      }
    }
    // 2. one typed token for several name tokens: solid ("vhtt") or acronym ("vhttdl")
    const run = concatRun(t, U, used) ?? acronymRun(t, U, used);
    if (run) {
      for (const j of run) used[j] = true;
      matchedT += 1;
      matchedU += run.length;
      if (i === 0 && run[0] === 0) firstMatched = true;
      lastJ = run[run.length - 1]!;
      continue;
    }
    // 3. several typed words for one name token
    const m = typedRun(T, i, U, used);
    if (m) {
      used[m.j] = true;
      matchedT += m.typed;
      matchedU += m.name;
      lastJ = m.j;
      i += m.k - 1;
    }
  }
  const precision = matchedT / T.length;
  const recall = matchedU / U.length;
  // Half the words unexplained is acceptable ("Sở Y tế tỉnh Đồng Tháp"), one lucky word is not ("Hà Nội").
  if (precision < 0.5 || recall === 0 || (precision < 0.99 && matchedT < 2)) return 0;
  // F-measure weighted towards precision (β = 0.5): a query fully explained by a long name
  // ("so lao dong" → "Sở Lao động - Thương binh và Xã hội") beats one half explained by a short one.
  const f = (1.25 * precision * recall) / (0.25 * precision + recall);
  // Every typed word explained makes a short query plausible even against a long name
  // ("Mặt trận" → "Ủy ban Mặt trận Tổ quốc Việt Nam").
  if (f < MIN_SCORE && !(precision >= 0.99 && f >= 0.3)) return 0;
  const level = levelAgreement(q.levels, u.levels);
  return (
    Math.max(f, MIN_SCORE) +
    (firstMatched ? 0.1 : 0) +
    (q.ubnd && u.ubnd ? 0.1 : 0) +
    (level > 0 ? 0.1 : level < 0 ? -0.3 : 0)
  );
}

const MIN_SCORE = 0.45;
/** Candidates this close to the best one are shown together as ambiguous. */
const AMBIGUITY_MARGIN = 0.15;

export interface FindUnitsOptions {
  /** At most this many results (default 10). */
  limit?: number;
}

const ANALYSES = new Map<string, { all: string[]; tokens: NameTokens }>();

/**
 * A unit name's words, analysed once: every lookup compares the typed text with every unit's
 * name, and folding 500 names per message was most of a lookup's time. Bounded like the units.
 */
function nameAnalysis(name: string): { all: string[]; tokens: NameTokens } {
  let a = ANALYSES.get(name);
  if (a === undefined) {
    const all = words(name);
    a = { all, tokens: analyze(all) };
    if (ANALYSES.size >= 20_000) ANALYSES.clear();
    ANALYSES.set(name, a);
  }
  return a;
}

/**
 * The units a person most likely means by `typed`, best first.
 *
 * 1. The exact code (case-insensitive; "5" finds "005") wins alone.
 * 2. Else units whose key equals the query's key (ignoring case, diacritics, Unicode form and
 *    the words UBND, Ủy ban nhân dân, huyện, thành phố/TP, thị xã, xã, phường on both sides):
 *    "Lấp Vò" and "ubnd huyen lap vo" both find "UBND Huyện Lấp Vò". A stated level breaks ties:
 *    "Cao Lãnh" finds both UBND Thành phố and UBND Huyện Cao Lãnh, "huyện Cao Lãnh" only one.
 * 3. Else a token match that tolerates prefixes, one typo per word, acronyms both ways
 *    ("phong van hoa lap vo" → "Phòng VH-TT Huyện Lấp Vò") and extra words, keeping the
 *    candidates within a small margin of the best.
 *
 * Returns [] when nothing is plausible; several units mean the caller should ask which.
 */
export function findUnits<T extends { code: string; name: string; category?: string | null }>(
  units: T[],
  typed: string,
  options: FindUnitsOptions = {},
): T[] {
  const limit = options.limit ?? 10;
  const q = cleanText(typed);
  if (!q) return [];

  const lower = q.toLowerCase();
  const byCode = units.filter((u) => u.code.toLowerCase() === lower);
  if (byCode.length > 0) return byCode.slice(0, limit);
  if (/^\d{1,3}$/.test(q)) {
    const padded = q.padStart(3, '0');
    const byNumber = units.filter((u) => u.code === padded);
    if (byNumber.length > 0) return byNumber.slice(0, limit);
  }

  const queryWords = words(q);
  const query = analyze(queryWords);
  const candidates = units.map((unit, index) => ({ unit, index, ...nameAnalysis(unit.name) }));
  if (query.strong.length === 0) {
    // Only UBND/level words ("UBND xã", "ubnd huyện"): match them as plain words.
    return rank(
      candidates.map((c) => ({ ...c, score: fuzzyScore(query, c.tokens, queryWords, c.all) })),
      limit,
    );
  }
  const key = query.strong.join(' ');

  const exact = candidates
    .filter((c) => c.tokens.strong.join(' ') === key)
    .map((c) => ({ ...c, level: levelAgreement(query.levels, c.tokens.levels) }));
  if (exact.length > 0) {
    const bestLevel = Math.max(...exact.map((c) => c.level));
    return exact
      .filter((c) => c.level === bestLevel)
      .sort((a, b) => a.index - b.index)
      .map((c) => c.unit)
      .slice(0, limit);
  }

  return rank(
    candidates.map((c) => ({ ...c, score: fuzzyScore(query, c.tokens) })),
    limit,
  );
}

/** Plausible candidates within the ambiguity margin of the best, best first (ties in list order). */
function rank<T>(scored: Array<{ unit: T; index: number; score: number }>, limit: number): T[] {
  const plausible = scored
    .filter((c) => c.score >= MIN_SCORE)
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const best = plausible[0]?.score ?? 0;
  return plausible
    .filter((c) => c.score >= best - AMBIGUITY_MARGIN)
    .map((c) => c.unit)
    .slice(0, limit);
}
