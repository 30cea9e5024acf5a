import { describe, expect, it } from 'vitest';
import { findUnits, unitKey } from '../../../src/core/units/lookup';
import { seed000Units } from '../../../src/demo/seed000';

const units = seed000Units();
const names = (typed: string) => findUnits(units, typed).map((u) => u.name);

describe('unitKey', () => {
  it('folds case, diacritics, Unicode form and the UBND/level words', () => {
    expect(unitKey('UBND Huyện Lấp Vò')).toBe('lap vo');
    expect(unitKey('Ủy ban nhân dân huyện Lấp Vò'.normalize('NFD'))).toBe('lap vo');
    expect(unitKey('UBND Thành phố Cao Lãnh')).toBe('cao lanh');
    expect(unitKey('Sở Y tế')).toBe('so y te');
    expect(unitKey('Sở Lao động - Thương binh và Xã hội')).toBe(
      'so lao dong thuong binh va xa hoi',
    );
    expect(unitKey('Đoàn TNCS Hồ Chí Minh')).toBe('doan tncs ho chi minh');
  });
});

describe('findUnits', () => {
  it('matches "ubnd huyen lap vo" and "Lấp Vò" to UBND Huyện Lấp Vò alone', () => {
    expect(names('ubnd huyen lap vo')).toEqual(['UBND Huyện Lấp Vò']);
    expect(names('Lấp Vò')).toEqual(['UBND Huyện Lấp Vò']);
    expect(names('Ủy ban nhân dân huyện Lấp Vò')).toEqual(['UBND Huyện Lấp Vò']);
    expect(names('  LAP   VO ')).toEqual(['UBND Huyện Lấp Vò']);
  });

  it('matches "so y te" and decomposed input', () => {
    expect(names('so y te')).toEqual(['Sở Y tế']);
    expect(names('Sở Y tế'.normalize('NFD'))).toEqual(['Sở Y tế']);
    expect(names('SỞ Y TẾ')).toEqual(['Sở Y tế']);
    expect(names('Ban Tuyên giáo Huyện ủy Lấp Vò'.normalize('NFD'))).toEqual([
      'Ban Tuyên giáo Huyện ủy Lấp Vò',
    ]);
  });

  it('lets an exact code win', () => {
    expect(findUnits(units, '081').map((u) => u.code)).toEqual(['081']);
    expect(findUnits(units, '10').map((u) => u.name)).toEqual(['Sở Y tế']);
    const coded = [
      { code: 'SYT', name: 'Sở Y tế' },
      { code: 'so y te', name: 'Something else' },
    ];
    expect(findUnits(coded, 'syt')).toEqual([coded[0]]);
    expect(findUnits(coded, 'so y te')).toEqual([coded[1]]);
  });

  it('returns several when ambiguous, and a stated level settles it', () => {
    expect(names('Cao Lãnh')).toEqual(['UBND Thành phố Cao Lãnh', 'UBND Huyện Cao Lãnh']);
    expect(names('Hồng Ngự')).toEqual(['UBND Huyện Hồng Ngự', 'UBND Thành phố Hồng Ngự']);
    expect(names('ubnd huyen cao lanh')).toEqual(['UBND Huyện Cao Lãnh']);
    expect(names('tp cao lãnh')).toEqual(['UBND Thành phố Cao Lãnh']);
    expect(names('thành phố Hồng Ngự')).toEqual(['UBND Thành phố Hồng Ngự']);
    expect(names('ban tuyen giao cao lanh')).toEqual([
      'Ban Tuyên giáo Thành ủy Cao Lãnh',
      'Ban Tuyên giáo Huyện ủy Cao Lãnh',
    ]);
    expect(names('ban tuyen giao huyen uy cao lanh')).toEqual(['Ban Tuyên giáo Huyện ủy Cao Lãnh']);
    expect(names('ban tuyen giao thanh uy cao lanh')).toEqual(['Ban Tuyên giáo Thành ủy Cao Lãnh']);
  });

  it('tolerates partial names, extra words, acronyms and a typo', () => {
    expect(names('phòng văn hóa lấp vò')).toEqual(['Phòng VH-TT Huyện Lấp Vò']);
    expect(names('phong vh-tt huyen lap vo')).toEqual(['Phòng VH-TT Huyện Lấp Vò']);
    expect(names('trung tam van hoa the thao truyen thanh lai vung')).toEqual([
      'TT VH-TT-TT Huyện Lai Vung',
    ]);
    expect(names('so thong tin')).toEqual(['Sở Thông tin và Truyền thông']);
    expect(names('Sở VHTTDL')).toEqual(['Sở Văn hóa, Thể thao và Du lịch']);
    expect(names('bệnh viện đa khoa')).toEqual(['Bệnh viện Đa khoa Đồng Tháp']);
    expect(names('Sở Y tế tỉnh Đồng Tháp')[0]).toBe('Sở Y tế');
    expect(names('so giao duc dao tao')).toEqual(['Sở Giáo dục và Đào tạo']);
    expect(names('so tu phap')).toEqual(['Sở Tư pháp']);
    expect(names('so tu phapp')).toEqual(['Sở Tư pháp']);
    expect(names('so lao dong')).toEqual(['Sở Lao động - Thương binh và Xã hội']);
    expect(names('Sở LĐTBXH')).toEqual(['Sở Lao động - Thương binh và Xã hội']);
    expect(names('STTTT')).toEqual(['Sở Thông tin và Truyền thông']);
    expect(names('Ban QLDA giao thông')).toEqual([
      'Ban Quản lý Dự án Đầu tư Xây dựng Công trình Giao thông',
    ]);
    expect(names('Mặt trận')).toEqual(['Ủy ban Mặt trận Tổ quốc Việt Nam']);
    expect(names('đoàn thanh niên')).toEqual(['Đoàn TNCS Hồ Chí Minh']);
    expect(names('van phong ubnd')).toEqual(['Văn phòng UBND Tỉnh']);
  });

  it('matches a query of only UBND/level words as plain words', () => {
    expect(names('UBND xã')).toEqual(['Chủ tịch UBND cấp xã']);
    const districts = names('ubnd huyện');
    expect(districts).toHaveLength(9);
    expect(districts.every((n) => n.startsWith('UBND Huyện '))).toBe(true);
  });

  it('returns [] when nothing is plausible', () => {
    expect(findUnits(units, '')).toEqual([]);
    expect(findUnits(units, '   ')).toEqual([]);
    expect(findUnits(units, 'dạ em gửi ạ')).toEqual([]);
    expect(findUnits(units, 'Hà Nội')).toEqual([]);
    expect(findUnits([], 'Sở Y tế')).toEqual([]);
  });

  it('caps the number of results', () => {
    expect(findUnits(units, 'so', { limit: 3 })).toHaveLength(3);
    expect(findUnits(units, 'so').length).toBeGreaterThan(1);
  });

  it('keeps the caller’s objects and type', () => {
    const rows = [{ code: 'A', name: 'UBND Huyện Lấp Vò', category: null, id: 7 }];
    const found = findUnits(rows, 'lap vo');
    expect(found[0]?.id).toBe(7);
    expect(found[0]).toBe(rows[0]);
  });
});
