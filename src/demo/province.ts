/**
 * A province-scale unit tree for the sandbox and the tests: seed 000's twelve "UBND huyện,
 * thành phố" rows (codes 071–082), each with thirteen communes, the way "Chủ tịch UBND cấp xã"
 * (row 124) is expanded. The commune names are invented: common place words of the Mekong
 * delta and the central coast, none meant to be a real commune.
 */
import type { CommuneList } from '../core/units/expand';

/** Seed 000's district rows: code, and whether it is a city (its first communes are wards). */
const DISTRICTS: Array<{ code: string; city: boolean; stem: string }> = [
  { code: '071', city: true, stem: 'Tân' },
  { code: '072', city: true, stem: 'Mỹ' },
  { code: '073', city: false, stem: 'Bình' },
  { code: '074', city: false, stem: 'An' },
  { code: '075', city: true, stem: 'Long' },
  { code: '076', city: false, stem: 'Phú' },
  { code: '077', city: false, stem: 'Hòa' },
  { code: '078', city: false, stem: 'Thạnh' },
  { code: '079', city: false, stem: 'Vĩnh' },
  { code: '080', city: false, stem: 'Định' },
  { code: '081', city: false, stem: 'Hưng' },
  { code: '082', city: false, stem: 'Phước' },
];

const SECOND = [
  'An',
  'Bình',
  'Hòa',
  'Thành',
  'Lợi',
  'Thuận',
  'Hưng',
  'Long',
  'Mỹ',
  'Đông',
  'Tây',
  'Trung',
  'Khánh',
  'Hiệp',
  'Phước',
];

export const COMMUNES_PER_DISTRICT = 13;
const WARDS_PER_CITY = 5;

/** Each district's communes as `POST /api/units/:code/expand` takes them ("xã Hưng An"…). */
export function provinceCommunes(): CommuneList[] {
  return DISTRICTS.map(({ code, city, stem }) => {
    const places = SECOND.filter((s) => s !== stem).map((s) => `${stem} ${s}`);
    const communes: string[] = [];
    if (city) for (let i = 1; i <= WARDS_PER_CITY; i++) communes.push(`Phường ${i}`);
    else communes.push(`thị trấn ${places.shift()!}`);
    while (communes.length < COMMUNES_PER_DISTRICT) communes.push(`xã ${places.shift()!}`);
    return { parent: code, communes };
  });
}

/** The district whose group the sandbox links (UBND Huyện Lấp Vò), and two of its communes' own groups. */
export const DEMO_DISTRICT = '081';
export const DEMO_COMMUNE_GROUPS = ['081-02', '081-03'];
