/**
 * Assembles the running service for Node: database, migrations, HTTP app, channels,
 * scheduler and outbox. Used by main.node.ts and by tests that run the real thing.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from './config';
import type { AppContext } from './app-context';
import { systemClock, type Clock } from './core/clock';
import { openDatabase, type DbHandle } from './db/client';
import { migrateToLatest } from './db/migrate';
import { createHttpApp } from './http/app';
import { createLogger, type Logger } from './log';
import { resolveAdminToken } from './admin-token';

export interface RunningService {
  url: string;
  port: number;
  adminToken: string;
  adminTokenSource: 'env' | 'file' | 'generated';
  ctx: AppContext;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  log?: Logger;
  db?: DbHandle;
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<RunningService> {
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
  const app = createHttpApp({ ctx, adminToken: admin.token });

  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: '0.0.0.0' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  let stopped = false;
  return {
    url: `http://localhost:${port}`,
    port,
    adminToken: admin.token,
    adminTokenSource: admin.source,
    ctx,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Stop taking requests, let in-flight ones finish, then close the pool.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.db) await handle.close();
    },
  };
}
