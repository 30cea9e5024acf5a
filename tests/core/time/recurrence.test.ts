import { describe, expect, it } from 'vitest';
import { formatDeadline } from '../../../src/core/time/format';
import {
  END_OF_YEAR,
  type Recurrence,
  describeRecurrence,
  firstPeriod,
  nextPeriod,
  periodAfter,
  periodByKey,
  recurrenceSchema,
} from '../../../src/core/time/recurrence';

const at = (iso: string) => new Date(iso);

function walk(rec: Recurrence, now: Date, n: number) {
  const out = [firstPeriod(rec, now)];
  while (out.length < n) out.push(nextPeriod(rec, out[out.length - 1]!.deadline));
  return out.map((p) => `${p.periodLabel} | ${formatDeadline(p.deadline)}`);
}

describe('yearly: "Định kỳ trước ngày 15/11 hằng năm" (seed 002)', () => {
  const rec: Recurrence = { kind: 'yearly', month: 11, day: 15 };

  it('starts with this year while 15/11 is ahead', () => {
    const p = firstPeriod(rec, at('2024-10-01T00:00:00+07:00'));
    expect(p).toMatchObject({
      periodKey: '2024',
      periodLabel: 'Năm 2024',
      start: '2024-01-01',
      end: '2024-12-31',
      dueDateKey: '2024-11-15',
    });
    expect(p.deadline.toISOString()).toBe('2024-11-14T17:00:00.000Z');
    expect(formatDeadline(p.deadline)).toBe('23h59 Thứ Năm, 14/11/2024');
  });

  it('rolls to the next year once the deadline has passed', () => {
    expect(firstPeriod(rec, at('2024-11-15T00:00:00+07:00')).periodLabel).toBe('Năm 2025');
    expect(firstPeriod(rec, at('2024-11-14T23:59:00+07:00')).periodLabel).toBe('Năm 2024');
    const next = nextPeriod(rec, at('2024-11-15T00:00:00+07:00'));
    expect(next.periodLabel).toBe('Năm 2025');
    expect(next.deadline.toISOString()).toBe('2025-11-14T17:00:00.000Z');
    expect(walk(rec, at('2024-12-01T00:00:00+07:00'), 3)).toEqual([
      'Năm 2025 | 23h59 Thứ Sáu, 14/11/2025',
      'Năm 2026 | 23h59 Thứ Bảy, 14/11/2026',
      'Năm 2027 | 23h59 Chủ nhật, 14/11/2027',
    ]);
  });

  it('can be due in the following year, or through the end of the day', () => {
    const jan: Recurrence = { kind: 'yearly', month: 1, day: 15, yearOffset: 1 };
    const p = firstPeriod(jan, at('2024-12-20T00:00:00+07:00'));
    expect([p.periodLabel, p.dueDateKey]).toEqual(['Năm 2024', '2025-01-15']);
    const eod = firstPeriod({ ...rec, mode: 'by-end-of-day' }, at('2024-11-15T10:00:00+07:00'));
    expect([eod.periodLabel, formatDeadline(eod.deadline)]).toEqual([
      'Năm 2024',
      '23h59 Thứ Sáu, 15/11/2024',
    ]);
  });

  it('"cuối năm" is before 15/12', () => {
    expect(firstPeriod(END_OF_YEAR, at('2025-06-01T00:00:00+07:00'))).toMatchObject({
      periodLabel: 'Năm 2025',
      dueDateKey: '2025-12-15',
    });
  });
});

describe('quarterly', () => {
  it('labels quarters with Roman numerals; default before the 15th of the quarter’s last month', () => {
    expect(walk({ kind: 'quarterly' }, at('2025-01-10T00:00:00+07:00'), 5)).toEqual([
      'Quý I/2025 | 23h59 Thứ Sáu, 14/3/2025',
      'Quý II/2025 | 23h59 Thứ Bảy, 14/6/2025',
      'Quý III/2025 | 23h59 Chủ nhật, 14/9/2025',
      'Quý IV/2025 | 23h59 Chủ nhật, 14/12/2025',
      'Quý I/2026 | 23h59 Thứ Bảy, 14/3/2026',
    ]);
    const q = firstPeriod({ kind: 'quarterly' }, at('2025-04-01T00:00:00+07:00'));
    expect(q).toMatchObject({
      periodKey: '2025-Q2',
      start: '2025-04-01',
      end: '2025-06-30',
      dueDateKey: '2025-06-15',
    });
  });

  it('can be due in the month after the quarter', () => {
    const rec: Recurrence = { kind: 'quarterly', day: 5, monthOffset: 1 };
    const p = firstPeriod(rec, at('2024-12-20T00:00:00+07:00'));
    expect([p.periodLabel, p.dueDateKey]).toEqual(['Quý IV/2024', '2025-01-05']);
    expect(nextPeriod(rec, p.deadline)).toMatchObject({
      periodLabel: 'Quý I/2025',
      dueDateKey: '2025-04-05',
    });
  });
});

describe('half-yearly and monthly', () => {
  it('"6 tháng": first half before 15/6, then the annual report before 15/12', () => {
    expect(walk({ kind: 'half-yearly' }, at('2025-01-01T00:00:00+07:00'), 3)).toEqual([
      '6 tháng đầu năm 2025 | 23h59 Thứ Bảy, 14/6/2025',
      'Năm 2025 | 23h59 Chủ nhật, 14/12/2025',
      '6 tháng đầu năm 2026 | 23h59 Chủ nhật, 14/6/2026',
    ]);
    const h2 = firstPeriod(
      { kind: 'half-yearly', secondHalf: 'half' },
      at('2025-07-01T00:00:00+07:00'),
    );
    expect(h2).toMatchObject({
      periodKey: '2025-H2',
      periodLabel: '6 tháng cuối năm 2025',
      start: '2025-07-01',
      end: '2025-12-31',
    });
    expect(firstPeriod({ kind: 'half-yearly' }, at('2025-07-01T00:00:00+07:00'))).toMatchObject({
      periodKey: '2025-H2',
      start: '2025-01-01',
    });
  });

  it('monthly clamps the day to the month', () => {
    const rec: Recurrence = { kind: 'monthly', day: 31, mode: 'by-end-of-day' };
    expect(walk(rec, at('2025-01-31T12:00:00+07:00'), 3)).toEqual([
      'Tháng 1/2025 | 23h59 Thứ Sáu, 31/1/2025',
      'Tháng 2/2025 | 23h59 Thứ Sáu, 28/2/2025',
      'Tháng 3/2025 | 23h59 Thứ Hai, 31/3/2025',
    ]);
    expect(
      firstPeriod({ kind: 'monthly', day: 20 }, at('2025-12-25T00:00:00+07:00')).periodKey,
    ).toBe('2026-01');
  });
});

describe('period keys', () => {
  it('find a period and its successor exactly', () => {
    expect(periodByKey({ kind: 'quarterly' }, '2025-Q4')?.periodLabel).toBe('Quý IV/2025');
    expect(periodAfter({ kind: 'quarterly' }, '2025-Q4')?.periodLabel).toBe('Quý I/2026');
    expect(periodAfter({ kind: 'yearly', month: 11, day: 15 }, '2025')?.periodLabel).toBe(
      'Năm 2026',
    );
    expect(periodAfter({ kind: 'monthly', day: 5 }, '2025-12')?.periodKey).toBe('2026-01');
    expect(periodAfter({ kind: 'half-yearly' }, '2025-H2')?.periodKey).toBe('2026-H1');
    expect(periodByKey({ kind: 'quarterly' }, '2025')).toBeNull();
  });
});

describe('recurrenceSchema', () => {
  it('accepts the documented shapes', () => {
    for (const r of [
      { kind: 'yearly', month: 11, day: 15 },
      { kind: 'yearly', month: 2, day: 29, yearOffset: 1, mode: 'by-end-of-day' },
      { kind: 'quarterly' },
      { kind: 'quarterly', day: 5, monthOffset: 1 },
      { kind: 'half-yearly', secondHalf: 'half' },
      { kind: 'monthly', day: 20 },
    ]) {
      expect(recurrenceSchema.safeParse(r).success, JSON.stringify(r)).toBe(true);
    }
  });

  it('rejects what cannot be a deadline', () => {
    for (const r of [
      { kind: 'yearly', month: 11 },
      { kind: 'yearly', month: 13, day: 1 },
      { kind: 'yearly', month: 4, day: 31 },
      { kind: 'quarterly', day: 0 },
      { kind: 'quarterly', monthOffset: 13 },
      { kind: 'monthly' },
      { kind: 'weekly', day: 1 },
      { kind: 'yearly', month: 11, day: 15, mode: 'after' },
    ]) {
      expect(recurrenceSchema.safeParse(r).success, JSON.stringify(r)).toBe(false);
    }
  });
});

describe('describeRecurrence', () => {
  it('speaks the plans’ language', () => {
    expect(describeRecurrence({ kind: 'yearly', month: 11, day: 15 })).toBe(
      'trước ngày 15/11 hằng năm',
    );
    expect(describeRecurrence({ kind: 'quarterly' })).toBe(
      'hằng quý, trước ngày 15 tháng cuối quý',
    );
    expect(describeRecurrence({ kind: 'quarterly', day: 5, monthOffset: 1 })).toBe(
      'hằng quý, trước ngày 5 tháng sau',
    );
    expect(describeRecurrence({ kind: 'monthly', day: 20, mode: 'by-end-of-day' })).toBe(
      'hằng tháng, chậm nhất ngày 20 trong tháng',
    );
  });
});
