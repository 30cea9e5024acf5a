/**
 * Postgres for Cloudflare Workers: `pg` over `cloudflare:sockets` (pg picks pg-cloudflare in
 * workerd), normally through Hyperdrive, which pools the real connections near the database.
 *
 * Why not openPostgres() from ./client: that module also reaches PGlite and node:fs through
 * dynamic imports the bundler would follow, and its pool (10 connections, kept across calls) is
 * shaped for a long-lived Node process. In workerd a socket opened while serving one request
 * cannot be used by another ("Cannot perform I/O on behalf of a different request"), so a pool
 * here lives for exactly one request or one scheduled invocation and is closed at its end
 * (main.worker.ts does that in ctx.waitUntil). Connecting to Hyperdrive is cheap; that is what
 * it is for.
 *
 * Only `import type` from ./client, so nothing of it is bundled.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DbHandle } from './client';
import type { Database } from './schema';

const INT8 = 20;
const NUMERIC = 1700;
/** Same parsing as ./client: int8 ids and counts as numbers (far below 2^53), so both runtimes agree. */
const toNumber = (v: string) => Number(v);
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return toNumber;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface WorkerPostgresOptions {
  /**
   * Connections this one request may open (1–5, default 2). A Worker invocation has six
   * simultaneous outgoing connections in all (sockets and fetches alike; more wait in a queue),
   * so the database must leave room for the Bot API calls the outbox makes at the same time.
   */
  max?: number;
}

/** One request's (or one scheduled run's) database handle; close() it when that work ends. */
export function openWorkerPostgres(
  connectionString: string,
  options: WorkerPostgresOptions = {},
): DbHandle {
  const max = Math.min(5, Math.max(1, Math.trunc(options.max ?? 2)));
  const pool = new pg.Pool({
    connectionString,
    max,
    types: types as never,
    connectionTimeoutMillis: 10_000,
    // 0: never close idle clients by timer; the whole pool is ended with the request instead,
    // so no timer fires after the invocation has finished.
    idleTimeoutMillis: 0,
  });
  // pg.Pool is an EventEmitter under nodejs_compat too; an idle client's socket error must be
  // swallowed here rather than surface as an unhandled 'error' event. Nothing else is assumed.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed: Promise<void> | null = null;
  return {
    db,
    engine: 'postgres',
    close: () => (closed ??= db.destroy().catch(() => {})),
  };
}
