/**
 * Figure 1 — inbound: the real HTTP service (startService, telegram adapter in webhook mode,
 * FakeTelegramApi on loopback for getMe/setWebhook) takes registration replies to an invitation
 * from a load generator in a child process, 32 requests in flight. Outbox workers and the
 * scheduler are OFF: what is measured is the webhook path alone (secret check → parse → one
 * transaction with update key + effects + outbox rows → 200); the replies stay queued.
 *
 * Beside it: the same number of single-row INSERT transactions on the same database at the same
 * concurrency, through a pg Pool of the service's size (10) and of the concurrency (32).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig } from '../src/config';
import { createEvent } from '../src/core/events/manage';
import { upsertUnits } from '../src/core/units/repo';
import { startService } from '../src/service';
import { FakeTelegramApi } from '../tests/fakes/telegram-api';
import {
  createTelegramUpdates,
  type TgChat,
  type TgMessage,
  type TgUser,
} from '../tests/fakes/telegram-updates';
import { personName, registrationReplies, unitSpecs } from './fixtures';
import {
  benchLogger,
  countQueries,
  cpuBetween,
  cpuSnapshot,
  note,
  openSchema,
  round,
  summarize,
  prefillProcessedUpdates,
} from './lib';
import { Profiler, saveProfile, summarizeProfile, type ProfileSummary } from './profile';
import { whatIfTransactionShape } from './whatif';
import { httpAlone } from './http-alone';
import { forkLoadGenerator, type LoadGenerator } from './loadgen-client';

const TOKEN = '123456789:AAH-fake-token-for-bench-0123456789abc';
const SECRET = 'bench_webhook_secret_123';
const ADMIN = 'bench-admin-token-0123456789';
const SCHEMA = 'inbound';

export interface InboundOptions {
  url: string;
  groups: number;
  updates: number;
  warmup: number;
  concurrency: number;
  /** 'auto': profile when an aim is missed. */
  profile: 'auto' | 'on' | 'off';
  profileUpdates: number;
  resultsDir: string;
  stamp: string;
}

async function pgStats(pool: pg.Pool) {
  const r = await pool.query(
    `SELECT xact_commit::bigint AS commits, xact_rollback::bigint AS rollbacks, tup_inserted::bigint AS inserted, tup_updated::bigint AS updated,
            tup_deleted::bigint AS deleted, pg_current_wal_lsn() AS lsn
       FROM pg_stat_database WHERE datname = current_database()`,
  );
  const row = r.rows[0] as Record<string, string>;
  return {
    commits: Number(row.commits),
    rollbacks: Number(row.rollbacks),
    inserted: Number(row.inserted),
    updated: Number(row.updated),
    deleted: Number(row.deleted),
    lsn: row.lsn!,
  };
}

async function rawInserts(url: string, count: number, concurrency: number, poolSize: number) {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  await Promise.all(Array.from({ length: poolSize }, () => pool.query('SELECT 1'))); // connections open before timing
  let next = 0;
  const lat = new Float64Array(count);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const s = performance.now();
        await pool.query(`INSERT INTO ${SCHEMA}.bench_raw(x) VALUES ($1)`, [i]);
        lat[i] = performance.now() - s;
      }
    }),
  );
  const ms = performance.now() - t0;
  await pool.end();
  const l = summarize(lat);
  return {
    poolSize,
    concurrency,
    inserts: count,
    seconds: round(ms / 1000, 2),
    insertsPerSecond: round(count / (ms / 1000), 0),
    latencyMs: { p50: l.p50, p99: l.p99, max: l.max },
  };
}

export async function benchInbound(o: InboundOptions) {
  const handle = await openSchema(o.url, SCHEMA);
  const processedUpdatesRows = await prefillProcessedUpdates(handle.db);
  const fake = new FakeTelegramApi({ token: TOKEN });
  await fake.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'dieu-phoi-bench-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: ADMIN,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PUBLIC_URL: 'http://127.0.0.1:9',
  });
  const service = await startService(config, {
    db: handle,
    log: benchLogger(),
    workers: false,
    scheduler: false,
  });
  const db = handle.db;
  const stats = new pg.Pool({ connectionString: o.url, max: 1 });
  let load: LoadGenerator | null = null;
  try {
    // ---- set-up: linked unit groups, an open event, its invitation delivered as message 1 in each group
    note(`inbound: set-up (${o.groups} linked groups, one open event)`);
    await upsertUnits(db, unitSpecs(o.groups));
    const units = await db
      .selectFrom('units')
      .select(['id', 'code', 'name'])
      .orderBy('sort_order')
      .execute();
    const tg = createTelegramUpdates({ bot: fake.bot });
    const groups: TgChat[] = units.map((u) => tg.group({ title: `${u.name} - nhóm công việc` }));
    await db
      .insertInto('chats')
      .values(
        units.map((u, i) => ({
          platform: 'telegram',
          external_id: String(groups[i]!.id),
          title: groups[i]!.title!,
          role: 'unit' as const,
          unit_id: u.id,
          linked_at: new Date(),
          linked_by: 'bench',
        })),
      )
      .execute();
    const now = Date.now();
    const day = 86_400_000;
    const startsAt = new Date(now + 30 * day);
    const event = await createEvent(service.ctx, {
      title: 'Hội nghị tập huấn nghiệp vụ công tác thông tin cơ sở năm 2024',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 9 * 3_600_000),
      venue: 'Hội trường Tỉnh ủy',
      registrationDeadline: new Date(now + 20 * day),
      units: 'all',
      agenda: [
        { startsAt, title: 'Khai mạc', presenter: 'Lãnh đạo Ban Tuyên giáo Tỉnh ủy' },
        {
          startsAt: new Date(startsAt.getTime() + 3_600_000),
          title: 'Chuyên đề 1: Kỹ năng thông tin cơ sở',
        },
        {
          startsAt: new Date(startsAt.getTime() + 5 * 3_600_000),
          title: 'Chuyên đề 2: Chuyển đổi số',
        },
      ],
    });
    await db
      .updateTable('outbox')
      .set({ state: 'sent', sent_at: new Date(), platform_message_id: '1' })
      .where('purpose', '=', 'invite')
      .execute();
    const invite = await db
      .selectFrom('outbox')
      .select('payload')
      .where('purpose', '=', 'invite')
      .executeTakeFirstOrThrow();
    const inviteText = (invite.payload as { text: string }).text;

    // ---- the updates: a focal point in each group replies to the invitation with a list
    const { texts, corpusCases } = registrationReplies();
    const users: TgUser[][] = groups.map((_, g) =>
      [0, 1, 2].map((k) => tg.user(personName(g * 3 + k))),
    );
    const messageIds = new Map<number, number>();
    const total = o.warmup + o.updates + 500 + (o.profile === 'off' ? 0 : o.profileUpdates);
    const lines: string[] = [];
    for (let i = 0; i < total; i++) {
      const g = i % groups.length;
      const chat = groups[g]!;
      const invitation: TgMessage = {
        message_id: 1,
        from: tg.bot,
        chat,
        date: Math.floor(now / 1000),
        text: inviteText,
      };
      const mid = (messageIds.get(chat.id) ?? 1) + 1;
      messageIds.set(chat.id, mid);
      const from = users[g]![Math.floor(i / groups.length) % 3]!;
      lines.push(
        JSON.stringify(
          tg.text(chat, from, texts[i % texts.length]!, { replyTo: invitation, messageId: mid }),
        ),
      );
    }
    const bodiesFile = join(dataDir, 'updates.ndjson');
    await writeFile(bodiesFile, lines.join('\n') + '\n');
    const avgBytes = round(lines.reduce((s, l) => s + Buffer.byteLength(l), 0) / lines.length, 0);

    // ---- the load generator, in its own process
    const gen = await forkLoadGenerator(
      `http://127.0.0.1:${service.port}/webhooks/telegram`,
      SECRET,
      bodiesFile,
    );
    load = gen;
    const run = gen.run;
    let offset = 0;

    note(`inbound: warm-up ${o.warmup} updates`);
    const warm = await run('warmup', offset, o.warmup, o.concurrency);
    offset += o.warmup;

    note(`inbound: measuring ${o.updates} updates at concurrency ${o.concurrency}`);
    const counter = countQueries();
    const q0 = counter.read();
    const s0 = await pgStats(stats);
    const cpu0 = cpuSnapshot([gen.pid]);
    const own0 = process.cpuUsage();
    const measured = await run('measure', offset, o.updates, o.concurrency);
    const own = process.cpuUsage(own0);
    const cpu1 = cpuSnapshot([gen.pid]);
    const s1 = await pgStats(stats);
    const queries = counter.read() - q0;
    counter.restore();
    offset += o.updates;
    const wal = await stats.query('SELECT pg_wal_lsn_diff($1, $2)::bigint AS b', [s1.lsn, s0.lsn]);

    note('inbound: 500 updates one at a time (the path without queueing)');
    const serial = await run('serial', offset, 500, 1);
    offset += 500;

    const ok = measured.statuses['200'] ?? 0;
    const updatesPerSecond = round(o.updates / (measured.elapsedMs / 1000), 0);
    const latency = summarize(measured.latencies);
    const serialLatency = summarize(serial.latencies);

    // ---- what was stored: each update once, each reply understood
    const posted = offset;
    const processed = await db
      .selectFrom('processed_updates')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const regs = await db
      .selectFrom('registrations')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    const replies = await db
      .selectFrom('outbox')
      .select(['purpose', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'queued')
      .groupBy('purpose')
      .execute();
    const attendees = await db
      .selectFrom('attendees')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

    // ---- the raw baseline on the same database
    note(
      `inbound: raw single-row INSERT transactions (${o.updates}) at concurrency ${o.concurrency}`,
    );
    await sql`CREATE TABLE IF NOT EXISTS ${sql.id(SCHEMA)}.bench_raw (id bigserial PRIMARY KEY, x integer NOT NULL)`.execute(
      db,
    );
    const rawServicePool = await rawInserts(o.url, o.updates, o.concurrency, 10);
    const rawPool32 = await rawInserts(o.url, o.updates, o.concurrency, o.concurrency);

    // Issue 18's aims: a ratio to raw inserts in the same run, since this machine's speed varies
    // threefold through a day and an absolute rate would pass or fail with the hour.
    const aim = { ratioToRaw: 0.2, p99Ms: 50 };
    const ratioToRaw = round(updatesPerSecond / rawServicePool.insertsPerSecond, 3);
    const met = ratioToRaw >= aim.ratioToRaw && latency.p99 <= aim.p99Ms;

    // ---- where the time goes (when an aim is missed, or asked)
    let profile:
      | (ProfileSummary & {
          file: string;
          updates: number;
          updatesPerSecond: number;
          cpu: Record<string, number>;
        })
      | null = null;
    if (o.profile === 'on' || (o.profile === 'auto' && !met)) {
      note(`inbound: CPU profile over ${o.profileUpdates} more updates`);
      const profiler = new Profiler();
      await profiler.start();
      const p0 = cpuSnapshot([gen.pid]);
      const r = await run('profile', offset, o.profileUpdates, o.concurrency);
      const p1 = cpuSnapshot([gen.pid]);
      const cpuprofile = await profiler.stop();
      offset += o.profileUpdates;
      const file = join(o.resultsDir, `inbound-${o.stamp}.cpuprofile`);
      await saveProfile(file, cpuprofile);
      profile = {
        file: file.slice(file.indexOf('bench/')),
        updates: o.profileUpdates,
        updatesPerSecond: round(o.profileUpdates / (r.elapsedMs / 1000), 0),
        cpu: cpuBetween(p0, p1, { [gen.pid]: 'loadGenerator' }),
        ...summarizeProfile(cpuprofile),
      };
    }

    const cpuDuringMeasure = cpuBetween(cpu0, cpu1, { [gen.pid]: 'loadGenerator' });
    let whatIf: Awaited<ReturnType<typeof whatIfTransactionShape>> | null = null;
    let web: Awaited<ReturnType<typeof httpAlone>> | null = null;
    if (o.profile === 'on' || (o.profile === 'auto' && !met)) {
      note(
        'inbound: what-if — the database side alone, today and in one write (node-postgres only)',
      );
      whatIf = await whatIfTransactionShape({
        url: o.url,
        schema: SCHEMA,
        targets: groups.map((g, i) => ({
          chatId: String(g.id),
          title: g.title!,
          unitId: units[i]!.id,
          users: users[i]!.map((u) => ({
            id: String(u.id),
            name: [u.first_name, u.last_name].filter(Boolean).join(' '),
          })),
        })),
        count: 4_000,
        concurrency: o.concurrency,
        poolSize: 10,
      });
      note('inbound: the web layer alone (the same updates to a route with nothing behind it)');
      web = await httpAlone(bodiesFile, 8_000, o.concurrency);
    }

    return {
      aim: `≥ ${aim.ratioToRaw} × raw single-row inserts of the same run, and p99 ≤ ${aim.p99Ms} ms, at concurrency ${o.concurrency}`,
      met,
      metRatioToRaw: ratioToRaw >= aim.ratioToRaw,
      metP99: latency.p99 <= aim.p99Ms,
      setup: {
        schema: SCHEMA,
        processedUpdatesRows: processedUpdatesRows,
        linkedGroups: groups.length,
        event: event.id,
        outboxWorkers: 'off (webhook path only; replies stay queued in the outbox)',
        scheduler: 'off',
        servicePoolSize: 10,
        loadGenerator: 'child process, node:http keep-alive agent, closed loop',
        corpusCases,
        replyTextsRotated: texts.length,
        avgUpdateBytes: avgBytes,
        warmupUpdates: o.warmup,
        warmupUpdatesPerSecond: round(o.warmup / (warm.elapsedMs / 1000), 0),
      },
      concurrency: o.concurrency,
      updates: o.updates,
      seconds: round(measured.elapsedMs / 1000, 2),
      updatesPerSecond,
      latencyMs: latency,
      statuses: measured.statuses,
      non200: o.updates - ok,
      serialConcurrency1: {
        updates: 500,
        updatesPerSecond: round(500 / (serial.elapsedMs / 1000), 0),
        latencyMs: serialLatency,
      },
      perUpdate: {
        statements: round(queries / o.updates, 1),
        walBytes: round(Number((wal.rows[0] as { b: string }).b) / o.updates, 0),
        rowsInserted: round((s1.inserted - s0.inserted) / o.updates, 1),
        rowsUpdated: round((s1.updated - s0.updated) / o.updates, 1),
        rowsDeleted: round((s1.deleted - s0.deleted) / o.updates, 1),
        commits: round((s1.commits - s0.commits) / o.updates, 2),
      },
      cpuDuringMeasure,
      serviceCpuMsPerUpdate: {
        user: round(own.user / 1000 / o.updates, 3),
        system: round(own.system / 1000 / o.updates, 3),
      },
      stored: {
        processedUpdates: Number(processed.n),
        posted,
        registrations: Object.fromEntries(regs.map((r) => [r.status, Number(r.n)])),
        attendees: Number(attendees.n),
        queuedReplies: Object.fromEntries(replies.map((r) => [r.purpose, Number(r.n)])),
      },
      raw: {
        statement: `INSERT INTO bench_raw(x) VALUES ($1) — autocommit, one transaction each`,
        servicePoolSize: rawServicePool,
        poolOfConcurrency: rawPool32,
      },
      ratioServiceToRaw: ratioToRaw,
      ratioServiceToRawPool32: round(updatesPerSecond / rawPool32.insertsPerSecond, 3),
      profile,
      whatIf,
      webLayerAlone: web,
      ceiling: ceilingOf(
        cpuDuringMeasure,
        updatesPerSecond,
        rawServicePool.insertsPerSecond,
        whatIf,
        web,
      ),
    };
  } finally {
    await load?.stop();
    await stats.end();
    await service.stop();
    await fake.stop();
    await handle.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * What this machine allows, as ratios to raw inserts in the same run. From the CPU each update
 * cost while measured: one service process at a full core, and every core busy with the same work
 * per update (service, Postgres, load generator), the most any number of service processes could
 * reach here. From the parts alone: the database side (what-if, today's statements and one write)
 * and the floor of any handler, the web layer alone plus the database side in one write, every
 * core busy.
 */
function ceilingOf(
  cpu: Record<string, number>,
  updatesPerSecond: number,
  rawPerSecond: number,
  whatIf: Awaited<ReturnType<typeof whatIfTransactionShape>> | null,
  web: Awaited<ReturnType<typeof httpAlone>> | null,
) {
  const msPerUpdate = (cores: number | undefined) =>
    round(((cores ?? 0) * 1000) / updatesPerSecond, 3);
  const node = msPerUpdate(cpu.thisProcessCores);
  const postgres = msPerUpdate(cpu.postgresBackendsOfBenchDbCores);
  const loadGenerator = msPerUpdate(cpu.loadGeneratorCores);
  const cores = cpu.machineCores ?? 0;
  const allCores = round((cores * 1000) / (node + postgres + loadGenerator), 0);
  const ratio = (perSecond: number | null | undefined) =>
    perSecond === undefined || perSecond === null ? null : round(perSecond / rawPerSecond, 3);
  const one = whatIf?.oneWrite;
  // Web layer alone + database side in one write, on every core: no handler does less.
  const floorMs =
    web && one
      ? web.nodeCpuMsPerRequest +
        web.loadGeneratorCpuMsPerRequest +
        one.nodeCpuMsPerTransaction +
        one.postgresCpuMsPerTransaction
      : null;
  return {
    cpuMsPerUpdate: { service: node, postgres, loadGenerator },
    oneServiceProcessUpdatesPerSecond: round(1000 / node, 0),
    allCoresUpdatesPerSecond: allCores,
    floorCpuMsPerUpdate: floorMs === null ? null : round(floorMs, 3),
    ratioToRaw: {
      measured: ratio(updatesPerSecond),
      oneServiceProcessAtFullCore: ratio(1000 / node),
      allCoresBusy: ratio(allCores),
      databaseSideAloneToday: ratio(whatIf?.today.transactionsPerSecond),
      databaseSideAloneOneWrite: ratio(one?.transactionsPerSecond),
      databaseSideAloneOneWriteUnixSocket: ratio(
        whatIf?.oneWriteOverUnixSocket?.transactionsPerSecond,
      ),
      webLayerAlone: ratio(web?.requestsPerSecond),
      webLayerPlusOneWriteAllCoresBusy: ratio(floorMs === null ? null : (cores * 1000) / floorMs),
    },
  };
}
