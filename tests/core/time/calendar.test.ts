import { describe, expect, it } from 'vitest';
import {
  computeLibraryHolidays,
  createWorkCalendar,
  libraryHolidays,
} from '../../../src/core/time/calendar';

/**
 * These pin what date-holidays (country VN) actually answers; if a library update
 * changes them, this is where it shows.
 */
describe('library holidays (date-holidays VN)', () => {
  const table = (year: number) =>
    [...libraryHolidays(year).entries()].map(([k, name]) => `${k} ${name}`);

  it('2024', () => {
    expect(table(2024)).toEqual([
      '2024-01-01 Tết Dương lịch',
      '2024-02-09 Giao thừa Tết Nguyên Đán',
      '2024-02-10 Tết Nguyên Đán',
      '2024-02-11 Tết Nguyên Đán',
      '2024-02-12 Tết Nguyên Đán',
      '2024-02-13 Tết Nguyên Đán',
      '2024-04-18 Giỗ tổ Hùng Vương',
      '2024-04-30 Ngày Giải phóng miền Nam',
      '2024-05-01 Quốc tế Lao động',
      '2024-09-02 Quốc khánh',
    ]);
  });

  it('2025', () => {
    expect(table(2025)).toEqual([
      '2025-01-01 Tết Dương lịch',
      '2025-01-28 Giao thừa Tết Nguyên Đán',
      '2025-01-29 Tết Nguyên Đán',
      '2025-01-30 Tết Nguyên Đán',
      '2025-01-31 Tết Nguyên Đán',
      '2025-02-01 Tết Nguyên Đán',
      '2025-04-07 Giỗ tổ Hùng Vương',
      '2025-04-30 Ngày Giải phóng miền Nam',
      '2025-05-01 Quốc tế Lao động',
      '2025-09-02 Quốc khánh',
    ]);
  });

  it('2026: Tết 16–20/2 (Giao thừa + 4 days), Giỗ Tổ 26/4', () => {
    expect(table(2026)).toEqual([
      '2026-01-01 Tết Dương lịch',
      '2026-02-16 Giao thừa Tết Nguyên Đán',
      '2026-02-17 Tết Nguyên Đán',
      '2026-02-18 Tết Nguyên Đán',
      '2026-02-19 Tết Nguyên Đán',
      '2026-02-20 Tết Nguyên Đán',
      '2026-04-26 Giỗ tổ Hùng Vương',
      '2026-04-30 Ngày Giải phóng miền Nam',
      '2026-05-01 Quốc tế Lao động',
      '2026-09-02 Quốc khánh',
    ]);
  });

  it('2027', () => {
    expect(table(2027)).toEqual([
      '2027-01-01 Tết Dương lịch',
      '2027-02-05 Giao thừa Tết Nguyên Đán',
      '2027-02-06 Tết Nguyên Đán',
      '2027-02-07 Tết Nguyên Đán',
      '2027-02-08 Tết Nguyên Đán',
      '2027-02-09 Tết Nguyên Đán',
      '2027-04-16 Giỗ tổ Hùng Vương',
      '2027-04-30 Ngày Giải phóng miền Nam',
      '2027-05-01 Quốc tế Lao động',
      '2027-09-02 Quốc khánh',
    ]);
  });

  it('does not know the second Quốc khánh day (hence extraHolidays)', () => {
    expect(libraryHolidays(2025).has('2025-09-01')).toBe(false);
    expect(libraryHolidays(2025).has('2025-09-03')).toBe(false);
  });

  it('caches per year', () => {
    expect(libraryHolidays(2026)).toBe(libraryHolidays(2026));
  });
});

describe('createWorkCalendar', () => {
  const cal = createWorkCalendar();

  it('works Monday to Friday', () => {
    expect(cal.isWorkingDay('2024-11-08')).toBe(true); // Thứ Sáu
    expect(cal.isWorkingDay('2024-11-09')).toBe(false); // Thứ Bảy
    expect(cal.isWorkingDay('2024-11-10')).toBe(false); // Chủ nhật
    expect(cal.holidayName('2024-11-09')).toBeNull();
  });

  it('rests on public holidays but not on observances', () => {
    expect(cal.isWorkingDay('2026-02-18')).toBe(false);
    expect(cal.holidayName('2026-02-18')).toBe('Tết Nguyên Đán');
    expect(cal.holidayName('2026-02-16')).toBe('Giao thừa Tết Nguyên Đán');
    expect(cal.holidayName('2026-04-26')).toBe('Giỗ tổ Hùng Vương'); // a Sunday, still named
    expect(cal.isWorkingDay('2025-04-07')).toBe(false);
    expect(cal.isWorkingDay('2024-09-02')).toBe(false);
    expect(cal.isWorkingDay('2026-02-03')).toBe(true); // Ngày thành lập Đảng: observance
    expect(cal.isWorkingDay('2024-11-20')).toBe(true); // Ngày Nhà giáo: observance
    expect(cal.holidayName('2024-11-20')).toBeNull();
  });

  it('finds neighbouring working days across Tết 2026', () => {
    expect(cal.nextWorkingDay('2026-02-13')).toBe('2026-02-23');
    expect(cal.previousWorkingDay('2026-02-23')).toBe('2026-02-13');
    expect(cal.workingDayOnOrAfter('2026-02-14')).toBe('2026-02-23');
    expect(cal.workingDayOnOrAfter('2026-02-13')).toBe('2026-02-13');
    expect(cal.workingDayOnOrBefore('2024-11-09')).toBe('2024-11-08');
    expect(cal.addWorkingDays('2026-02-12', 2)).toBe('2026-02-23');
    expect(cal.addWorkingDays('2026-02-23', -2)).toBe('2026-02-12');
    expect(cal.addWorkingDays('2026-02-14', 0)).toBe('2026-02-14');
  });

  it('applies the government notice through overrides', () => {
    // e.g. Tết 2026 announced as 14/2–22/2; assume Friday 13/2 also given off, and a make-up Saturday 28/2
    const tet = createWorkCalendar({
      extraHolidays: ['2026-02-13', { date: '2026-09-01', name: 'Quốc khánh (ngày liền kề)' }],
      extraWorkdays: ['2026-02-28'],
    });
    expect(tet.isWorkingDay('2026-02-13')).toBe(false);
    expect(tet.holidayName('2026-02-13')).toBe('Nghỉ theo thông báo');
    expect(tet.holidayName('2026-09-01')).toBe('Quốc khánh (ngày liền kề)');
    expect(tet.isWorkingDay('2026-02-28')).toBe(true);
    expect(tet.holidayName('2026-02-28')).toBeNull();
    expect(tet.previousWorkingDay('2026-02-23')).toBe('2026-02-12');
    expect(tet.nextWorkingDay('2026-02-27')).toBe('2026-02-28');
    expect(tet.holidaysInYear(2026).map((h) => h.dateKey)).toContain('2026-02-13');
    // an extra workday can also cancel a library holiday
    const open = createWorkCalendar({ extraWorkdays: ['2026-02-20'] });
    expect(open.isWorkingDay('2026-02-20')).toBe(true);
    expect(open.holidaysInYear(2026).map((h) => h.dateKey)).not.toContain('2026-02-20');
    // the default calendar is unaffected
    expect(cal.isWorkingDay('2026-02-13')).toBe(true);
  });

  it('rejects contradictory or malformed overrides', () => {
    expect(() =>
      createWorkCalendar({ extraHolidays: ['2026-02-28'], extraWorkdays: ['2026-02-28'] }),
    ).toThrow(RangeError);
    expect(() => createWorkCalendar({ extraHolidays: ['28/2/2026'] })).toThrow(RangeError);
    expect(() => cal.isWorkingDay('2026-13-01')).toThrow(RangeError);
  });
});

describe('the generated table of Vietnamese holidays', () => {
  it('answers exactly what date-holidays answers, every year from 2000 to 2100', () => {
    for (let year = 2000; year <= 2100; year++)
      expect(
        [...libraryHolidays(year).entries()],
        `${year}: run npx tsx src/core/time/vn-holidays.gen.ts`,
      ).toEqual([...computeLibraryHolidays(year, 'Asia/Ho_Chi_Minh').entries()]);
  });

  it('another timezone or another century still asks the library', () => {
    expect(libraryHolidays(2150).get('2150-09-02')).toBe('Quốc khánh');
    expect(libraryHolidays(2026, 'Asia/Bangkok').get('2026-04-30')).toBe(
      'Ngày Giải phóng miền Nam',
    );
  });
});
