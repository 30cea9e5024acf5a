/**
 * Unit names as plans write them in "Cơ quan chủ trì: …", "phối hợp với …" and the headings of
 * "Tổ chức thực hiện": lists separated by ";", "," and "và", where a comma may also sit inside a
 * name ("Sở Văn hóa, Thể thao và Du lịch") and a collective stands for many units ("Các sở, ban,
 * ngành"). A new name starts only at a word that starts unit names.
 */
import { capitalizeFirst, foldKeep, trimPhrase } from './text';

/** Words a unit name starts with whatever follows them ("Sở …", "UBND …", "Công an tỉnh"). */
const HEADS_ALWAYS = [
  'sở',
  'phòng',
  'ubnd',
  'ủy ban',
  'uỷ ban',
  'công an',
  'văn phòng',
  'trung tâm',
  'tt',
  'bộ',
  'cục',
  'chi cục',
  'tổng cục',
  'viện',
  'tòa án',
  'toà án',
  'kho bạc',
  'ngân hàng',
  'bảo hiểm',
  'thanh tra',
  'huyện ủy',
  'huyện uỷ',
  'thị ủy',
  'thị uỷ',
  'thành ủy',
  'thành uỷ',
  'tỉnh ủy',
  'tỉnh uỷ',
  'quận ủy',
  'đảng ủy',
  'đảng uỷ',
  'mặt trận',
  'liên đoàn',
  'liên hiệp',
  'liên minh',
  'hội đồng',
  'hđnd',
  'bch',
  'bộ chỉ huy',
  'ban chỉ huy',
  'ban chỉ đạo',
  'đoàn tncs',
  'các',
];
/** Words that start a unit name when a capitalised word follows ("Báo Tuyên Quang", not "báo chí"). */
const HEADS_PROPER = [
  'ban',
  'báo',
  'đài',
  'cổng',
  'hội',
  'đoàn',
  'quỹ',
  'trường',
  'bệnh viện',
  'tạp chí',
  'công ty',
  'tổng công ty',
  'chi nhánh',
  'hạt',
  'đội',
  'trạm',
  'vườn',
  'bưu điện',
  'viettel',
  'vnpt',
  'lãnh đạo',
];

const foldList = (l: string[]) =>
  l.map((h) => foldKeep(h.normalize('NFC'))).sort((a, b) => b.length - a.length);
const ALWAYS = foldList(HEADS_ALWAYS);
const PROPER = foldList(HEADS_PROPER);

/** Does a unit name start at this position of the text? */
export function startsUnitName(text: string, fold: string, at = 0): boolean {
  const f = fold.slice(at, at + 30);
  for (const h of ALWAYS) {
    if (f.startsWith(h) && !/[a-z0-9]/.test(f.charAt(h.length))) {
      // "Các" opens a collective; "Công an" is not "Công nghệ" (checked by the word end above).
      if (h === 'cac') return true;
      // Lower-case "sở", "phòng" inside a sentence are nouns, not names, unless a name follows.
      const first = text.charAt(at);
      if (first === first.toLocaleUpperCase('vi')) return true;
      const next = text.slice(at + h.length).trimStart();
      return /^\p{Lu}/u.test(next);
    }
  }
  for (const h of PROPER) {
    if (f.startsWith(h) && !/[a-z0-9]/.test(f.charAt(h.length))) {
      const next = text.slice(at + h.length).trimStart();
      return /^\p{Lu}/u.test(next);
    }
  }
  return false;
}

/** "Lãnh đạo Văn phòng Tỉnh ủy" → "Văn phòng Tỉnh ủy"; "(qua Phòng X)", "(báo cáo)" dropped. */
export function cleanUnitName(raw: string): string {
  let s = raw.replace(/\s*\((?:qua|thông qua|báo cáo|để b\/c|b\/c|nếu có)[^)]*\)/giu, ' ');
  s = s.replace(/\s+/g, ' ');
  s = trimPhrase(s);
  s = s.replace(/^(?:và|hoặc|cùng|với|đề nghị|yêu cầu|giao|lãnh đạo|đại diện|thủ trưởng)\s+/iu, '');
  s = s.replace(/^(?:cơ quan|đơn vị)\s+(?:chủ trì|phối hợp|thực hiện)\s*:\s*/iu, '');
  s = s.replace(
    /\s+(?:chủ trì|thực hiện|phối hợp|triển khai|tổng hợp|có trách nhiệm|chịu trách nhiệm|định kỳ|chủ động|kịp thời|gửi)$/iu,
    '',
  );
  s = trimPhrase(s);
  return s ? capitalizeFirst(s) : '';
}

/**
 * A collective rather than one unit: "Các sở, ban, ngành", "UBND các xã, phường", "Ủy ban nhân
 * dân huyện, thành phố", "các cơ quan, đơn vị liên quan", "UBND cấp xã".
 */
export function isCollective(name: string): boolean {
  const f = foldKeep(name);
  return (
    /^(?:(?:ubnd|uy ban nhan dan|hdnd|chu tich ubnd)\s+)?(?:cac|nhung|toan)\s/.test(f) ||
    /(?:^|\s)cap\s+(?:xa|huyen|tinh|co so)(?![a-z])/.test(f) ||
    /lien quan$/.test(f) ||
    /(?:huyen|tinh|xa|quan),\s*(?:thanh pho|thi xa|thi tran|phuong|xa)(?![a-z])/.test(f)
  );
}

const SEPARATOR = /[;,]|\s(?:và|hoặc)\s/gu;

/** "HĐND và UBND": a pair that names one body ("Văn phòng HĐND và UBND thị xã"). */
function joinedPair(before: string, after: string): boolean {
  const b = foldKeep(before.trim());
  const a = foldKeep(after.trim());
  return /(?:hdnd|hoi dong nhan dan)$/.test(b) && /^(?:ubnd|uy ban nhan dan)/.test(a);
}

/**
 * Unit names of a list as written: "Ban Tuyên giáo Thị ủy, Phòng Văn hóa và Thông tin, Văn phòng
 * HĐND và UBND thị xã, Trung tâm Truyền thông - Văn hóa - Thể thao và các cơ quan, đơn vị liên
 * quan" → five names. A comma, "và" or " - " splits only where the next words start a unit name.
 */
export function splitUnitList(raw: string): string[] {
  const text = raw.replace(/\s+/g, ' ').trim().slice(0, 1500);
  const fold = foldKeep(text);
  const out: string[] = [];
  let start = 0;
  SEPARATOR.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SEPARATOR.exec(text))) {
    const sepEnd = m.index + m[0].length;
    const nextAt = sepEnd + (text.slice(sepEnd).length - text.slice(sepEnd).trimStart().length);
    const isSemicolon = m[0] === ';';
    const before = text.slice(start, m.index);
    const after = text.slice(nextAt);
    if (!isSemicolon) {
      if (!startsUnitName(text, fold, nextAt)) continue;
      if (joinedPair(before, after)) continue;
    }
    out.push(before);
    start = nextAt;
  }
  out.push(text.slice(start));
  const names = out.map(cleanUnitName).filter((n) => n.length >= 3 && n.length <= 200);
  return [...new Map(names.map((n) => [foldKeep(n), n])).values()];
}
