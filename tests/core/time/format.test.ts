import { describe, expect, it } from 'vitest';
import {
  WEEKDAYS_VI,
  addDays,
  atLocal,
  daysUntilDeadline,
  diffDays,
  formatDate,
  formatDateKey,
  formatDateTime,
  formatDeadline,
  formatDeadlineStatus,
  formatRelativeDays,
  formatTime,
  formatTimeRange,
  formatWeekdayDate,
  formatWeekdayDateKey,
  isDateKey,
  lastDueDateKey,
  localDateKey,
  minutesOfDay,
  partOfDay,
  weekdayOfKey,
} from '../../../src/core/time/format';

const at = (iso: string) => new Date(iso);

describe('Vietnamese formats', () => {
  const seed = at('2024-09-27T07:30:00+07:00');

  it('formats the seed instant 27/9/2024 07:30+07', () => {
    expect(formatDate(seed)).toBe('27/9/2024');
    expect(formatWeekdayDate(seed)).toBe('Thứ Sáu, 27/9/2024');
    expect(formatTime(seed)).toBe('7h30');
    expect(formatDateTime(seed)).toBe('Thứ Sáu, 27/9/2024, 7h30');
  });

  it('reads the instant in the given timezone, not the host', () => {
    // 23:30 UTC on 26/9 is already 27/9 06:30 in Hà Nội
    const d = at('2024-09-26T23:30:00Z');
    expect(formatDateTime(d)).toBe('Thứ Sáu, 27/9/2024, 6h30');
    expect(formatDateTime(d, 'UTC')).toBe('Thứ Năm, 26/9/2024, 23h30');
    expect(localDateKey(d)).toBe('2024-09-27');
    expect(localDateKey(d, 'UTC')).toBe('2024-09-26');
  });

  it('writes times as 7h30, 14h00, 8h00, 0h05', () => {
    expect(formatTime(at('2024-09-27T14:00:00+07:00'))).toBe('14h00');
    expect(formatTime(at('2024-09-27T08:00:00+07:00'))).toBe('8h00');
    expect(formatTime(at('2024-09-27T00:05:59+07:00'))).toBe('0h05');
  });

  it('names every weekday', () => {
    const names = Array.from({ length: 7 }, (_, i) =>
      formatWeekdayDate(at(`2024-09-${String(22 + i).padStart(2, '0')}T12:00:00+07:00`)),
    );
    expect(names).toEqual([
      'Chủ nhật, 22/9/2024',
      'Thứ Hai, 23/9/2024',
      'Thứ Ba, 24/9/2024',
      'Thứ Tư, 25/9/2024',
      'Thứ Năm, 26/9/2024',
      'Thứ Sáu, 27/9/2024',
      'Thứ Bảy, 28/9/2024',
    ]);
    expect(WEEKDAYS_VI[0]).toBe('Chủ nhật');
  });

  it('formats a time range with an en dash, and in full across days', () => {
    expect(formatTimeRange(at('2024-09-27T07:30:00+07:00'), at('2024-09-27T08:00:00+07:00'))).toBe(
      '7h30–8h00',
    );
    expect(formatTimeRange(at('2024-09-27T13:30:00+07:00'), at('2024-09-28T11:00:00+07:00'))).toBe(
      'Thứ Sáu, 27/9/2024, 13h30 – Thứ Bảy, 28/9/2024, 11h00',
    );
  });

  it('shows a midnight deadline as the last minute of the previous day', () => {
    expect(formatDeadline(at('2024-11-10T00:00:00+07:00'))).toBe('23h59 Thứ Bảy, 9/11/2024');
    expect(formatDeadline(at('2024-11-15T17:00:00+07:00'))).toBe('17h00 Thứ Sáu, 15/11/2024');
    expect(formatDeadline(at('2024-11-10T00:00:01+07:00'))).toBe('0h00 Chủ nhật, 10/11/2024');
    expect(lastDueDateKey(at('2024-11-10T00:00:00+07:00'))).toBe('2024-11-09');
    expect(lastDueDateKey(at('2024-11-15T17:00:00+07:00'))).toBe('2024-11-15');
  });

  it('says how far a deadline is', () => {
    expect(formatRelativeDays(-3)).toBe('quá hạn 3 ngày');
    expect(formatRelativeDays(0)).toBe('hạn cuối hôm nay');
    expect(formatRelativeDays(1)).toBe('hạn cuối ngày mai');
    expect(formatRelativeDays(5)).toBe('còn 5 ngày');
    expect(() => formatRelativeDays(1.5)).toThrow(RangeError);

    const deadline = at('2024-11-10T00:00:00+07:00'); // due 23h59 9/11
    expect(daysUntilDeadline(deadline, at('2024-11-07T09:00:00+07:00'))).toBe(2);
    expect(formatDeadlineStatus(deadline, at('2024-11-09T22:00:00+07:00'))).toBe(
      'hạn cuối hôm nay',
    );
    expect(formatDeadlineStatus(deadline, at('2024-11-10T08:00:00+07:00'))).toBe('quá hạn 1 ngày');
    expect(formatDeadlineStatus(deadline, at('2024-11-13T08:00:00+07:00'))).toBe('quá hạn 4 ngày');
    const afternoon = at('2024-11-15T17:00:00+07:00');
    expect(formatDeadlineStatus(afternoon, at('2024-11-15T18:00:00+07:00'))).toBe('đã quá hạn');
  });

  it('tells the part of the day', () => {
    expect(partOfDay(at('2024-09-27T07:30:00+07:00'))).toBe('Sáng');
    expect(partOfDay(at('2024-09-27T11:59:00+07:00'))).toBe('Sáng');
    expect(partOfDay(at('2024-09-27T12:00:00+07:00'))).toBe('Chiều');
    expect(partOfDay(at('2024-09-27T17:59:00+07:00'))).toBe('Chiều');
    expect(partOfDay(at('2024-09-27T18:00:00+07:00'))).toBe('Tối');
  });
});

describe('local dates and instants', () => {
  it('places a local wall-clock time', () => {
    expect(atLocal('2024-11-10', '08:00').toISOString()).toBe('2024-11-10T01:00:00.000Z');
    expect(atLocal('2024-11-10').toISOString()).toBe('2024-11-09T17:00:00.000Z');
    expect(atLocal('2024-11-10', '7h30').toISOString()).toBe('2024-11-10T00:30:00.000Z');
    expect(atLocal('2024-11-10', '23:59', 'UTC').toISOString()).toBe('2024-11-10T23:59:00.000Z');
    // a zone with DST still gets its own offset
    expect(atLocal('2024-07-01', '08:00', 'Europe/Berlin').toISOString()).toBe(
      '2024-07-01T06:00:00.000Z',
    );
    expect(atLocal('2024-12-01', '08:00', 'Europe/Berlin').toISOString()).toBe(
      '2024-12-01T07:00:00.000Z',
    );
  });

  it('rejects bad date keys and times', () => {
    expect(() => atLocal('2024-02-30', '08:00')).toThrow(RangeError);
    expect(() => atLocal('2024-11-10', '24:00')).toThrow(RangeError);
    expect(() => atLocal('10/11/2024', '08:00')).toThrow(RangeError);
    expect(() => minutesOfDay('8')).toThrow(RangeError);
    expect(minutesOfDay('08:30')).toBe(510);
    expect(isDateKey('2024-02-29')).toBe(true);
    expect(isDateKey('2023-02-29')).toBe(false);
  });

  it('does calendar arithmetic on date keys', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(diffDays('2024-11-01', '2024-11-09')).toBe(8);
    expect(diffDays('2025-01-01', '2024-12-31')).toBe(-1);
    expect(weekdayOfKey('2024-11-09')).toBe(6);
    expect(formatDateKey('2024-11-09')).toBe('9/11/2024');
    expect(formatWeekdayDateKey('2024-11-09')).toBe('Thứ Bảy, 9/11/2024');
  });
});
