/**
 * What a unit's message says about the reports it owes, read the way an organizer would:
 * "đã gửi báo cáo chuyển đổi số quý III qua iOffice" records that report; "đã gửi báo cáo
 * quý II" names another one; "xin gia hạn", "chiều em gửi", "gửi ở đâu ạ?", "chưa gửi",
 * "đang hoàn thiện dự thảo", "gửi không được" are not statements that it was sent.
 *
 * The message is compared with what the unit owes: the period it names (quý, tháng, 6 tháng,
 * 9 tháng, năm, with numbers), the plan it cites (Kế hoạch 45/KH-UBND), the topic words of the
 * report it names (chuyển đổi số, cải cách hành chính…) and the kind of document (a report, not
 * a plan or a list). A report is recorded only when the message fits it and nothing in the
 * message contradicts it; when it may fit, the bot asks. The costly error is recording a report
 * for a message about another one (the unit stops being chased), so every doubt is a question.
 *
 * Pure and linear: the message is read up to REPORT_STATEMENT_MAX_CHARS characters, on folded
 * words; a district's list of communes up to CHAT_MAX_CHARS.
 */
import { CHAT_MAX_CHARS, CHAT_MAX_LINES, REPORT_STATEMENT_MAX_CHARS } from '../text/limits';
import { cleanText, fold, foldedWords } from '../text/normalize';
import { localDateKey } from '../time/format';
import { unitKey } from '../units/lookup';

export interface OwedReportRef {
  id: number;
  title: string;
  periodLabel: string | null;
  deadline: Date;
  /** The plan the report is due under ("45/KH-UBND"), when known. */
  sourcePlan?: string | null;
}

export type OtherReason =
  | 'other-report'
  | 'extension'
  | 'promise'
  | 'question'
  | 'negation'
  | 'failed'
  | 'draft'
  | 'other-unit';

export type ReportRecognition = (
  | {
      kind: 'report';
      ids: number[];
      /** The report's own number as stated ("45/BC-UBND"). */
      docNumber?: string;
      /** The date stated with it, YYYY-MM-DD. */
      docDate?: string;
      /** "Gửi nhầm file, em gửi lại": the new text or file replaces what was recorded. */
      correction: boolean;
    }
  /** It may fit one of these: the bot asks. */
  | { kind: 'maybe'; ids: number[] }
  /** Not this unit's report, or not a statement that it was sent: never recorded. */
  | { kind: 'other'; reason: OtherReason }
  | { kind: 'none' }
) & {
  /** The message was longer than REPORT_STATEMENT_MAX_CHARS; only its beginning was read. */
  truncated?: true;
};

export interface RecognizeOptions {
  now: Date;
  tz: string;
  /** The owed report whose reminder or chase the message replies to: it supplies the object. */
  replyTo?: number;
  /** The unit the message speaks for: a statement about another unit is not this unit's report. */
  unitName?: string;
  /** The caller has settled whom the message speaks for (a district for all its communes). */
  subjectSettled?: boolean;
}

// ── Reading the message ──────────────────────────────────────────────────────────────

/** Abbreviations units type, folded, and what they stand for. */
const ABBREVIATIONS: Array<[RegExp, string]> = [
  [/\bbc\b/g, 'bao cao'],
  [/\bbcao\b/g, 'bao cao'],
  [/\bcds\b/g, 'chuyen doi so'],
  [/\bcchc\b/g, 'cai cach hanh chinh'],
  [/\battt\b/g, 'an toan thong tin'],
  [/\bpbgdpl\b/g, 'pho bien giao duc phap luat'],
  [/\bpctt\b/g, 'phong chong thien tai'],
  [/\bpctn\b/g, 'phong chong tham nhung'],
  [/\bkh\b/g, 'ke hoach'],
  [/\bq\s?([1-4])\b/g, 'quy $1'],
  [/\bt([1-9]|1[0-2])\b/g, 'thang $1'],
  [/\b6t\b/g, '6 thang'],
  [/\b(?:r|roai)\b/g, 'roi'],
  [/\b(?:ko|k|khg|kg|hok)\b/g, 'khong'],
  [/\b(?:dc|đc)\b/g, 'duoc'],
  [/\bmail\b/g, 'email'],
  [/\bvp\b/g, 'van phong'],
];

const ROMAN: Record<string, number> = { i: 1, ii: 2, iii: 3, iv: 4 };

/** A document number: "45/BC-UBND", "125/BC-PVHTT", "12/KH-UBND", "301/UBND-VX". */
const DOC_NUMBER_RE =
  /(?<![\p{L}\d])(\d{1,5})\s?\/\s?([A-ZĐ][A-ZĐa-zđ0-9&.]*(?:\s?-\s?[A-ZĐ0-9][A-ZĐa-zđ0-9&.]*){0,3})/gu;
/** "ngày 05/11/2024", "hôm 10/10", "05-11-2024", "ngày 5 tháng 11 năm 2024". */
const DATE_RE =
  /(?<![\d/])(\d{1,2})\s?[/.-]\s?(\d{1,2})(?:\s?[/.-]\s?(\d{4}|\d{2}))?(?![\d/])|(?<![\p{L}\d])ngày\s(\d{1,2})\stháng\s(\d{1,2})(?:\snăm\s(\d{4}))?/giu;

interface DocRef {
  number: string;
  type: string;
  index: number;
}

interface Period {
  kind: 'quarter' | 'month' | 'half' | 'nine' | 'year';
  n?: number;
  year?: number;
  /** "tháng này", "quý trước": which one depends on what the sender has in mind. */
  relative?: true;
}

/** What a message names and says, on folded words. */
interface Reading {
  /** Folded words, abbreviations expanded, document numbers and dates taken out. */
  w: string;
  docs: DocRef[];
  dates: Array<{ key: string; index: number; deadline: boolean }>;
  periods: Period[];
  plans: string[];
  topic: Set<string>;
  /** The document kind the sending verb takes ("bao cao", "ke hoach", "danh sach"…), if named. */
  object: string | undefined;
  reportWord: boolean;
}

function read(text: string, now: Date, tz: string): Reading {
  const docs: DocRef[] = [];
  for (const m of text.matchAll(DOC_NUMBER_RE)) {
    const suffix = m[2]!.replace(/\s/g, '');
    docs.push({
      number: `${m[1]}/${suffix}`,
      type: suffix.split('-')[0]!.toUpperCase(),
      index: m.index,
    });
  }
  const withoutDocs = text.replace(DOC_NUMBER_RE, ' ');
  const dates: Reading['dates'] = [];
  for (const m of withoutDocs.matchAll(DATE_RE)) {
    const day = Number(m[1] ?? m[4]);
    const month = Number(m[2] ?? m[5]);
    const yearRaw = m[3] ?? m[6];
    const key = dateKey(day, month, yearRaw, now, tz);
    if (!key) continue;
    const before = foldedWords(withoutDocs.slice(Math.max(0, m.index - 24), m.index));
    const deadline =
      /(?:^|\s)(?:den|truoc|han|toi|sang|het|cham nhat|tre nhat)(?:\s(?:ngay|hom))?$/.test(before);
    dates.push({ key, index: m.index, deadline });
  }
  const w = foldMessage(withoutDocs.replace(DATE_RE, ' '));
  const plans = planNumbers(w, docs);
  const periods = periodsIn(w);
  return {
    w,
    docs,
    dates,
    periods,
    plans,
    topic: topicOf(w),
    object: objectOf(w),
    reportWord: /(?:^|\s)bao cao(?:\s|$)/.test(w) || docs.some((d) => d.type === 'BC'),
  };
}

/**
 * Folded words with abbreviations expanded and Roman numerals as digits. "Dạ" (yes, politely)
 * would fold like "đã" (done), so it is set apart first.
 */
function foldMessage(text: string): string {
  const polite = text.replace(/(?<![\p{L}\p{M}])[Dd]ạ(?![\p{L}\p{M}])/gu, 'thưa');
  // "Báo cáo viên" is a title, not a report.
  // "Đảng" (the Party) would fold like "đang" (in progress): keep it a topic word.
  const party = polite.replace(/(?<![\p{L}\p{M}])[Đđ]ảng(?![\p{L}\p{M}])/gu, 'Đảngx');
  let w = foldedWords(party.replace(/\//g, ' ')).replace(/\bbao cao vien\b/g, 'baocaovien');
  for (const [re, to] of ABBREVIATIONS) w = w.replace(re, to);
  return w.replace(/\b(iii|ii|iv|i)\b/g, (r) => String(ROMAN[r]));
}

let todayCache: { at: number; tz: string; key: string } | undefined;

/** The local date of `now` (formatting a date in a time zone is slow; a message may hold many). */
function todayKey(now: Date, tz: string): string {
  if (todayCache?.at !== now.getTime() || todayCache.tz !== tz)
    todayCache = { at: now.getTime(), tz, key: localDateKey(now, tz) };
  return todayCache.key;
}

function dateKey(
  day: number,
  month: number,
  yearRaw: string | undefined,
  now: Date,
  tz: string,
): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const today = todayKey(now, tz);
  let year = yearRaw
    ? Number(yearRaw.length === 2 ? `20${yearRaw}` : yearRaw)
    : Number(today.slice(0, 4));
  const pad = (n: number) => String(n).padStart(2, '0');
  let key = `${year}-${pad(month)}-${pad(day)}`;
  // Without a year, a date well after today is last year's ("ngày 28/12" said in January).
  if (!yearRaw && key > today && Number(key.slice(5, 7)) - Number(today.slice(5, 7)) > 1) {
    year -= 1;
    key = `${year}-${pad(month)}-${pad(day)}`;
  }
  if (year < 2000 || year > 2100) return undefined;
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCMonth() === month - 1 ? key : undefined;
}

/** Plan numbers cited: "45/KH-UBND", "Kế hoạch (số) 45", "KH 45". */
function planNumbers(w: string, docs: DocRef[]): string[] {
  const out = docs.filter((d) => d.type === 'KH').map((d) => d.number.split('/')[0]!);
  for (const m of w.matchAll(/(?:^|\s)ke hoach(?:\sso)?\s(\d{1,5})(?=\s|$)/g)) out.push(m[1]!);
  return [...new Set(out.map((n) => String(Number(n))))];
}

function periodsIn(w: string): Period[] {
  const out: Period[] = [];
  const yearAfter = (rest: string): number | undefined => {
    const m = /^\s?(?:nam\s)?(20\d\d)(?=\s|$)/.exec(rest);
    return m ? Number(m[1]) : undefined;
  };
  for (const m of w.matchAll(/(?:^|\s)quy\s([1-4])(?=\s|$)/g))
    out.push({ kind: 'quarter', n: Number(m[1]), year: yearAfter(w.slice(m.index + m[0].length)) });
  for (const m of w.matchAll(/(?:^|\s)(\d{1,2}\s)?thang\s?(\d{1,2})?(?=\s|$)/g)) {
    const lead = m[1] ? Number(m[1]) : undefined;
    const rest = w.slice(m.index + m[0].length);
    if (lead === 6) {
      const half = /^\s(?:dau|cuoi)\snam/.exec(rest) ? (rest.startsWith(' cuoi') ? 2 : 1) : 1;
      out.push({
        kind: 'half',
        n: half,
        year: yearAfter(rest.replace(/^\s(?:dau|cuoi)\snam/, '')),
      });
    } else if (lead === 9) out.push({ kind: 'nine', year: yearAfter(rest) });
    else if (lead === undefined && m[2]) {
      const n = Number(m[2]);
      if (n >= 1 && n <= 12) out.push({ kind: 'month', n, year: yearAfter(rest) });
    }
  }
  const qualified = new Set(out.map((p) => p.year).filter((y) => y !== undefined));
  for (const m of w.matchAll(/(?:^|\s)(?:nam|ca nam|tong ket nam)\s(20\d\d)(?=\s|$)/g)) {
    const year = Number(m[1]);
    // "quý III năm 2024" qualifies the quarter; a year on its own is an annual report.
    if (!qualified.has(year) || out.length === 0) out.push({ kind: 'year', year });
  }
  if (out.length === 0 && /(?:^|\s)(?:ca nam|hang nam|tong ket nam)(?=\s|$)/.test(w))
    out.push({ kind: 'year' });
  const kinds = { thang: 'month', quy: 'quarter', nam: 'year' } as const;
  for (const m of w.matchAll(
    /(?:^|\s)(thang|quy|nam) (nay|truoc|roi|toi|sau|vua qua|ngoai)(?=\s|$)/g,
  ))
    out.push({ kind: kinds[m[1] as keyof typeof kinds], relative: true });
  return out.filter(
    (p, i) =>
      p.kind !== 'year' || !out.some((q, j) => j !== i && q.kind !== 'year' && q.year === p.year),
  );
}

/** Words and phrases of a report's name that say nothing about its topic. */
const GENERIC_PHRASES: string[][] = [
  'bao cao',
  'ket qua',
  'thuc hien',
  'tinh hinh',
  'cong tac',
  'dinh ky',
  'so ket',
  'tong ket',
  'chuyen de',
  'hoat dong',
  'nhiem vu',
  'trien khai',
  'dia ban',
  'ke hoach',
  'nhu sau',
  'giai doan',
  'day du',
  'chinh thuc',
  'cap nhat',
  'phuc vu',
  'don vi',
  'the hien',
  'van ban',
  'bao dam',
  'dam bao',
  'bo sung',
  'so lieu',
  'du lieu',
  'phu luc',
  'bieu mau',
  'cong van',
  'yeu cau',
  'huong dan',
  'chi dao',
  'de nghi',
  'day du',
  'chu ky',
  'ky so',
  'dong dau',
  'ban scan',
  'ban goc',
  'ban mem',
  'ban cung',
  'ban giay',
  'dinh kem',
  'kem theo',
].map((p) => p.split(' '));
const GENERIC_WORDS = new Set(
  'cua ve viec theo cac tai tren va nam quy thang nay lan thu ban file moi dau cuoi trong so co'.split(
    ' ',
  ),
);
/** Words that end the name of a report in a sentence ("báo cáo quý III | qua iOffice rồi ạ"). */
const TOPIC_END = new Set(
  (
    'da roi qua len cho ngay vao bang toi den gui nop a nhe nha anh chi em ben dung han ma ' +
    'luc hom sang chieu xa phuong huyen ubnd truong la thi vi do de con nhung voi tu sau ' +
    'truoc khi duoc bi khong chua se dang vua moi xong o dau ai nao gi sao hay nhi vay ha gio luon lien ' +
    'tren ioffice email zalo'
  ).split(' '),
);

const DESTINATION = new Set(['phong', 'so', 'ban', 'ubnd', 'huyen', 'tinh', 'btc', 'van', 'trung']);

/** Topic words of a title or of the words after "báo cáo", without the generic ones. */
function topicWords(words: string[], from: number, limit: number, stop: boolean): Set<string> {
  const topic = new Set<string>();
  for (let j = from, taken = 0; j < words.length && taken < limit; taken++) {
    const generic = GENERIC_PHRASES.find((p) => p.every((x, k) => words[j + k] === x));
    if (generic) {
      j += generic.length;
      continue;
    }
    const word = words[j]!;
    if (stop && TOPIC_END.has(word)) break;
    // "về Phòng VH-TT", "về Sở": where it was sent, not what it is about.
    if (stop && word === 've' && DESTINATION.has(words[j + 1] ?? '')) break;
    if (stop && word === 'he' && words[j + 1] === 'thong') break;
    if (!/^\d/.test(word) && !GENERIC_WORDS.has(word) && word.length > 1) topic.add(word);
    j++;
  }
  return topic;
}

/** Topic words of the report(s) a message names: the words after "báo cáo" up to where its name ends. */
function topicOf(w: string): Set<string> {
  const topic = new Set<string>();
  const words = w.split(' ');
  for (let i = 0; i + 1 < words.length; i++) {
    if (words[i] !== 'bao' || words[i + 1] !== 'cao') continue;
    for (const x of topicWords(words, i + 2, 12, true)) topic.add(x);
  }
  return topic;
}

/** Document kinds a unit may say it sent, folded. */
const DOC_KINDS = [
  'bao cao',
  'ke hoach',
  'danh sach',
  'to trinh',
  'quyet dinh',
  'giay moi',
  'thu moi',
  'cong van',
  'van ban',
  'file',
  'tai lieu',
  'ho so',
  'so lieu',
  'bieu mau',
];

/** The document a sending verb takes: "đã gửi | kế hoạch …", "gửi lại | báo cáo". */
function objectOf(w: string): string | undefined {
  const m =
    /(?:^|\s)(?:gui|nop|upload|tai len|chuyen|day len)(?:\s(?:lai|xong|di|luon|qua|cho|anh|chi|btc|ban|em|bo sung|them)){0,3}\s(.{0,24})/.exec(
      w,
    );
  if (!m) return undefined;
  return DOC_KINDS.find((k) => m[1]!.startsWith(k));
}

// ── What the message says ────────────────────────────────────────────────────────────

const SEND = String.raw`(?:gui|nop|upload|tai len|day len|cap nhat len|chuyen|trinh|phat hanh|ban hanh)`;
const FAILED_RE = new RegExp(
  String.raw`(?:^|\s)(?:khong (?:the )?(?:${SEND}|dang nhap|vao|truy cap|mo)(?: \S+){0,6}? duoc|${SEND}(?: \S+){0,6}? (?:khong|chua) duoc|bi loi|bao loi|loi (?:he thong|font|file|mang|ky so|chu ky)|(?:he thong|ioffice|email|phan mem|mang|trang|web) (?:dang |bi )?(?:loi|treo|sap|bao tri|qua tai)|bi tra ve|khong (?:nhan|vao) duoc|file (?:nang|qua nang|loi))(?=\s|$)`,
);
const EXTENSION_RE =
  /(?:^|\s)(?:gia han|gian han|lui (?:thoi )?han|lui han|xin (?:them )?thoi gian|cho (?:em |don vi |ben em )?(?:them|xin them) (?:\d+ |mot |hai |ba )?(?:ngay|thoi gian|tuan|buoi)|(?:nop|gui|bao cao) (?:cham|muon|tre)|(?:cham|tre) (?:\d+|mot|hai|ba) (?:ngay|hom)|muon hon|them (?:\d+|mot|hai|ba) ngay)(?=\s|$)/;
const NEGATION_RE =
  /(?:^|\s)(?:chua|khong|chua the)(?: \S+){0,2}? (?:gui|nop|co|xong|hoan thanh|lam|bao cao|upload|tai len|phat sinh)(?=\s|$)|^(?:da |thua )?chua(?: a| anh| chi| nhe)?$/;
const DRAFT_RE =
  /(?:^|\s)(?:du thao|dang (?:hoan thien|hoan chinh|xay dung|soan|tong hop|lam|viet|chinh sua|sua|xin y kien|trinh|cho)|cho(?: \S+){0,4}? (?:ky|duyet|phe duyet)|trinh (?:lanh dao |sep )?ky)(?=\s|$)/;
const PROMISE_RE =
  /(?:^|\s)(?:se|sap|chieu|trua|chieu nay|toi nay|ngay mai|mai|sang mai|chieu mai|tuan sau|tuan toi|lat nua|ti nua|xiu nua|trong ngay|truoc ngay|de em|ngay day|ngay bay gio|gui sau|nop sau|bo sung sau|lien)(?=\s|$)/;
const PAST_RE = /(?:^|\s)(?:da|roi|vua|xong)(?=\s|$)/;
const QUESTION_RE =
  /(?:^|\s)(?:o dau|khi nao|bao gio|the nao|nhu the nao|cho ai|ngay nao|mau nao|lay o dau|cho em hoi|em hoi|xin hoi|co can|co phai|phai khong|duoc khong|hay khong|hay la|chua nhi|vay anh|vay a|la gi|khong nhi|nhi)(?=\s|$)|(?:^|\s)co(?: \S+){1,5}? khong(?: nhi| a| anh| chi| ta| vay)?$/;
/** Past statements that it was sent: "đã gửi", "gửi rồi", "đã được chuyển", "vừa nộp". */
const SENT_RE = new RegExp(
  String.raw`(?:^|\s)(?:(?:da|vua)(?: \S+){0,3}? (?:${SEND}|hoan thanh|hoan tat|co bao cao)|(?:${SEND}|tai)(?: \S+){0,5}? (?:roi|(?<!(?:ky|lam|duyet) )xong)|(?:da duoc|duoc) (?:gui|chuyen|nop|dang|upload|tai|cap nhat))(?=\s|$)`,
);
/** Present tense with the report as object: "Em gửi báo cáo quý III ạ", "Kính gửi BTC, đơn vị gửi báo cáo…". */
const SENDING_NOW_RE =
  /(?:^|\s)(?:xin )?(?:gui|nop)(?: lai)?(?: (?:anh|chi|btc|ban to chuc|phong|so))?(?: \S+)? (?:bao cao|file bao cao|ban bao cao)(?=\s|$)/;
const CORRECTION_RE =
  /(?:^|\s)(?:gui nham|nham file|gui lai|nop lai|ban dung|ban sua|ban cap nhat|cap nhat lai|thay the ban|thay the bao cao|ban day du|bo sung (?:phu luc|so lieu|file)|dinh chinh)(?=\s|$)/;
const RECEIVED_RE = /(?:^|\s)(?:da )?nhan(?: duoc)? (?:bao cao|van ban|file)(?=\s|$)/;
/** Doing it later or now, not done: a present "em gửi" with a time still to come. */
const DONE_SHORT_RE =
  /^(?:da |thua |vang |ok )*(?:xong|xong roi|roi|da xong|da gui|da nop|nop roi|gui roi)(?: (?:a|anh|chi|nhe|nha|roi))*$/;
const ALL_RE =
  /(?:^|\s)(?:ca hai|ca 2|tat ca|cac bao cao|ca (?:\d|hai|ba) bao cao|hai bao cao|2 bao cao)(?=\s|$)/;
/** Words that make a message possibly about a report: a report word, or something sent. */
const HINT_RE =
  /(?:^|\s)(?:bao cao|van ban|cong van)(?=\s|$)|(?:^|\s)(?:gui|nop|upload|tai len)(?:\s\S+){0,3}\s(?:file|tep|dinh kem|email|ioffice|he thong)(?=\s|$)/;

type Status = 'sent' | 'not' | 'neutral';

interface Clause {
  raw: string;
  w: string;
  asks: boolean;
  status: Status;
  reason?: OtherReason;
}

/** Clauses of the message ("…gửi rồi, còn báo cáo CCHC em đang làm"), each with what it says. */
function clausesOf(text: string): Clause[] {
  return text
    .split(
      /(?<=[?])|[.;!\n]|,\s(?=còn|nhưng|mà|riêng|anh|chị|(?:báo cáo|bc|BC)\s)|\s(?=(?:mà|nhưng|còn)\s)/u,
    )
    .map((raw) => ({ raw, w: foldMessage(raw) }))
    .filter((c) => c.w)
    .map((c) => {
      const asks = /\?/.test(c.raw) || QUESTION_RE.test(c.w);
      const negated = NEGATION_RE.test(c.w);
      const promised = PROMISE_RE.test(c.w) && !PAST_RE.test(c.w);
      const sent =
        !asks &&
        ((SENT_RE.test(c.w) && !negated) ||
          (SENDING_NOW_RE.test(c.w) && !PROMISE_RE.test(c.w) && !negated) ||
          (CORRECTION_RE.test(c.w) && !PROMISE_RE.test(c.w)));
      const reason: OtherReason | undefined = negated
        ? 'negation'
        : /(?:^|\s)du thao(?=\s|$)/.test(c.w) || (DRAFT_RE.test(c.w) && !SENT_RE.test(c.w))
          ? 'draft'
          : promised
            ? 'promise'
            : undefined;
      const status: Status =
        reason && !(sent && reason === 'promise') ? 'not' : sent ? 'sent' : 'neutral';
      return { ...c, asks, status, ...(status === 'not' ? { reason } : {}) };
    });
}

/** A unit named as the subject of sending: "Sở Y tế đã gửi chưa?", "Bên Phòng Tài chính gửi rồi". */
const SUBJECT_RE =
  /(?:^(?:@\S+\s+){0,3}|[,.;:!?]\s*|\s(?:còn|mà|nhưng)\s)(?:[Bb]ên\s)?((?:(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s)?(?:[Ss]ở|[Pp]hòng|Ban|[Tt]rung tâm|[Tt]rường|Hội|[Cc]hi cục|[Cc]ông an|[Bb]ệnh viện|[Vv]ăn phòng|[Xx]ã|[Pp]hường|[Tt]hị trấn|[Hh]uyện|[Tt]hành phố|[Tt]hị xã|TP|UBND|Đài|Cục|[Cc]ác\s(?:xã|phường|đơn vị|sở|phòng|huyện)|[Đđ]ơn vị bạn|[Đđ]ơn vị khác)(?:\s[^\s,.;:!?]+){0,6}?)(?:\s|:\s*)(?:đã|vừa|chưa|gửi|nộp|cũng|thì|có|báo cáo|nói|bảo)(?=\s|$)/u;

/** "báo cáo của xã Tân Thành": whose report it is. */
const OWNER_RE =
  /(?:báo cáo|BC)(?:\s[^\s,.;:!?]+){0,6}?\s(?:của|cho)\s((?:(?:UBND|Ủy ban nhân dân)\s)?(?:Sở|Phòng|Ban|Trung tâm|Trường|Hội|Chi cục|Xã|xã|Phường|phường|Thị trấn|thị trấn|Huyện|huyện|Thành phố|Thị xã|TP|UBND|[Cc]ác\s(?:xã|phường|đơn vị|sở|phòng|huyện))(?:\s[\p{Lu}\d][^\s,.;:!?]*){0,5})/u;

type Subject = 'own' | 'other' | 'unknown';

/** Units counted as a group: "tất cả các xã", "100% các xã", "một số xã", "5/13 xã", "các xã … đều". */
const COLLECTIVE_RE = new RegExp(
  String.raw`(?:^|[,.;:!?]\s*)(?:@\S+\s+){0,3}(?:(tat ca|toan bo|100\s?%|het)\s+|(mot so|nhieu|hau het|phan lon|da so|mot vai|\d+\s?/\s?\d+|\d+)\s+)?(?:ubnd\s+)?(cac\s+|nhung\s+)?(?:don vi\s+)?(?:cap\s+)?(?:ubnd\s+)?(xa|phuong|thi tran|don vi|co so)((?:\s+[^\s,.;:!?]+){0,5}?)\s+(deu\s+)?(?:da|vua|chua|gui|nop|cung|hoan thanh)(?=\s|$|[,.;:!?])`,
);

/**
 * Whether the message speaks of a group of units (not named one by one) as its subject, and
 * whether it means all of them ("tất cả các xã", "các xã trực thuộc đều", "100% các xã") or
 * some ("một số xã", "5/13 xã", plain "các xã"). Null when its subject is no such group.
 */
export function collectiveSubject(text: string): 'all' | 'some' | null {
  const m = COLLECTIVE_RE.exec(fold(cleanText(text.slice(0, CHAT_MAX_CHARS))));
  // "Xã đã gửi" alone is a commune speaking of itself.
  if (!m || !(m[1] || m[2] || m[3])) return null;
  if (m[2]) return 'some';
  if (
    m[1] ||
    m[6] ||
    /\s(?:truc thuoc|tren dia ban|trong huyen|trong thi xa)(?:\s|$)/.test(m[5] ?? '')
  )
    return 'all';
  return 'some';
}

function subjectOf(text: string, unitName: string | undefined): Subject {
  if (collectiveSubject(text)) return 'other';
  const m = SUBJECT_RE.exec(text) ?? OWNER_RE.exec(text);
  if (!m) return 'own';
  const phrase = m[1]!;
  if (/^(?:[Cc]ác|[Đđ]ơn vị (?:bạn|khác))/u.test(phrase) || /\skhác$/u.test(phrase)) return 'other';
  if (/\s(?:em|mình|tôi|chúng tôi)$/u.test(phrase)) return 'own';
  // "Xã đã gửi", "UBND xã đã nộp": the level alone is the unit speaking of itself.
  if (
    /^(?:(?:ubnd|uy ban nhan dan|so|phong|ban|truong|hoi|cuc|dai|van phong|trung tam|chi cuc|cong an|benh vien|xa|phuong|huyen|quan|thi tran|thi xa|thanh pho|tp)(?:\s|$))+$/.test(
      foldedWords(phrase),
    )
  )
    return 'own';
  const key = unitKey(phrase);
  if (!unitName) return 'unknown';
  return sameUnit(key, unitKey(unitName)) ? 'own' : 'other';
}

/**
 * Whether a unit as typed names the given unit: every word of it is a word of the unit's name
 * or the initials of consecutive ones ("Phòng VH-TT" names "Phòng Văn hóa và Thông tin …").
 */
function sameUnit(typed: string, name: string): boolean {
  if (typed === name) return true;
  const words = name.split(' ').filter((x) => x !== 'va');
  let at = 0;
  for (const t of typed.split(' ')) {
    let found = false;
    for (let i = at; i < words.length && !found; i++) {
      if (words[i] === t) {
        at = i + 1;
        found = true;
      } else if (t.length >= 2 && i + t.length <= words.length) {
        const initials = words
          .slice(i, i + t.length)
          .map((x) => x[0])
          .join('');
        if (initials === t) {
          at = i + t.length;
          found = true;
        }
      }
    }
    if (!found) return false;
  }
  return true;
}

// ── Comparing with what is owed ──────────────────────────────────────────────────────

type Fit = 'same' | 'different' | 'unknown' | 'unclear';

interface OwedReading {
  periods: Period[];
  plans: string[];
  topic: Set<string>;
  kind: string;
}

const OWED_READINGS = new Map<string, OwedReading>();

/** What an owed report's title and period say (remembered: the same reports come again and again). */
function readOwed(o: OwedReportRef, now: Date, tz: string): OwedReading {
  const key = `${o.title}\u0000${o.periodLabel ?? ''}\u0000${o.sourcePlan ?? ''}`;
  let reading = OWED_READINGS.get(key);
  if (!reading) {
    reading = readOwedNow(o, now, tz);
    if (OWED_READINGS.size >= 512) OWED_READINGS.clear();
    OWED_READINGS.set(key, reading);
  }
  return reading;
}

function readOwedNow(o: OwedReportRef, now: Date, tz: string): OwedReading {
  const title = read(o.title, now, tz);
  const label = o.periodLabel ? read(o.periodLabel, now, tz) : undefined;
  const planText = o.sourcePlan ? read(`kế hoạch ${o.sourcePlan}`, now, tz).plans : [];
  const titleWords = foldedWords(o.title);
  return {
    periods: label && label.periods.length ? label.periods : title.periods,
    plans: [...new Set([...title.plans, ...planText])],
    topic: topicWords(title.w.split(' '), 0, 64, false),
    kind: DOC_KINDS.find((k) => titleWords.startsWith(k)) ?? 'bao cao',
  };
}

function periodFit(said: Period[], owed: Period[]): Fit {
  if (said.length === 0) return 'unknown';
  if (owed.length === 0) return 'unclear';
  if (said.some((s) => s.relative)) {
    const kindMatch = said.some((s) => owed.some((o) => o.kind === s.kind));
    return kindMatch ? 'unclear' : 'different';
  }
  const same = said.some((s) =>
    owed.some(
      (o) =>
        s.kind === o.kind &&
        (s.n === undefined || o.n === undefined || s.n === o.n) &&
        (s.year === undefined || o.year === undefined || s.year === o.year),
    ),
  );
  return same ? 'same' : 'different';
}

function topicFit(said: Set<string>, owed: Set<string>): Fit {
  if (said.size === 0) return 'unknown';
  if (owed.size === 0) return 'unclear';
  let shared = 0;
  for (const x of said) if (owed.has(x)) shared++;
  if (shared === 0) return 'different';
  return shared * 2 >= said.size ? 'same' : 'unclear';
}

function fitOf(r: Reading, o: OwedReading): Fit {
  const parts: Fit[] = [
    periodFit(r.periods, o.periods),
    r.plans.length === 0
      ? 'unknown'
      : o.plans.length === 0
        ? 'unclear'
        : r.plans.some((p) => o.plans.includes(p))
          ? 'same'
          : 'different',
    topicFit(r.topic, o.topic),
    r.object && r.object !== o.kind && !NEUTRAL_OBJECTS.has(r.object) ? 'different' : 'unknown',
  ];
  if (parts.includes('different')) return 'different';
  if (parts.includes('unclear')) return 'unclear';
  return parts.includes('same') ? 'same' : 'unknown';
}

// ── The decision ─────────────────────────────────────────────────────────────────────

/**
 * Recognizes a unit's message about the reports it owes. `owed` holds the reports the unit
 * owes (and, for corrections, those it submitted recently); `opts.replyTo` the one whose reminder
 * the message replies to; `opts.unitName` the unit it speaks for.
 */
export function recognizeReport(
  text: string,
  owed: OwedReportRef[],
  opts: RecognizeOptions,
): ReportRecognition {
  const truncated = text.length > REPORT_STATEMENT_MAX_CHARS;
  const clean = cleanText(
    (truncated ? text.slice(0, REPORT_STATEMENT_MAX_CHARS) : text).replace(
      /^\s*\/bao_?cao(?:@\S+)?/iu,
      '',
    ),
  );
  const mark = truncated ? { truncated: true as const } : {};
  const result = decide(clean, owed, opts, false);
  return { ...result, ...mark };
}

/** `anyReport`: every owed report fits whatever the message names (the old reading without context). */
function decide(
  text: string,
  owed: OwedReportRef[],
  opts: RecognizeOptions,
  anyReport: boolean,
): ReportRecognition {
  if (!text) return { kind: 'none' };
  const whole = read(text, opts.now, opts.tz);
  const clauses = clausesOf(text.replace(DOC_NUMBER_RE, ' ').replace(DATE_RE, ' '));
  const sentClauses = clauses.filter((c) => c.status === 'sent');
  const notClauses = clauses.filter((c) => c.status === 'not');
  const replied = opts.replyTo !== undefined && owed.some((o) => o.id === opts.replyTo);
  const about =
    whole.reportWord ||
    whole.docs.length > 0 ||
    HINT_RE.test(whole.w) ||
    sentClauses.length > 0 ||
    replied ||
    EXTENSION_RE.test(whole.w) ||
    /(?:^|\s)(?:gui|nop|gia han|han)(?=\s|$)/.test(whole.w);
  if (!about) return { kind: 'none' };
  // "Đã nhận được báo cáo của các xã": the sender received reports, it did not send its own.
  if (RECEIVED_RE.test(whole.w) && sentClauses.length === 0) return { kind: 'none' };

  // Whatever else it says, a failed send or a request for more time is not a report sent.
  if (FAILED_RE.test(whole.w)) return { kind: 'other', reason: 'failed' };
  if (EXTENSION_RE.test(whole.w)) return { kind: 'other', reason: 'extension' };
  const subject = opts.subjectSettled ? 'own' : subjectOf(text, opts.unitName);
  if (subject === 'other') return { kind: 'other', reason: 'other-unit' };
  if (sentClauses.length === 0 && clauses.some((c) => c.asks))
    return { kind: 'other', reason: 'question' };
  // A clause that says "not yet" without naming which report speaks for the whole message.
  const vague = notClauses.find((c) => {
    const x = read(c.raw, opts.now, opts.tz);
    const names = x.topic.size || x.periods.length || x.plans.length || x.object;
    return sentClauses.length === 0 || !names;
  });
  if (vague) return { kind: 'other', reason: vague.reason! };
  if (sentClauses.some((c) => /(?:^|\s)du thao(?=\s|$)/.test(c.w)))
    return { kind: 'other', reason: 'draft' };

  // What was sent: the message without its "not yet" clauses, which name reports to leave out.
  const said = notClauses.length
    ? {
        ...whole,
        ...pick(
          read(
            clauses
              .filter((c) => c.status !== 'not')
              .map((c) => c.raw)
              .join('. '),
            opts.now,
            opts.tz,
          ),
        ),
      }
    : whole;
  const excluded = new Set(
    notClauses.flatMap((c) => {
      const x = read(c.raw, opts.now, opts.tz);
      return owed
        .filter((o) => fitOf(x, readOwed(o, opts.now, opts.tz)) === 'same')
        .map((o) => o.id);
    }),
  );
  const correction = clauses.some((c) => c.status === 'sent' && CORRECTION_RE.test(c.w));
  const statement = sentClauses.length > 0;

  const readings = owed
    .filter((o) => !excluded.has(o.id))
    .map((o) => ({
      o,
      fit: anyReport ? ('unknown' as Fit) : fitOf(said, readOwed(o, opts.now, opts.tz)),
    }));
  const candidates = readings.filter((x) => x.fit !== 'different');
  const strong = candidates.filter((x) => x.fit === 'same');
  const namesSomething =
    said.periods.length > 0 ||
    said.plans.length > 0 ||
    said.topic.size > 0 ||
    (said.object !== undefined && said.object !== 'bao cao');

  if (owed.length === 0) return { kind: 'none' };
  if (candidates.length === 0 && (namesSomething || excluded.size > 0))
    return statement || said.reportWord
      ? { kind: 'other', reason: 'other-report' }
      : { kind: 'none' };

  const details = (): { docNumber?: string; docDate?: string } => {
    const doc = whole.docs.find((d) => d.type === 'BC');
    const date = whole.dates.find((d) => !d.deadline);
    return { ...(doc ? { docNumber: doc.number } : {}), ...(date ? { docDate: date.key } : {}) };
  };
  const record = (ids: number[]): ReportRecognition =>
    subject === 'unknown'
      ? { kind: 'maybe', ids }
      : { kind: 'report', ids, ...details(), correction };
  const ask = (list: typeof candidates): ReportRecognition => ({
    kind: 'maybe',
    ids: list.map((x) => x.o.id),
  });
  const replyOne = candidates.find((x) => x.o.id === opts.replyTo);
  // "Đã gửi số liệu quý III": without the word report (or a report number, or the reply saying
  // which), what was sent is not known to be the report.
  const reportish =
    said.reportWord || whole.docs.some((d) => d.type === 'BC') || replyOne !== undefined;

  if (!statement) {
    // "Báo cáo số 112/BC-UBND ngày 14/10", "xong rồi ạ" in reply to the reminder: the reply says which.
    if (replyOne && (DONE_SHORT_RE.test(whole.w) || whole.docs.some((d) => d.type === 'BC')))
      return record([replyOne.o.id]);
    if (whole.reportWord || whole.docs.length > 0 || HINT_RE.test(whole.w))
      return candidates.length ? ask(strong.length ? strong : candidates) : { kind: 'none' };
    return { kind: 'none' };
  }
  if (said.object && !NEUTRAL_OBJECTS.has(said.object) && strong.length === 0)
    return candidates.length ? ask(candidates) : { kind: 'other', reason: 'other-report' };
  if (ALL_RE.test(said.w) && candidates.length > 1)
    return record((strong.length > 1 ? strong : candidates).map((x) => x.o.id));
  if (strong.length === 1) return reportish ? record([strong[0]!.o.id]) : ask(strong);
  if (strong.length > 1) {
    const replied = strong.find((x) => x.o.id === opts.replyTo);
    return replied ? record([replied.o.id]) : ask(strong);
  }
  if (candidates.some((x) => x.fit === 'unclear')) return ask(candidates);
  // Nothing named: the reply says which; or the only report owed, when the message says "báo cáo".
  if (replyOne) return record([replyOne.o.id]);
  if (candidates.length === 1 && (said.reportWord || excluded.size > 0))
    return record([candidates[0]!.o.id]);
  return candidates.length ? ask(candidates) : { kind: 'none' };
}

/** Documents that say nothing of which: "đã gửi file", "gửi văn bản". */
const NEUTRAL_OBJECTS = new Set([
  'bao cao',
  'file',
  'tai lieu',
  'van ban',
  'cong van',
  'ho so',
  'so lieu',
  'bieu mau',
]);

/** The parts of a reading that say which report (periods, plans, topic, object). */
function pick(
  r: Reading,
): Pick<Reading, 'w' | 'periods' | 'plans' | 'topic' | 'object' | 'reportWord'> {
  return {
    w: r.w,
    periods: r.periods,
    plans: r.plans,
    topic: r.topic,
    object: r.object,
    reportWord: r.reportWord,
  };
}

// ── A district speaking for its communes ─────────────────────────────────────────────

export interface ReportSubjects {
  /** Units named as having reported, as typed ("xã Tân Phú", "UBND xã Bình Thành", "Phường 1"). */
  reported: string[];
  notReported: string[];
  /** The report number stated for one unit ("/baocao xã Tân Phú số 12/BC-UBND"). */
  docNumbers?: Record<string, string>;
}

const LEVEL = String.raw`(?:[Xx]ã|[Pp]hường|[Tt]hị\s[Tt]rấn|[Tt]hị\s[Xx]ã|[Tt]hành\s[Pp]hố|TP\.?|[Hh]uyện|[Qq]uận)`;
const PLACE = String.raw`(?:[\p{Lu}\d][\p{L}\p{M}\d]*)(?:\s[\p{Lu}\d][\p{L}\p{M}\d]*){0,3}`;
/** A level word and one or more place names: "xã Tân Phú", "các xã Tân Phú, Tân Thành và Tân Bình". */
const SUBJECTS_RE = new RegExp(
  String.raw`(?<![\p{L}])((?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s)?(${LEVEL})(?::\s?|\s)(${PLACE}(?:\s?(?:,|và|,\svà)\s(?!${LEVEL}\s)${PLACE})*)`,
  'gu',
);
/** "Còn 2 xã chưa nộp: Tân Hòa, Tân Bình": the names come after a colon. */
const PLURAL_LEVEL_RE = new RegExp(
  String.raw`(?:các|những|\d{1,3}|hai|ba|bốn|năm)\s(${LEVEL})(?=\s|$)[^:\n]{0,60}:\s?(${PLACE}(?:\s?(?:,|và|,\svà)\s${PLACE})*)`,
  'iu',
);
const REPORTED_RE =
  /(?:^|\s)(?:(?:da|vua)(?: \S+){0,2}? (?:gui|nop|bao cao|hoan thanh|upload|chuyen)|(?:gui|nop)(?: \S+)? roi|(?:da )?nhan(?: duoc)? bao cao)(?=\s|$)/;
const NOT_REPORTED_RE = /(?:^|\s)(?:chua|khong (?:gui|nop|bao cao))(?=\s|$)/;

/** Whether the message says someone has sent (not "chưa", not "sẽ"): for a group of units. */
export function saysSent(text: string): boolean {
  const w = foldedWords(cleanText(text.slice(0, CHAT_MAX_CHARS)));
  return REPORTED_RE.test(w) && !NOT_REPORTED_RE.test(w) && !/(?:^|\s)(?:se|sap)(?:\s|$)/.test(w);
}

/**
 * The units a message names as having reported or not, when a parent unit speaks for its
 * children: "Các xã Tân Phú, Tân Thành đã gửi báo cáo, còn xã Tân Hòa chưa", "/baocao xã Tân
 * Phú số 12/BC-UBND", one line per commune ("- Xã Tân Phú: đã nộp (số 12/BC-UBND)"). Null when
 * it names no unit with a status. The caller matches the phrases against the children.
 */
export function reportSubjects(text: string): ReportSubjects | null {
  const capped = cleanText(text.slice(0, CHAT_MAX_CHARS)).normalize('NFC');
  const command = /^\/bao_?cao(?:@\S+)?(?:\s|$)/iu.test(capped);
  const body = capped.replace(/^\/bao_?cao(?:@\S+)?/iu, '');
  const reported: string[] = [];
  const notReported: string[] = [];
  const docNumbers: Record<string, string> = {};
  // "Xã A đã gửi, xã B chưa": a new unit after a comma starts a new clause; units named with
  // no status ("Xã A, xã B đã nộp") take the status of the clause that follows.
  const clauses = body.split(
    new RegExp(
      String.raw`\n|;|,\s(?=còn|nhưng|riêng)|\.\s|\s(?=còn\s)|,\s(?=(?:UBND\s)?${LEVEL}\s)`,
      'u',
    ),
  );
  let pending: string[] = [];
  for (const clause of clauses.slice(0, CHAT_MAX_LINES)) {
    if (!/\p{L}/u.test(clause)) continue;
    let subjects = subjectsIn(clause);
    if (!subjects.length && command && !reported.length && !notReported.length)
      subjects = namesOnly(clause);
    const w = foldedWords(clause);
    const not = NOT_REPORTED_RE.test(w);
    const yes = REPORTED_RE.test(w) || (command && !not && subjects.length > 0);
    if (!yes && !not) {
      pending.push(...subjects);
      continue;
    }
    const all = [...pending, ...subjects];
    pending = [];
    (not ? notReported : reported).push(...all);
    const doc = [...clause.matchAll(DOC_NUMBER_RE)].find((m) => /^BC/i.test(m[2]!));
    if (doc && all.length === 1 && !not)
      docNumbers[all[0]!] = `${doc[1]}/${doc[2]!.replace(/\s/g, '')}`;
  }
  if (!reported.length && !notReported.length) return null;
  return {
    reported,
    notReported,
    ...(Object.keys(docNumbers).length ? { docNumbers } : {}),
  };
}

/** "/baocao Tân Phú, Tân Thành": in the command, capitalised names alone are the units. */
function namesOnly(clause: string): string[] {
  const rest = clause.replace(DOC_NUMBER_RE, ' ').replace(/(?<![\p{L}])số(?![\p{L}])/gu, ' ');
  return [...rest.matchAll(new RegExp(PLACE, 'gu'))]
    .map((m) => m[0].trim())
    .filter((x) => /\p{L}/u.test(x));
}

function subjectsIn(clause: string): string[] {
  const out: string[] = [];
  const split = (list: string): string[] =>
    list
      .split(/\s?,\s?(?:và\s)?|\svà\s/u)
      .map((x) => x.trim())
      .filter(Boolean);
  for (const m of clause.matchAll(SUBJECTS_RE)) {
    const [first, ...rest] = split(m[3]!);
    out.push(`${m[1] ?? ''}${m[2]} ${first}`);
    for (const name of rest) out.push(`${m[2]!.toLowerCase()} ${name}`);
  }
  if (!out.length) {
    const m = PLURAL_LEVEL_RE.exec(clause);
    if (m) for (const name of split(m[2]!)) out.push(`${m[1]!.toLowerCase()} ${name}`);
  }
  return out;
}

// ── Compatibility ────────────────────────────────────────────────────────────────────

/**
 * The old reading without what is owed: whether a message clearly says a report was sent,
 * perhaps, or not at all. Kept for callers that have not moved to `recognizeReport`.
 */
export function classifyReportText(text: string): 'report' | 'maybe' | 'none' {
  const any: OwedReportRef = { id: 0, title: 'Báo cáo', periodLabel: null, deadline: new Date(0) };
  const clean = cleanText(text.slice(0, REPORT_STATEMENT_MAX_CHARS));
  const r = decide(clean, [any], { now: new Date(), tz: 'Asia/Ho_Chi_Minh' }, true);
  return r.kind === 'report' ? 'report' : r.kind === 'maybe' ? 'maybe' : 'none';
}
