/**
 * Two service processes on one Postgres schema, one fake Bot API. A broadcast to 300 groups and
 * a reminder round run while the process holding the outbox lease is SIGKILLed: the other takes
 * over after the lease expires, the killed one comes back, and in the end every group has every
 * message, with duplicates bounded by the requests in flight at the kill (the documented crash
 * window of src/core/outbox/worker.ts) and no reminder planned twice. Then SIGTERM: a graceful
 * exit with code 0 that leaves no row 'sending'.
 *
 * Always on the real Postgres (PG_BASE_URL), in a fresh schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertUnits } from '../../src/core/units/repo';
import { FakeTelegramApi } from '../fakes/telegram-api';
import {
  freshPgSchema,
  killAll,
  pgAvailable,
  PROC_TOKEN,
  spawnService,
  waitFor,
  type PgFixture,
  type ServiceProcess,
} from '../helpers/processes';

const HAVE_PG = await pgAvailable();
if (!HAVE_PG)
  console.warn('tests/faults/kill.test.ts: Postgres at 127.0.0.1:5432 not reachable; skipped');

const GROUPS = 300;
/** OutboxWorker's default maxInFlight: the bound on duplicates after one crash. */
const IN_FLIGHT_BOUND = 16;
const groupId = (i: number) => String(-200_000 - i);
const groups = Array.from({ length: GROUPS }, (_, i) => groupId(i + 1));
const groupSet = new Set(groups);

let fake: FakeTelegramApi;
let pg: PgFixture;
const procs: ServiceProcess[] = [];

async function outboxPending(): Promise<number> {
  const r = await pg.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', 'in', ['queued', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function holder(): Promise<string | null> {
  const r = await pg.db
    .selectFrom('leases')
    .select('holder')
    .where('name', '=', 'outbox:telegram')
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  return r?.holder ?? null;
}

/** Successful sendMessage calls per chat, for texts matching `pick`. */
function deliveries(pick: (text: string) => boolean): Map<string, number> {
  const per = new Map<string, number>();
  for (const c of fake.callsOf('sendMessage')) {
    const chat = String(c.params.chat_id);
    if (c.status !== 200 || !groupSet.has(chat) || !pick(String(c.params.text ?? ''))) continue;
    per.set(chat, (per.get(chat) ?? 0) + 1);
  }
  return per;
}

const dump = () => procs.flatMap((p) => p.output().slice(-15)).join('\n');

beforeAll(async () => {
  if (!HAVE_PG) return;
  // 60 ms per answer: at ~30 sends/s a couple of requests are always on the wire, so the kill
  // lands inside the crash window (sent by the platform, not yet recorded as sent).
  fake = new FakeTelegramApi({ token: PROC_TOKEN, latencyMs: 60 });
  await fake.start();
  pg = await freshPgSchema();
  await upsertUnits(
    pg.db,
    Array.from({ length: GROUPS }, (_, i) => ({
      code: `K${String(i + 1).padStart(3, '0')}`,
      name: `Đơn vị ${i + 1}`,
      category: i % 2 ? 'UBND cấp xã' : 'Sở, ban, ngành',
    })),
  );
  const started = await Promise.all(
    ['kill-a', 'kill-b'].map((id) =>
      spawnService({ databaseUrl: pg.url, telegramApiRoot: fake.url, instanceId: id }),
    ),
  );
  procs.push(...started);
}, 90_000);

afterAll(async () => {
  if (!HAVE_PG) return;
  await killAll(procs);
  await fake?.stop();
  await pg?.drop();
}, 60_000);

describe.skipIf(!HAVE_PG)(
  'SIGKILL of the outbox lease holder during a broadcast and a reminder round',
  () => {
    it('every group gets the broadcast and the reminder; duplicates ≤ requests in flight; no reminder twice', async () => {
      const [a, b] = procs as [ServiceProcess, ServiceProcess];
      const now = Date.now();
      // A requirement due in 10 minutes with one reminder 15 s from now: it falls during the run.
      // Created before the groups are linked, so its notice goes nowhere and the run stays short.
      const campaign = await a.api('POST', '/campaigns', {
        title: 'Báo cáo kiểm thử sự cố',
        deadline: new Date(now + 600_000).toISOString(),
        units: 'all',
        remindBefore: ['PT585S'],
        chaseEvery: null,
        quietHours: null,
        workingDaysOnly: false,
      });
      expect(campaign.status, await campaign.clone().text()).toBe(201);
      const campaignId = ((await campaign.json()) as { id: number }).id;
      const job = await pg.db
        .selectFrom('scheduled_jobs')
        .selectAll()
        .where('campaign_id', '=', campaignId)
        .where('kind', '=', 'campaign.remind')
        .execute();
      expect(job).toHaveLength(1);
      // 300 linked groups, set up directly (linking each by /lienket would send 300 replies).
      const units = await pg.db
        .selectFrom('units')
        .select(['id', 'code'])
        .orderBy('code')
        .execute();
      await pg.db
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

      const BROADCAST =
        'Kính gửi các đơn vị: thông báo kiểm thử khi một tiến trình bị tắt đột ngột.';
      const bc = await b.api('POST', '/broadcasts', { text: BROADCAST, units: 'all' });
      expect(bc.status).toBe(201);

      // Mid-way: after 100 deliveries, SIGKILL the process holding the outbox lease.
      await waitFor(
        () =>
          fake
            .callsOf('sendMessage')
            .filter((c) => c.status === 200 && groupSet.has(String(c.params.chat_id))).length >=
          100,
        60_000,
        '100 deliveries',
      );
      const victimId = await holder();
      const victim = procs.find((p) => p.instanceId === victimId);
      expect(victim, `lease holder ${victimId}`).toBeDefined();
      const survivor = victim === a ? b : a;
      const sendsAtKill = fake.callsOf('sendMessage').length;
      const killedAt = Date.now();
      const exit = await victim!.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      const sendingAtKill = await pg.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('state', '=', 'sending')
        .where('locked_by', '=', victimId)
        .executeTakeFirstOrThrow();

      // The survivor takes the lease once it expires (15 s), then the killed one comes back.
      await waitFor(
        async () => (await holder()) === survivor.instanceId,
        30_000,
        `${survivor.instanceId} to take the outbox lease\n${dump()}`,
      );
      const takeoverMs = Date.now() - killedAt;
      const restarted = await victim!.restart();
      procs.splice(procs.indexOf(victim!), 1, restarted);
      // Rows the dead process had claimed come back when their row lease (60 s after the claim)
      // ends. Fast-forward that minute: the survivor then sends them again, as it would.
      const claimed = await pg.db
        .updateTable('outbox')
        .set({ lease_until: new Date() })
        .where('state', '=', 'sending')
        .where('locked_by', '=', victimId)
        .returning('id')
        .execute();

      // Everything drains: the reminder job ran once and nothing is left queued or sending.
      await waitFor(
        async () => {
          const j = await pg.db
            .selectFrom('scheduled_jobs')
            .select('state')
            .where('id', '=', job[0]!.id)
            .executeTakeFirstOrThrow();
          return j.state === 'done' && (await outboxPending()) === 0;
        },
        120_000,
        `reminder sent and outbox drained\n${dump()}`,
        250,
      );
      await new Promise((r) => setTimeout(r, 500));

      // What each chat should have received, from the outbox itself.
      const rows = await pg.db
        .selectFrom('outbox')
        .select(['chat_external_id', 'purpose', 'payload', 'state'])
        .execute();
      const textsOf = (purpose: string) =>
        new Set(
          rows
            .filter((r) => r.purpose === purpose)
            .map((r) => (r.payload as { text: string }).text),
        );
      const reminderTexts = textsOf('reminder');
      expect(reminderTexts.size).toBeGreaterThan(0);
      // Planned once: exactly one reminder row per group in the outbox.
      const reminderRows = new Map<string, number>();
      for (const r of rows.filter((x) => x.purpose === 'reminder'))
        reminderRows.set(r.chat_external_id, (reminderRows.get(r.chat_external_id) ?? 0) + 1);
      expect(reminderRows.size).toBe(GROUPS);
      expect([...reminderRows.values()].every((n) => n === 1)).toBe(true);
      expect(rows.filter((r) => groupSet.has(r.chat_external_id) && r.state !== 'sent')).toEqual(
        [],
      );

      const kinds = {
        broadcast: deliveries((t) => t.includes(BROADCAST)),
        reminder: deliveries((t) => reminderTexts.has(t)),
      };
      let duplicates = 0;
      const dupByKind: Record<string, number> = {};
      for (const [kind, per] of Object.entries(kinds)) {
        const missing = groups.filter((g) => !per.get(g));
        expect(missing, `${kind} missing in ${missing.length} groups`).toEqual([]);
        const d = [...per.values()].reduce((s, n) => s + n - 1, 0);
        dupByKind[kind] = d;
        duplicates += d;
      }
      const report = {
        test: 'faults/kill',
        groups: GROUPS,
        killed: victimId,
        sendsAtKill,
        rowsSendingAtKill: Number(sendingAtKill.n),
        rowsReclaimed: claimed.length,
        takeoverMs,
        duplicates,
        duplicatesByKind: dupByKind,
        inFlightBound: IN_FLIGHT_BOUND,
        violations: fake.violations,
        violationLog: fake.violationLog
          .slice(0, 10)
          .map((v) => ({ ...v, msAfterKill: v.at - killedAt })),
        totalSendMessage: fake.callsOf('sendMessage').length,
      };
      console.log(JSON.stringify(report));
      expect(duplicates).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
      // The reminder went out after the kill: not a single group got it twice.
      expect(dupByKind.reminder).toBe(0);
    }, 200_000);

    it('SIGTERM: exits 0 within a few seconds, leaves no row "sending", and the other instance finishes the broadcast once per group', async () => {
      const BROADCAST = 'Thông báo thứ hai: kiểm thử dừng có kiểm soát (SIGTERM).';
      const first = procs[0]!;
      // Half the groups (one category): enough to be stopped mid-way, quick to finish.
      expect(
        (
          await first.api('POST', '/broadcasts', {
            text: BROADCAST,
            units: { categories: ['UBND cấp xã'] },
          })
        ).status,
      ).toBe(201);
      await waitFor(
        () => (deliveries((t) => t.includes(BROADCAST)).size >= 40 ? true : null),
        60_000,
        '40 deliveries of the second broadcast',
      );
      const holderId = await holder();
      const target = procs.find((p) => p.instanceId === holderId)!;
      expect(target).toBeDefined();
      const other = procs.find((p) => p !== target)!;

      const t0 = Date.now();
      const exit = await target.kill('SIGTERM', 15_000);
      const exitMs = Date.now() - t0;
      expect(exit.code, target.output().slice(-20).join('\n')).toBe(0);
      expect(exitMs).toBeLessThan(5_000);
      const left = await pg.db
        .selectFrom('outbox')
        .select(['id', 'state'])
        .where('state', '=', 'sending')
        .where('locked_by', '=', target.instanceId)
        .execute();
      expect(left).toEqual([]);

      await waitFor(
        async () => (await outboxPending()) === 0,
        60_000,
        `outbox drained by ${other.instanceId}\n${dump()}`,
        250,
      );
      const per = deliveries((t) => t.includes(BROADCAST));
      const targeted = groups.filter((_, i) => i % 2 === 1);
      expect(targeted.filter((g) => !per.get(g))).toEqual([]);
      expect(per.size).toBe(targeted.length);
      const dup = [...per.values()].filter((n) => n > 1).length;
      console.log(
        JSON.stringify({
          test: 'faults/kill sigterm',
          stopped: target.instanceId,
          exitCode: exit.code,
          exitMs,
          duplicates: dup,
          leftSending: left.length,
        }),
      );
      expect(dup).toBe(0);
      // The stopped instance released its lease: the other took over without waiting 15 s.
      expect(await holder()).toBe(other.instanceId);
      const h = await fetch(`${other.url}/healthz`);
      expect(h.status).toBe(200);
    }, 120_000);
  },
);
