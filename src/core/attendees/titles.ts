/**
 * Recognising and tidying titles (chức vụ). Titles are returned as typed; this module only
 * decides whether a piece of text is a title and trims what surrounds it.
 */
import { TITLE_ABBR, TITLE_HEADS, TITLE_HEADS_FOLDED } from './lexicon';
import { foldSame, hasDiacritics, trimEdges } from './text';

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
  /(?:\s+|[.!,;]\s*)(?:tham dự|tham du|tham gia|dự lớp|du lop|đi học|di hoc|đi dự|di du|dự (?:lớp|buổi|cả|trực|online|khai|tập|hội)|thay thế|thay the|thay|xin đăng ký|đăng ký tham|sẽ|em cảm ơn|cảm ơn|cam on|cám ơn|trân trọng|tran trong|lớp tập huấn|ạ|nhé|nha|nhe|ak|à)(?=$|[\s.,!;)])/iu;

/** How the person attends, in parentheses after the title: "(dự trực tiếp)", "(điểm cầu huyện)". */
const ATTENDANCE_NOTE_RE =
  /\s?(?:\((?:[^()]{0,80}\s)?(?:dự|trực tiếp|trực tuyến|online|điểm cầu|tham dự|tham gia)(?:\s[^()]{0,80})?\)|[-–,;]\s*(?:tham dự |dự |học )?(?:tại )?(?:điểm cầu|trực tuyến|trực tiếp|online)(?![\p{L}]).*)\s?$/iu;

/** A phone label whose number was mistyped ("ĐT 0912 345 67") still ends the title. */
const BROKEN_PHONE_RE =
  /(?:^|[\s,;(\-–]{1,8})(?:sđt|sdt|đt|dt|dđ|điện\s?thoại|tel|zalo)\s?[:.]?\s?[\d\s.+\-()]{0,24}$/iu;

/** Birth years typed next to the title ("sinh năm 1978", "NS: 1980") are not part of it. */
const BIRTH_YEAR_RE = /(?:^|[\s,;(-]{1,8})(?:sinh\s?năm|năm\s?sinh|ns)\s?:?\s?(?:19|20)\d\d\)?/giu;

/** Cleans one piece of text that holds a title: trims separators, wrappers and polite tails. */
export function tidyTitle(raw: string): string {
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
