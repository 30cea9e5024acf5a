/**
 * Splits one segment of a reply (a line, or a part of a line between semicolons) into tokens
 * that keep their position in the segment: phone numbers and e-mails, field labels
 * ("Họ tên:", "Chức vụ:", "Đơn vị:"), honorifics, ranks and degrees written with several words
 * or dots ("đ/c", "Thượng tá", "PGS.TS"), then plain words, numbers and punctuation.
 * Positions let the parser cut titles out of the original text exactly as typed.
 */
import { isSurname } from './lexicon';
import { PHONE_RE, normalizePhone } from './phone';
import { TITLE_PROBE_CHARS, isTitleStart } from './titles';

/** name: Họ tên; title: Chức vụ; other: a field that is neither (Đơn vị, Giới tính, Năm sinh, CCCD…). */
export type LabelField = 'name' | 'title' | 'other';

export type Tok =
  | { kind: 'word' | 'num' | 'punct'; text: string; start: number; end: number }
  | { kind: 'phone'; text: string; start: number; end: number; phone: string }
  | { kind: 'email'; text: string; start: number; end: number }
  | { kind: 'label'; text: string; start: number; end: number; field: LabelField }
  | { kind: 'hon'; text: string; start: number; end: number };

type Special = Exclude<Tok, { kind: 'word' | 'num' | 'punct' }>;

const B = String.raw`(?<![\p{L}\p{M}\d])`; // no letter or digit before
const E = String.raw`(?![\p{L}\p{M}\d])`; // no letter or digit after

/** Bounded parts (RFC 5321 lengths), so a long run of letters without "@" is not rescanned from each position. */
const EMAIL_RE = /(?:e-?mail\s?:?\s?)?[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,6}/giu;

const NAME_LABEL_RE = new RegExp(
  `${B}(?:(?:họ\\s*(?:và|&|,|/)?\\s*tên|ho\\s*(?:va\\s*)?ten)(?:\\s+(?:đại\\s*biểu|học\\s*viên|người\\s*tham\\s*dự))?${E}\\s*[:：.\\-–]?|tên\\s*[:：])`,
  'giu',
);
const TITLE_LABEL_RE = new RegExp(
  `${B}(?:chức\\s*(?:vụ|danh)|chuc\\s*(?:vu|danh))${E}\\s*[:：.\\-–]?`,
  'giu',
);
/** "CV:" is the label Chức vụ only when a title follows; "CV: Nguyễn Văn Tám" is a title (chuyên viên). */
const CV_LABEL_RE = new RegExp(`${B}CV\\s*[:：]`, 'gu');
/** Fields of a form that hold neither name, title nor phone; their values are left out of titles. */
const OTHER_LABEL_RE = new RegExp(
  `${B}(?:(?:tên\\s+)?(?:đơn\\s*vị(?:\\s*công\\s*tác)?|cơ\\s*quan(?:\\s*công\\s*tác)?|nơi\\s*công\\s*tác|don\\s*vi)|` +
    `giới\\s*tính|(?:ngày\\s*(?:tháng\\s*)?)?năm\\s*sinh|ngày\\s*sinh|(?:số\\s*)?(?:cccd|cmnd)|dân\\s*tộc|trình\\s*độ|quê\\s*quán|` +
    `địa\\s*chỉ|ghi\\s*chú|e-?mail)\\s*[:：]`,
  'giu',
);

/** "CCCD 087065001234" without a colon: the number that follows is not a phone or a title. */
const ID_LABEL_RE = new RegExp(
  `${B}(?:số\\s?)?(?:cccd|cmnd|căn\\s?cước)\\s?[:：]?(?=\\s?\\d)`,
  'giu',
);

/** Honorifics of several words or with a slash/dot; single words (ông, bà…) are handled by the name finder. */
const HON_WORDS_RE = new RegExp(
  `${B}(?:đ\\s*[/.]\\s*c\\.?|d\\s*/\\s*c|đồng\\s+chí|dong\\s+chi|` +
    `(?:thượng|trung|thiếu|đại)\\s+(?:tá|úy|uý|tướng)|` +
    `luật\\s+sư|nhà\\s+báo|nhà\\s+thơ|nhà\\s+văn|nhà\\s+giáo(?:\\s+ưu\\s+tú|\\s+nhân\\s+dân)?|bác\\s+s[ĩỹ]|dược\\s+s[ĩỹ]|` +
    `k[ỹĩ]\\s+sư|cử\\s+nhân|thạc\\s+s[ĩỹ]|tiến\\s+s[ĩỹ]|phó\\s+giáo\\s+sư|giáo\\s+sư|nghệ\\s+s[ĩỹ](?:\\s+ưu\\s+tú|\\s+nhân\\s+dân)?)${E}`,
  'giu',
);
/** "Đ/cNguyễn Văn Tám": the honorific glued to the name by a missed space. */
const HON_GLUED_RE = new RegExp(`${B}[đĐdD]\\s*[/.]\\s*[cC](?=\\p{Lu})`, 'gu');
/** Degrees and titles of merit as abbreviations, case-sensitive: TS., ThS, Th.S, PGS.TS, BS CKII… */
const DEGREE = String.raw`(?:BSCKII|BSCKI|BSCK1|BSCK2|CKII|CKI|CK1|CK2|PGS|GS|ThS|Ths|THS|Th\.\s?S|TS|Ts|CN|KS|BS|Bs|DS|LS|NSƯT|NSND|NGƯT|NGND|TTƯT)\.?`;
const DEGREE_RE = new RegExp(`${B}${DEGREE}(?:\\s?[-.]?\\s?${DEGREE}){0,3}${E}`, 'gu');

const PLAIN_RE = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*|\d+|\S/gu;

/** Cheap tests that tell whether a pattern can match at all, so most segments skip most patterns. */
const MAY_HAVE_PHONE = /(?:\d[^\d\n]{0,3}){9}/;
const MAY_HAVE_NAME_LABEL = /t[êeÊE]n/iu;
const MAY_HAVE_TITLE_LABEL = /ch[ứuỨU]c/iu;
const MAY_HAVE_OTHER_LABEL = /[:：]/;
const MAY_HAVE_ID_LABEL = /cccd|cmnd|c[ăa]n\s?c/iu;
const MAY_HAVE_GLUED = /[/.]/;

function spanOf(m: RegExpExecArray): { text: string; start: number; end: number } {
  return { text: m[0], start: m.index, end: m.index + m[0].length };
}

function collect(
  seg: string,
  re: RegExp,
  specials: Special[],
  make: (m: RegExpExecArray) => Special | undefined,
): void {
  for (const m of seg.matchAll(re)) {
    const tok = make(m as RegExpExecArray);
    if (tok) specials.push(tok);
  }
}

/** "CV:" is the label Chức vụ only when a title follows ("CV: phòng VH", not "CV: Nguyễn Văn Tám"). */
function cvLabel(seg: string, m: RegExpExecArray): Special | undefined {
  // Only the words right after the label matter; reading the whole rest per match would be quadratic.
  const rest = seg.slice(m.index + m[0].length, m.index + m[0].length + TITLE_PROBE_CHARS).trim();
  const firstWord = rest.split(/\s+/, 1)[0] ?? '';
  const isLabel = isTitleStart(rest) || (m.index === 0 && rest !== '' && !isSurname(firstWord));
  return isLabel ? { kind: 'label', field: 'title', ...spanOf(m) } : undefined;
}

export function tokenize(seg: string): Tok[] {
  const specials: Special[] = [];
  if (seg.includes('@')) collect(seg, EMAIL_RE, specials, (m) => ({ kind: 'email', ...spanOf(m) }));
  if (MAY_HAVE_PHONE.test(seg))
    collect(seg, PHONE_RE, specials, (m) => {
      const phone = normalizePhone(m[1] ?? '');
      return phone ? { kind: 'phone', ...spanOf(m), phone } : undefined;
    });
  if (MAY_HAVE_NAME_LABEL.test(seg))
    collect(seg, NAME_LABEL_RE, specials, (m) => ({ kind: 'label', field: 'name', ...spanOf(m) }));
  if (MAY_HAVE_TITLE_LABEL.test(seg))
    collect(seg, TITLE_LABEL_RE, specials, (m) => ({
      kind: 'label',
      field: 'title',
      ...spanOf(m),
    }));
  if (seg.includes('CV')) collect(seg, CV_LABEL_RE, specials, (m) => cvLabel(seg, m));
  if (MAY_HAVE_OTHER_LABEL.test(seg))
    collect(seg, OTHER_LABEL_RE, specials, (m) => ({
      kind: 'label',
      field: 'other',
      ...spanOf(m),
    }));
  if (MAY_HAVE_ID_LABEL.test(seg))
    collect(seg, ID_LABEL_RE, specials, (m) => ({ kind: 'label', field: 'other', ...spanOf(m) }));
  collect(seg, HON_WORDS_RE, specials, (m) => ({ kind: 'hon', ...spanOf(m) }));
  if (MAY_HAVE_GLUED.test(seg))
    collect(seg, HON_GLUED_RE, specials, (m) => ({ kind: 'hon', ...spanOf(m) }));
  collect(seg, DEGREE_RE, specials, (m) => ({ kind: 'hon', ...spanOf(m) }));

  // Earlier start wins; at the same start the longer match wins; overlaps are dropped.
  specials.sort((a, b) => a.start - b.start || b.end - a.end);
  const toks: Tok[] = [];
  let pos = 0;
  for (const sp of specials) {
    if (sp.start < pos) continue;
    plainTokens(seg, pos, sp.start, toks);
    toks.push(sp);
    pos = sp.end;
  }
  plainTokens(seg, pos, seg.length, toks);
  return toks;
}

/** Words, numbers and single punctuation marks of seg[from, to). */
function plainTokens(seg: string, from: number, to: number, toks: Tok[]): void {
  PLAIN_RE.lastIndex = from;
  for (let m = PLAIN_RE.exec(seg); m && m.index < to; m = PLAIN_RE.exec(seg)) {
    let text = m[0];
    if (m.index + text.length > to) text = text.slice(0, to - m.index);
    const c = text.charCodeAt(0);
    const kind = c >= 48 && c <= 57 ? 'num' : /^[\p{L}\p{M}]/u.test(text) ? 'word' : 'punct';
    toks.push({ kind, text, start: m.index, end: m.index + text.length });
  }
}
