import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../../src/core/time/calendar';
import { DurationError } from '../../../src/core/time/duration';
import { formatDateTime, formatDeadline } from '../../../src/core/time/format';
import {
  chaseRounds,
  deadlineFromVietnamesePhrase,
  isQuietTime,
  nextChase,
  planChases,
  planReminders,
  quietWindowAt,
} from '../../../src/core/time/schedule';

const calendar = createWorkCalendar();
const at = (iso: string) => new Date(iso);
const show = (xs: Array<{ at: Date }>) => xs.map((x) => formatDateTime(x.at));

describe('deadlineFromVietnamesePhrase', () => {
  it('"trước ngày 10/11/2024" is due before 00:00 of 10/11, shown as 23h59 Thứ Bảy, 9/11/2024', () => {
    const d = deadlineFromVietnamesePhrase('2024-11-10', 'before-day');
    expect(d.toISOString()).toBe('2024-11-09T17:00:00.000Z');
    expect(formatDeadline(d)).toBe('23h59 Thứ Bảy, 9/11/2024');
  });

  it('"chậm nhất ngày 10/11/2024" is due through the end of 10/11', () => {
    const d = deadlineFromVietnamesePhrase('2024-11-10', 'by-end-of-day');
    expect(d.toISOString()).toBe('2024-11-10T17:00:00.000Z');
    expect(formatDeadline(d)).toBe('23h59 Chủ nhật, 10/11/2024');
    expect(deadlineFromVietnamesePhrase('2024-11-09', 'by-end-of-day')).toEqual(
      deadlineFromVietnamesePhrase('2024-11-10', 'before-day'),
    );
  });
});

describe('quiet hours', () => {
  const q = { from: '21:00', to: '07:00' };
  it('is a half-open window that may cross midnight', () => {
    expect(isQuietTime(at('2024-11-14T20:59:00+07:00'), q)).toBe(false);
    expect(isQuietTime(at('2024-11-14T21:00:00+07:00'), q)).toBe(true);
    expect(isQuietTime(at('2024-11-15T06:59:59+07:00'), q)).toBe(true);
    expect(isQuietTime(at('2024-11-15T07:00:00+07:00'), q)).toBe(false);
    const w = quietWindowAt(at('2024-11-15T03:00:00+07:00'), q);
    expect(w?.start.toISOString()).toBe('2024-11-14T14:00:00.000Z');
    expect(w?.end.toISOString()).toBe('2024-11-15T00:00:00.000Z');
    expect(isQuietTime(at('2024-11-15T12:00:00+07:00'), { from: '11:30', to: '13:30' })).toBe(true);
    expect(isQuietTime(at('2024-11-15T12:00:00+07:00'), null)).toBe(false);
  });
});

describe('planReminders', () => {
  // seed 003: "báo cáo … trước ngày 10/11/2024"
  const deadline = deadlineFromVietnamesePhrase('2024-11-10', 'before-day');
  const now = at('2024-10-01T00:00:00+07:00');

  it('lands day reminders at 8h00 on working days, moving earlier, never later', () => {
    const r = planReminders({ deadline, now, calendar });
    expect(r.map((x) => x.key)).toEqual(['before:P7D', 'before:P3D', 'before:P1D']);
    expect(show(r)).toEqual([
      'Thứ Sáu, 1/11/2024, 8h00', // 3/11 is a Sunday
      'Thứ Năm, 7/11/2024, 8h00',
      'Thứ Sáu, 8/11/2024, 8h00', // 9/11 is a Saturday
    ]);
    expect(r.map((x) => x.daysBefore)).toEqual([8, 2, 1]);
    expect(r[2]?.at.toISOString()).toBe('2024-11-08T01:00:00.000Z');
  });

  it('keeps weekend days when workingDaysOnly is false', () => {
    const r = planReminders({ deadline, now, calendar, workingDaysOnly: false, before: ['P1D'] });
    expect(show(r)).toEqual(['Thứ Bảy, 9/11/2024, 8h00']);
    expect(r[0]?.daysBefore).toBe(0);
  });

  it('uses the default calendar and settings', () => {
    expect(planReminders({ deadline, now })).toEqual(
      planReminders({ deadline, now, calendar, atTime: '08:00', workingDaysOnly: true }),
    );
  });

  it('drops what is past, deduplicates and keys by canonical duration', () => {
    expect(
      planReminders({ deadline, now: at('2024-11-07T09:00:00+07:00'), calendar }).map((x) => x.key),
    ).toEqual(['before:P1D']);
    expect(planReminders({ deadline, now: at('2024-11-08T08:00:00+07:00'), calendar })).toEqual([]);
    const same = planReminders({ deadline, now, calendar, before: ['P1D', 'P2D'] });
    expect(same.map((x) => [x.key, formatDateTime(x.at)])).toEqual([
      ['before:P2D', 'Thứ Sáu, 8/11/2024, 8h00'],
    ]);
    const weeks = planReminders({ deadline, now, calendar, before: ['P1W', 'P7D', 'p7d'] });
    expect(weeks.map((x) => x.key)).toEqual(['before:P7D']);
  });

  it('counts sub-day durations from the deadline exactly, honouring quiet hours', () => {
    const afternoon = at('2024-11-15T17:00:00+07:00');
    const r = planReminders({
      deadline: afternoon,
      now,
      calendar,
      before: ['PT2H', 'PT12H', 'PT15H', 'PT9H30M'],
    });
    expect(r.map((x) => [x.key, formatDateTime(x.at)])).toEqual([
      ['before:PT15H', 'Thứ Sáu, 15/11/2024, 7h00'], // 2h00 and 5h00 both move to 7h00: one reminder
      ['before:PT9H30M', 'Thứ Sáu, 15/11/2024, 7h30'],
      ['before:PT2H', 'Thứ Sáu, 15/11/2024, 15h00'],
    ]);
    expect(r.map((x) => x.daysBefore)).toEqual([0, 0, 0]);
  });

  it('moves a quiet instant earlier when the end of the window would reach the deadline', () => {
    const early = at('2024-11-15T07:00:00+07:00');
    const r = planReminders({ deadline: early, now, calendar, before: ['PT1H'] });
    expect(show(r)).toEqual(['Thứ Năm, 14/11/2024, 20h59']);
    expect(r[0]?.daysBefore).toBe(1);
    expect(
      planReminders({ deadline: early, now, calendar, before: ['PT1H'], quietHours: null }).map(
        (x) => formatDateTime(x.at),
      ),
    ).toEqual(['Thứ Sáu, 15/11/2024, 6h00']);
  });

  it('moves an atTime inside quiet hours to their end; custom windows work', () => {
    const r = planReminders({ deadline, now, calendar, before: ['P3D'], atTime: '06:00' });
    expect(show(r)).toEqual(['Thứ Năm, 7/11/2024, 7h00']);
    const lunch = planReminders({
      deadline,
      now,
      calendar,
      before: ['P3D'],
      atTime: '12:00',
      quietHours: { from: '11:30', to: '13:30' },
    });
    expect(show(lunch)).toEqual(['Thứ Năm, 7/11/2024, 13h30']);
  });

  it('moves reminders before Tết 2026, and collapses those that meet', () => {
    const afterTet = deadlineFromVietnamesePhrase('2026-02-24', 'before-day'); // due 23h59 Thứ Hai 23/2
    const r = planReminders({ deadline: afterTet, now: at('2026-01-01T00:00:00+07:00'), calendar });
    // P7D → 17/2, P3D → 21/2, P1D → 23/2
    expect(r.map((x) => [x.key, formatDateTime(x.at)])).toEqual([
      ['before:P7D', 'Thứ Sáu, 13/2/2026, 8h00'],
      ['before:P1D', 'Thứ Hai, 23/2/2026, 8h00'],
    ]);
  });

  it('rejects invalid durations and times', () => {
    expect(() => planReminders({ deadline, now, before: ['P1M'] })).toThrow(DurationError);
    expect(() => planReminders({ deadline, now, atTime: '8' })).toThrow(RangeError);
  });
});

describe('planChases', () => {
  // due 23h59 Thứ Năm 12/2/2026, the last working day before Tết
  const deadline = deadlineFromVietnamesePhrase('2026-02-13', 'before-day');
  const until = at('2026-02-28T23:59:00+07:00');
  const base = { deadline, calendar, from: deadline, until };

  it('chases at 8h00 on working days, skipping Tết 2026', () => {
    const r = planChases(base);
    expect(r.map((c) => [c.round, c.key, formatDateTime(c.at)])).toEqual([
      [1, 'chase:1', 'Thứ Sáu, 13/2/2026, 8h00'],
      [2, 'chase:2', 'Thứ Hai, 23/2/2026, 8h00'],
      [3, 'chase:3', 'Thứ Ba, 24/2/2026, 8h00'],
      [4, 'chase:4', 'Thứ Tư, 25/2/2026, 8h00'],
      [5, 'chase:5', 'Thứ Năm, 26/2/2026, 8h00'],
      [6, 'chase:6', 'Thứ Sáu, 27/2/2026, 8h00'],
    ]);
    expect(r[0]?.at.toISOString()).toBe('2026-02-13T01:00:00.000Z');
  });

  it('keeps round numbers and keys whatever the window', () => {
    const all = planChases(base);
    const later = planChases({ ...base, from: at('2026-02-24T00:00:00+07:00') });
    expect(later).toEqual(all.slice(2));
    const one = planChases({
      ...base,
      from: at('2026-02-25T08:00:00+07:00'),
      until: at('2026-02-25T08:00:00+07:00'),
    });
    expect(one).toEqual([all[3]]);
    expect(planChases({ ...base, from: until, until: deadline })).toEqual([]);
  });

  it('counts working days for longer cadences', () => {
    expect(show(planChases({ ...base, every: 'P2D' }))).toEqual([
      'Thứ Sáu, 13/2/2026, 8h00',
      'Thứ Ba, 24/2/2026, 8h00',
      'Thứ Năm, 26/2/2026, 8h00',
    ]);
    expect(
      show(
        planChases({
          ...base,
          every: 'P1D',
          workingDaysOnly: false,
          until: at('2026-02-16T12:00:00+07:00'),
        }),
      ),
    ).toEqual([
      'Thứ Sáu, 13/2/2026, 8h00',
      'Thứ Bảy, 14/2/2026, 8h00',
      'Chủ nhật, 15/2/2026, 8h00',
      'Thứ Hai, 16/2/2026, 8h00',
    ]);
  });

  it('follows the overrides: a make-up Saturday and an extra day off', () => {
    const makeUp = createWorkCalendar({ extraWorkdays: ['2026-02-21'] });
    expect(
      show(planChases({ ...base, calendar: makeUp, until: at('2026-02-23T23:00:00+07:00') })),
    ).toEqual(['Thứ Sáu, 13/2/2026, 8h00', 'Thứ Bảy, 21/2/2026, 8h00', 'Thứ Hai, 23/2/2026, 8h00']);
    const longer = createWorkCalendar({ extraHolidays: ['2026-02-13', '2026-02-23'] });
    expect(
      planChases({ ...base, calendar: longer }).map((c) => [c.round, formatDateTime(c.at)]),
    ).toEqual([
      [1, 'Thứ Ba, 24/2/2026, 8h00'],
      [2, 'Thứ Tư, 25/2/2026, 8h00'],
      [3, 'Thứ Năm, 26/2/2026, 8h00'],
      [4, 'Thứ Sáu, 27/2/2026, 8h00'],
    ]);
  });

  it('starts after the deadline: the same day when atTime is later, else the next working day', () => {
    const friday17 = at('2024-11-15T17:00:00+07:00');
    const w = { from: friday17, until: at('2024-11-30T00:00:00+07:00'), calendar, maxChases: 1 };
    expect(show(planChases({ ...w, deadline: friday17 }))).toEqual(['Thứ Hai, 18/11/2024, 8h00']);
    const friday7 = at('2024-11-15T07:00:00+07:00');
    expect(show(planChases({ ...w, deadline: friday7, from: friday7 }))).toEqual([
      'Thứ Sáu, 15/11/2024, 8h00',
    ]);
    const friday8 = at('2024-11-15T08:00:00+07:00');
    expect(show(planChases({ ...w, deadline: friday8, from: friday8 }))).toEqual([
      'Thứ Hai, 18/11/2024, 8h00',
    ]);
  });

  it('stops at maxChases', () => {
    const r = planChases({ ...base, maxChases: 3 });
    expect(r.map((c) => c.round)).toEqual([1, 2, 3]);
    expect(planChases({ ...base, maxChases: 0 })).toEqual([]);
    expect(nextChase({ deadline, calendar, maxChases: 3 }, r[2]!.at)).toBeNull();
    expect(nextChase({ deadline, calendar, maxChases: 3 }, r[0]!.at)).toEqual(r[1]);
    expect(() => planChases({ ...base, maxChases: -1 })).toThrow(RangeError);
  });

  it('nextChase is the first round strictly after an instant', () => {
    const all = planChases(base);
    expect(nextChase({ deadline, calendar }, deadline)).toEqual(all[0]);
    expect(nextChase({ deadline, calendar }, at('2026-02-20T12:00:00+07:00'))).toEqual(all[1]);
    expect(nextChase({ deadline, calendar }, all[1]!.at)).toEqual(all[2]);
  });

  describe('cadences under a day', () => {
    const friday17 = at('2024-11-15T17:00:00+07:00');
    const opts = {
      deadline: friday17,
      every: 'PT4H',
      calendar,
      from: friday17,
      until: at('2024-11-18T12:00:00+07:00'),
    };

    it('count from the deadline; quiet hours move and merge rounds', () => {
      const r = planChases({ ...opts, workingDaysOnly: false });
      expect(r.slice(0, 6).map((c) => [c.round, formatDateTime(c.at)])).toEqual([
        [1, 'Thứ Bảy, 16/11/2024, 7h00'], // 21h00, 1h00, 5h00 all wait for 7h00
        [2, 'Thứ Bảy, 16/11/2024, 9h00'],
        [3, 'Thứ Bảy, 16/11/2024, 13h00'],
        [4, 'Thứ Bảy, 16/11/2024, 17h00'],
        [5, 'Chủ nhật, 17/11/2024, 7h00'],
        [6, 'Chủ nhật, 17/11/2024, 9h00'],
      ]);
      expect(
        show(planChases({ ...opts, workingDaysOnly: false, quietHours: null, maxChases: 2 })),
      ).toEqual(['Thứ Sáu, 15/11/2024, 21h00', 'Thứ Bảy, 16/11/2024, 1h00']);
    });

    it('skip days off when workingDaysOnly', () => {
      const r = planChases(opts);
      expect(r.map((c) => [c.round, formatDateTime(c.at)])).toEqual([
        [1, 'Thứ Hai, 18/11/2024, 7h00'],
        [2, 'Thứ Hai, 18/11/2024, 9h00'],
      ]);
    });

    it('have stable rounds too', () => {
      const all = planChases({ ...opts, workingDaysOnly: false });
      const tail = planChases({
        ...opts,
        workingDaysOnly: false,
        from: at('2024-11-17T08:00:00+07:00'),
      });
      expect(tail).toEqual(all.filter((c) => c.at >= at('2024-11-17T08:00:00+07:00')));
      expect(tail[0]?.round).toBe(6);
    });
  });

  it('rejects mixed or too short cadences', () => {
    expect(() => planChases({ ...base, every: 'P1DT2H' })).toThrow(DurationError);
    expect(() => planChases({ ...base, every: 'PT30S' })).toThrow(DurationError);
    expect(() => planChases({ ...base, every: 'P1M' })).toThrow(DurationError);
  });

  it('is lazy: an unbounded sequence can be walked', () => {
    const it = chaseRounds({ deadline, calendar });
    const first = [it.next().value, it.next().value].map((c) => c && c.round);
    expect(first).toEqual([1, 2]);
  });
});
