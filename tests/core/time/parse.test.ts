import { describe, expect, it } from 'vitest';
import { parseLocalTime, parseUserDate } from '../../../src/core/time/parse';

const now = new Date('2024-10-20T09:00:00+07:00'); // Chủ nhật 20/10/2024

function iso(text: string, at: Date = now) {
  const r = parseUserDate(text, at);
  return r && { at: r.date.toISOString(), hasTime: r.hasTime, key: r.dateKey };
}

describe('parseUserDate', () => {
  it.each([
    ['10/11/2024'],
    ['10-11-2024'],
    ['10.11.2024'],
    ['2024-11-10'],
    ['ngày 10 tháng 11 năm 2024'],
    ['ngay 10 thang 11 nam 2024'],
    ['10/11'],
    ['10.11'],
    ['10/11/24'],
    ['ngày 10/11'],
    ['Chủ nhật, 10/11/2024'],
    ['  10/11/2024. '],
    ['ngày 10 tháng 11'],
    ['ngày 10 tháng 11 năm 2024'.normalize('NFD')],
  ])('%j is 10/11/2024 with no time', (text) => {
    expect(iso(text)).toEqual({
      at: '2024-11-09T17:00:00.000Z',
      hasTime: false,
      key: '2024-11-10',
    });
  });

  it.each([
    ['10/11/2024 17h', '2024-11-10T10:00:00.000Z'],
    ['10/11 17h30', '2024-11-10T10:30:00.000Z'],
    ['10/11/2024 17:30', '2024-11-10T10:30:00.000Z'],
    ['17h ngày 10/11', '2024-11-10T10:00:00.000Z'],
    ['8h30 10/11/2024', '2024-11-10T01:30:00.000Z'],
    ['ngày 10 tháng 11 năm 2024 lúc 17 giờ 30 phút', '2024-11-10T10:30:00.000Z'],
    ['10/11, 17g30', '2024-11-10T10:30:00.000Z'],
    ['10/11 3h chiều', '2024-11-10T08:00:00.000Z'],
    ['10/11 lúc 8h sáng', '2024-11-10T01:00:00.000Z'],
    ['2024-11-10 7h05', '2024-11-10T00:05:00.000Z'],
  ])('%j has a time', (text, at) => {
    expect(iso(text)).toEqual({ at, hasTime: true, key: '2024-11-10' });
  });

  it('takes the next occurrence of a date without a year, today included', () => {
    expect(iso('20/10')?.key).toBe('2024-10-20');
    expect(iso('19/10')?.key).toBe('2025-10-19');
    expect(iso('1/1')?.key).toBe('2025-01-01');
    expect(iso('29/2')?.key).toBe('2028-02-29');
    // "today" is the local date of now: 2024-12-31T20:00Z is already 1/1/2025 in Hà Nội
    expect(iso('31/12', new Date('2024-12-31T20:00:00Z'))?.key).toBe('2025-12-31');
  });

  it('understands today and tomorrow', () => {
    expect(iso('hôm nay')?.key).toBe('2024-10-20');
    expect(iso('mai 8h')).toEqual({
      at: '2024-10-21T01:00:00.000Z',
      hasTime: true,
      key: '2024-10-21',
    });
    expect(iso('ngày mai')?.key).toBe('2024-10-21');
  });

  it.each([
    [''],
    ['abc'],
    ['17h'],
    ['31/4/2024'],
    ['29/2/2023'],
    ['32/1'],
    ['10/13'],
    ['10/11/2024 25h'],
    ['10/11/2024 17h75'],
    ['10/11/2024 17h 18h'],
    ['10/11-2024'],
    ['trước ngày 10/11/2024'],
    ['10/11/2024 họp'],
    ['10/11/2024 15h sáng'],
    ['2024/11/10'],
  ])('rejects %j', (text) => {
    expect(parseUserDate(text, now)).toBeNull();
  });
});

describe('parseLocalTime', () => {
  it.each([
    ['17:00', { h: 17, m: 0 }],
    ['17h', { h: 17, m: 0 }],
    ['7h30', { h: 7, m: 30 }],
    ['07:30', { h: 7, m: 30 }],
    ['17g30', { h: 17, m: 30 }],
    ['17 giờ 30 phút', { h: 17, m: 30 }],
    ['17H30', { h: 17, m: 30 }],
    ['0h', { h: 0, m: 0 }],
    ['3h chiều', { h: 15, m: 0 }],
    ['chiều 3h', { h: 15, m: 0 }],
    ['12h trưa', { h: 12, m: 0 }],
    ['1h trưa', { h: 13, m: 0 }],
    ['8h tối', { h: 20, m: 0 }],
    ['11h đêm', { h: 23, m: 0 }],
    ['12h đêm', { h: 0, m: 0 }],
    ['14h chiều', { h: 14, m: 0 }],
  ])('%j', (text, t) => {
    expect(parseLocalTime(text)).toEqual(t);
  });

  it.each([['24h'], ['17:'], ['17'], ['7h60'], ['h30'], ['17:30:00'], ['17h abc'], ['14h sáng']])(
    'rejects %j',
    (text) => {
      expect(parseLocalTime(text)).toBeNull();
    },
  );
});
