/**
 * What a sentence is for, apart from listing people: declining the invitation, asking a
 * question, greeting or thanking. Decisions are made on folded text so that messages typed
 * without accents ("khong cu nguoi") read the same.
 */
import { foldedWords as words } from '../text/normalize';

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

/** "Người liên hệ: …", "Đầu mối: …", "Người lập biểu: …" name the sender, not an attendee: cut from the label on. */
const CONTACT =
  /(?<![\p{L}])(?:người\s*(?:liên\s*hệ|gửi|lập(?:\s*(?:biểu|bảng|danh\s*sách|ds))?|tổng\s*hợp|báo\s*cáo|đăng\s*ký)|liên\s*hệ|đầu\s*mối(?:\s*liên\s*hệ)?)\s*:/iu;
/** "Mọi thông tin xin liên hệ đ/c X", "liên hệ anh X 0912…": the contact person, without a colon. */
const CONTACT_PHRASE =
  /(?<![\p{L}])(?:(?:mọi\s+)?(?:thông\s+tin|chi\s+tiết)\s+)?(?:xin\s+|vui\s+lòng\s+)?liên\s*hệ\s+(?:với\s+|qua\s+)?(?:đ\s*\/\s*c|đồng\s+chí|anh|chị|ông|bà|em|cô|chú|số|sđt|sdt|đt|zalo|\p{Lu})/iu;

export function withoutContact(sentence: string): string {
  const m = CONTACT.exec(sentence) ?? CONTACT_PHRASE.exec(sentence);
  return m ? sentence.slice(0, m.index) : sentence;
}

/**
 * A note after a person that they do not come: "(không tham dự)", "lái xe, ở nhà", "xin vắng".
 * Not a partial absence ("không dự buổi chiều"), which still registers them.
 */
const NOT_ATTENDING =
  /(?:^|[^\p{L}])(?:(?:không|ko|k)\s+(?:tham\s*dự|tham\s*gia|dự|đi|học)(?!\s+(?:buổi|phiên|sáng|chiều|tối|ngày|hôm|được\s+buổi|cả))|ở\s+nhà|xin\s+vắng|vắng\s+mặt)(?![\p{L}])/iu;

export function isNotAttending(text: string): boolean {
  return NOT_ATTENDING.test(text);
}

/** Declines that speak for the unit and leave no doubt. */
const UNMISTAKABLE_DECLINE: RegExp[] = [
  new RegExp(
    String.raw`\b${NEG} (?:the |duoc |kip )?(?:cu|bo tri|sap xep|thu xep)(?: duoc)?(?: (?:nguoi|ai|can bo|cb|dai bieu|dc|d/c|dong chi|lanh dao))?\b`,
  ),
  new RegExp(String.raw`\b${NEG} co (?:nguoi|ai|can bo|cb|dai bieu)\b`),
  new RegExp(String.raw`\b${NEG} (?:the )?(?:tham du|tham gia)\b`),
  /\bxin (?:phep )?(?:vang|rut|kieu|cao loi|khong)\b/,
  new RegExp(
    String.raw`\b(?:don vi|dv|ben em|ben minh|co quan|phong em|so em|chung em|chung toi|ubnd|xa|phuong|huyen|so|phong|truong|hoi|ban|trung tam)\b.*\b${NEG} (?:the )?(?:di|du|cu|tham)\b`,
  ),
];
/** A person (not the unit) speaks or is spoken of, or a general remark: "Anh Tuấn vắng", "Ai không đi được thì báo". */
const NOT_THE_UNIT =
  /^(?:da |thua |bao cao btc |xin bao btc )?(?:em|anh|chi|toi|minh|d\/c|dong chi|ong|ba|lanh dao|giam doc|chu tich|pho giam doc|truong phong)\b|\b(?:ai|neu|thi|moi nguoi|cac don vi|cac dong chi)\b/;

/** An unmistakable decline by the unit itself: no person singled out, no condition, no question. */
export function isDeclineUnmistakable(sentence: string): boolean {
  if (/\?/.test(sentence)) return false;
  const w = words(sentence.replace(/\([^()]*\)/g, ' '));
  return UNMISTAKABLE_DECLINE.some((re) => re.test(w)) && !NOT_THE_UNIT.test(w);
}
