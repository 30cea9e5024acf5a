/**
 * Finding: data at rest. PGlite's files were created 0666/0755 (the WAL holds live login links
 * and join codes), the admin token was printed on every start, and a failed statement was logged
 * with its bound values (message texts, phone numbers). Replayed on a real `node src/main.node.ts`
 * process with the embedded database, and on the logger the service uses.
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import type { ChannelSender } from '../../src/core/channel';
import { enqueue } from '../../src/core/outbox/enqueue';
import { REDACTED } from '../../src/core/outbox/store';
import { OutboxWorker } from '../../src/core/outbox/worker';
import { testContext } from '../helpers/context';
import { createLogger } from '../../src/log';
import { startService } from '../../src/service';
import { FakeTelegramApi } from '../fakes/telegram-api';
import { openTestDb, usingPostgres, type TestDb } from '../helpers/db';
import { killAll, spawnService, waitFor, type ServiceProcess } from '../helpers/processes';
import { Jar, loginWithToken } from './browser';

async function modes(dir: string): Promise<Array<{ path: string; mode: number }>> {
  const out: Array<{ path: string; mode: number }> = [];
  const walk = async (p: string) => {
    const s = await stat(p);
    out.push({ path: p, mode: s.mode & 0o777 });
    if (s.isDirectory()) for (const e of await readdir(p)) await walk(join(p, e));
  };
  await walk(dir);
  return out;
}

describe('the embedded database and the admin token on disk', () => {
  let fake: FakeTelegramApi;
  const procs: ServiceProcess[] = [];
  let dataDir: string;
  let first: ServiceProcess;

  beforeAll(async () => {
    fake = new FakeTelegramApi();
    await fake.start();
    // A data directory an older version left open, with a file readable by everyone.
    dataDir = await mkdtemp(join(tmpdir(), 'dieu-phoi-sec-rest-'));
    await chmod(dataDir, 0o755);
    await mkdir(join(dataDir, 'old'), { mode: 0o755 });
    await writeFile(join(dataDir, 'old', 'notes.txt'), 'x', { mode: 0o644 });
    await chmod(join(dataDir, 'old', 'notes.txt'), 0o644);
    first = await spawnService({
      databaseUrl: '',
      telegramApiRoot: fake.url,
      instanceId: 'rest',
      dataDir,
      env: { ADMIN_TOKEN: '', SCHEDULER_TICK: '*/30 * * * * *' },
      readyTimeoutMs: 90_000,
    });
    procs.push(first);
  }, 120_000);
  afterAll(async () => {
    await killAll(procs);
    await fake.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('DATA_DIR is 0700 and nothing in it is open to group or others', async () => {
    const all = await modes(dataDir);
    expect(all.length).toBeGreaterThan(100); // PGlite's cluster is there
    expect(all[0]).toEqual({ path: dataDir, mode: 0o700 });
    const open = all.filter((f) => (f.mode & 0o077) !== 0);
    expect(open).toEqual([]);
    expect(all.find((f) => f.path.endsWith('admin-token'))!.mode).toBe(0o600);
  });

  it('prints a generated admin token once; later starts say where it is kept', async () => {
    const token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
    expect(token).toMatch(/^[a-z2-9]{32}$/);
    await waitFor(
      () => first.output().some((l) => l.includes(token)),
      30_000,
      'the generated token printed',
    );
    await first.kill('SIGTERM');
    const second = await first.restart();
    procs.push(second);
    // The start-up lines come once the channels have started (healthz answers before).
    await waitFor(
      () => second.output().some((l) => l.includes(join(dataDir, 'admin-token'))),
      30_000,
      'the line saying where the admin token is kept',
    );
    expect(second.output().some((l) => l.includes(token))).toBe(false);
    // Files written since (WAL, checkpoints) follow the umask.
    expect((await modes(dataDir)).filter((f) => (f.mode & 0o077) !== 0)).toEqual([]);
  }, 120_000);
});

describe('what is stored and logged', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(() => db.close());

  it('a failed statement is logged without its bound values', async () => {
    const phone = '0912345678';
    const code = 'bimatcuadonvi2345';
    const row = { code: 'DUP', name: `Nguyễn Văn An ${phone}`, name_key: 'dup', join_code: code };
    await db.db.insertInto('units').values(row).execute();
    let err: unknown;
    try {
      await db.db.insertInto('units').values(row).execute();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    if (!usingPostgres) expect(Object.keys(err as object)).not.toContain('params');

    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = createLogger('info', sink);
    // As the inbound handler and app.onError log what they did not expect.
    log.error({ err, platform: 'telegram', update: '1' }, 'inbound handler failed');
    log.error(err as Error);
    const text = lines.join('');
    expect(text).toContain('units_code_key');
    expect(text).not.toContain(phone);
    expect(text).not.toContain(code);
  });

  it('a login link that could not be delivered is not kept either', async () => {
    const ctx = testContext(db);
    const sender: ChannelSender = {
      platform: 'sandbox',
      maxTextLength: 4096,
      limits: { perSecond: 0, perChatPerMinute: 0 },
      send: async () => ({ ok: false, kind: 'permanent', reason: 'Forbidden: bot was blocked' }),
    };
    const link = 'http://localhost:3000/login/abcdefghijkmnpqrstuvwxyz23456789';
    const [id] = await enqueue(
      db.db,
      [{ platform: 'sandbox', chatExternalId: 'p-blocked' }],
      { text: `Liên kết: ${link}` },
      { purpose: 'reply', sensitive: true },
    );
    await new OutboxWorker(ctx, sender, { instanceId: 'rest' }).drain(5_000);
    const row = await db.db
      .selectFrom('outbox')
      .select(['state', 'payload'])
      .where('id', '=', id!)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('failed');
    expect(row.payload).toEqual(REDACTED);
  });

  it('sessions keep only a hash of the cookie', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dieu-phoi-sec-session-'));
    const s = await startService(
      loadConfig({
        PORT: '0',
        DATA_DIR: dir,
        ADMIN_TOKEN: 'rest-admin-token-0123456789',
        SANDBOX: '0',
      }),
      { db, log: createLogger('silent'), scheduler: false, workers: false },
    );
    try {
      const jar = new Jar();
      const res = await loginWithToken(
        `http://127.0.0.1:${s.port}`,
        jar,
        'rest-admin-token-0123456789',
      );
      expect(res.status).toBe(303);
      const cookie = jar.cookies.get('dp_session')!;
      expect(cookie).toMatch(/^[a-z2-9]{32}$/);
      const rows = await db.db.selectFrom('sessions').selectAll().execute();
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toContain(cookie);
    } finally {
      await s.stop();
    }
  });
});
