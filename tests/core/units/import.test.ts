import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  parseAppendixUnits,
  parseUnitsCsv,
  parseUnitsXlsx,
  UnitImportError,
  type UnitInput,
} from '../../../src/core/units/import';
import {
  SEED000_APPENDIX_TEXT,
  SEED000_AGENDA_TEXT,
  seed000Units,
} from '../../../src/demo/seed000';

const byCode = (units: UnitInput[], code: string) => units.find((u) => u.code === code);

describe('parseAppendixUnits — seed 000, Phụ lục 1', () => {
  const units = seed000Units();

  it('finds all 124 units, numbered 001…124 in order', () => {
    expect(units).toHaveLength(124);
    expect(units.map((u) => u.code)).toEqual(
      Array.from({ length: 124 }, (_, i) => String(i + 1).padStart(3, '0')),
    );
    expect(units.map((u) => u.order)).toEqual(Array.from({ length: 124 }, (_, i) => i + 1));
  });

  it('groups them under the 10 headings of the appendix', () => {
    // The seed has exactly 10 ALL-CAPS group headings, "ỦY BAN NHÂN DÂN CẤP XÃ" included
    // (DESIGN.md's "11 categories" lists 10 names too).
    const categories = [...new Set(units.map((u) => u.category))];
    expect(categories).toEqual([
      'CÁC CƠ QUAN THAM MƯU, GIÚP VIỆC THUỘC TỈNH ỦY',
      'CÁC SỞ, BAN, NGÀNH TỈNH',
      'CÁC TỔ CHỨC CHÍNH TRỊ - XÃ HỘI TỈNH',
      'BAN TUYÊN GIÁO HUYỆN ỦY, THÀNH ỦY',
      'ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ',
      'CƠ QUAN BÁO CHÍ, TRUYỀN THÔNG',
      'PHÒNG VĂN HÓA - THÔNG TIN HUYỆN, THÀNH PHỐ',
      'TRUNG TÂM VĂN HOÁ, THỂ THAO VÀ TRUYỀN THANH HUYỆN, THÀNH PHỐ',
      'CÁC TRƯỜNG ĐẠI HỌC, CAO ĐẲNG VÀ BỆNH VIỆN',
      'ỦY BAN NHÂN DÂN CẤP XÃ',
    ]);
    const count = (c: string) => units.filter((u) => u.category === c).length;
    expect(count('CÁC CƠ QUAN THAM MƯU, GIÚP VIỆC THUỘC TỈNH ỦY')).toBe(8);
    expect(count('CÁC SỞ, BAN, NGÀNH TỈNH')).toBe(38);
    expect(count('CÁC TỔ CHỨC CHÍNH TRỊ - XÃ HỘI TỈNH')).toBe(12);
    expect(count('CƠ QUAN BÁO CHÍ, TRUYỀN THÔNG')).toBe(10);
    expect(count('CÁC TRƯỜNG ĐẠI HỌC, CAO ĐẲNG VÀ BỆNH VIỆN')).toBe(7);
    expect(count('ỦY BAN NHÂN DÂN CẤP XÃ')).toBe(1);
  });

  it('keeps names as written, dropping a leading "Lãnh đạo"', () => {
    expect(byCode(units, '001')?.name).toBe('Văn phòng Tỉnh ủy');
    expect(byCode(units, '008')?.name).toBe('Trường Chính trị Tỉnh');
    expect(byCode(units, '010')).toEqual({
      code: '010',
      name: 'Sở Y tế',
      category: 'CÁC SỞ, BAN, NGÀNH TỈNH',
      order: 10,
    });
    expect(byCode(units, '012')?.name).toBe('Sở Lao động - Thương binh và Xã hội');
    expect(byCode(units, '031')?.name).toBe('Văn phòng Đoàn ĐBQH&HĐND');
    expect(byCode(units, '039')?.name).toBe(
      'Ban Quản lý Dự án Đầu tư Xây dựng Công trình Nông nghiệp và PTNT',
    );
    expect(byCode(units, '058')?.name).toBe('Công đoàn Viên chức');
    expect(byCode(units, '088')?.name).toBe(
      'Phóng viên Cơ quan Thường trú Thông tấn xã Việt Nam tại Đồng Tháp',
    );
    expect(byCode(units, '123')?.name).toBe('Bệnh viện Phục hồi Chức năng');
    expect(byCode(units, '124')).toMatchObject({
      name: 'Chủ tịch UBND cấp xã',
      category: 'ỦY BAN NHÂN DÂN CẤP XÃ',
    });
  });

  it('qualifies the place names that recur under several headings', () => {
    expect(byCode(units, '059')?.name).toBe('Ban Tuyên giáo Thành ủy Cao Lãnh');
    expect(byCode(units, '061')?.name).toBe('Ban Tuyên giáo Huyện ủy Tân Hồng');
    expect(byCode(units, '063')?.name).toBe('Ban Tuyên giáo Thành ủy Hồng Ngự');
    expect(byCode(units, '066')?.name).toBe('Ban Tuyên giáo Huyện ủy Cao Lãnh');
    expect(byCode(units, '071')?.name).toBe('UBND Thành phố Cao Lãnh');
    expect(byCode(units, '073')?.name).toBe('UBND Huyện Tân Hồng');
    expect(byCode(units, '081')?.name).toBe('UBND Huyện Lấp Vò');
    expect(byCode(units, '094')?.name).toBe('Phòng VH-TT Thành phố Sa Đéc');
    expect(byCode(units, '099')?.name).toBe('Phòng VH-TT Huyện Thanh Bình');
    expect(byCode(units, '116')?.name).toBe('TT VH-TT-TT Huyện Lai Vung');
    const names = units.map((u) => u.name.normalize('NFC').toLowerCase());
    expect(new Set(names).size).toBe(124);
  });

  it('stores NFC text without tabs', () => {
    for (const u of units) {
      expect(u.name).toBe(u.name.normalize('NFC'));
      expect(u.name).not.toMatch(/\t|^\s|\s$/);
    }
  });

  it('ignores the agenda appendix when both are pasted together', () => {
    expect(parseAppendixUnits(`${SEED000_APPENDIX_TEXT}\n\n${SEED000_AGENDA_TEXT}`)).toEqual(units);
  });
});

describe('parseAppendixUnits — other layouts', () => {
  it('accepts one pair per line, 2+ spaces, " | " and markdown tables', () => {
    const text = [
      'DANH SÁCH ĐƠN VỊ',
      '(kèm theo công văn số 12)',
      '',
      'CÁC SỞ, NGÀNH',
      '1. Sở Y tế',
      '2    Sở Tư pháp',
      '| 3 | Sở Nội vụ | 4 | Sở Tài chính |',
      '',
      'ỦY BAN NHÂN DÂN CÁC HUYỆN, THỊ XÃ',
      '05  Thị xã Đức Phổ      06  Huyện Mộ Đức',
      'ĐẢNG ỦY CÁC XÃ, PHƯỜNG',
      '7\tXã Phổ An',
      '8\tPhường Nguyễn Nghiêm',
    ].join('\n');
    expect(parseAppendixUnits(text)).toEqual([
      { code: '001', name: 'Sở Y tế', category: 'CÁC SỞ, NGÀNH', order: 1 },
      { code: '002', name: 'Sở Tư pháp', category: 'CÁC SỞ, NGÀNH', order: 2 },
      { code: '003', name: 'Sở Nội vụ', category: 'CÁC SỞ, NGÀNH', order: 3 },
      { code: '004', name: 'Sở Tài chính', category: 'CÁC SỞ, NGÀNH', order: 4 },
      {
        code: '005',
        name: 'UBND Thị xã Đức Phổ',
        category: 'ỦY BAN NHÂN DÂN CÁC HUYỆN, THỊ XÃ',
        order: 5,
      },
      {
        code: '006',
        name: 'UBND Huyện Mộ Đức',
        category: 'ỦY BAN NHÂN DÂN CÁC HUYỆN, THỊ XÃ',
        order: 6,
      },
      // "ĐẢNG ỦY" + place rows: the subject is "Đảng ủy", the level tail is "CÁC XÃ, PHƯỜNG".
      { code: '007', name: 'Đảng ủy Xã Phổ An', category: 'ĐẢNG ỦY CÁC XÃ, PHƯỜNG', order: 7 },
      {
        code: '008',
        name: 'Đảng ủy Phường Nguyễn Nghiêm',
        category: 'ĐẢNG ỦY CÁC XÃ, PHƯỜNG',
        order: 8,
      },
    ]);
  });

  it('joins a heading wrapped over two lines and fixes the "MUÙ" typo', () => {
    const text =
      'TRUNG TÂM VĂN HÓA, THỂ THAO VÀ TRUYỀN THANH\nHUYỆN, THỊ XÃ\t\t\n1\tHuyện Tư Nghĩa\nCƠ QUAN THAM MUÙ\n2\tVăn phòng';
    expect(parseAppendixUnits(text)).toEqual([
      {
        code: '001',
        name: 'TT VH-TT-TT Huyện Tư Nghĩa',
        category: 'TRUNG TÂM VĂN HÓA, THỂ THAO VÀ TRUYỀN THANH HUYỆN, THỊ XÃ',
        order: 1,
      },
      { code: '002', name: 'Văn phòng', category: 'CƠ QUAN THAM MƯU', order: 2 },
    ]);
  });

  it('leaves place rows alone under a heading that names no organ', () => {
    const units = parseAppendixUnits(
      'CÁC HUYỆN, THÀNH PHỐ\n1\tHuyện Tân Hồng\n2\tThành phố Sa Đéc',
    );
    expect(units.map((u) => u.name)).toEqual(['Huyện Tân Hồng', 'Thành phố Sa Đéc']);
    // "CƠ QUAN" is not "QUẬN": no locality tail, so nothing is qualified.
    expect(parseAppendixUnits('CÁC CƠ QUAN\n1\tHuyện đội Tân Hồng').map((u) => u.name)).toEqual([
      'Huyện đội Tân Hồng',
    ]);
    // Old tone placement ("UỶ") and "TP." are understood.
    expect(
      parseAppendixUnits('BAN DÂN VẬN HUYỆN UỶ, THÀNH UỶ\n1\tTP. Cao Lãnh').map((u) => u.name),
    ).toEqual(['Ban Dân vận Thành ủy Cao Lãnh']);
  });

  it('accepts rows before any heading (no category) and skips page numbers', () => {
    const units = parseAppendixUnits('01\tSở Y tế\t02\tSở Nội vụ\n\n3\n03\tCông an Tỉnh');
    expect(units).toEqual([
      { code: '001', name: 'Sở Y tế', order: 1 },
      { code: '002', name: 'Sở Nội vụ', order: 2 },
      { code: '003', name: 'Công an Tỉnh', order: 3 },
    ]);
  });

  it('rejects a repeated STT, naming both lines', () => {
    const text = 'CÁC SỞ\n01\tSở Y tế\t02\tSở Nội vụ\n02\tSở Tư pháp';
    expect(() => parseAppendixUnits(text)).toThrow(UnitImportError);
    try {
      parseAppendixUnits(text);
    } catch (err) {
      expect(err).toBeInstanceOf(UnitImportError);
      expect((err as UnitImportError).line).toBe(3);
      expect((err as Error).message).toBe('Dòng 3: STT 2 đã có ở dòng 2.');
    }
  });
});

describe('parseUnitsCsv', () => {
  it('reads a Vietnamese header, semicolons, BOM, quotes and CRLF', () => {
    const csv =
      '\uFEFFSTT;Mã;Tên đơn vị;Nhóm\r\n' +
      '1;SYT;Sở Y tế;"CÁC SỞ, BAN, NGÀNH TỈNH"\r\n' +
      '2;;"Sở Lao động - Thương binh và Xã hội";"CÁC SỞ, BAN, NGÀNH TỈNH"\r\n' +
      '\r\n' +
      '3;BAO;"Báo ""Đồng Tháp""";\r\n' +
      '4;;"Đài Phát thanh\nvà Truyền hình";Báo chí\r\n';
    expect(parseUnitsCsv(csv)).toEqual([
      { code: 'SYT', name: 'Sở Y tế', category: 'CÁC SỞ, BAN, NGÀNH TỈNH', order: 1 },
      {
        code: '002',
        name: 'Sở Lao động - Thương binh và Xã hội',
        category: 'CÁC SỞ, BAN, NGÀNH TỈNH',
        order: 2,
      },
      { code: 'BAO', name: 'Báo "Đồng Tháp"', order: 3 },
      { code: '004', name: 'Đài Phát thanh\nvà Truyền hình', category: 'Báo chí', order: 4 },
    ]);
  });

  it('reads an English header with commas; codes come from the order or the position', () => {
    const csv = 'code,name,category\n,Sở Y tế,Sở\n7,Sở Nội vụ,Sở\nx-1, "Công an Tỉnh" ,';
    expect(parseUnitsCsv(csv)).toEqual([
      { code: '001', name: 'Sở Y tế', category: 'Sở', order: 1 },
      { code: '007', name: 'Sở Nội vụ', category: 'Sở', order: 2 },
      { code: 'x-1', name: 'Công an Tỉnh', order: 3 },
    ]);
  });

  it('reads decomposed (NFD) headers and text', () => {
    const csv = 'Mã,Tên,Loại\nA1,Sở Y tế,Sở'.normalize('NFD');
    expect(parseUnitsCsv(csv)).toEqual([{ code: 'A1', name: 'Sở Y tế', category: 'Sở', order: 1 }]);
  });

  const errorOf = (fn: () => unknown): UnitImportError => {
    try {
      fn();
    } catch (err) {
      if (err instanceof UnitImportError) return err;
      throw err;
    }
    throw new Error('expected a UnitImportError');
  };

  it('names the line of a bad row, counting lines inside quoted fields', () => {
    const missingName = errorOf(() => parseUnitsCsv('mã;tên\nA;Sở Y tế\n"B\n(2)";\n'));
    expect(missingName.line).toBe(3);
    expect(missingName.message).toBe('Dòng 3: thiếu tên đơn vị.');

    const badOrder = errorOf(() => parseUnitsCsv('stt,tên\n1,Sở Y tế\n\nhai,Sở Nội vụ'));
    expect(badOrder.line).toBe(4);
    expect(badOrder.message).toContain('STT "hai" không phải là số');

    const dup = errorOf(() => parseUnitsCsv('mã,tên\n1,Sở Y tế\n001,Sở Nội vụ'));
    expect(dup.message).toBe('Dòng 3: mã đơn vị "001" trùng với dòng 2.');

    const noName = errorOf(() => parseUnitsCsv('mã,nhóm\n1,Sở'));
    expect(noName.line).toBe(1);
    expect(noName.message).toMatch(/^Dòng 1: không tìm thấy cột tên đơn vị/);

    const open = errorOf(() => parseUnitsCsv('mã,tên\n1,"Sở Y tế\n2,Sở Nội vụ'));
    expect(open.line).toBe(2);

    expect(errorOf(() => parseUnitsCsv('\uFEFF\n\n')).message).toBe('Tệp không có dữ liệu.');
  });
});

describe('parseUnitsXlsx', () => {
  async function workbook(rows: unknown[][]): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Đơn vị');
    for (const r of rows) ws.addRow(r);
    wb.addWorksheet('Khác').addRow(['mã', 'tên']);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it('reads the first sheet with the CSV header logic', async () => {
    const data = await workbook([
      [], // an empty first row
      ['STT', 'Tên đơn vị', 'Nhóm', 'Mã'],
      [1, 'Sở Y tế', 'CÁC SỞ, BAN, NGÀNH TỈNH', 1],
      [
        2,
        { richText: [{ text: 'UBND ' }, { text: 'Huyện Lấp Vò', font: { bold: true } }] },
        'UBND',
        null,
      ],
      [3, 'Báo Đồng Tháp', null, 'BAODT'],
    ]);
    expect(await parseUnitsXlsx(data)).toEqual([
      { code: '001', name: 'Sở Y tế', category: 'CÁC SỞ, BAN, NGÀNH TỈNH', order: 1 },
      { code: '002', name: 'UBND Huyện Lấp Vò', category: 'UBND', order: 2 },
      { code: 'BAODT', name: 'Báo Đồng Tháp', order: 3 },
    ]);
    // An ArrayBuffer works as well as a Uint8Array.
    const copy = data.slice().buffer;
    expect(await parseUnitsXlsx(copy)).toHaveLength(3);
  });

  it('round-trips the seed units', async () => {
    const units = seed000Units();
    const data = await workbook([
      ['Mã', 'Tên', 'Nhóm', 'STT'],
      ...units.map((u) => [u.code, u.name, u.category, u.order]),
    ]);
    expect(await parseUnitsXlsx(data)).toEqual(units);
  });

  it('names the Excel row of a bad row', async () => {
    const data = await workbook([
      ['name', 'order'],
      ['Sở Y tế', 1],
      [null, 2],
    ]);
    await expect(parseUnitsXlsx(data)).rejects.toThrow('Dòng 3: thiếu tên đơn vị.');
  });

  it('rejects bytes that are not a workbook', async () => {
    await expect(
      parseUnitsXlsx(new TextEncoder().encode('mã,tên\n1,Sở Y tế')),
    ).rejects.toBeInstanceOf(UnitImportError);
  });
});
