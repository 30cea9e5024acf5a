/**
 * Word lists behind the attendee parser. Everything is lower-case; words keep their
 * diacritics unless stated, because folding would merge words the parser must tell apart
 * (Trương the surname, Trường the school or given name, trưởng the title).
 */
import { foldSame, hasDiacritics } from './text';

/**
 * Common Vietnamese surnames (plus Khmer ones used in the Mekong delta). A name starting
 * with one is accepted without an honorific; it is a strong signal, not a requirement.
 * Left out on purpose: Nông (Hội Nông dân), Yên (Yên Bái), Thi (thi = exam), Đồng (Đồng Tháp),
 * Tất and Dư (tất cả, dư), Văn (far more often a middle name).
 */
export const SURNAMES = new Set(
  (
    'nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh trương lâm ' +
    'mai cao tạ châu lương đoàn thái quách trịnh la tô hà kiều lưu đào tăng tiêu chu chung diệp ' +
    'doãn đàm đậu giang giáp hầu hứa kha khổng khúc khương lạc lại lục lữ lư mạc mạch nghiêm ngụy ' +
    'nhâm ninh phí phùng tôn thạch thân triệu trình trang vương vi âu bạch biện cái cù hàn lã lò ' +
    'lường quàng sầm tống ung uông danh sơn kim chau néang ông bế tòng khưu trà văng liêu ' +
    'tào tiết trầm tưởng nhan mã'
  ).split(/\s+/),
);

/** The same surnames without diacritics, for names typed on a keyboard without accents. */
const FOLDED_SURNAMES = new Set([...SURNAMES].map((s) => foldSame(s)));

export function isSurname(word: string): boolean {
  const lower = word.toLowerCase();
  if (SURNAMES.has(lower)) return true;
  // Without accents only when capitalised: lower-case "truong phong" is a title, not Trương.
  return !hasDiacritics(word) && lower !== word && FOLDED_SURNAMES.has(lower);
}

/**
 * Family names of several words: "Âu Dương Minh Khôi", "Tôn Nữ Thị Hà", "Công Tằng Tôn Nữ Thị
 * Bích Ngọc". A name starting with one is longer than usual and is never cut inside it.
 */
export const COMPOUND_SURNAMES: string[][] = [
  'công tằng tôn nữ',
  'công huyền tôn nữ',
  'tôn nữ',
  'tôn thất',
  'âu dương',
  'hoàng phủ',
  'tư mã',
  'gia cát',
  'thượng quan',
  'đông phương',
  'lệnh hồ',
].map((s) => s.split(' '));

/** The number of words of the compound family name a name starts with, or 0. */
const COMPOUND_FIRST = new Set(COMPOUND_SURNAMES.flatMap((c) => [c[0]!, foldSame(c[0]!)]));

export function compoundSurnameLength(words: string[]): number {
  const first = (words[0] ?? '').toLowerCase();
  if (!COMPOUND_FIRST.has(first) && !COMPOUND_FIRST.has(foldSame(first))) return 0;
  const lower = words.map((w) => w.toLowerCase());
  const folded = lower.map((w) => foldSame(w));
  for (const c of COMPOUND_SURNAMES) {
    if (c.length > lower.length) continue;
    const ok = c.every(
      (w, k) => lower[k] === w || (!hasDiacritics(words[k]!) && folded[k] === foldSame(w)),
    );
    if (ok) return c.length;
  }
  return 0;
}

/** Middle names that almost always follow a surname: "X Văn", "X Thị" starts a new person. */
export const MIDDLE_MARKERS = new Set(['văn', 'thị']);

/**
 * Words that never occur in a person's name: title, unit and function words. A capitalised
 * run of words stops at them ("Nguyễn Văn An Phó Giám đốc" → "Nguyễn Văn An"). Words that
 * are also given names (Trọng, Trân, Đăng, Thường, Trực, Như, Huấn, Công, Thư…) are left out;
 * the phrases below catch them when they begin a title or unit.
 */
export const BLOCKERS = new Set(
  (
    'phó giám đốc trưởng tịch chuyên cán chủ bí ủy uỷ sở phòng ban hội báo đài tỉnh huyện xã ' +
    'phường quận tổ đội cục viện trạm tòa toà kho vườn quỹ tạp bệnh giáo giảng kiểm thẩm ' +
    'tổng trợ chỉ phụ người cộng lãnh và của tại cùng với là các những cử gửi ký dự tham ' +
    'kính dạ vâng xin chào cảm cám ơn sách đơn vị cơ số điện thoại email zalo ngày ' +
    'tháng giờ lớp tập thôn ấp khóm đường kế chức viên đảng mặt trận nghiệp vụ điều ubnd ' +
    'hđnd ubmttq mttq lái quay kỹ kĩ quản khu nhà nước bộ vận hành tế dục truyền ' +
    'nội ngoại pháp môi xây dựng ạ nhé nha ơi gồm sau đây cho đã sẽ đang rồi quá này đó kèm bị không có ' +
    'nên vì nếu thì mà lúc khi để'
  ).split(/\s+/),
);

/**
 * Lower-case words that end a lower-case name run ("lê văn tư tham dự"). Only applied to
 * words typed in lower case, since several are given names when capitalised.
 */
export const LOWER_STOP = new Set(
  (
    'tham dự gia đi học lớp xin gửi cử đăng ký và với cùng của cho là có không ko được đã sẽ ' +
    'đang rồi nhé nha nhe ạ ơi ấy này đó các những mấy nào gì sao bao nhiêu thì mà nên vì do ' +
    'bận việc tác lái xe quay phim thay thế họp người ngày chiều sáng tối nay em anh chị ông bà ' +
    'cô chú bác thầy trong ngoài trên dưới tại ở từ đến về ra vào lên xuống theo hết còn vẫn ' +
    'cũng đều phải muốn cần biết hỏi nhận thông tin báo cáo danh sách bên đơn vị lãnh đạo kính ' +
    'thưa dạ vâng ok cảm ơn trân trọng phòng ban sở xã huyện tỉnh hội đại biểu viên mình tôi ' +
    'bạn họ tên lịch trùng gồm sau như đây số'
  ).split(/\s+/),
);

/** Honorifics written as one word; recognised only right before a name. */
export const SOFT_HONORIFICS = new Set([
  'ông',
  'bà',
  'anh',
  'chị',
  'em',
  'cô',
  'chú',
  'bác',
  'thầy',
  'ong',
]);
/** Of those, the formal ones that vouch for what follows being a person's name. */
export const STRONG_SOFT_HONORIFICS = new Set(['ông', 'bà', 'thầy', 'cô']);
/** Degrees typed in lower case ("bs Nguyễn Văn Hưng", "ds Trần Thị Lụa"); honorifics only before a capitalised name. */
export const LOWER_DEGREES = new Set([
  'bs',
  'ds',
  'ts',
  'ths',
  'cn',
  'ks',
  'ls',
  'gs',
  'pgs',
  'ncs',
]);

export type PhraseKind = 'place' | 'unit' | 'title';

/**
 * Multi-word unit, place and title terms whose first word can also be part of a name
 * ("Văn thư", "Công an", "Thành phố", "Trung tâm"). They end or skip a name run unless the
 * run would be left with a single word ("Nguyễn Văn Thư" stays a name).
 */
const PHRASE_TEXT: Record<PhraseKind, string> = {
  // Also schools and memorials: a name right after them is the school's or site's name.
  place:
    'thành phố|thị xã|thị trấn|hồ chí minh|khu phố|huyện ủy|huyện uỷ|tỉnh ủy|tỉnh uỷ|đại học|cao đẳng|' +
    'tiểu học|trung học|trung học cơ sở|trung học phổ thông|mầm non|học viện|di tích|tưởng niệm',
  unit:
    'văn phòng|văn hóa|văn hoá|công an|công ty|công đoàn|công thương|công nghệ|trung tâm|' +
    'trung ương|nhân dân|thành ủy|thành uỷ|thành đoàn|thanh tra|thanh niên|đoàn thanh niên|đoàn tncs|' +
    'liên đoàn|liên hiệp|liên minh|bệnh viện|quân sự|biên phòng|' +
    'kho bạc|ngân hàng|bảo hiểm|tài chính|tư pháp|nội vụ|giáo dục|y tế|khoa học|đầu tư|xây dựng|' +
    'lao động|thương binh|nông nghiệp|nông dân|phát triển|kinh tế|du lịch|thể thao|tài nguyên|' +
    'môi trường|giao thông|ngoại vụ|dân vận|nội chính|tổ chức|hải quan|thống kê|mặt trận|cựu chiến binh|' +
    'phụ nữ|chữ thập|hữu nghị|tuyên giáo|tuyên truyền|chính trị|thông tin|truyền thông|' +
    'truyền hình|truyền thanh|phát thanh|quốc gia|việt nam|tổ quốc|hành chính|tổng hợp|đa khoa|' +
    'quân dân y|nhà nước|an ninh|tham mưu|dân tộc|thủy lợi|thuỷ lợi|dân chủ|pháp luật|việc làm|' +
    'quản lý|xúc tiến|thương mại|văn nghệ|địa chính|gia đình|hội đồng|trân trọng|đăng ký|đào tạo|tòa soạn|hồ sơ|lý do|phạm vi',
  title:
    'văn thư|công chức|viên chức|thư ký|kế toán|nhân viên|thành viên|chánh văn phòng|chánh thanh tra|' +
    'chánh án|hiệu trưởng|hiệu phó|đoàn viên|quyền giám đốc|quyền trưởng|đại diện|biên tập|' +
    'thanh tra viên|tuyên truyền viên|chính trị viên|phát thanh viên|kỹ thuật viên|cộng tác viên|' +
    'điều dưỡng|bác sĩ|lái xe|công tác|phụ trách|thủ quỹ|thủ trưởng|cán sự|thường trực|thường vụ|phóng viên|' +
    'bảo vệ|tài xế|tạp vụ|phục vụ|thủ kho|hợp đồng|kỹ thuật|dân quân|công an viên|trưởng ấp|hộ sinh|y sĩ|dược sĩ|' +
    'đại biểu|hướng dẫn|nghiên cứu|cố vấn|học viên|sinh viên',
};

export interface Phrase {
  words: string[];
  kind: PhraseKind;
}

export const PHRASES: Phrase[] = (Object.entries(PHRASE_TEXT) as [PhraseKind, string][])
  .flatMap(([kind, text]) => text.split('|').map((p) => ({ words: p.split(' '), kind })))
  .sort((a, b) => b.words.length - a.words.length);

/**
 * A word right before a capitalised run that makes the run part of a place or school name:
 * "xã Tân Thuận", "huyện Cao Lãnh", "THPT Nguyễn Du". Such runs are never people.
 */
export const PLACE_CONTEXT = new Set(
  (
    'huyện xã tỉnh phường quận phố trấn ấp khóm thôn bản làng đường trường thpt thcs th ptth ptcs ' +
    'mn mg ptdtnt tncs ủy uỷ tổ khu số tích niệm thờ mộ lăng đền chùa đình miếu chợ cầu bến kênh rạch ' +
    'sông xóm học chuyên'
  ).split(/\s+/),
);

/**
 * Abbreviations that are places only when followed by a two-word run ("TP Cao Lãnh"), but a
 * title when followed by a full name ("TP Trần Văn Thanh" = Trưởng phòng).
 */
export const AMBIGUOUS_PLACE_CONTEXT = new Set(['tp', 'tx', 'tt']);

/** Places that look like personal names (surname first). Compared folded. */
export const PLACE_NAMES = new Set(
  [
    'cao lãnh',
    'châu thành',
    'châu đốc',
    'châu phú',
    'hồ chí minh',
    'hà nội',
    'hà tiên',
    'hà giang',
    'hà nam',
    'hà tĩnh',
    'lâm đồng',
    'thái bình',
    'thái nguyên',
    'ninh bình',
    'ninh thuận',
    'ninh kiều',
    'phan thiết',
    'phan rang',
    'cao bằng',
    'hoàng sa',
    'trường sa',
    'bạch đằng',
    'sơn la',
    'đồng tháp',
    'đồng nai',
    'đồng xoài',
    'đồng hới',
    'kim sơn',
    'mai sơn',
    'trần văn thời',
    'lâm hà',
    'đào duy từ',
    'trà vinh',
    'trà cú',
    'trà ôn',
  ].map((s) => foldSame(s)),
);

/**
 * Starts of titles (chức vụ). A segment beginning with one is a title, which lets the parser
 * attach a title line to the name above it and read "Phó Giám đốc Sở: Nguyễn Văn An".
 */
export const TITLE_HEADS: string[] = [
  'phó',
  'trưởng',
  'giám đốc',
  'chủ tịch',
  'chuyên viên',
  'cán bộ',
  'văn thư',
  'bí thư',
  'chánh',
  'hiệu trưởng',
  'hiệu phó',
  'phóng viên',
  'biên tập',
  'kế toán',
  'công chức',
  'viên chức',
  'thư ký',
  'nhân viên',
  'giáo viên',
  'giảng viên',
  'bác sĩ',
  'bác sỹ',
  'dược sĩ',
  'điều dưỡng',
  'kỹ thuật viên',
  'kĩ thuật viên',
  'tổng biên tập',
  'ủy viên',
  'uỷ viên',
  'thành viên',
  'lãnh đạo',
  'đội trưởng',
  'tổ trưởng',
  'chỉ huy',
  'trợ lý',
  'trợ lí',
  'thủ quỹ',
  'cán sự',
  'chính trị viên',
  'thẩm phán',
  'kiểm sát viên',
  'thanh tra viên',
  'chủ nhiệm',
  'đại diện',
  'người phát ngôn',
  'quyền',
  'cộng tác viên',
  'phụ trách',
  'chuyên trách',
  'quản lý',
  'phát thanh viên',
  'tuyên truyền viên',
  'báo cáo viên',
  'thủ trưởng',
  'lái xe',
  'tài xế',
  'nghiên cứu viên',
  'kiểm soát viên',
  'y sĩ',
  'y sỹ',
  'hộ sinh',
  'viện trưởng',
  'cục trưởng',
  'vụ trưởng',
  'quay phim',
  'kỹ sư',
  'cố vấn',
  'thường trực',
  'đảng ủy viên',
  'chi hội trưởng',
  'trưởng ban',
  'giáo vụ',
  'tham mưu',
  'hội viên',
  'đoàn viên',
];

/** Folded copy of TITLE_HEADS for titles typed without accents ("pho giam doc"). */
export const TITLE_HEADS_FOLDED: string[] = [...new Set(TITLE_HEADS.map((h) => foldSame(h)))];

/** Title abbreviations, folded and without dots: PGĐ → pgd, P.TP → ptp. */
export const TITLE_ABBR = new Set(
  (
    'gd pgd tp ptp ct pct cv cvc cvcc cb cbcc cc ccvc bt pbt tb ptb pb cvp pcvp ht pht pv btv uv uvbtv ' +
    'uvbch tv nv gv kt ktv tk ptk tbt ptbt ttv ctv vt ld ql dd bs ks cht chp dq'
  ).split(/\s+/),
);
