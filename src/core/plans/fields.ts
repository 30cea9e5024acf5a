/**
 * Labelled lines of a plan item: "- Cơ quan chủ trì: …", "- Đơn vị phối hợp: …", "- Thời gian
 * thực hiện: …", "- Nội dung: …", "Địa điểm: …", "Hình thức tổ chức: …", and the phrases inside a
 * sentence that name a lead ("X chủ trì, …") or coordinating units ("phối hợp với X …").
 */
import { splitUnitList, startsUnitName } from './names';
import { foldKeep } from './text';

export type FieldKind =
  'lead' | 'support' | 'time' | 'content' | 'form' | 'venue' | 'participants' | 'other';

export interface Field {
  kind: FieldKind;
  /** The value as written, after the colon. */
  value: string;
  valueFold: string;
}

const FIELDS: Array<[FieldKind, RegExp]> = [
  ['support', /^(?:co quan|don vi|bo phan)?\s*phoi hop(?:\s+(?:thuc hien|trien khai))?\s*:\s*/],
  [
    'lead',
    /^(?:co quan|don vi|bo phan)?\s*(?:chu tri(?:\s+thuc hien)?|thuc hien|chiu trach nhiem(?:\s+chinh)?|dau moi|phu trach|tham muu(?:\s+thuc hien)?)\s*:\s*/,
  ],
  [
    'time',
    /^(?:thoi gian|thoi han|tien do|moc thoi gian)(?:\s+(?:thuc hien|hoan thanh|trien khai|to chuc|bao cao))?\s*:\s*/,
  ],
  [
    'content',
    /^(?:noi dung|cong viec|ten nhiem vu)(?:\s+(?:thuc hien|cong viec|nhiem vu))?\s*:\s*/,
  ],
  ['form', /^hinh thuc(?:\s+to chuc)?(?:\s+(?:hoi nghi|lop tap huan|tap huan))?\s*:\s*/],
  ['venue', /^dia diem(?:\s+to chuc)?\s*:\s*/],
  [
    'participants',
    /^(?:thanh phan|doi tuong|so luong)(?:\s+(?:tham du|tham gia|tap huan|moi))?\s*:?\s*/,
  ],
  ['other', /^(?:san pham|ket qua dau ra|kinh phi|nguon kinh phi|du toan)\s*:\s*/],
];

/** The labelled field a line body is, or null. */
/** Every label ends with a colon within its first words (except "Thành phần tham dự" lists). */
const MAYBE_FIELD = /^[a-z ]{2,48}:|^(?:thanh phan|doi tuong|so luong)/;

export function readField(body: string, bodyFold: string): Field | null {
  if (!MAYBE_FIELD.test(bodyFold)) return null;
  for (const [kind, re] of FIELDS) {
    const m = re.exec(bodyFold);
    if (!m) continue;
    if (kind === 'participants' && !m[0].includes(':') && bodyFold.length > m[0].length + 2)
      continue;
    return { kind, value: body.slice(m[0].length).trim(), valueFold: bodyFold.slice(m[0].length) };
  }
  return null;
}

/** A heading that only labels what follows ("a) Nội dung", "b) Hình thức: …", "4. Thời gian: …"). */
export function isLabelHeading(bodyFold: string): boolean {
  return /^(?:noi dung|hinh thuc|thoi gian|dia diem|thanh phan|doi tuong|kinh phi|co quan|don vi|san pham|chu tri|phoi hop|yeu cau|muc dich)(?![a-z])\s*(?::|$|,|\s(?:va|,))/.test(
    bodyFold,
  );
}

/** Lower-case words that end a list of coordinating units: the verb of the task starts there. */
const STOP_WORDS = [
  'de',
  'nham',
  'trong',
  'to chuc',
  'tham muu',
  'trien khai',
  'thuc hien',
  'huong dan',
  'xay dung',
  'quan ly',
  'theo doi',
  'kiem tra',
  'cung cap',
  'tuyen truyen',
  'ra soat',
  'de xuat',
  'xu ly',
  'bo tri',
  'chuan bi',
  'tiep tuc',
  'day manh',
  'tang cuong',
  'van dong',
  'dau tranh',
  'phat hien',
  'giai quyet',
  'thong tin',
  'san xuat',
  'cap nhat',
  'tong hop',
  'tham dinh',
  'tiep nhan',
  'lam viec',
  'dam bao',
  'phan cong',
  'ho tro',
  'danh gia',
  'bao cao',
  'nghien cuu',
  'khao sat',
  'lua chon',
  'moi',
  'dua',
  'dang',
  'thuc thi',
  'tham gia',
  'phoi hop',
  'hoan thanh',
  'ban hanh',
  'gioi thieu',
  'quang ba',
  'chi dao',
  'don doc',
  'tiep don',
  'tiep xuc',
  'trinh',
  'lap',
  'soan thao',
  'du thao',
  'thu thap',
  'ket noi',
  'khai thac',
  'su dung',
  'ung dung',
  'thiet lap',
  'van hanh',
  'duy tri',
  'nang cao',
  'on dinh',
  'rut kinh nghiem',
  'tren',
  'tai',
  've',
  'khi',
  'theo',
  'cho',
  'voi',
  'can cu',
  'co trach nhiem',
  'chiu trach nhiem',
  'chu dong',
  'chu tri',
  'khan truong',
].sort((a, b) => b.length - a.length);

/** The end of a unit list that starts at `from`: a lower-case verb, ".", ":" or "(" outside a name. */
export function listEndOf(text: string, fold: string, from: number, max = 400): number {
  const limit = Math.min(text.length, from + max);
  for (let i = from; i < limit; i++) {
    const ch = text.charAt(i);
    if (ch === '.' || ch === ':' || ch === '(' || ch === '\n') return i;
    if (ch === ';') {
      const next = i + 1 + (text.slice(i + 1).length - text.slice(i + 1).trimStart().length);
      if (!startsUnitName(text, fold, next)) return i;
      continue;
    }
    if (ch !== ' ' || i === from) continue;
    const at = i + 1;
    const first = text.charAt(at);
    if (first !== first.toLocaleLowerCase('vi') || !/\p{L}/u.test(first)) continue;
    const rest = fold.slice(at, at + 24);
    for (const w of STOP_WORDS) {
      if (rest.startsWith(w) && !/[a-z]/.test(rest.charAt(w.length))) {
        // "các cơ quan, đơn vị liên quan trong …": "trong" ends it; "trên địa bàn" belongs to it.
        if (w === 'tren' && rest.startsWith('tren dia ban')) break;
        return i;
      }
    }
  }
  return limit;
}

/**
 * Coordinating units named in a sentence: "phối hợp với X …", "phối hợp X …", "phối hợp thường
 * xuyên, chặt chẽ với X …" up to the verb that follows the list.
 */
export function supportIn(text: string): string[] {
  if (!/ph[oố]i h[oợ]p/iu.test(text)) return [];
  const fold = foldKeep(text);
  const out: string[] = [];
  const re = /phoi hop(?:\s+(?:chat che|thuong xuyen|kip thoi|cung|tot)[,]?){0,3}\s+(voi\s+)?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fold)) && out.length < 20) {
    const at = m.index + m[0].length;
    if (!m[1] && !startsUnitName(text, fold, at)) continue;
    const end = listEndOf(text, fold, at);
    if (end > at) out.push(...splitUnitList(text.slice(at, end)));
  }
  return [...new Set(out)];
}

/** "Đài Phát thanh và Truyền hình tỉnh chủ trì, phối hợp …": the units a sentence opens with as lead. */
export function leadSubject(text: string): string[] {
  if (!/ch[uủ] tr[iì]|tr[aá]ch nhi[eệ]m|đ[aầ]u m[oố]i/iu.test(text.slice(0, 300))) return [];
  const fold = foldKeep(text.slice(0, 300));
  // "Giao Sở Y tế chủ trì…", "Đề nghị Ủy ban MTTQ tỉnh chủ trì…": the unit follows the verb.
  const at = /^(?:giao|de nghi|yeu cau)\s+/.exec(fold)?.[0].length ?? 0;
  const m =
    /^(.{3,200}?)\s+(?:chu tri|co trach nhiem|chiu trach nhiem|la co quan dau moi|la don vi dau moi)(?![a-z])/.exec(
      fold.slice(at),
    );
  if (!m || !startsUnitName(text, fold, at)) return [];
  return splitUnitList(text.slice(at, at + m[1]!.length));
}
