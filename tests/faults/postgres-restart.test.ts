/**
 * The database goes away under a running service (a child process on its own Postgres
 * database): every backend is terminated again and again, then connections are refused for a
 * few seconds, the way a Postgres restart looks from the client. Webhooks posted meanwhile get
 * 5xx (Telegram redelivers) or succeed; afterwards the service recovers without an operator:
 * healthz is ok, redelivered and new updates are handled once each, the outbox drains.
 *
 * Scoped to a database of its own (created and dropped here), so test files running in
 * parallel on the same server are not disturbed.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertUnits } from '../../src/core/units/repo';
import { openPostgres, type DbHandle } from '../../src/db/client';
import { t } from '../../src/messages/vi';
import { FakeTelegramApi } from '../fakes/telegram-api';
import { createTelegramUpdates, type TgUpdate } from '../fakes/telegram-updates';
import {
  freshPgDatabase,
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
  console.warn(
    'tests/faults/postgres-restart.test.ts: Postgres at 127.0.0.1:5432 not reachable; skipped',
  );

let fake: FakeTelegramApi;
let pg: PgFixture & { adminUrl: string };
let admin: DbHandle;
let svc: ServiceProcess;
const tg = createTelegramUpdates({ startUpdateId: 700_000_001 });
/** One linked group per update: Telegram's 20 messages/min per group must not pace the replies. */
const GROUPS = 80;
const groups = Array.from({ length: GROUPS }, (_, i) =>
  tg.group({ title: `Nhóm đơn vị ${i + 1}` }),
);
let nextGroup = 0;
const group = () => groups[nextGroup++ % GROUPS]!;
const user = tg.user({ first_name: 'Minh' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function terminateBackends(): Promise<number> {
  const r = await sql<{
    n: number;
  }>`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = ${pg.name} AND pid <> pg_backend_pid()`.execute(
    admin.db,
  );
  return Number(r.rows[0]?.n ?? 0);
}

async function allowConnections(allow: boolean): Promise<void> {
  await sql
    .raw(`ALTER DATABASE ${pg.name} WITH ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`)
    .execute(admin.db);
}

/** Posts an update; a network error counts as status 0 (Telegram would redeliver). */
async function post(u: TgUpdate): Promise<number> {
  try {
    const res = await svc.postUpdate(u);
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

const chatOf = (u: TgUpdate) => (u.message as { chat: { id: number } }).chat.id;
const messageIdOf = (u: TgUpdate) => (u.message as { message_id: number }).message_id;
const repliesTo = (u: TgUpdate) =>
  fake.messagesTo(chatOf(u)).filter((m) => m.reply_to_message_id === messageIdOf(u));
const unitNameOf = (u: TgUpdate) => `Đơn vị ${groups.findIndex((g) => g.id === chatOf(u)) + 1}`;

beforeAll(async () => {
  if (!HAVE_PG) return;
  fake = new FakeTelegramApi({ token: PROC_TOKEN });
  await fake.start();
  pg = await freshPgDatabase();
  admin = await openPostgres(pg.adminUrl, { max: 1 });
  await upsertUnits(
    pg.db,
    groups.map((_, i) => ({
      code: `P${String(i + 1).padStart(3, '0')}`,
      name: `Đơn vị ${i + 1}`,
      category: 'Sở, ban, ngành',
    })),
  );
  const units = await pg.db.selectFrom('units').select(['id', 'code']).orderBy('code').execute();
  await pg.db
    .insertInto('chats')
    .values(
      units.map((u, i) => ({
        platform: 'telegram',
        external_id: String(groups[i]!.id),
        title: groups[i]!.title!,
        role: 'unit' as const,
        unit_id: u.id,
      })),
    )
    .execute();
  // The test's own pool must not hold connections the outage would break mid-assertion.
  await pg.handle.close();
  svc = await spawnService({
    databaseUrl: pg.url,
    telegramApiRoot: fake.url,
    instanceId: 'pg-restart',
  });
}, 90_000);

afterAll(async () => {
  if (!HAVE_PG) return;
  await allowConnections(true).catch(() => {});
  if (process.env.TEST_DUMP_CHILD) console.log(svc?.output().join('\n'));
  await killAll([svc]);
  await fake?.stop();
  await admin?.close();
  await pg?.drop();
}, 60_000);

describe.skipIf(!HAVE_PG)('Postgres connections cut under a running service', () => {
  it('answers 5xx or handles each webhook during the outage, and recovers on its own afterwards', async () => {
    const before = tg.command(group(), user, '/huongdan');
    expect(await post(before)).toBe(200);
    await waitFor(() => repliesTo(before).length === 1, 15_000, 'reply before the outage');

    // Phase 1 (~3 s): every backend of the database terminated every 100 ms while updates arrive.
    const updates: TgUpdate[] = [];
    const statuses = new Map<number, number>();
    let terminated = 0;
    let cutting = true;
    const cutter = (async () => {
      while (cutting) {
        terminated += await terminateBackends();
        await sleep(100);
      }
    })();
    const poster = async (ms: number) => {
      const until = Date.now() + ms;
      const pending: Array<Promise<void>> = [];
      while (Date.now() < until) {
        const u = tg.command(group(), user, '/huongdan');
        updates.push(u);
        pending.push(post(u).then((s) => void statuses.set(u.update_id, s)));
        await sleep(120);
      }
      await Promise.all(pending);
    };
    await poster(3000);
    // Phase 2 (~3 s): Postgres "down": connections refused, existing ones terminated.
    await allowConnections(false);
    terminated += await terminateBackends();
    const healthDuring = await fetch(`${svc.url}/healthz`)
      .then((r) => r.status)
      .catch(() => 0);
    await poster(3000);
    cutting = false;
    await cutter;
    await allowConnections(true);
    const outageEnded = Date.now();

    // The process must survive the outage (an unhandled pg 'error' event would kill it).
    const dead = await Promise.race([svc.exited, sleep(200).then(() => null)]);
    expect(
      dead,
      `service process died during the outage:\n${svc
        .output()
        .slice(-25)
        .map((l) => l.slice(0, 400))
        .join('\n')}`,
    ).toBeNull();

    const codes = [...statuses.values()];
    // Nothing but "handled" or "try again": the updates are fine, only the database is away.
    expect(
      codes.filter((s) => s !== 200 && s !== 0 && s < 500),
      JSON.stringify(codes),
    ).toEqual([]);

    // Recovery: healthz ok, then Telegram's redeliveries of what failed.
    await waitFor(
      async () => (await fetch(`${svc.url}/healthz`)).status === 200,
      30_000,
      'healthz ok after the outage',
    );
    const recoveredMs = Date.now() - outageEnded;
    const failed = updates.filter((u) => statuses.get(u.update_id) !== 200);
    for (const u of failed) {
      await waitFor(
        async () => (await post(u)) === 200,
        20_000,
        `redelivery of ${u.update_id} accepted`,
      );
    }
    // Redelivering one that already succeeded changes nothing.
    const ok = updates.find((u) => statuses.get(u.update_id) === 200);
    if (ok) expect(await post(ok)).toBe(200);

    const after = tg.command(group(), user, '/huongdan');
    expect(await post(after)).toBe(200);

    const check = await openPostgres(pg.url, { max: 2 });
    try {
      // A delivery whose "sent" could not be recorded (connection cut right after the platform
      // answered) stays 'sending' until its 60 s row lease ends, then goes out again: the
      // documented crash window. Fast-forward those leases instead of waiting a minute.
      // (Once the worker is idle: nothing due is queued; a row claimed over 3 s ago is not in its hands.)
      await waitFor(
        async () => {
          const r = await check.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('state', '=', 'queued')
            .where('not_before', '<=', new Date())
            .executeTakeFirstOrThrow();
          return Number(r.n) === 0;
        },
        30_000,
        'the outbox worker to be idle',
        200,
      );
      await sleep(2500); // a batch in progress (≤ 60 rows, 34 ms apart) has finished by now
      const stuck = await sql<{
        id: number;
      }>`UPDATE outbox SET lease_until = now() WHERE state = 'sending' AND lease_until < now() + interval '57 seconds' RETURNING id`.execute(
        check.db,
      );
      await waitFor(
        async () => {
          const r = await check.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('state', 'in', ['queued', 'sending'])
            .executeTakeFirstOrThrow();
          return Number(r.n) === 0;
        },
        60_000,
        `outbox drained\n${svc.output().slice(-20).join('\n')}`,
        200,
      );
      // A broadcast after the outage goes out too: the outbox worker is alive.
      const bc = await svc.api('POST', '/broadcasts', {
        text: 'Sau sự cố cơ sở dữ liệu: thông báo kiểm thử.',
        units: 'all',
      });
      expect(bc.status).toBe(201);
      await waitFor(
        () =>
          groups.every((g) =>
            fake.textsTo(g.id).some((x) => x.includes('Sau sự cố cơ sở dữ liệu')),
          ),
        30_000,
        'broadcast after the outage',
      );

      // Every update posted (before, during, after) was handled exactly once, with its real answer.
      const all = [before, ...updates, after];
      // Handled once: one reply row per update in the outbox (what the core decided)…
      const replyRows = await check.db
        .selectFrom('outbox')
        .select(['chat_external_id', 'payload'])
        .where('purpose', '=', 'reply')
        .execute();
      const rowsPerUpdate = all.map(
        (u) =>
          replyRows.filter(
            (r) =>
              r.chat_external_id === String(chatOf(u)) &&
              (r.payload as { replyToMessageId?: string }).replyToMessageId ===
                String(messageIdOf(u)),
          ).length,
      );
      // …and delivered at least once; a second delivery only from the crash window above.
      const counts = all.map((u) => repliesTo(u).length);
      const duplicates = counts.reduce((n, c) => n + Math.max(0, c - 1), 0);
      const apologies = all.filter((u) => repliesTo(u).some((m) => m.text === t.internalError()));
      const processed = await check.db
        .selectFrom('processed_updates')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('platform', '=', 'telegram')
        .executeTakeFirstOrThrow();
      console.log(
        JSON.stringify({
          test: 'faults/postgres-restart',
          posted: updates.length,
          statuses: Object.fromEntries(
            [...new Set(codes)].map((s) => [s, codes.filter((c) => c === s).length]),
          ),
          backendsTerminated: terminated,
          healthDuringOutage: healthDuring,
          recoveredMs,
          redelivered: failed.length,
          apologies: apologies.length,
          stuckSendingRows: stuck.rows.length,
          deliveryDuplicates: duplicates,
          processedUpdates: Number(processed.n),
        }),
      );
      expect(
        rowsPerUpdate.filter((n) => n !== 1),
        JSON.stringify(rowsPerUpdate),
      ).toEqual([]);
      expect(
        counts.filter((n) => n < 1),
        JSON.stringify(counts),
      ).toEqual([]);
      expect(duplicates).toBeLessThanOrEqual(stuck.rows.length);
      expect(duplicates).toBeLessThanOrEqual(16);
      expect(Number(processed.n)).toBe(all.length);
      expect(healthDuring).toBe(503);
      // An update that met a dead connection must be retried, not answered with an apology.
      expect(apologies.map((u) => u.update_id)).toEqual([]);
      expect(
        all
          .filter((u) => repliesTo(u)[0]!.text !== t.help('unit', unitNameOf(u)))
          .map((u) => u.update_id),
      ).toEqual([]);
    } finally {
      await check.close();
    }
  }, 150_000);
});
