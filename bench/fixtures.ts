/**
 * Realistic set-up data for the bench: unit names and categories in the shape of seed 000's
 * Phụ lục 1, focal points' names, and the registration replies from the attendee corpus.
 */
import { attendeeCorpus } from '../tests/fixtures/attendee-corpus';

export const CATEGORIES = [
  'Cơ quan Tỉnh ủy',
  'Sở, ban, ngành',
  'Tổ chức chính trị - xã hội',
  'Ban Tuyên giáo huyện',
  'UBND huyện',
  'Cơ quan báo chí',
  'Phòng Văn hóa - Thông tin',
  'Trung tâm VH-TT-TT',
  'Trường học, bệnh viện',
  'UBND cấp xã',
  'Doanh nghiệp nhà nước',
];

const PLACES = [
  'Cao Lãnh',
  'Sa Đéc',
  'Hồng Ngự',
  'Tân Hồng',
  'Tam Nông',
  'Tháp Mười',
  'Thanh Bình',
  'Lấp Vò',
  'Lai Vung',
  'Châu Thành',
  'Tân Thạnh',
  'Mỹ An',
];
const PREFIX: Record<string, string> = {
  'Cơ quan Tỉnh ủy': 'Ban',
  'Sở, ban, ngành': 'Sở',
  'Tổ chức chính trị - xã hội': 'Hội',
  'Ban Tuyên giáo huyện': 'Ban Tuyên giáo Huyện ủy',
  'UBND huyện': 'UBND huyện',
  'Cơ quan báo chí': 'Báo',
  'Phòng Văn hóa - Thông tin': 'Phòng VH-TT huyện',
  'Trung tâm VH-TT-TT': 'Trung tâm VH-TT-TT huyện',
  'Trường học, bệnh viện': 'Bệnh viện Đa khoa',
  'UBND cấp xã': 'UBND xã',
  'Doanh nghiệp nhà nước': 'Công ty',
};

export function unitSpecs(
  n: number,
  codePrefix = 'U',
): Array<{ code: string; name: string; category: string }> {
  return Array.from({ length: n }, (_, i) => {
    const category = CATEGORIES[i % CATEGORIES.length]!;
    const place = PLACES[Math.floor(i / CATEGORIES.length) % PLACES.length]!;
    const round = Math.floor(i / (CATEGORIES.length * PLACES.length));
    return {
      code: `${codePrefix}${String(i + 1).padStart(5, '0')}`,
      name: `${PREFIX[category]} ${place}${round ? ` ${round + 1}` : ''}`,
      category,
    };
  });
}

const FAMILY = [
  'Nguyễn',
  'Trần',
  'Lê',
  'Phạm',
  'Huỳnh',
  'Võ',
  'Phan',
  'Đặng',
  'Bùi',
  'Đỗ',
  'Ngô',
  'Dương',
];
const GIVEN = [
  'Văn An',
  'Thị Bình',
  'Minh Tuấn',
  'Thị Ngọc Hân',
  'Quốc Hưng',
  'Thanh Tâm',
  'Thị Mỹ Dung',
  'Hữu Nghĩa',
  'Văn Cường',
  'Thị Hoa',
];

export function personName(i: number): { first_name: string; last_name: string } {
  const family = FAMILY[i % FAMILY.length]!;
  const given = GIVEN[Math.floor(i / FAMILY.length) % GIVEN.length]!;
  const parts = given.split(' ');
  return { last_name: family, first_name: parts.join(' ') };
}

/** Texts of the corpus that a human reads as a list of attendees (the registration replies). */
export function registrationReplies(): { texts: string[]; corpusCases: number } {
  const texts = attendeeCorpus.filter((c) => c.expected.kind === 'attendees').map((c) => c.text);
  if (texts.length === 0) {
    // The corpus is being finished; never bench an empty rotation.
    texts.push(
      'Sở Y tế cử 02 đồng chí:\n1. Ông Nguyễn Văn An - Phó Giám đốc Sở\n2. Bà Lê Thị Bình, Trưởng phòng Nghiệp vụ Y, ĐT 0912 345 678',
    );
  }
  return { texts, corpusCases: attendeeCorpus.length };
}
