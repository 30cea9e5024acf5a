/**
 * Properties over random inputs: the fast paths agree with simple reference walks, and
 * the local-time conversion agrees with dayjs.tz.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorkCalendar } from '../../../src/core/time/calendar';
import {
  atLocal,
  formatDate,
  formatDateTime,
  localDateKey,
  localParts,
} from '../../../src/core/time/format';
import { parseUserDate } from '../../../src/core/time/parse';
import {
  type QuietHours,
  chaseRounds,
  planChases,
  quietWindowAt,
} from '../../../src/core/time/schedule';

dayjs.extend(utc);
dayjs.extend(timezone);

const ZONES = [
  'Asia/Ho_Chi_Minh',
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
];
const instant = fc
  .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) })
  .map((t) => new Date(t));
const zone = fc.constantFrom(...ZONES);

describe('local time agrees with dayjs.tz', () => {
  it('localParts / localDateKey', () => {
    fc.assert(
      fc.property(instant, zone, (d, tz) => {
        const p = localParts(d, tz);
        const l = dayjs(d).tz(tz);
        expect([p.year, p.month, p.day, p.hour, p.minute, p.second, p.weekday]).toEqual([
          l.year(),
          l.month() + 1,
          l.date(),
          l.hour(),
          l.minute(),
          l.second(),
          l.day(),
        ]);
        expect(localDateKey(d, tz)).toBe(l.format('YYYY-MM-DD'));
      }),
      { numRuns: 500 },
    );
  });

  it('atLocal takes the first of a repeated hour on either side of Greenwich', () => {
    // Clocks go back: 01:30 happens twice in New York (EDT, then EST), 02:30 twice in Berlin.
    expect(atLocal('2035-11-04', '01:30', 'America/New_York').toISOString()).toBe(
      '2035-11-04T05:30:00.000Z',
    );
    expect(atLocal('2035-10-28', '02:30', 'Europe/Berlin').toISOString()).toBe(
      '2035-10-28T00:30:00.000Z',
    );
    // Clocks go forward: 02:30 does not exist in New York; the time after the gap is 03:30.
    expect(atLocal('2035-03-11', '02:30', 'America/New_York').toISOString()).toBe(
      '2035-03-11T07:30:00.000Z',
    );
    expect(atLocal('2024-11-10', '08:00').toISOString()).toBe('2024-11-10T01:00:00.000Z');
  });

  it('atLocal round-trips a wall time (outside DST gaps)', () => {
    fc.assert(
      fc.property(
        instant,
        zone,
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        (d, tz, h, m) => {
          const key = localDateKey(d, tz);
          const hhmm = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
          const got = atLocal(key, hhmm, tz);
          const p = localParts(got, tz);
          if (p.hour !== h || p.minute !== m) return; // a wall time skipped by DST
          expect(localDateKey(got, tz)).toBe(key);
          const theirs = dayjs.tz(`${key} ${hhmm}`, tz).valueOf();
          if (theirs !== got.getTime()) {
            // An hour that happens twice (clocks set back): both are this wall time, and ours is
            // the first (dayjs picks either, depending on the zone).
            const other = localParts(new Date(theirs), tz);
            expect([other.hour, other.minute, localDateKey(new Date(theirs), tz)]).toEqual([
              h,
              m,
              key,
            ]);
            expect(got.getTime()).toBeLessThan(theirs);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parse ∘ format', () => {
  it('reads back what formatDate and formatDateTime write', () => {
    fc.assert(
      fc.property(instant, (d) => {
        const minute = new Date(Math.floor(d.getTime() / 60_000) * 60_000);
        expect(parseUserDate(formatDate(minute), minute)?.dateKey).toBe(localDateKey(minute));
        const dt = parseUserDate(formatDateTime(minute), minute);
        expect(dt?.date.getTime()).toBe(minute.getTime());
        expect(dt?.hasTime).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

/** The plainest reading of the sub-day chase rules: walk every raw instant. */
function referenceSubDay(o: {
  deadline: Date;
  stepMs: number;
  quiet: QuietHours | null;
  workingDaysOnly: boolean;
  n: number;
}) {
  const cal = createWorkCalendar();
  const out: Array<{ at: number; round: number }> = [];
  let last = -Infinity;
  for (let k = 1; out.length < o.n && k < 200_000; k++) {
    const raw = new Date(o.deadline.getTime() + k * o.stepMs);
    const landing = (quietWindowAt(raw, o.quiet)?.end ?? raw).getTime();
    if (o.workingDaysOnly && !cal.isWorkingDay(localDateKey(new Date(landing)))) continue;
    if (landing <= last) continue;
    last = landing;
    out.push({ at: landing, round: out.length + 1 });
  }
  return out;
}

const quietArb = fc.oneof(
  fc.constant(null),
  fc
    .tuple(fc.integer({ min: 0, max: 47 }), fc.integer({ min: 0, max: 47 }))
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => {
      const t = (x: number) =>
        `${String(Math.floor(x / 2)).padStart(2, '0')}:${x % 2 ? '30' : '00'}`;
      return { from: t(a), to: t(b) };
    }),
);

describe('chase rounds', () => {
  const deadlineArb = fc
    .integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 6, 1) })
    .map((t) => new Date(Math.floor(t / 60_000) * 60_000));

  it('under a day: the jumping walk equals the reference walk', () => {
    fc.assert(
      fc.property(
        deadlineArb,
        fc.integer({ min: 1, max: 24 * 60 - 1 }),
        quietArb,
        fc.boolean(),
        (deadline, minutes, quiet, workingDaysOnly) => {
          const n = 25;
          const got = [];
          for (const c of chaseRounds({
            deadline,
            every: `PT${minutes}M`,
            quietHours: quiet,
            workingDaysOnly,
          })) {
            got.push({ at: c.at.getTime(), round: c.round });
            if (got.length >= n) break;
          }
          expect(got).toEqual(
            referenceSubDay({ deadline, stepMs: minutes * 60_000, quiet, workingDaysOnly, n }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('round k is the same instant whatever the window', () => {
    fc.assert(
      fc.property(
        deadlineArb,
        fc.constantFrom('P1D', 'P2D', 'P1W', 'PT4H', 'PT90M'),
        quietArb,
        fc.boolean(),
        fc.integer({ min: 0, max: 20 * 86_400_000 }),
        fc.integer({ min: 0, max: 20 * 86_400_000 }),
        (deadline, every, quiet, workingDaysOnly, a, b) => {
          const base = { deadline, every, quietHours: quiet, workingDaysOnly };
          const until = new Date(deadline.getTime() + 40 * 86_400_000);
          const all = planChases({ ...base, from: deadline, until });
          const from = new Date(deadline.getTime() + Math.min(a, b));
          const to = new Date(deadline.getTime() + Math.max(a, b));
          expect(planChases({ ...base, from, until: to })).toEqual(
            all.filter((c) => c.at >= from && c.at <= to),
          );
          all.forEach((c, i) => {
            expect(c.round).toBe(i + 1);
            expect(c.at.getTime()).toBeGreaterThan(deadline.getTime());
            if (i > 0) expect(c.at.getTime()).toBeGreaterThan(all[i - 1]!.at.getTime());
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
