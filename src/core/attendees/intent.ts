/**
 * What a sentence is for, apart from listing people: declining the invitation, asking a
 * question, greeting or thanking. Decisions are made on folded text so that messages typed
 * without accents ("khong cu nguoi") read the same.
 */
import { fold } from '../text/normalize';

/** Folded words separated by single spaces, "/" kept for "d/c". */
function words(s: string): string {
  return fold(s)
    .replace(/[^a-z0-9/]+/g, ' ')
    .trim();
}

const NEG = String.raw`(?:khong|ko|k|khg|kg|hok|chua the)`;
const DECLINE_RES: RegExp[] = [
  // không cử được người / không bố trí được cán bộ / không có người
  new RegExp(
    String.raw`\b${NEG} (?:the |duoc |kip )?(?:cu|bo tri|sap xep|co)(?: duoc)? (?:nguoi|ai|can bo|cb|dai bieu|dc|d/c|dong chi|lanh dao)\b`,
  ),
  // không tham dự / không tham gia được / không dự được / không đi được
  new RegExp(String.raw`\b${NEG} (?:the )?(?:tham du|tham gia|du|di|den|dang ky)(?: duoc)?\b`),
  // không ai đi / không sắp xếp được / không thu xếp được thời gian / không cử
  new RegExp(String.raw`\b${NEG} (?:ai (?:di|du|tham)|(?:the )?(?:sap xep|bo tri|thu xep)|cu)\b`),
  // xin vắng / xin rút / xin kiếu / xin phép vắng mặt
  /\bxin (?:phep )?(?:vang|rut|kieu|cao loi|khong tham)\b/,
  /\bvang mat\b/,
  /\b(?:don vi|ben em|co quan)(?: \S+){0,4} vang\b/,
  /\bcho (?:em|minh|don vi|ben em) (?:xin )?vang\b/,
  // "Phòng em vắng ạ", "Bên em xin vắng"
  /\bvang(?: mat)?(?: (?:a|nhe|nha|lop nay|dot nay|buoi nay|lan nay))?$/,
  /\btu choi\b/,
  /\bbao vang\b/,
];

export function isDecline(sentence: string): boolean {
  // A note in parentheses ("Nguyễn Văn An - PGĐ (không dự buổi chiều)") does not decline, and
  // "vâng" (yes) must not fold into "vắng" (absent).
  const w = words(sentence.replace(/\([^()]*\)/g, ' ').replace(/vâng/giu, 'vââng'));
  return DECLINE_RES.some((re) => re.test(w));
}

const REASON_RES: RegExp[] = [
  /(?<![\p{L}])(?:do|vì|lý do|bởi vì|tại vì|vi)\s*:?\s+([^.;!?\n]+)/iu,
  /(?<![\p{L}])(bận\s+[^,.;!?\n]+)/iu,
  /(?<![\p{L}])(trùng\s+lịch[^,.;!?\n]*)/iu,
];
/** Where the reason ends and the decline itself begins: "bận công tác | nên không dự được". */
const REASON_END = /(?<!\s)\s+(?:nên|không|ko|k|chưa|thì|xin|đơn vị|bên em)(?![\p{L}]).*$/iu;

/** The reason a unit gives for declining, when it gives one ("bận công tác", "trùng lịch hội nghị"). */
export function declineReason(text: string): string | undefined {
  for (const re of REASON_RES) {
    const m = re.exec(text);
    const reason = m?.[1]
      ?.replace(REASON_END, '')
      .replace(/\s+(?:ạ|nhé|nha|a)\s*$/iu, '')
      .trim();
    if (reason) return reason;
  }
  return undefined;
}

const QUESTION_START =
  /^(?:dạ\s*,?\s*)?(?:cho\s+(?:em|mình|tôi|anh|chị|con)?\s*hỏi|xin\s+hỏi|em\s+hỏi|hỏi|ủa|có\s+cần|có\s+phải|bao\s+giờ|mấy\s+giờ)(?![\p{L}])/iu;

/** A question asked of the organizers ("cho em hỏi…", "… ở đâu ạ?"). */
export function isQuestionStart(sentence: string): boolean {
  return QUESTION_START.test(sentence.trim());
}

const GREETING =
  /^(?:dạ\s*,?\s*)?(?:em\s+|mình\s+)?(?:kính\s+gửi|gửi|kính\s+thưa|thưa|xin\s+chào|kính\s+chào|chào|dear|hi|hello)(?![\p{L}])/iu;

/** "Kính gửi: Đ/c Nguyễn Văn Tuấn…" names the addressee, who is not an attendee. */
const ADDRESSEE = /^(?:dạ\s*,?\s*)?(?:em\s+)?(?:kính\s+gửi|gửi|kính\s+thưa|thưa)\s*:/iu;

export function isAddressLine(sentence: string): boolean {
  return ADDRESSEE.test(sentence.trim());
}

/** "Kính gửi BTC", "Dạ em chào BTC, …:" — the part before the list. */
export function isGreeting(sentence: string): boolean {
  return GREETING.test(sentence.trim());
}

const POLITENESS =
  /^(?:dạ\s*,?\s*)?(?:em\s+|xin\s+|trân\s+trọng\s+|chân\s+thành\s+)?(?:cảm\s+ơn|cám\s+ơn|cam\s+on|thanks?|tks|trân\s+trọng|tran\s+trong|thân\s+ái|kính\s+chúc|chúc)(?![\p{L}])/iu;

/** "Trân trọng!", "Em cảm ơn ạ", "Cảm ơn đ/c …" — never a list. */
export function isPoliteness(sentence: string): boolean {
  return POLITENESS.test(sentence.trim());
}

/** "Người liên hệ: …", "Đầu mối: …" name the sender, not an attendee: cut from the label on. */
const CONTACT =
  /(?<![\p{L}])(?:người\s*(?:liên\s*hệ|gửi|lập|tổng\s*hợp|báo\s*cáo|đăng\s*ký)|liên\s*hệ|đầu\s*mối(?:\s*liên\s*hệ)?)\s*:/iu;

export function withoutContact(sentence: string): string {
  const m = CONTACT.exec(sentence);
  return m ? sentence.slice(0, m.index) : sentence;
}
