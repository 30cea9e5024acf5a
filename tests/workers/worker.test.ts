/**
 * The Workers entry (src/main.worker.ts) running in workerd, through wrangler's own dev server
 * (unstable_startWorker with the project's wrangler.toml: same main, compatibility date and
 * flags, cron), against the real Postgres and a fake Telegram Bot API on loopback.
 *
 * Database: a fresh schema per test file, migrated from Node first; the worker gets it as
 * DATABASE_URL with `options=-c search_path=…`. Hyperdrive's local emulation cannot carry that
 * startup option, so the two Hyperdrive bindings of wrangler.toml are replaced by empty vars here
 * and the worker falls back to DATABASE_URL (its documented behaviour without bindings).
 *
 * Postgres: TEST_DATABASE_URL when set (via tests/helpers/db.ts), else
 * postgres://postgres@127.0.0.1:5432/test. There is no PGlite fallback: Workers reach a database
 * over a socket. Without a reachable Postgres the suite is reported as skipped, with the reason.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unstable_startWorker } from 'wrangler';
import { openPostgres } from '../../src/db/client';
import { createWorkerLogger } from '../../src/log.worker';
import { migrateToLatest } from '../../src/db/migrate';
import { FakeTelegramApi } from '../fakes/telegram-api';
import { createTelegramUpdates } from '../fakes/telegram-updates';
import { openTestDb, urlWithSearchPath, type TestDb } from '../helpers/db';

const LOCAL_PG = 'postgres://postgres@127.0.0.1:5432/test';
const BASE_URL = process.env.TEST_DATABASE_URL ?? LOCAL_PG;
const ADMIN = 'worker-admin-token-0123456789';
const TOKEN = '123456789:AAH-fake-token-for-worker-0123456789ab';
const SECRET = 'worker_webhook_secret_123';
const CONFIG = fileURLToPath(new URL('../../wrangler.toml', import.meta.url));

type Worker = Awaited<ReturnType<typeof unstable_startWorker>>;
type Bindings = Record<string, { type: 'plain_text'; value: string }>;

async function postgresReachable(): Promise<string | null> {
  const probe = await openPostgres(BASE_URL, { max: 1 });
  try {
    await probe.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await probe.close();
  }
}

/** A fresh, migrated schema and the URL that puts a connection on it. */
async function freshSchema(): Promise<{ url: string; close(): Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) {
    const db: TestDb = await openTestDb();
    return { url: urlWithSearchPath(db)!, close: () => db.close() };
  }
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = await openPostgres(LOCAL_PG, { max: 1 });
  await admin.db.schema.createSchema(schema).execute();
  await admin.close();
  const handle = await openPostgres(LOCAL_PG, { searchPath: schema, max: 2 });
  await migrateToLatest(handle.db);
  await handle.close();
  const u = new URL(LOCAL_PG);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    async close() {
      const cleanup = await openPostgres(LOCAL_PG, { max: 1 });
      await cleanup.db.schema.dropSchema(schema).cascade().ifExists().execute();
      await cleanup.close();
    },
  };
}

const plain = (vars: Record<string, string>): Bindings =>
  Object.fromEntries(
    Object.entries(vars).map(([k, value]) => [k, { type: 'plain_text' as const, value }]),
  );

async function startWorker(vars: Record<string, string>): Promise<{ worker: Worker; url: URL }> {
  const worker = await unstable_startWorker({
    config: CONFIG,
    bindings: plain({
      // No Hyperdrive here (see the header): the worker uses DATABASE_URL.
      HYPERDRIVE: '',
      HYPERDRIVE_NOCACHE: '',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      ...vars,
    }),
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      watch: false,
      logLevel: process.env.TEST_LOG_LEVEL ? 'log' : 'warn',
      // GET /__scheduled runs the scheduled() handler, as `wrangler dev --test-scheduled` does.
      testScheduled: true,
    },
  });
  await worker.ready;
  return { worker, url: await worker.url };
}

const unreachable = await postgresReachable();

describe.skipIf(unreachable !== null)(
  `Workers entry in workerd${unreachable ? ` (skipped: no Postgres at ${BASE_URL}: ${unreachable})` : ''}`,
  () => {
    let fake: FakeTelegramApi;
    let schema: { url: string; close(): Promise<void> };
    let worker: Worker;
    let base: URL;
    let tg: ReturnType<typeof createTelegramUpdates>;

    const api = (method: string, path: string, body?: unknown) =>
      worker.fetch(new URL(`/api${path}`, base), {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const post = (update: unknown, secret = SECRET) =>
      worker.fetch(new URL('/webhooks/telegram', base), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });

    /** Fires the Cron Trigger once and waits for scheduled() to finish. */
    const cron = async () => {
      const res = await worker.fetch(new URL('/__scheduled?cron=*+*+*+*+*', base));
      expect(res.status).toBe(200);
      await res.text();
    };

    beforeAll(async () => {
      fake = new FakeTelegramApi({ token: TOKEN });
      await fake.start();
      tg = createTelegramUpdates({ bot: fake.bot });
      schema = await freshSchema();
      ({ worker, url: base } = await startWorker({
        DATABASE_URL: schema.url,
        ADMIN_TOKEN: ADMIN,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: fake.url,
        // Replies wait for the cron here, so the test sees scheduled() deliver them.
        WORKER_WEBHOOK_DRAIN_MS: '0',
        WORKER_DRAIN_MS: '10000',
        // Already migrated from Node; this proves the bundled static migration map runs in workerd.
        WORKER_AUTO_MIGRATE: '1',
      }));
    }, 90_000);

    afterAll(async () => {
      await worker?.dispose();
      await fake?.stop();
      await schema?.close();
    }, 60_000);

    it('answers /healthz from Postgres', async () => {
      const res = await worker.fetch(new URL('/healthz', base));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        ok: true,
        db: 'postgres',
        runtime: 'workers',
        telegram: { mode: 'webhook' },
      });
    });

    it('guards /api and the webhook', async () => {
      expect((await worker.fetch(new URL('/api/units', base))).status).toBe(401);
      const group = tg.group({ title: 'Nhóm lạ' });
      expect((await post(tg.text(group, tg.user(), 'xin chào'), 'wrong-secret')).status).toBe(401);
    });

    it('links a group by /lienket through the webhook; the cron run delivers exactly one reply', async () => {
      const put = await api('PUT', '/units', [
        { code: '010', name: 'Sở Y tế', category: 'CÁC SỞ, BAN, NGÀNH TỈNH' },
      ]);
      expect(put.status).toBe(200);
      const [unit] = (await put.json()) as Array<{ code: string; joinCode: string }>;
      expect(unit!.joinCode).toBeTruthy();

      const group = tg.group({ title: 'Sở Y tế - tập huấn' });
      const update = tg.command(group, tg.user({ first_name: 'Lan' }), '/lienket', unit!.joinCode);
      expect((await post(update)).status).toBe(200);
      // Telegram redelivers on timeouts: the same update again changes nothing.
      expect((await post(update)).status).toBe(200);
      expect(fake.textsTo(group.id)).toEqual([]);

      await cron();

      const texts = fake.textsTo(group.id);
      expect(texts).toHaveLength(1);
      expect(texts[0]).toContain('Đã liên kết');
      expect(fake.callsOf('setWebhook')).toHaveLength(0);
      expect(fake.callsOf('getMe')).toHaveLength(1);

      const units = (await (await api('GET', '/units')).json()) as Array<{
        code: string;
        chats: Array<{ chatId: string; active: boolean }>;
      }>;
      expect(units.find((u) => u.code === '010')!.chats).toEqual([
        expect.objectContaining({ chatId: String(group.id), active: true }),
      ]);

      // A second run finds nothing left to send.
      await cron();
      expect(fake.textsTo(group.id)).toHaveLength(1);
      expect(fake.violations).toBe(0);
    }, 30_000);

    it('builds an .xlsx in workerd and uploads it to an organizer group (/xuat), and serves it on /api', async () => {
      const { joinCode } = (await (await api('GET', '/organizer-code')).json()) as {
        joinCode: string;
      };
      const organizers = tg.group({ title: 'Ban tổ chức' });
      const boss = tg.user({ first_name: 'Hà' });
      expect((await post(tg.command(organizers, boss, '/lienket', joinCode))).status).toBe(200);
      const day = new Date(Date.now() + 10 * 86_400_000);
      const created = await api('POST', '/events', {
        title: 'Tập huấn chuyển đổi số',
        startsAt: day.toISOString(),
        registrationDeadline: new Date(day.getTime() - 3 * 86_400_000).toISOString(),
        units: ['010'],
        agenda: [],
      });
      expect(created.status).toBeLessThan(300);
      const { id } = (await created.json()) as { id: number };
      expect((await post(tg.command(organizers, boss, '/xuat'))).status).toBe(200);
      await cron();

      const doc = fake.messagesTo(organizers.id).find((m) => m.method === 'sendDocument');
      expect(doc?.document).toMatchObject({ fileName: `dang-ky-su-kien-${id}.xlsx` });
      expect(doc!.document!.size).toBeGreaterThan(1000);
      expect(doc!.document!.data!.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip, as .xlsx is

      const xlsx = await api('GET', `/events/${id}/registrations.xlsx`);
      expect(xlsx.status).toBe(200);
      expect(
        Buffer.from(await xlsx.arrayBuffer())
          .subarray(0, 2)
          .toString('latin1'),
      ).toBe('PK');
    }, 30_000);

    it('with WORKER_WEBHOOK_DRAIN_MS, sends the reply right after the webhook answer (no cron)', async () => {
      const { worker: eager, url } = await startWorker({
        DATABASE_URL: schema.url,
        ADMIN_TOKEN: ADMIN,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: fake.url,
        WORKER_WEBHOOK_DRAIN_MS: '5000',
      });
      try {
        const put = await eager.fetch(new URL('/api/units', url), {
          method: 'PUT',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify([{ code: '020', name: 'UBND huyện Cao Lãnh' }]),
        });
        const [unit] = (await put.json()) as Array<{ joinCode: string }>;
        const group = tg.group({ title: 'UBND huyện' });
        const res = await eager.fetch(new URL('/webhooks/telegram', url), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-telegram-bot-api-secret-token': SECRET,
          },
          body: JSON.stringify(tg.command(group, tg.user(), '/lienket', unit!.joinCode)),
        });
        expect(res.status).toBe(200);
        const until = Date.now() + 10_000;
        while (fake.textsTo(group.id).length === 0 && Date.now() < until)
          await new Promise((r) => setTimeout(r, 50));
        expect(fake.textsTo(group.id)).toHaveLength(1);
        expect(fake.textsTo(group.id)[0]).toContain('Đã liên kết');
      } finally {
        await eager.dispose();
      }
    }, 60_000);

    it('refuses to run without ADMIN_TOKEN, with a JSON 500 naming the variable', async () => {
      const { worker: bare, url } = await startWorker({ DATABASE_URL: schema.url });
      try {
        const res = await bare.fetch(new URL('/healthz', url));
        expect(res.status).toBe(500);
        expect(res.headers.get('content-type')).toContain('application/json');
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('config_error');
        expect(body.error.message).toContain('ADMIN_TOKEN');
      } finally {
        await bare.dispose();
      }
    }, 60_000);
  },
);

describe('the Workers logger', () => {
  it('writes pino-shaped JSON lines and redacts what src/log.ts redacts', () => {
    const lines: Array<{ level: number; line: string }> = [];
    const log = createWorkerLogger('info', {
      write: (level, line) => lines.push({ level, line }),
    }).child({ req: 'r1' });
    log.debug({ token: 'x' }, 'hidden by level');
    log.info(
      {
        token: '123:abc',
        unit: { joinCode: 'SECRET1', name: 'Sở Y tế' },
        headers: { authorization: 'Bearer t', 'x-telegram-bot-api-secret-token': 's' },
      },
      'linked %s',
      'ok',
    );
    log.error({ err: Object.assign(new Error('boom'), { code: 'E1' }) }, 'failed');
    expect(lines).toHaveLength(2);
    const info = JSON.parse(lines[0]!.line);
    expect(info).toMatchObject({
      level: 30,
      req: 'r1',
      msg: 'linked ok',
      token: '[ẩn]',
      unit: { joinCode: '[ẩn]', name: 'Sở Y tế' },
    });
    expect(info.headers).toEqual({
      authorization: '[ẩn]',
      'x-telegram-bot-api-secret-token': '[ẩn]',
    });
    expect(lines[0]!.line).not.toContain('SECRET1');
    const error = JSON.parse(lines[1]!.line);
    expect(error).toMatchObject({
      level: 50,
      msg: 'failed',
      err: { type: 'Error', message: 'boom', code: 'E1' },
    });
  });
});
