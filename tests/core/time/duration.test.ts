import { describe, expect, it } from 'vitest';
import {
  DurationError,
  addDuration,
  formatDuration,
  isDayOrLonger,
  isoDurationSchema,
  normalizeDuration,
  parseDuration,
  subtractDuration,
  tryParseDuration,
} from '../../../src/core/time/duration';

describe('parseDuration', () => {
  it.each([
    ['P7D', { days: 7, ms: 0 }],
    ['P1D', { days: 1, ms: 0 }],
    ['P1W', { days: 7, ms: 0 }],
    ['PT15M', { days: 0, ms: 15 * 60_000 }],
    ['PT1H30M', { days: 0, ms: 90 * 60_000 }],
    ['PT30S', { days: 0, ms: 30_000 }],
    ['PT24H', { days: 0, ms: 24 * 3_600_000 }],
    ['P1DT12H', { days: 1, ms: 12 * 3_600_000 }],
    ['PT0.5S', { days: 0, ms: 500 }],
    [' p2d ', { days: 2, ms: 0 }],
  ])('%s', (input, expected) => {
    expect(parseDuration(input)).toEqual(expected);
  });

  it.each([
    ['', 'chuỗi rỗng'],
    ['1D', 'phải bắt đầu bằng "P"'],
    ['P', 'không đúng dạng'],
    ['PT', 'sau "T"'],
    ['P1H', 'phải đứng sau "T"'],
    ['P1Y', 'không hỗ trợ năm'],
    ['P1M', 'không hỗ trợ tháng'],
    ['P0D', 'phải lớn hơn 0'],
    ['-P1D', 'âm'],
    ['P1.5D', 'số nguyên'],
    ['7 ngày', 'phải bắt đầu bằng "P"'],
    ['P1D2', 'không đúng dạng'],
  ])('rejects %j with a Vietnamese reason', (input, reason) => {
    expect(() => parseDuration(input)).toThrow(DurationError);
    expect(() => parseDuration(input)).toThrow(reason);
    const r = tryParseDuration(input);
    expect(r.ok).toBe(false);
  });

  it('tells day-based from exact durations', () => {
    expect(isDayOrLonger(parseDuration('P1D'))).toBe(true);
    expect(isDayOrLonger(parseDuration('PT24H'))).toBe(false);
  });
});

describe('formatDuration', () => {
  it.each([
    ['P7D', 'P7D'],
    ['P1W', 'P7D'],
    ['PT15M', 'PT15M'],
    ['PT90M', 'PT1H30M'],
    ['PT30S', 'PT30S'],
    ['P1DT12H', 'P1DT12H'],
    ['PT0.25S', 'PT0.25S'],
    ['PT1H0M5S', 'PT1H5S'],
  ])('%s → %s', (input, out) => {
    expect(normalizeDuration(input)).toBe(out);
    expect(parseDuration(formatDuration(parseDuration(input)))).toEqual(parseDuration(input));
  });

  it('writes zero as PT0S', () => {
    expect(formatDuration({ days: 0, ms: 0 })).toBe('PT0S');
  });
});

describe('duration arithmetic', () => {
  it('moves calendar days at the same local time, then exact time', () => {
    const d = new Date('2024-11-10T08:00:00+07:00');
    expect(subtractDuration(d, parseDuration('P1D')).toISOString()).toBe(
      '2024-11-09T01:00:00.000Z',
    );
    expect(addDuration(d, parseDuration('P1DT2H')).toISOString()).toBe('2024-11-11T03:00:00.000Z');
    // across a DST change the local time of day is kept
    const berlin = new Date('2024-03-30T08:00:00+01:00');
    expect(addDuration(berlin, parseDuration('P1D'), 'Europe/Berlin').toISOString()).toBe(
      '2024-03-31T06:00:00.000Z',
    );
  });
});

describe('isoDurationSchema', () => {
  it('accepts durations and reports errors in Vietnamese', () => {
    expect(isoDurationSchema.parse('P1D')).toBe('P1D');
    const r = isoDurationSchema.safeParse('P1M');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('không hỗ trợ tháng');
  });
});
