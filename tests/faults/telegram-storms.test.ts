/**
 * A Bot API having a bad day: 5% of calls answer 502 (an nginx HTML page), and every couple of
 * seconds a 429 storm answers every call "Too Many Requests: retry after N", plus scripted 429s
 * on single sends. 200 queued messages to 200 groups must all arrive, each once, and no send may
 * leave before a retry_after it was given has passed.
 *
 * The fake counts over-limit sends and early retries after its own limit 429s and scripted 429s
 * (`violations`); early sends after a storm 429 are checked here from the call log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertUnits } from '../../src/core/units/repo';
import { startTelegramHarness, type Harness } from '../helpers/telegram-harness';

const GROUPS = 200;
const groupId = (i: number) => String(-300_000 - i);
let h: Harness;

beforeAll(async () => {
  h = await startTelegramHarness({ fake: { failureRate502: 0.05, seed: 20_241_115 } });
  await upsertUnits(
    h.db.db,
    Array.from({ length: GROUPS }, (_, i) => ({
      code: `S${String(i + 1).padStart(3, '0')}`,
      name: `Đơn vị ${i + 1}`,
    })),
  );
  const units = await h.db.db.selectFrom('units').select(['id', 'code']).orderBy('code').execute();
  await h.db.db
    .insertInto('chats')
    .values(
      units.map((u, i) => ({
        platform: 'telegram',
        external_id: groupId(i + 1),
        title: `Nhóm ${u.code}`,
        role: 'unit' as const,
        unit_id: u.id,
      })),
    )
    .execute();
}, 60_000);
afterAll(() => h.close());

interface RateLimit {
  at: number;
  chatId: string;
  retryAfterMs: number;
  scripted: boolean;
}

describe('Telegram 502s and 429 storms during a 200-group broadcast', () => {
  it('delivers every message once, retrying, and never sends before a retry_after has passed', async () => {
    const TEXT = 'Thông báo kiểm thử: API Telegram chập chờn (502, 429).';
    let storms = 0;
    let scripted = 0;
    let tick = 0;
    // Every 2 s something goes wrong: alternately a 1 s storm, or a single scripted 429 (retry after 2).
    const chaos = setInterval(() => {
      tick++;
      if (tick % 2 === 0) {
        h.fake.failNext('sendMessage', 1, 429, { retryAfter: 2 });
        scripted++;
      } else {
        h.fake.storm429(1000);
        storms++;
      }
    }, 2000);
    const started = Date.now();
    try {
      const res = await h.api('POST', '/broadcasts', { text: TEXT, units: 'all' });
      expect(res.status).toBe(201);
      // Until nothing is queued or sending at all (h.settle() ignores rows due in over 2 s: backoffs).
      const until = Date.now() + 90_000;
      for (;;) {
        const states = await h.db.db
          .selectFrom('outbox')
          .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('state')
          .execute();
        if (!states.some((x) => (x.state === 'queued' || x.state === 'sending') && Number(x.n) > 0))
          break;
        if (Date.now() > until)
          throw new Error(
            `outbox did not drain: ${JSON.stringify(states)}; worker: ${JSON.stringify(h.service.workers.get('telegram')?.stats)}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      clearInterval(chaos);
    }
    const seconds = (Date.now() - started) / 1000;

    const groups = new Set(Array.from({ length: GROUPS }, (_, i) => groupId(i + 1)));
    const sends = h.fake.callsOf('sendMessage').filter((c) => groups.has(String(c.params.chat_id)));
    const ok = new Map<string, number>();
    for (const c of sends.filter((x) => x.status === 200))
      ok.set(String(c.params.chat_id), (ok.get(String(c.params.chat_id)) ?? 0) + 1);

    // Every 429 the bot received, and when it may come back. A storm answers every call, so its
    // retry_after holds for the whole bot; a scripted 429 (retry after 2) is about its chat only
    // (the fake itself counts early retries to that chat in `violations`).
    const limits: RateLimit[] = sends
      .filter((c) => c.status === 429)
      .map((c) => {
        const s = Number(/retry after (\d+)/.exec(c.error?.description ?? '')?.[1] ?? 1);
        return {
          at: c.at,
          chatId: String(c.params.chat_id),
          retryAfterMs: s * 1000,
          scripted: s === 2,
        };
      });
    // A send already on the wire when the 429 arrived is not early: a few ms of grace for that.
    const GRACE_MS = 5;
    const earlyFor = (c: (typeof sends)[number]) =>
      limits.find(
        (l) =>
          (!l.scripted || l.chatId === String(c.params.chat_id)) &&
          c.at > l.at + GRACE_MS &&
          c.at < l.at + l.retryAfterMs - GRACE_MS,
      );
    const early = sends.filter((c) => earlyFor(c) !== undefined);

    const summary = {
      test: 'faults/telegram-storms',
      groups: GROUPS,
      seconds,
      calls: sends.length,
      delivered: [...ok.values()].reduce((a, b) => a + b, 0),
      answered502: sends.filter((c) => c.status === 502).length,
      answered429: limits.length,
      storms,
      scripted429: scripted,
      fakeViolations: h.fake.violations,
      earlyAfter429: early.length,
      earlyExamples: early.slice(0, 5).map((c) => {
        const l = earlyFor(c)!;
        return {
          msAfter429: c.at - l.at,
          retryAfterMs: l.retryAfterMs,
          scripted: l.scripted,
          status: c.status,
        };
      }),
    };
    console.log(JSON.stringify(summary));

    expect(ok.size).toBe(GROUPS);
    expect([...ok.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(summary.answered502).toBeGreaterThan(0);
    expect(summary.answered429).toBeGreaterThan(0);
    const status = (await (await h.api('GET', '/broadcasts/1')).json()) as {
      total: number;
      sent: number;
      failed: number;
      pending: number;
    };
    expect(status).toMatchObject({ total: GROUPS, sent: GROUPS, failed: 0, pending: 0 });
    expect(h.fake.violations).toBe(0);
    expect(early.length).toBe(0);
  }, 150_000);
});
