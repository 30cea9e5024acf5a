import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startService, type RunningService } from '../../src/service';
import { createZaloBotUpdates, FakeZaloBotApi } from '../fakes/zalo-bot-api';
import { openTestDb, type TestDb } from './db';

export const ZB_SECRET = 'zalo-bot-secret-123';
export const ZB_TOKEN = '3141592653589793:zalo-bot-token-for-tests';
export const ZB_ADMIN = 'test-admin-token-0123456789';

export interface ZaloBotHarness {
  fake: FakeZaloBotApi;
  service: RunningService;
  db: TestDb;
  zb: ReturnType<typeof createZaloBotUpdates>;
  api(method: string, path: string, body?: unknown): Promise<Response>;
  /** Waits until the outbox has nothing due and the fake has delivered every update. */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The real service in webhook mode for the Zalo Bot API: the fake registers the service's
 * /webhooks/zalo (setWebhook at start), posts updates to it over HTTP, and receives what the
 * outbox worker sends.
 */
export async function startZaloBotHarness(
  o: { env?: Record<string, string> } = {},
): Promise<ZaloBotHarness> {
  const fake = new FakeZaloBotApi({ token: ZB_TOKEN });
  await fake.start();
  const db = await openTestDb();
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    DATA_DIR: await mkdtemp(join(tmpdir(), 'dieu-phoi-zb-')),
    ADMIN_TOKEN: ZB_ADMIN,
    ZALO_BOT_TOKEN: ZB_TOKEN,
    ZALO_BOT_API_ROOT: fake.url,
    ZALO_BOT_WEBHOOK_SECRET: ZB_SECRET,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SANDBOX: '0',
    ...o.env,
  });
  const service = await startService(config, {
    db,
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    scheduler: false,
  });
  return {
    fake,
    service,
    db,
    zb: createZaloBotUpdates(),
    api: (method, path, body) =>
      fetch(`${service.url}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${ZB_ADMIN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async settle(timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      await fake.webhookIdle();
      for (;;) {
        const row = await db.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('state', 'in', ['queued', 'sending'])
          .where('not_before', '<=', new Date(Date.now() + 2000))
          .executeTakeFirstOrThrow();
        if (Number(row.n) === 0) return;
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
