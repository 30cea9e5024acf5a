import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startService, type RunningService, type ServiceOptions } from '../../src/service';
import { FakeTelegramApi, type FakeTelegramOptions } from '../fakes/telegram-api';
import { createTelegramUpdates, type TgUpdate } from '../fakes/telegram-updates';
import { openTestDb, type TestDb } from './db';
import { TestClock } from './context';

export const SECRET = 'test_webhook_secret_123';
export const TOKEN = '123456789:AAH-fake-token-for-tests-0123456789abc';
export const ADMIN = 'test-admin-token-0123456789';

export interface Harness {
  fake: FakeTelegramApi;
  service: RunningService;
  db: TestDb;
  tg: ReturnType<typeof createTelegramUpdates>;
  clock: TestClock;
  post(update: TgUpdate, secret?: string): Promise<Response>;
  api(method: string, path: string, body?: unknown): Promise<Response>;
  /** Waits until the outbox has nothing queued or sending and no broadcast is still reporting progress. */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The real service (telegraf, Hono, outbox worker) against a fake Bot API on loopback and a test database. */
export async function startTelegramHarness(
  o: {
    fake?: FakeTelegramOptions;
    clock?: TestClock;
    env?: Record<string, string>;
    service?: ServiceOptions;
  } = {},
): Promise<Harness> {
  const fake = new FakeTelegramApi({ token: TOKEN, ...o.fake });
  await fake.start();
  const db = await openTestDb();
  const clock = o.clock ?? new TestClock(new Date());
  const dataDir = await mkdtemp(join(tmpdir(), 'dieu-phoi-'));
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_TOKEN: ADMIN,
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: fake.url,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    PUBLIC_URL: 'http://127.0.0.1:9',
    ...o.env,
  });
  const service = await startService(config, {
    db,
    clock: clock.now,
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    scheduler: false,
    ...o.service,
  });
  const tg = createTelegramUpdates({ bot: fake.bot });
  return {
    fake,
    service,
    db,
    tg,
    clock,
    post: (update, secret = SECRET) =>
      fetch(`${service.url}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      }),
    api: (method, path, body) =>
      fetch(`${service.url}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async settle(timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const row = await db.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('state', 'in', ['queued', 'sending'])
          .where('not_before', '<=', new Date(Date.now() + 2000))
          .executeTakeFirstOrThrow();
        // The final tally is written after the last delivery's batch: wait for it too.
        const sending = await db.db
          .selectFrom('broadcasts')
          .select('id')
          .where('status', '=', 'sending')
          .executeTakeFirst();
        if (Number(row.n) === 0 && !sending) return;
        if (Date.now() > until) throw new Error(`outbox did not settle: ${row.n} rows pending`);
        service.workers.forEach((w) => w.poke());
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      await service.stop();
      await fake.stop();
      await db.close();
    },
  };
}
