/**
 * The Cloudflare Workers entry: `fetch` serves the same Hono app as Node (Telegram webhook,
 * /api, /healthz); `scheduled` (a Cron Trigger, every minute) runs the tick and drains the
 * outbox of each webhook platform for a bounded time.
 *
 * Per isolate (lazily, on the first event): configuration, logger, channel adapters, the Hono app.
 * Per request / per scheduled run: the database pool. workerd forbids using a socket opened while
 * serving one request from another request, so the isolate's AppContext resolves `ctx.db`
 * through AsyncLocalStorage to the pool of the request being served, closed in ctx.waitUntil.
 *
 * Database: Postgres through Hyperdrive (`pg` over cloudflare:sockets).
 *   HYPERDRIVE          read-cached config; used only for GET/HEAD under /api/ (lists, progress),
 *                       which may then lag by the cache's max_age (60 s by default).
 *   HYPERDRIVE_NOCACHE  a config created with --caching-disabled; used by the scheduler, the
 *                       webhooks, every write and /healthz. Hyperdrive caches read-only queries,
 *                       and the tick's "due_at <= $1" or the webhook's "is this chat linked?" are
 *                       exactly such queries: a cached answer would skip due reminders or answer
 *                       from the state before a change. Falls back to HYPERDRIVE when unbound.
 *   DATABASE_URL        used when neither binding exists (tests, a direct connection).
 * Migrations: `npm run migrate` against the database before each deploy; optionally also once
 * per isolate at its first event with WORKER_AUTO_MIGRATE=1 (the static migration map bundles,
 * no fs needed; Kysely's migration lock makes concurrent isolates safe).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Hono } from 'hono';
import { platformQueries, type ChannelAdapter } from '../bots/adapter';
import type { AppContext } from './app-context';
import { ConfigError, loadConfig, type Config } from './config';
import type { Platform } from './core/channel';
import { systemClock } from './core/clock';
import { updateBroadcastProgress } from './core/broadcasts/broadcast';
import { OutboxWorker } from './core/outbox/worker';
import { runTick } from './core/scheduler/handlers';
import { pruneIfDue } from './core/retention';
import type { TickResult } from './core/scheduler/tick';
import type { Db } from './db/types';
import { openWorkerPostgres } from './db/client.worker';
import { migrateToLatest } from './db/migrate';
import { createHttpApp } from './http/app';
import { errorBody } from './http/errors';
import type { Logger } from './log';
import { createWorkerLogger } from './log.worker';
import { createWorkerAdapters } from './runtime/worker-adapters';

// ---------------------------------------------------------------- Workers types (the subset used)

/** A Hyperdrive binding: a connection string valid for the current invocation. */
export interface HyperdriveBinding {
  readonly connectionString: string;
}

export interface WorkerEnv {
  HYPERDRIVE?: HyperdriveBinding;
  HYPERDRIVE_NOCACHE?: HyperdriveBinding;
  /** Vars and secrets (strings), see wrangler.toml. */
  [name: string]: unknown;
}

export interface WorkerExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

export interface WorkerScheduledController {
  readonly scheduledTime: number;
  readonly cron: string;
}

// ---------------------------------------------------------------- settings

/**
 * Workers-only knobs. They are read here, next to the bindings, because config.ts describes the
 * service both runtimes share; errors name the variable the same way (ConfigError).
 */
export interface WorkerSettings {
  /** Time one scheduled run may spend draining the outbox after the tick (ms). */
  drainMs: number;
  /** After a webhook update is handled, drain that platform for up to this long (ms) in waitUntil; 0: leave it to the cron. */
  webhookDrainMs: number;
  /** Database connections per request / scheduled run (1–5, default 2: with the outbox's 4 Bot API calls in flight that fills the six connections an invocation may hold). */
  poolMax: number;
  /** Apply pending migrations once per isolate at its first event. */
  autoMigrate: boolean;
}

function intVar(
  vars: Record<string, string>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = vars[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(name, `phải là số nguyên từ ${min} đến ${max} (đang là "${raw}")`);
  return n;
}

export function workerSettings(vars: Record<string, string>): WorkerSettings {
  const auto = vars.WORKER_AUTO_MIGRATE?.trim().toLowerCase() ?? '';
  if (auto && !['1', 'true', '0', 'false'].includes(auto))
    throw new ConfigError(
      'WORKER_AUTO_MIGRATE',
      `chỉ nhận 1/true hoặc 0/false (đang là "${auto}")`,
    );
  return {
    // A Cron Trigger fires every minute: 20 s leaves the next run free and stays far below the
    // scheduled handler's wall-time limit.
    drainMs: intVar(vars, 'WORKER_DRAIN_MS', 20_000, 1_000, 300_000),
    // waitUntil keeps an invocation alive for at most 30 s after the response.
    webhookDrainMs: intVar(vars, 'WORKER_WEBHOOK_DRAIN_MS', 5_000, 0, 25_000),
    poolMax: intVar(vars, 'WORKER_DB_POOL_MAX', 2, 1, 5),
    autoMigrate: auto === '1' || auto === 'true',
  };
}

/** Vars and secrets as strings (wrangler [vars] may hold numbers or booleans); bindings left out. */
export function stringVars(env: WorkerEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

function hyperdrive(v: unknown): HyperdriveBinding | null {
  return typeof v === 'object' &&
    v !== null &&
    typeof (v as HyperdriveBinding).connectionString === 'string'
    ? (v as HyperdriveBinding)
    : null;
}

/** Where this piece of work reads and writes; `fresh` never goes through Hyperdrive's cache. */
export function databaseUrl(env: WorkerEnv, config: Config, fresh: boolean): string {
  const cached = hyperdrive(env.HYPERDRIVE);
  const nocache = hyperdrive(env.HYPERDRIVE_NOCACHE);
  const binding = fresh ? (nocache ?? cached) : (cached ?? nocache);
  const url = binding?.connectionString ?? config.databaseUrl;
  if (!url)
    throw new ConfigError(
      'DATABASE_URL',
      'trên Workers cần binding Hyperdrive (HYPERDRIVE, HYPERDRIVE_NOCACHE) hoặc DATABASE_URL',
    );
  return url;
}

// ---------------------------------------------------------------- the isolate

interface Scope {
  db: Db;
  /** Platforms whose outbox got replies during this request (drained after the response). */
  drain: Set<Platform>;
}

const scope = new AsyncLocalStorage<Scope>();

interface Runtime {
  config: Config;
  settings: WorkerSettings;
  log: Logger;
  ctx: AppContext;
  adapters: ChannelAdapter[];
  app: Hono;
}

let runtime: Runtime | null = null;
let migrated = false;

function buildRuntime(env: WorkerEnv): Runtime {
  const vars = stringVars(env);
  const config = loadConfig(vars);
  const settings = workerSettings(vars);
  if (!config.adminToken) {
    // Node generates one and keeps it in DATA_DIR; a Worker has no disk to keep it on.
    throw new ConfigError(
      'ADMIN_TOKEN',
      'bắt buộc trên Cloudflare Workers: wrangler secret put ADMIN_TOKEN',
    );
  }
  if (config.telegram.token && !config.telegram.webhookSecret) {
    throw new ConfigError(
      'TELEGRAM_WEBHOOK_SECRET',
      'bắt buộc khi có TELEGRAM_BOT_TOKEN (Workers chỉ nhận webhook): wrangler secret put TELEGRAM_WEBHOOK_SECRET',
    );
  }
  const log = createWorkerLogger(config.logLevel).child({ runtime: 'workers' });
  const ctx: AppContext = {
    get db(): Db {
      const current = scope.getStore();
      if (!current) throw new Error('ctx.db used outside a request or scheduled run');
      return current.db;
    },
    engine: 'postgres',
    clock: systemClock,
    log,
    timezone: config.timezone,
    config,
  };
  const adapters = createWorkerAdapters({
    config,
    ctx,
    log,
    onHandled: (platform) => scope.getStore()?.drain.add(platform),
  });
  ctx.platforms = platformQueries(adapters);
  const app = createHttpApp({
    ctx,
    adminToken: config.adminToken,
    webhooks: adapters.flatMap((a) => (a.webhook ? [a.webhook] : [])),
    health: () => ({
      runtime: 'workers',
      ...Object.fromEntries(adapters.map((a) => [a.platform, a.health()])),
    }),
  });
  return { config, settings, log, ctx, adapters, app };
}

/** Built on the first event of the isolate; a configuration error is not cached (the next event retries). */
function getRuntime(env: WorkerEnv): Runtime {
  return (runtime ??= buildRuntime(env));
}

async function ensureMigrated(rt: Runtime, env: WorkerEnv): Promise<void> {
  if (!rt.settings.autoMigrate || migrated) return;
  const handle = openWorkerPostgres(databaseUrl(env, rt.config, true), { max: 1 });
  try {
    const applied = await migrateToLatest(handle.db);
    if (applied.length) rt.log.info({ applied }, 'migrations applied');
    migrated = true;
  } finally {
    await handle.close();
  }
}

/**
 * Sends what is due on one platform for at most budgetMs. Each run has its own holder id: the
 * outbox lease is re-entrant per holder, and two runs in one isolate must not both send.
 * maxInFlight 4: a Worker invocation has six simultaneous connections for the database and the
 * Bot API together.
 */
async function drainPlatform(rt: Runtime, adapter: ChannelAdapter, budgetMs: number) {
  const worker = new OutboxWorker(rt.ctx, adapter.sender, {
    instanceId: `${rt.config.instanceId}-${crypto.randomUUID().slice(0, 8)}`,
    maxInFlight: 4,
    afterBatch: (delivered) => updateBroadcastProgress(rt.ctx, delivered),
  });
  const handled = await worker.drain(budgetMs);
  return { platform: adapter.platform, handled, ...worker.stats };
}

function drainAll(rt: Runtime, platforms: (p: Platform) => boolean, budgetMs: number) {
  return Promise.all(
    rt.adapters
      .filter((a) => platforms(a.platform))
      .map((a) =>
        drainPlatform(rt, a, budgetMs).catch((err: unknown) => {
          rt.log.warn({ err, platform: a.platform }, 'outbox drain failed; the next run retries');
          return { platform: a.platform, error: true };
        }),
      ),
  );
}

/** Safe reads of /api may come from Hyperdrive's cache; everything else reads fresh. */
function readsMayBeCached(request: Request): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    new URL(request.url).pathname.startsWith('/api/')
  );
}

/** A configuration error: logged (the message names the variable, never its value) and answered as JSON 500. */
function startupFailure(e: unknown): Response {
  const message =
    e instanceof ConfigError ? e.message : 'Không khởi động được (xem log của Worker).';
  // Same JSON line shape as the logger, which may not exist yet.
  console.error(
    JSON.stringify({
      level: 50,
      time: Date.now(),
      runtime: 'workers',
      msg: 'worker not configured',
      error: e instanceof Error ? e.message : String(e),
    }),
  );
  return new Response(JSON.stringify(errorBody('config_error', message)), {
    status: 500,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

// ---------------------------------------------------------------- handlers

async function fetchHandler(
  request: Request,
  env: WorkerEnv,
  ectx: WorkerExecutionContext,
): Promise<Response> {
  let rt: Runtime;
  let url: string;
  try {
    rt = getRuntime(env);
    url = databaseUrl(env, rt.config, !readsMayBeCached(request));
  } catch (e) {
    return startupFailure(e);
  }
  const handle = openWorkerPostgres(url, { max: rt.settings.poolMax });
  const current: Scope = { db: handle.db, drain: new Set() };
  let response: Response;
  try {
    response = await scope.run(current, async () => {
      await ensureMigrated(rt, env);
      return rt.app.fetch(request, env, ectx as never);
    });
  } catch (e) {
    ectx.waitUntil(handle.close());
    rt.log.error({ err: e, path: new URL(request.url).pathname }, 'request failed');
    return new Response(
      JSON.stringify(errorBody('internal', 'Lỗi hệ thống, vui lòng thử lại sau.')),
      {
        status: 500,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      },
    );
  }
  // After the response: replies the update just queued go out now rather than at the next cron
  // minute (only the outbox lease holder sends, so limits hold), then the pool is closed.
  const after = async () => {
    if (current.drain.size && rt.settings.webhookDrainMs > 0) {
      await scope.run(current, () =>
        drainAll(rt, (p) => current.drain.has(p), rt.settings.webhookDrainMs),
      );
    }
  };
  ectx.waitUntil(after().finally(() => handle.close()));
  return response;
}

/**
 * The Cron Trigger. Cron Triggers run in UTC; that does not matter here: the tick compares
 * instants (due_at timestamptz <= now), and every local time (8h00 Asia/Ho_Chi_Minh…) was turned
 * into an instant when the job was planned. SCHEDULER_TICK is Node's; here wrangler.toml's cron
 * (whole minutes) calls the tick.
 */
async function scheduledHandler(
  controller: WorkerScheduledController,
  env: WorkerEnv,
  ectx: WorkerExecutionContext,
): Promise<void> {
  let rt: Runtime;
  let url: string;
  try {
    rt = getRuntime(env);
    url = databaseUrl(env, rt.config, true);
  } catch (e) {
    startupFailure(e);
    throw e;
  }
  const started = Date.now();
  const handle = openWorkerPostgres(url, { max: rt.settings.poolMax });
  const current: Scope = { db: handle.db, drain: new Set() };
  try {
    await scope.run(current, async () => {
      await ensureMigrated(rt, env);
      let tick: TickResult | null = null;
      let tickError: unknown = null;
      try {
        tick = await runTick(rt.ctx);
      } catch (e) {
        tickError = e;
        rt.log.error({ err: e }, 'tick failed; the next run retries');
      }
      // Whatever the tick did, what is already queued still goes out within the budget.
      const budget = Math.max(1_000, rt.settings.drainMs - (Date.now() - started));
      const drained = await drainAll(rt, () => true, budget);
      await pruneIfDue(rt.ctx).catch((err: unknown) =>
        rt.log.warn({ err }, 'pruning old rows failed; the next run retries'),
      );
      rt.log.info(
        {
          cron: controller.cron,
          scheduledTime: new Date(controller.scheduledTime).toISOString(),
          tick,
          drained,
          ms: Date.now() - started,
        },
        'scheduled run',
      );
      if (tickError) throw tickError;
    });
  } finally {
    ectx.waitUntil(handle.close());
  }
}

export default {
  fetch: fetchHandler,
  scheduled: scheduledHandler,
};
