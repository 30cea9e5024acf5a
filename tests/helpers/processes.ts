/**
 * The real service as a child process (`node --import tsx src/main.node.ts`), for fault tests
 * that kill, stop and restart it, and real-Postgres fixtures (a fresh schema or a whole database)
 * for tests that need two processes on one database or that cut the database's connections.
 *
 *   const pg = await freshPgSchema();                                 // migrated, dropped by pg.drop()
 *   const a = await spawnService({ databaseUrl: pg.url, telegramApiRoot: fake.url, instanceId: 'a' });
 *   await a.kill('SIGKILL');                                          // or 'SIGTERM' → { code: 0 }
 *   const a2 = await a.restart();                                     // same env, same port
 *
 * Fault tests always use the real Postgres at PG_BASE_URL whatever TEST_DATABASE_URL says:
 * two processes cannot share an in-memory PGlite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPostgres, type DbHandle } from '../../src/db/client';
import { migrateToLatest } from '../../src/db/migrate';

export const PG_SERVER_URL = 'postgres://postgres@127.0.0.1:5432';
/** The database the fault tests make their schemas in. */
export const PG_BASE_URL = `${PG_SERVER_URL}/test`;

export const PROC_TOKEN = '123456789:AAH-fake-token-for-process-tests-0123456789';
export const PROC_SECRET = 'proc_webhook_secret_456';
export const PROC_ADMIN = 'proc-admin-token-0123456789abcdef';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Whether the real Postgres answers (fault tests skip, loudly, when it does not). */
export async function pgAvailable(url = PG_BASE_URL): Promise<boolean> {
  const handle = await openPostgres(url, { max: 1 });
  try {
    await handle.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    return true;
  } catch {
    return false;
  } finally {
    await handle.close().catch(() => {});
  }
}

export interface PgFixture {
  /** URL for a child process: the schema (or database) is selected by the URL alone. */
  url: string;
  /** A pool in the test process on the same schema/database. */
  db: DbHandle['db'];
  handle: DbHandle;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated schema on the real Postgres; `url` carries `options=-c search_path=<schema>`. */
export async function freshPgSchema(base = PG_BASE_URL): Promise<PgFixture> {
  const schema = `f_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = await openPostgres(base, { max: 1 });
  await admin.db.schema.createSchema(schema).execute();
  await admin.close();
  const handle = await openPostgres(base, { searchPath: schema });
  await migrateToLatest(handle.db, schema);
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    db: handle.db,
    handle,
    name: schema,
    async drop() {
      await handle.close().catch(() => {});
      const cleanup = await openPostgres(base, { max: 1 });
      await cleanup.db.schema.dropSchema(schema).cascade().ifExists().execute();
      await cleanup.close();
    },
  };
}

/** A fresh, migrated database of its own (for tests that terminate every backend of it). */
export async function freshPgDatabase(
  server = PG_SERVER_URL,
): Promise<PgFixture & { adminUrl: string }> {
  const name = `dp_fault_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const adminUrl = `${server}/postgres`;
  const admin = await openPostgres(adminUrl, { max: 1 });
  const { sql } = await import('kysely');
  await sql.raw(`CREATE DATABASE ${name}`).execute(admin.db);
  await admin.close();
  const url = `${server}/${name}`;
  const handle = await openPostgres(url);
  await migrateToLatest(handle.db);
  return {
    url,
    adminUrl,
    db: handle.db,
    handle,
    name,
    async drop() {
      await handle.close().catch(() => {});
      const cleanup = await openPostgres(adminUrl, { max: 1 });
      await sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).execute(cleanup.db);
      await cleanup.close();
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export interface SpawnOptions {
  databaseUrl: string;
  /** FakeTelegramApi URL. */
  telegramApiRoot: string;
  instanceId: string;
  port?: number;
  dataDir?: string;
  /** Extra or overriding environment. */
  env?: Record<string, string>;
  /** How long to wait for /healthz. Default 45 s. */
  readyTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the process ended (ms). */
  at: number;
}

export interface ServiceProcess {
  instanceId: string;
  port: number;
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited. */
  exited: Promise<ExitInfo>;
  /** stdout and stderr lines so far (last 2,000). */
  output(): string[];
  /** Sends a signal and waits for the exit. */
  kill(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
  /** A new process with the same environment and port (after this one has exited). */
  restart(): Promise<ServiceProcess>;
  /** POST a Telegram update to this instance's webhook. */
  postUpdate(update: unknown, secret?: string): Promise<Response>;
  /** Call /api with the admin token. */
  api(method: string, path: string, body?: unknown): Promise<Response>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Spawns the service and waits until GET /healthz answers 200. */
/** Data directories made by spawnService, removed by killAll. */
const madeDirs = new Set<string>();

export async function spawnService(o: SpawnOptions): Promise<ServiceProcess> {
  const port = o.port ?? (await freePort());
  let dataDir = o.dataDir;
  if (!dataDir) {
    dataDir = await mkdtemp(join(tmpdir(), 'dieu-phoi-proc-'));
    madeDirs.add(dataDir);
  }
  // A clean environment: nothing of the test runner's (NODE_OPTIONS, TEST_DATABASE_URL…) leaks in.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    PORT: String(port),
    DATABASE_URL: o.databaseUrl,
    DATA_DIR: dataDir,
    ADMIN_TOKEN: PROC_ADMIN,
    TELEGRAM_BOT_TOKEN: PROC_TOKEN,
    TELEGRAM_API_ROOT: o.telegramApiRoot,
    TELEGRAM_WEBHOOK_SECRET: PROC_SECRET,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SCHEDULER_TICK: '* * * * * *',
    INSTANCE_ID: o.instanceId,
    SANDBOX: '0',
    LOG_LEVEL: process.env.TEST_CHILD_LOG_LEVEL ?? 'warn',
    ...o.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.node.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (prefix: string) => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      lines.push(`${prefix} ${line}`);
      if (lines.length > 2000) lines.shift();
    }
  };
  child.stdout!.on('data', collect(`[${o.instanceId}]`));
  child.stderr!.on('data', collect(`[${o.instanceId}!]`));
  let exitInfo: ExitInfo | null = null;
  const exited = new Promise<ExitInfo>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal, at: Date.now() };
      resolveExit(exitInfo);
    });
  });
  const url = `http://127.0.0.1:${port}`;

  const proc: ServiceProcess = {
    instanceId: o.instanceId,
    port,
    url,
    child,
    exited,
    output: () => [...lines],
    async kill(signal = 'SIGKILL', timeoutMs = 20_000) {
      if (exitInfo) return exitInfo;
      child.kill(signal);
      const timer = sleep(timeoutMs).then(() => null);
      const done = await Promise.race([exited, timer]);
      if (!done) {
        child.kill('SIGKILL');
        throw new Error(
          `${o.instanceId}: no exit within ${timeoutMs} ms after ${signal}\n${lines.slice(-30).join('\n')}`,
        );
      }
      return done;
    },
    async restart() {
      if (!exitInfo) await proc.kill('SIGKILL');
      return spawnService({ ...o, port, dataDir });
    },
    postUpdate(update, secret = PROC_SECRET) {
      return fetch(`${url}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });
    },
    api(method, path, body) {
      return fetch(`${url}/api${path}`, {
        method,
        headers: { authorization: `Bearer ${PROC_ADMIN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
  };

  const until = Date.now() + (o.readyTimeoutMs ?? 45_000);
  for (;;) {
    if (exitInfo)
      throw new Error(
        `${o.instanceId} exited before it was ready (${JSON.stringify(exitInfo)}):\n${lines.slice(-40).join('\n')}`,
      );
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(
        `${o.instanceId} not healthy within ${o.readyTimeoutMs ?? 45_000} ms:\n${lines.slice(-40).join('\n')}`,
      );
    }
    await sleep(100);
  }
  return proc;
}

/** Kills whatever is still running and removes the data directories spawnService made (afterAll). */
export async function killAll(procs: Array<ServiceProcess | null | undefined>): Promise<void> {
  await Promise.all(
    procs.map((p) => (p ? p.kill('SIGKILL', 5000).catch(() => undefined) : undefined)),
  );
  for (const dir of madeDirs)
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  madeDirs.clear();
}

/** Polls until `cond` holds; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(
  cond: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
