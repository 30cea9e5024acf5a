import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  buildRegistrationsCsv,
  buildRegistrationsXlsx,
  type RegistrationSheetInput,
} from '../../src/export/registrations';

const SO = 'CÁC SỞ, BAN, NGÀNH TỈNH';
const UBND = 'ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ';

const input: RegistrationSheetInput = {
  title: 'Lớp tập huấn công tác thông tin đối ngoại năm 2024',
  subtitle: 'Thứ Sáu, 27/9/2024 — Hội trường UBND tỉnh',
  // Deliberately out of order: the sheet sorts by order and groups by category.
  rows: [
    {
      category: UBND,
      order: 81,
      unitName: 'UBND Huyện Lấp Vò',
      status: 'registered',
      late: true,
      attendees: [{ name: 'Trần Văn Cường', title: 'PCT UBND huyện', phone: null }],
    },
    {
      category: SO,
      order: 10,
      unitName: 'Sở Y tế',
      status: 'registered',
      late: false,
      attendees: [
        { name: 'Nguyễn Văn An', title: 'Phó Giám đốc Sở', phone: '0912345678' },
        { name: 'Lê Thị Bình', title: 'Trưởng phòng Nghiệp vụ Y' },
      ],
    },
    {
      category: SO,
      order: 11,
      unitName: 'Sở Thông tin và Truyền thông',
      status: 'pending',
      late: false,
      attendees: [],
    },
    {
      category: SO,
      order: 12,
      unitName: 'Sở Tư pháp, "Pháp chế"',
      status: 'declined',
      late: false,
      attendees: [],
    },
    {
      category: UBND,
      order: 71,
      unitName: 'UBND Thành phố Cao Lãnh',
      status: 'registered',
      late: false,
      attendees: [
        { name: 'Võ Thị Hoa', title: 'CV phòng VH-TT', phone: '+84 913 000 111' },
        { name: '=HYPERLINK("http://x")', title: '-2+3', phone: '' },
        { name: 'Phạm Văn Dũng', title: null, phone: null },
      ],
    },
  ],
};

async function readBack(buf: Buffer): Promise<ExcelJS.Worksheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(buf).buffer);
  const ws = wb.worksheets[0];
  if (!ws) throw new Error('no sheet');
  return ws;
}

const text = (ws: ExcelJS.Worksheet, addr: string) => {
  const v = ws.getCell(addr).value;
  return v === null || v === undefined ? '' : String(v);
};

describe('buildRegistrationsXlsx', () => {
  it('lays the list out like Phụ lục 1', async () => {
    const buf = await buildRegistrationsXlsx(input);
    expect(buf.subarray(0, 2).toString()).toBe('PK'); // a zip
    const ws = await readBack(buf);
    expect(ws.name).toBe('Danh sách');

    // Title rows, merged across the 6 columns, bold and centered.
    expect(text(ws, 'A1')).toBe('DANH SÁCH THAM DỰ');
    expect(text(ws, 'A2')).toBe('LỚP TẬP HUẤN CÔNG TÁC THÔNG TIN ĐỐI NGOẠI NĂM 2024');
    expect(text(ws, 'A3')).toBe('Thứ Sáu, 27/9/2024 — Hội trường UBND tỉnh');
    const merges = ws.model.merges;
    for (const m of ['A1:F1', 'A2:F2', 'A3:F3']) expect(merges).toContain(m);
    expect(ws.getCell('A1').font?.bold).toBe(true);
    expect(ws.getCell('A2').alignment?.horizontal).toBe('center');

    // Header row 5 (row 4 is blank), bold with borders, frozen below it.
    expect([1, 2, 3, 4, 5, 6].map((c) => ws.getRow(5).getCell(c).value)).toEqual([
      'STT',
      'Đơn vị',
      'Họ và tên',
      'Chức vụ',
      'Điện thoại',
      'Ghi chú',
    ]);
    expect(ws.getCell('C5').font?.bold).toBe(true);
    expect(ws.getCell('C5').border?.bottom?.style).toBe('thin');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 5 });

    // Category heading rows.
    expect(text(ws, 'A6')).toBe(SO);
    expect(merges).toContain('A6:F6');
    expect(ws.getCell('A6').font?.bold).toBe(true);

    // Sở Y tế: 2 attendees, STT/unit/note merged over rows 7–8.
    expect(ws.getCell('A7').value).toBe(1);
    expect(ws.getCell('A7').numFmt).toBe('00');
    expect(text(ws, 'B7')).toBe('Sở Y tế');
    expect([text(ws, 'C7'), text(ws, 'D7'), text(ws, 'E7')]).toEqual([
      'Nguyễn Văn An',
      'Phó Giám đốc Sở',
      '0912345678',
    ]);
    expect([text(ws, 'C8'), text(ws, 'D8'), text(ws, 'E8')]).toEqual([
      'Lê Thị Bình',
      'Trưởng phòng Nghiệp vụ Y',
      '',
    ]);
    for (const m of ['A7:A8', 'B7:B8', 'F7:F8']) expect(merges).toContain(m);
    expect(ws.getCell('B8').isMerged).toBe(true);
    expect(ws.getCell('B8').master.address).toBe('B7');
    expect(text(ws, 'F7')).toBe('');

    // Units without attendees: one row with the reason.
    expect([ws.getCell('A9').value, text(ws, 'B9'), text(ws, 'C9'), text(ws, 'F9')]).toEqual([
      2,
      'Sở Thông tin và Truyền thông',
      '',
      'Chưa đăng ký',
    ]);
    expect([ws.getCell('A10').value, text(ws, 'B10'), text(ws, 'F10')]).toEqual([
      3,
      'Sở Tư pháp, "Pháp chế"',
      'Không cử người tham dự',
    ]);

    // Second group, sorted by order: Cao Lãnh (71) before Lấp Vò (81).
    expect(text(ws, 'A11')).toBe(UBND);
    expect(merges).toContain('A11:F11');
    expect([ws.getCell('A12').value, text(ws, 'B12'), text(ws, 'C12')]).toEqual([
      4,
      'UBND Thành phố Cao Lãnh',
      'Võ Thị Hoa',
    ]);
    expect(text(ws, 'C13')).toBe('=HYPERLINK("http://x")'); // text, never a formula
    expect(ws.getCell('C13').type).toBe(ExcelJS.ValueType.String);
    expect(text(ws, 'C14')).toBe('Phạm Văn Dũng');
    for (const m of ['A12:A14', 'B12:B14', 'F12:F14']) expect(merges).toContain(m);
    expect([
      ws.getCell('A15').value,
      text(ws, 'B15'),
      text(ws, 'C15'),
      text(ws, 'D15'),
      text(ws, 'F15'),
    ]).toEqual([5, 'UBND Huyện Lấp Vò', 'Trần Văn Cường', 'PCT UBND huyện', 'Đăng ký muộn']);
    expect(merges.some((m) => m.startsWith('A15:'))).toBe(false);

    // Body cells have borders and wrap; the total line follows a blank row.
    expect(ws.getCell('D12').border?.left?.style).toBe('thin');
    expect(ws.getCell('D12').alignment?.wrapText).toBe(true);
    expect(text(ws, 'A17')).toBe('Tổng cộng: 3/5 đơn vị đã đăng ký, 6 đại biểu.');

    // Columns and printing.
    expect(ws.getColumn(2).width).toBeGreaterThan(ws.getColumn(1).width ?? 0);
    expect(ws.pageSetup).toMatchObject({
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    });
  });

  it('omits category headings when no unit has one, and the subtitle row when absent', async () => {
    const ws = await readBack(
      await buildRegistrationsXlsx({
        title: 'Hội nghị',
        rows: [
          {
            category: null,
            order: 2,
            unitName: 'B',
            status: 'pending',
            late: false,
            attendees: [],
          },
          {
            category: null,
            order: 1,
            unitName: 'A',
            status: 'registered',
            late: false,
            attendees: [{ name: 'X' }],
          },
        ],
      }),
    );
    expect(text(ws, 'A2')).toBe('HỘI NGHỊ');
    expect(text(ws, 'A4')).toBe('STT');
    expect([text(ws, 'B5'), text(ws, 'C5')]).toEqual(['A', 'X']);
    expect([text(ws, 'B6'), text(ws, 'F6')]).toEqual(['B', 'Chưa đăng ký']);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
  });

  it('puts units without a category last, under their own heading', async () => {
    const ws = await readBack(
      await buildRegistrationsXlsx({
        title: 'T',
        rows: [
          {
            category: null,
            order: 1,
            unitName: 'Không nhóm',
            status: 'pending',
            late: false,
            attendees: [],
          },
          {
            category: 'NHÓM A',
            order: 2,
            unitName: 'Có nhóm',
            status: 'pending',
            late: false,
            attendees: [],
          },
        ],
      }),
    );
    expect([text(ws, 'A5'), text(ws, 'B6'), text(ws, 'A7'), text(ws, 'B8')]).toEqual([
      'NHÓM A',
      'Có nhóm',
      'ĐƠN VỊ KHÁC',
      'Không nhóm',
    ]);
  });
});

describe('buildRegistrationsCsv', () => {
  it('writes one row per attendee with a BOM, CRLF and proper quoting', () => {
    const csv = buildRegistrationsCsv(input);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual([
      'Nhóm,STT,Đơn vị,Trạng thái,Họ và tên,Chức vụ,Điện thoại,Ghi chú',
      '"CÁC SỞ, BAN, NGÀNH TỈNH",1,Sở Y tế,Đã đăng ký,Nguyễn Văn An,Phó Giám đốc Sở,0912345678,',
      '"CÁC SỞ, BAN, NGÀNH TỈNH",1,Sở Y tế,Đã đăng ký,Lê Thị Bình,Trưởng phòng Nghiệp vụ Y,,',
      '"CÁC SỞ, BAN, NGÀNH TỈNH",2,Sở Thông tin và Truyền thông,Chưa đăng ký,,,,Chưa đăng ký',
      '"CÁC SỞ, BAN, NGÀNH TỈNH",3,"Sở Tư pháp, ""Pháp chế""",Không tham dự,,,,Không cử người tham dự',
      '"ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ",4,UBND Thành phố Cao Lãnh,Đã đăng ký,Võ Thị Hoa,CV phòng VH-TT,+84 913 000 111,',
      // Spreadsheet formulas are neutralised with a leading apostrophe.
      `"ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ",4,UBND Thành phố Cao Lãnh,Đã đăng ký,"'=HYPERLINK(""http://x"")",'-2+3,,`,
      '"ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ",4,UBND Thành phố Cao Lãnh,Đã đăng ký,Phạm Văn Dũng,,,',
      '"ỦY BAN NHÂN DÂN HUYỆN, THÀNH PHỐ",5,UBND Huyện Lấp Vò,Đã đăng ký,Trần Văn Cường,PCT UBND huyện,,Đăng ký muộn',
    ]);
  });

  it('quotes line breaks inside a field', () => {
    const csv = buildRegistrationsCsv({
      title: 'T',
      rows: [
        {
          category: null,
          order: 1,
          unitName: 'Sở\nY tế',
          status: 'registered',
          late: false,
          attendees: [{ name: ' An ' }],
        },
      ],
    });
    expect(csv).toBe(
      '\uFEFFNhóm,STT,Đơn vị,Trạng thái,Họ và tên,Chức vụ,Điện thoại,Ghi chú\r\n,1,"Sở\nY tế",Đã đăng ký," An ",,,\r\n',
    );
  });
});
