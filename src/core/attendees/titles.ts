/**
 * Recognising and tidying titles (chức vụ). Titles are returned as typed; this module only
 * decides whether a piece of text is a title and trims what surrounds it.
 */
import { TITLE_ABBR, TITLE_HEADS, TITLE_HEADS_FOLDED } from './lexicon';
import { foldSame, hasDiacritics, isVietSyllable, titleCaseWord, trimEdges } from './text';

const HEAD_FIRST_WORDS = new Set(
  [...TITLE_HEADS, ...TITLE_HEADS_FOLDED].map((h) => h.split(' ')[0]!),
);

/** How much of a text `isTitleStart` reads: title heads are a few words long. */
export const TITLE_PROBE_CHARS = 48;

/** True when the text begins with a title word or abbreviation ("Phó Giám đốc Sở", "PCT UBND xã", "pho giam doc"). */
export function isTitleStart(text: string): boolean {
  // Callers pass the rest of a segment; reading only its head keeps their loops linear.
  const t = trimEdges(text.slice(0, TITLE_PROBE_CHARS));
  if (!t) return false;
  const first = t.split(/[\s,;:()\-–—/]+/, 1)[0] ?? '';
  if (first.length <= 6) {
    const abbr = foldSame(first).replace(/\./g, '');
    if (first === first.toUpperCase() && TITLE_ABBR.has(abbr)) return true;
    // Typed in lower case too ("pct xã", "cv", "pgđ").
    if (/^[a-zđ.]{2,6}$/.test(first) && TITLE_ABBR.has(abbr)) return true;
  }
  // Every head starts with one of a few words: check that word before trying the heads.
  const firstWord = (/^[\p{L}\p{M}]+/u.exec(t)?.[0] ?? '').toLowerCase();
  if (!HEAD_FIRST_WORDS.has(firstWord) && !HEAD_FIRST_WORDS.has(foldSame(firstWord))) return false;
  const lower = t.toLowerCase();
  if (TITLE_HEADS.some((h) => startsWithWord(lower, h))) return true;
  const head = t.split(/\s+/, 3).join(' ');
  if (!hasDiacritics(head)) {
    const folded = foldSame(t.slice(0, 32));
    return TITLE_HEADS_FOLDED.some((h) => startsWithWord(folded, h));
  }
  return false;
}

function startsWithWord(text: string, head: string): boolean {
  if (!text.startsWith(head)) return false;
  const next = text.charAt(head.length);
  return next === '' || !/[\p{L}\p{M}\d]/u.test(next);
}

/**
 * Words that make a line an introduction rather than a title: "Sở Y tế cử 02 đồng chí:",
 * "Cán bộ tham dự gồm:", "Lãnh đạo Sở đăng ký như sau:". Compared on folded words.
 */
const INTRO_WORDS = [
  'cu',
  'dang ky',
  'danh sach',
  'gom',
  'nhu sau',
  'tham du',
  'tham gia',
  'gui',
  'dong chi',
  'dai bieu',
  'kinh gui',
  'bao cao',
  'xin',
  'thanh phan',
  'nguoi thu',
  'hoc vien',
  'd/c',
  'ds',
];

export function isIntro(text: string): boolean {
  const words = ` ${foldSame(text)
    .replace(/[^a-z0-9/]+/g, ' ')
    .trim()} `;
  return INTRO_WORDS.some((w) => words.includes(` ${w} `));
}

/** A title on its own: starts like a title and does not read as an introduction. */
export function isTitleLike(text: string): boolean {
  return isTitleStart(text) && !isIntro(text);
}

/**
 * Tail words that are not part of a title: "PGĐ Sở tham dự", "CV thay", "Kế toán trưởng ạ",
 * "Chuyên viên. Trân trọng". Everything from the first of them on is dropped.
 */
const TAIL_RE =
  /(?:\s+|[.!,;]\s*)(?:tham dự|tham du|tham gia|dự lớp|du lop|đi học|di hoc|đi dự|di du|dự (?:lớp|buổi|cả|trực|online|khai|tập|hội)|đi thay|thay thế|thay the|thay|đi cùng|xin đăng ký|đăng ký tham|sẽ|em cảm ơn|cảm ơn|cam on|cám ơn|trân trọng|tran trong|lớp tập huấn|ạ|nhé|nha|nhe|ak|à)(?=$|[\s.,!;)])/iu;

/** How the person attends, in parentheses after the title: "(dự trực tiếp)", "(điểm cầu huyện)". */
const ATTENDANCE_NOTE_RE =
  /\s?(?:\((?:[^()]{0,80}\s)?(?:dự|trực tiếp|trực tuyến|online|điểm cầu|tham dự|tham gia)(?:\s[^()]{0,80})?\)|[-–,;]\s*(?:tham dự |dự |học )?(?:tại )?(?:điểm cầu|trực tuyến|trực tiếp|online)(?![\p{L}]).*)\s?$/iu;

/** A phone label whose number was mistyped ("ĐT 0912 345 67") still ends the title. */
const BROKEN_PHONE_RE =
  /(?:^|[\s,;(]{1,8}(?:[-–]\s?)?|[-–]\s)(?:sđt|sdt|đt|dt|dđ|điện\s?thoại|tel|zalo)\s?[:.]?\s?[\d\s.+\-()]{0,24}$/iu;

/** Birth years typed next to the title ("sinh năm 1978", "NS: 1980") are not part of it. */
const BIRTH_YEAR_RE = /(?:^|[\s,;(-]{1,8})(?:sinh\s?năm|năm\s?sinh|ns)\s?:?\s?(?:19|20)\d\d\)?/giu;

/** A nickname in parentheses right after the name: "Lê Văn Bảy (Bảy Lúa) - PCT UBND xã". */
const NICKNAME_RE = /^\s*\(([^()]{1,24})\)\s*[-–:,]\s*(?=\S)/u;

/** Cleans one piece of text that holds a title: trims separators, wrappers and polite tails. */
export function tidyTitle(raw: string): string {
  const nick = NICKNAME_RE.exec(raw);
  if (nick && !isTitleLike(nick[1]!)) return tidyTitle(raw.slice(nick[0].length));
  let t = trimEdges(raw.replace(BIRTH_YEAR_RE, ' ').replace(BROKEN_PHONE_RE, '')).replace(
    ATTENDANCE_NOTE_RE,
    '',
  );
  const m = TAIL_RE.exec(' ' + t);
  if (m) t = trimEdges(t.slice(0, Math.max(0, m.index - 1)));
  // Leading conjunctions and "là" belong to the sentence, and a gender ("nam, PGĐ") to the form.
  t = trimEdges(t.replace(/^(?:và|cùng|với|là|hiện là|làm)(?:\s+|$)/iu, ''));
  t = trimEdges(t.replace(/^(?:nam|nữ)(?=\s*[,;\-–]|$)/iu, ''));
  t = trimEdges(t.replace(/(?:^|\s+)(?:và|cùng|với|là)$/iu, ''));
  return t;
}

/** Place words after which the proper name is capitalised: "xã Tân Phú", "huyện Cao Lãnh". */
const PLACE_WORDS = new Set(['xã', 'phường', 'huyện', 'tỉnh', 'quận', 'ấp', 'thôn', 'khóm', 'bản']);
const PLACE_PAIRS = new Set(['thị trấn', 'thành phố', 'thị xã']);
/** Organs, capitalised with the first word of their proper part: "Sở Y tế", "Hội Liên hiệp …". */
const ORGAN_WORDS = new Set(['sở', 'phòng', 'ban', 'cục', 'trường', 'viện', 'hội', 'đài']);
const ORGAN_PAIRS = new Set(['trung tâm', 'văn phòng', 'ủy ban', 'uỷ ban', 'chi cục', 'bệnh viện']);
/** Words after which an organ word is part of the title itself ("Trưởng phòng", "Chuyên viên phòng"). */
const TITLE_BEFORE_ORGAN = new Set(['trưởng', 'phó', 'viên', 'cv', 'bộ', 'chức', 'chánh']);

/**
 * A title typed in capitals, written as a person writes it: "PHÓ GIÁM ĐỐC SỞ" → "Phó Giám đốc
 * Sở", "CHỦ TỊCH UBND XÃ TÂN PHÚ" → "Chủ tịch UBND xã Tân Phú", "TRƯỞNG PHÒNG VĂN HÓA VÀ THÔNG
 * TIN" → "Trưởng phòng Văn hóa và Thông tin". Acronyms (UBND, PGĐ, VH-TT) and single letters
 * stay; a title not in capitals is returned as typed.
 */
export function titleAsWritten(title: string): string {
  const letters = title.replace(/[^\p{L}]/gu, '');
  if (letters.length < 4 || letters !== letters.toUpperCase()) return title;
  const parts = title.split(/(\s+)/);
  const cores = parts.map((p, i) =>
    i % 2 === 0 ? /^([^\p{L}\p{M}]*)([\p{L}\p{M}]*)([^\p{L}\p{M}]*)$/u.exec(p) : null,
  );
  const isWord = (m: RegExpExecArray | null): boolean =>
    !!m && m[2]!.length > 1 && isVietSyllable(m[2]!);
  if (!cores.some(isWord)) return title;
  const lowerAt = (i: number): string => (cores[i]?.[2] ?? '').toLowerCase();
  let capitalNext = true;
  let placeRun = false;
  let inOrgan = false;
  let prev = '';
  return parts
    .map((p, i) => {
      const m = cores[i];
      if (i % 2 === 1 || !m) return p;
      if (!isWord(m)) {
        // Acronyms, single letters, numbers and dashes stay as typed; a dash inside an organ's
        // name starts its next part ("Văn hóa - Thể thao").
        if (m[2]!.length !== 1) placeRun = false;
        capitalNext = inOrgan && m[2] === '' && /[-–&]/.test(p);
        prev = m[2]!.toLowerCase();
        return p;
      }
      const lower = m[2]!.toLowerCase();
      const organPair = ORGAN_PAIRS.has(`${lower} ${lowerAt(i + 2)}`);
      const organ = (ORGAN_WORDS.has(lower) || organPair) && !TITLE_BEFORE_ORGAN.has(prev);
      const capital = capitalNext || placeRun || organ || lower === 'sở';
      const word = capital ? titleCaseWord(m[2]!) : lower;
      const endsOrgan = ORGAN_WORDS.has(lower) || ORGAN_PAIRS.has(`${prev} ${lower}`);
      if (endsOrgan) inOrgan = true;
      capitalNext =
        lower === 'phó' ||
        lower === 'quyền' ||
        (endsOrgan && i + 2 < parts.length) ||
        (inOrgan && lower === 'và');
      if (PLACE_WORDS.has(lower) || PLACE_PAIRS.has(`${prev} ${lower}`)) {
        placeRun = true;
        inOrgan = false;
        capitalNext = false;
      }
      if (m[3]) placeRun = false;
      prev = lower;
      return `${m[1]}${word}${m[3]}`;
    })
    .join('');
}
