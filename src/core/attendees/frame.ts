/**
 * What frames a list rather than being part of it: the count a unit says it sends ("cử 02 đồng
 * chí"), whether the message adds to an earlier list or replaces it, unit headings when a
 * district registers for its communes, and lines that name people who are not attendees (a
 * forwarded message's sender, a signature block). Decisions on folded text, so messages typed
 * without accents read the same.
 */
import { foldedWords as words } from '../text/normalize';

const NUMBER_WORDS: Record<string, number> = {
  mot: 1,
  hai: 2,
  ba: 3,
  bon: 4,
  tu: 4,
  nam: 5,
  sau: 6,
  bay: 7,
  tam: 8,
  chin: 9,
  muoi: 10,
};
const COUNT_NOUN = String.raw`(?:dong chi|d/c|dc|nguoi|can bo|cb|dai bieu|hoc vien|thanh vien|giao vien|cong chuc|vien chuc|lanh dao|chuyen vien|phong vien|dong chi tham du)`;
const COUNT_NUMBER = String.raw`(\d{1,2}|${Object.keys(NUMBER_WORDS).join('|')})`;
/** "cử 02 đồng chí", "(02 đ/c)", "danh sách 3 người", "hai đồng chí". */
const COUNT_RE = new RegExp(String.raw`(?:^|\s)${COUNT_NUMBER}\s${COUNT_NOUN}(?=\s|$)`);
/** "Số lượng: 02", "Tổng số: 3 người". */
const COUNT_LABEL_RE = new RegExp(
  String.raw`(?:^|\s)(?:so luong|tong so|tong cong)(?:\s(?:nguoi|dai bieu|hoc vien))?\s${COUNT_NUMBER}(?=\s|$)`,
);

/** Words that make a sentence introduce a list: "Sở Y tế cử …", "danh sách gồm", "đăng ký tham dự". */
const INTRO_RE =
  /(?:^|\s)(?:cu|dang ky|dk|danh sach|ds|gom|thanh phan|tham du|tham gia|bo sung|them|gui)(?=\s|$)/;

/**
 * The number of people a sentence says the unit sends, if it says one: in an introduction
 * ("cử 02 đồng chí", "danh sách 3 người", "thêm 2 đồng chí") or after "Số lượng:".
 */
export function statedCount(sentence: string): number | undefined {
  const w = words(sentence);
  const m = COUNT_LABEL_RE.exec(w) ?? (INTRO_RE.test(w) ? COUNT_RE.exec(w) : null);
  return countOf(m);
}

/** "02 đ/c" in a heading's parentheses: a count needs no introduction there. */
function countIn(note: string): number | undefined {
  return countOf(COUNT_RE.exec(words(note)));
}

function countOf(m: RegExpExecArray | null): number | undefined {
  if (!m) return undefined;
  const n = /^\d/.test(m[1]!) ? Number(m[1]) : NUMBER_WORDS[m[1]!];
  return n !== undefined && n > 0 && n <= 60 ? n : undefined;
}

/** "bổ sung", "đăng ký thêm", "thêm 01 đ/c", "cho em thêm đ/c …": adds to the list. */
const ADD_RE =
  /(?:^|\s)(?:bo sung|(?:dang ky|dk|cu|gui|cho em|cho minh|xin)\sthem|them\s(?:\d|mot|hai|ba|bon|nam|d\/c|dc|dong chi|nguoi|can bo|dai bieu|ong|ba|anh|chi))(?=\s|$)|^them$/;
/** "đăng ký lại", "gửi lại danh sách", "danh sách thay thế / mới / cập nhật": replaces it. */
const REPLACE_RE =
  /(?:^|\s)(?:dang ky lai|dk lai|gui lai (?:danh sach|ds)|(?:danh sach|ds) (?:moi|thay the|dieu chinh|cap nhat|sua doi)|(?:thay doi|dieu chinh|cap nhat lai|sua lai|thay the) (?:danh sach|ds))(?=\s|$)/;

export function listMode(sentence: string): 'add' | 'replace' | undefined {
  const w = words(sentence);
  if (REPLACE_RE.test(w)) return 'replace';
  if (ADD_RE.test(w)) return 'add';
  return undefined;
}

/**
 * An introduction that announces people: a count ("cử 02 đồng chí"), a heading ending in a colon
 * ("Sở Tài chính cử:", "Danh sách tham dự:"), "như sau" / "gồm", or a verb of sending right before
 * the person ("Đơn vị cử đ/c …"). A sentence that only mentions a list ("danh sách em gửi hôm
 * qua có …") is none of these.
 */
export function isListIntro(sentence: string): boolean {
  if (statedCount(sentence) !== undefined) return true;
  const colon = sentence.search(/[:：]/);
  if (colon > 0 && INTRO_RE.test(words(sentence.slice(0, colon)))) return true;
  const w = words(sentence);
  return (
    /(?:^|\s)(?:nhu sau|gom cac|bao gom|gom co)(?=\s|$)/.test(w) ||
    /(?:^|\s)(?:cu|dang ky|dk|gioi thieu)\s(?:d\/c|dong chi|ong|ba|cac)(?=\s|$)/.test(w)
  );
}

/** A forwarded message's header names its sender, who is not registered. */
const FORWARD_RE =
  /^\s*(?:\[\s*)?(?:forwarded from|forwarded message|fwd?\s*:|(?:tin nhắn )?(?:được )?chuyển tiếp (?:tin nhắn )?(?:từ|của)|tin nhắn (?:được )?chuyển tiếp|được chuyển tiếp từ|(?:từ|from|người gửi|sender)\s*:)|^\s*[-–—=]{3,}\s*(?:forwarded message|tin nhắn chuyển tiếp)/iu;

export function isForwardHeader(line: string): boolean {
  return FORWARD_RE.test(line);
}

/**
 * The start of a signature block under a list ("Người lập biểu", "THỦ TRƯỞNG ĐƠN VỊ",
 * "KT. GIÁM ĐỐC", "(Đã ký)"): the names below sign the list, they do not attend.
 */
const SIGNATURE_RE =
  /^(?:nguoi lap(?: bieu| bang| danh sach| ds)?|nguoi tong hop|nguoi bao cao|nguoi ky|thu truong(?: don vi| co quan)?|(?:kt|tm|tl|tuq)\s?(?:giam doc|chu tich|truong phong|truong ban|ubnd|uy ban nhan dan|ban|don vi|so)(?: .*)?|da ky|ky ten|ky(?:,)? ghi ro ho ten.*)$/;

export function isSignatureLine(line: string): boolean {
  const w = words(line.replace(/^[([]|[)\]]$/g, ''));
  return w.length <= 40 && SIGNATURE_RE.test(w);
}

/** The level words of a locality, as typed (capitalised or not). */
const LEVEL = String.raw`(?:[Xx]ã|[Pp]hường|[Tt]hị [Tt]rấn|[Tt]hị [Xx]ã|[Tt]hành [Pp]hố|TP\.?|[Hh]uyện|[Qq]uận|[Ấấ]p|[Tt]hôn|[Bb]ản)`;
/** Organs written before the locality: "UBND xã …", "Đảng ủy phường …". */
const ORGAN = String.raw`(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|HĐND|Đảng ủy|Đảng uỷ|MTTQ|Công an|Trạm Y tế|Trạm y tế)`;
/** A proper name after the level word: capitalised words, or a number ("Phường 1", "Xã Phú Thành A"). */
const PLACE_NAME = String.raw`(?:[\p{Lu}\d][\p{L}\p{M}\d]*)(?:\s(?:[\p{Lu}\d][\p{L}\p{M}\d]*)){0,3}`;
const UNIT_HEAD_RE = new RegExp(
  String.raw`^(?:[-+•*]\s?|\d{1,2}[.)/]\s?|[a-h]\)\s?)?((?:${ORGAN}\s)?${LEVEL}\s${PLACE_NAME})\s?(?:\(([^()]{0,30})\))?\s?(?:(:)|(?=\s(?:cử|đăng ký|đăng kí|gửi|gồm|có|xin|không|ko))|$)`,
  'u',
);

export interface UnitHeading {
  /** The unit as typed: "Xã Tân Phú", "UBND xã Bình Thành", "Phường 1". */
  unitText: string;
  /** Only the unit (and a colon or count): "Xã Tân Phú:", "Xã Tân Hòa (02 đ/c):". */
  bare: boolean;
  statedCount?: number;
  /** What follows the heading on its line. */
  rest: string;
}

/** A line that starts with a locality-level unit, as a district lists its communes. */
export function unitHeading(line: string): UnitHeading | undefined {
  const m = UNIT_HEAD_RE.exec(line);
  if (!m) return undefined;
  const rest = line.slice(m[0].length).trim();
  const note = m[2] ?? '';
  const count = countIn(note) ?? (m[3] ? undefined : statedCount(rest.split(/[:：]/)[0]!));
  // "Xã Tân Phú cử 02 đ/c:" introduces; "Xã Tân Phú:" or "Xã Tân Phú (02 đ/c):" heads.
  const bare = m[3] !== undefined || rest === '';
  const afterColon = bare ? rest : rest.slice(rest.search(/[:：]/) + 1).trim();
  if (!bare && !/[:：]/.test(rest)) return undefined;
  return {
    unitText: m[1]!.replace(/\s+/g, ' '),
    bare,
    ...(count !== undefined ? { statedCount: count } : {}),
    rest: afterColon,
  };
}
