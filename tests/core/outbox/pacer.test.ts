import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/core/outbox/pacer';

/** Replays a sender whose timers fire late by a random amount (a busy event loop). */
function simulate(pacer: Pacer, sends: number, lateBy: () => number): number[] {
  const actual: number[] = [];
  let now = 0;
  for (let i = 0; i < sends; i++) {
    const wait = pacer.reserve(now);
    const sentAt = now + wait + lateBy();
    pacer.sentAt(sentAt);
    actual.push(sentAt);
    now = sentAt + 1; // the next reservation happens after this send went out
  }
  return actual;
}

function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe('Pacer', () => {
  it('spaces sends evenly: never more than 30 in any 1-second window, even when timers fire late', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const onTime = simulate(new Pacer({ perSecond: 30, perChatPerMinute: 20 }), 1000, () => 0);
    expect(maxInWindow(onTime, 1000)).toBe(30);
    expect((onTime.at(-1)! - onTime[0]!) / 1000).toBeLessThan((1000 / 30) * 1.05);
    const late = simulate(new Pacer({ perSecond: 30, perChatPerMinute: 20 }), 1000, () =>
      rand() < 0.1 ? rand() * 200 : rand() * 3,
    );
    expect(maxInWindow(late, 1000)).toBeLessThanOrEqual(30);
  });

  it('keeps Zalo accounts to one send per gap plus jitter, and honours pauses', () => {
    const pacer = new Pacer(
      { perSecond: 0, perChatPerMinute: 0, minGapMs: 3000, jitterMs: 3000 },
      () => 0.5,
    );
    const times = simulate(pacer, 5, () => 0);
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(4500);
    pacer.pauseAll(times.at(-1)! + 60_000);
    expect(pacer.reserve(times.at(-1)! + 10)).toBeGreaterThanOrEqual(59_000);
  });

  it('holds a chat to 20 messages a minute', () => {
    const pacer = new Pacer({ perSecond: 30, perChatPerMinute: 20 });
    for (let i = 0; i < 20; i++) pacer.recordChat('g1', i * 100);
    expect(pacer.chatAvailableAt('g1', 2000)).toBe(60_000);
    expect(pacer.chatAvailableAt('g2', 2000)).toBe(0);
  });
});
