/**
 * GET /healthz while the service is still starting (the HTTP server listens before the channels
 * have started: Telegram's getMe/setWebhook take a while). A load balancer or the fault tests'
 * process helper polls it then: it must answer 200 or 503, never a 500 from an uninitialised
 * variable.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startService, type RunningService } from '../../src/service';
import { FakeTelegramApi } from '../fakes/telegram-api';
import { openTestDb, type TestDb } from '../helpers/db';
import { freePort } from '../helpers/processes';
import { ADMIN, SECRET, TOKEN } from '../helpers/telegram-harness';

let fake: FakeTelegramApi | null = null;
let db: TestDb | null = null;
let service: RunningService | null = null;

afterAll(async () => {
  await service?.stop();
  await fake?.stop();
  await db?.close();
});

describe('healthz during start-up', () => {
  it('answers 200 or 503 while the channels start, never 500', async () => {
    // Every Bot API call takes 250 ms: getMe, setMyCommands and setWebhook keep start() busy.
    fake = new FakeTelegramApi({ token: TOKEN, latencyMs: 250 });
    await fake.start();
    db = await openTestDb();
    const port = await freePort();
    const config = loadConfig({
      PORT: String(port),
      DATA_DIR: await mkdtemp(join(tmpdir(), 'dieu-phoi-startup-')),
      ADMIN_TOKEN: ADMIN,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'http://127.0.0.1:9',
    });
    const seen: number[] = [];
    let starting = true;
    const poller = (async () => {
      while (starting) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`);
          await res.arrayBuffer();
          seen.push(res.status);
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    try {
      service = await startService(config, { db, log: createLogger('silent'), scheduler: true });
    } finally {
      starting = false;
      await poller;
    }
    const after = await fetch(`${service.url}/healthz`);
    console.log(
      JSON.stringify({
        test: 'faults/startup-health',
        pollsDuringStart: seen.length,
        statuses: [...new Set(seen)],
      }),
    );
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(after.status).toBe(200);
  }, 30_000);
});
