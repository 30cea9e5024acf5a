/**
 * Assembles the running service for Node: database, migrations, channels, HTTP app,
 * outbox workers and the scheduler tick. Used by main.node.ts and by tests that run the real thing.
 */
import { serve, type ServerType } from '@hono/node-server';
import { platformQueries, type ChannelAdapter } from '../bots/adapter';
import { createZaloAdapter } from '../bots/zalo/index';
import { createZaloBotAdapter } from '../bots/zalo-bot/index';
import type { Config } from './config';
import type { AppContext } from './app-context';
import type { InboundSink } from './core/channel';
import { systemClock, type Clock } from './core/clock';
import { createSink } from './core/inbound/sink';
import { OutboxWorker } from './core/outbox/worker';
import { updateBroadcastProgress } from './core/broadcasts/broadcast';
import { openDatabase, type DbHandle } from './db/client';
import { migrateToLatest } from './db/migrate';
import { createHttpApp } from './http/app';
import { renderMetrics } from './http/metrics';
import { createLogger, type Logger } from './log';
import { resolveAdminToken } from './admin-token';
import { COMMANDS } from './messages/vi';
import { startTickLoop, type TickLoop } from './scheduler/node-cron';
// ---- dashboard and sandbox (issue 7)
import { createSandboxAdapter, type SandboxAdapter } from '../bots/sandbox/index';
import { mountDashboard } from './http/dashboard/routes';
import { mountSandbox } from './http/sandbox/routes';
import { loadDemo, sandboxGroups } from './demo/load-demo';
import { clearAlert, loadAlerts, raiseAlert, recordedPause } from './core/platform-alerts';

export interface RunningService {
  url: string;
  port: number;
  adminToken: string;
  adminTokenSource: 'env' | 'file' | 'generated';
  /** Where a generated admin token is kept (null when ADMIN_TOKEN is set). */
  adminTokenPath: string | null;
  /** The address the HTTP server listens on (HOST; 127.0.0.1 while the open sandbox runs). */
  host: string;
  ctx: AppContext;
  adapters: ChannelAdapter[];
  workers: Map<string, OutboxWorker>;
  /** The chat simulator's address when the sandbox channel is on. */
  sandboxUrl: string | null;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  log?: Logger;
  db?: DbHandle;
  /** Extra adapters (tests, sandbox) beside those the configuration enables. */
  adapters?: (sinkFor: (adapter: () => ChannelAdapter) => InboundSink) => ChannelAdapter[];
  /** Outbox workers off (tests that drain by hand). */
  workers?: boolean;
  /** The node-cron tick off (tests that tick by hand). */
  scheduler?: boolean;
  /** Load the demo data (seed 000) into an empty database when the sandbox is on. Default true. */
  demo?: boolean;
}

export async function startService(
  config: Config,
  options: ServiceOptions = {},
): Promise<RunningService> {
  const log = options.log ?? createLogger(config.logLevel);
  const handle = options.db ?? (await openDatabase(config));
  await migrateToLatest(handle.db);
  const ctx: AppContext = {
    db: handle.db,
    engine: handle.engine,
    clock: options.clock ?? systemClock,
    log,
    timezone: config.timezone,
    config,
  };
  const admin = await resolveAdminToken(config.adminToken, config.dataDir);

  const workers = new Map<string, OutboxWorker>();
  // Declared before the app: /healthz and /metrics read it while the channels are still starting.
  let tickLoop: TickLoop | null = null;
  const sinkFor = (adapter: () => ChannelAdapter) =>
    createSink(
      ctx,
      () => adapter().botUsername(),
      () => workers.get(adapter().platform)?.poke(),
    );
  const adapters: ChannelAdapter[] = [];
  if (config.telegram.token) {
    // telegraf (≈ 20 MiB once loaded) only when Telegram is configured.
    const { createTelegramAdapter } = await import('../bots/telegram/index');
    const telegram: ChannelAdapter = createTelegramAdapter({
      token: config.telegram.token,
      apiRoot: config.telegram.apiRoot,
      webhookSecret: config.telegram.webhookSecret,
      publicUrl: config.publicUrl,
      sink: sinkFor(() => telegram),
      log,
      commands: COMMANDS,
    });
    adapters.push(telegram);
  }
  // ---- Zalo: zca-js (personal account, one listener per account via a lease) and the Zalo Bot API.
  let alertsTimer: ReturnType<typeof setInterval> | null = null;
  if (config.zalo.credentialsPath) {
    const pokeAll = () => workers.forEach((w) => w.poke());
    const zalo: ChannelAdapter = createZaloAdapter({
      // zca-js is loaded only when a Zalo account is configured (it is heavy and rarely used).
      connector: (await import('../bots/zalo/zca-real')).createZcaConnector({
        credentialsPath: config.zalo.credentialsPath,
      }),
      sink: sinkFor(() => zalo),
      log,
      db: handle.db,
      instanceId: config.instanceId,
      // One zca-js account per deployment; every instance must name its lease alike.
      accountKey: 'default',
      limits: {
        minGapMs: config.zalo.minGapMs,
        jitterMs: config.zalo.jitterMs,
        dailyCap: config.zalo.dailyCap,
      },
      pauseMs: config.zalo.pauseMs,
      fileTimeoutMs: config.zalo.fileTimeoutMs,
      // Session and throttling problems reach the organizers (other platforms), the banner, /healthz.
      ops: {
        raise: async (a) => {
          await raiseAlert(ctx, {
            platform: 'zalo',
            kind: a.kind,
            ...(a.kind === 'sending-paused'
              ? { until: a.until.toISOString(), reason: a.reason }
              : {}),
          });
          pokeAll();
        },
        clear: (kind) => clearAlert(ctx, 'zalo', kind),
        pausedUntil: () => recordedPause(ctx, 'zalo'),
      },
    });
    adapters.push(zalo);
    // Every instance shows the banner, whichever one holds the listener.
    await loadAlerts(ctx.db, ctx.clock()).catch(() => []);
    alertsTimer = setInterval(() => void loadAlerts(ctx.db, ctx.clock()).catch(() => []), 30_000);
    alertsTimer.unref();
  }
  if (config.zaloBot.token) {
    const zaloBot: ChannelAdapter = createZaloBotAdapter({
      token: config.zaloBot.token,
      apiRoot: config.zaloBot.apiRoot,
      webhookSecret: config.zaloBot.webhookSecret,
      publicUrl: config.publicUrl,
      botName: config.zaloBot.botName,
      sink: sinkFor(() => zaloBot),
      log,
      db: handle.db,
      instanceId: config.instanceId,
    });
    adapters.push(zaloBot);
  }
  // ---- end Zalo
  // ---- Sandbox (issue 7): the chat simulator, on when no platform is configured or SANDBOX=1.
  const sandbox: SandboxAdapter | null = config.sandbox
    ? createSandboxAdapter({ sink: sinkFor(() => sandbox!) })
    : null;
  const simulatedGroups = sandbox ? sandboxGroups() : [];
  if (sandbox) adapters.push(sandbox);
  // ---- end sandbox
  adapters.push(...(options.adapters?.(sinkFor) ?? []));

  ctx.platforms = platformQueries(adapters);

  const app = createHttpApp({
    ctx,
    adminToken: admin.token,
    webhooks: adapters.flatMap((a) => (a.webhook ? [a.webhook] : [])),
    metrics: () =>
      renderMetrics({
        db: ctx.db,
        workers: () =>
          [...workers.entries()].map(([platform, w]) => ({
            platform,
            holder: w.isHolder,
            stats: w.stats,
          })),
        tick: () => tickLoop?.lastTick() ?? { ms: null },
        channels: () => Object.fromEntries(adapters.map((a) => [a.platform, a.health()])),
      }),
    health: () => ({
      ...Object.fromEntries(adapters.map((a) => [a.platform, a.health()])),
      tick: tickLoop?.lastTick() ?? null,
    }),
    // ---- dashboard and sandbox pages (issue 7)
    mount: (root) => {
      const telegramUsername = () =>
        adapters.find((a) => a.platform === 'telegram')?.botUsername() ?? null;
      mountDashboard(root, ctx, {
        adminToken: admin.token,
        botLinks: { telegramUsername },
        sandbox: !!sandbox,
      });
      // Behind the login when real platforms run too: the simulated organizer group could reach real groups.
      const realPlatforms = !!(
        config.telegram.token ||
        config.zalo.credentialsPath ||
        config.zaloBot.token
      );
      if (sandbox)
        mountSandbox(root, ctx, {
          adapter: sandbox,
          groups: simulatedGroups,
          requireSession: realPlatforms,
        });
    },
  });

  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(s),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log.info({ host: config.host, port, openSandbox: config.openSandbox }, 'listening');
  // After listening: /healthz answers while the demo course is written (first start only).
  if (sandbox && options.demo !== false) await loadDemo(ctx, simulatedGroups);

  for (const adapter of adapters) {
    try {
      await adapter.start();
    } catch (err) {
      log.error({ err, platform: adapter.platform }, 'channel failed to start');
    }
    if (options.workers !== false) {
      const worker = new OutboxWorker(ctx, adapter.sender, {
        instanceId: config.instanceId,
        afterBatch: (d) => updateBroadcastProgress(ctx, d),
      });
      workers.set(adapter.platform, worker);
      worker.start();
    }
  }

  const pokeAll = () => workers.forEach((w) => w.poke());
  tickLoop = options.scheduler === false ? null : startTickLoop(ctx, config.schedulerTick, pokeAll);

  let stopped = false;
  const shownHost = /^(0\.0\.0\.0|::|127\.0\.0\.1|::1|localhost)$/.test(config.host)
    ? 'localhost'
    : config.host.includes(':')
      ? `[${config.host}]`
      : config.host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    adminToken: admin.token,
    adminTokenSource: admin.source,
    adminTokenPath: admin.path,
    host: config.host,
    ctx,
    adapters,
    workers,
    sandboxUrl: sandbox ? `http://${shownHost}:${port}/sandbox` : null,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Stop taking requests and updates, let in-flight work finish, then close the pool.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (alertsTimer) clearInterval(alertsTimer);
      for (const a of adapters) await a.stop().catch(() => {});
      await tickLoop?.stop();
      await Promise.all([...workers.values()].map((w) => w.stop()));
      if (!options.db) await handle.close();
    },
  };
}
