/**
 * Finding: one date froze the service for minutes. `POST /api/campaigns/:id/extensions` with
 * `until: 9999-12-31` never answered, `/giahan … 31/12/2150` froze it for 10 s and a cadence of
 * `P99999999W` froze the tick: the chase planner walked working days one by one. Replayed against
 * a separate service process (a freeze there cannot stall the test runner), with /healthz polled
 * throughout: every answer within 2 s, refusals as 4xx or a polite chat answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rp, rules } from '../../src/messages/vi';
import { FakeTelegramApi } from '../fakes/telegram-api';
import { createTelegramUpdates, type TgChat, type TgUser } from '../fakes/telegram-updates';
import { killAll, spawnService, waitFor, type ServiceProcess } from '../helpers/processes';

let fake: FakeTelegramApi;
let proc: ServiceProcess;
let tg: ReturnType<typeof createTelegramUpdates>;
let org: TgChat;
let lan: TgUser;
let campaign: number;
/** The slowest /healthz answer seen while the attacks ran (ms). */
let worstHealth = 0;
let probing = true;
let probe: Promise<void>;

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function timed(run: () => Promise<Response>): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await run();
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

beforeAll(async () => {
  fake = new FakeTelegramApi();
  await fake.start();
  proc = await spawnService({
    databaseUrl: '',
    telegramApiRoot: fake.url,
    instanceId: 'bounds',
    readyTimeoutMs: 90_000,
  });
  tg = createTelegramUpdates({ bot: fake.bot });
  expect((await proc.api('PUT', '/units', [{ code: 'YT', name: 'Sở Y tế' }])).status).toBe(200);
  const created = await proc.api('POST', '/campaigns', {
    title: 'Báo cáo quý',
    deadline: future(10),
    units: 'all',
  });
  expect(created.status).toBe(201);
  campaign = ((await created.json()) as { id: number }).id;
  org = tg.group({ title: 'Ban tổ chức' });
  lan = tg.user({ first_name: 'Lan' });
  const { joinCode } = (await (await proc.api('GET', '/organizer-code')).json()) as {
    joinCode: string;
  };
  await proc.postUpdate(tg.command(org, lan, '/lienket', joinCode));
  await waitFor(() => fake.textsTo(org.id).length > 0, 10_000, 'the link answer');
  probe = (async () => {
    while (probing) {
      const { ms } = await timed(() => fetch(`${proc.url}/healthz`));
      worstHealth = Math.max(worstHealth, ms);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}, 120_000);

afterAll(async () => {
  probing = false;
  await probe?.catch(() => {});
  await killAll([proc]);
  await fake.stop();
});

describe('dates and cadences far out are refused at once', () => {
  it('an extension to 9999-12-31 is a 4xx within 2 s', async () => {
    const r = await timed(() =>
      proc.api('POST', `/campaigns/${campaign}/extensions`, {
        unit: 'YT',
        until: '9999-12-31T23:59:59Z',
      }),
    );
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.ms).toBeLessThan(2000);
  });

  it('a deadline in 9999 and a cadence of P99999999W are 4xx within 2 s', async () => {
    for (const body of [
      { title: 'Xa', deadline: '9999-12-31T00:00:00Z', units: 'all' },
      { title: 'Dày', deadline: future(5), units: 'all', chaseEvery: 'P99999999W' },
      { title: 'Gần', deadline: future(5), units: 'all', chaseEvery: 'PT1S' },
      { title: 'Trước', deadline: future(5), units: 'all', remindBefore: ['P99999D'] },
    ]) {
      const r = await timed(() => proc.api('POST', '/campaigns', body));
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(r.ms).toBeLessThan(2000);
    }
  });

  it('/giahan to 31/12/2150 in the organizer group gets a polite answer within 2 s', async () => {
    const before = fake.textsTo(org.id).length;
    const t0 = performance.now();
    const res = await proc.postUpdate(tg.command(org, lan, '/giahan', 'Sở Y tế 31/12/2150'));
    expect(res.status).toBe(200);
    await waitFor(() => fake.textsTo(org.id).length > before, 5_000, 'the answer');
    expect(performance.now() - t0).toBeLessThan(2000);
    const answer = fake.textsTo(org.id).at(-1)!;
    expect(answer).toBe(rules.instantOutOfRange(rp.extensionLabel()));
  });

  it('/healthz answered within 1 s throughout', () => {
    expect(worstHealth).toBeGreaterThan(0);
    expect(worstHealth).toBeLessThan(1000);
  });
});
