/**
 * One Kysely type for both engines: `pg` when DATABASE_URL is set, embedded PGlite otherwise.
 * PGlite goes through Kysely's own PGliteDialect (kysely ≥ 0.29), which serializes
 * transactions on PGlite's single connection; kysely-pglite loses writes under concurrency.
 */
import { createHash } from 'node:crypto';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import type { Database } from './schema';

export type { Db } from './types';
import type { Db } from './types';
export type Engine = 'pglite' | 'postgres';

export interface DbHandle {
  db: Db;
  engine: Engine;
  close(): Promise<void>;
}

const INT8 = 20;
const NUMERIC = 1700;
/** int8 ids and counts as numbers: they stay far below 2^53 and both engines then agree. */
const toNumber = (v: string) => Number(v);

export async function openPostgres(
  url: string,
  options: { max?: number; searchPath?: string } = {},
): Promise<DbHandle> {
  const pg = (await import('pg')).default;
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8 || oid === NUMERIC) return toNumber;
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
  const pool = new pg.Pool({
    Client: preparingClient(pg.Client),
    connectionString: url,
    max: options.max ?? 10,
    types: types as never,
    connectionTimeoutMillis: 10_000,
    options: options.searchPath ? `-c search_path=${options.searchPath}` : undefined,
  });
  // An idle client losing its server (Postgres restart) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', close: () => db.destroy() };
}

const PREPARED_PER_CONNECTION = 500;
const CONTROL = /^\s*(begin|commit|rollback|savepoint|release|start|set|select pg_backend_pid)/i;

/** Statement texts seen in this process and their names: a hash per query cost ~2% of the hot path. */
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `k${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    // `in (…)` lists of every length make new texts: keep the cache as bounded as the statements.
    if (names.size >= 4 * PREPARED_PER_CONNECTION) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * Sends Kysely's parameterized statements as named (prepared) statements, so Postgres plans each
 * shape once per connection: the inbound path runs the same few statements thousands of times, and
 * planning was ~40% of Postgres' time there. Capped per connection, since `in (…)` lists of
 * varying length make new texts.
 */
function preparingClient(Base: typeof import('pg').Client): typeof import('pg').Client {
  return class extends Base {
    private readonly prepared = new Set<string>();
    constructor(...args: any[]) {
      super(...args);
      // A checked-out client whose server goes away (Postgres restarted) emits 'error'; unheard, it
      // would end the process. The next query on it fails instead, and the pool replaces it.
      this.on('error', () => {});
    }
    override query(...args: any[]): any {
      const [text, values] = args;
      if (
        typeof text === 'string' &&
        Array.isArray(values) &&
        args.length === 2 &&
        text.length < 10_000 &&
        !CONTROL.test(text)
      ) {
        const name = statementName(text);
        if (this.prepared.has(name) || this.prepared.size < PREPARED_PER_CONNECTION) {
          this.prepared.add(name);
          return super.query({ name, text, values });
        }
      }
      return (super.query as (...a: any[]) => any)(...args);
    }
  };
}

/** The bound values PGlite attaches to a failed statement's error (message texts, phones, codes). */
function withoutBoundValues(e: unknown): unknown {
  if (e && typeof e === 'object') {
    for (const key of ['params', 'queryOptions'] as const)
      if (key in e) delete (e as Record<string, unknown>)[key];
  }
  return e;
}

type Queryable = { query: (...args: any[]) => Promise<unknown> };

/**
 * The same PGlite (or transaction) whose failed queries lose their bound values before anyone
 * can log them: PGlite sets `err.params` to what was bound. Methods are bound to the real object
 * (PGlite keeps private fields, which a proxy receiver cannot reach).
 */
function stripBoundValues<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'query' || prop === 'exec')
        return async (...args: unknown[]) => {
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
          } catch (e) {
            throw withoutBoundValues(e);
          }
        };
      if (prop === 'transaction')
        return (fn: (tx: Queryable) => Promise<unknown>) =>
          (value as (f: (tx: Queryable) => Promise<unknown>) => Promise<unknown>).call(obj, (tx) =>
            fn(stripBoundValues(tx)),
          );
      return (value as (...a: unknown[]) => unknown).bind(obj);
    },
  });
}

/**
 * Postgres zeroes its whole shared memory at start, and in PGlite that memory is WebAssembly heap
 * the process keeps for good. Its size follows shared_buffers and the connection slots; PGlite
 * runs one backend in single-user mode, so the slots (100 by default, plus WAL senders and
 * replication slots) buy nothing. 4 MB of buffers still hold this database's hot pages, and the
 * OS caches the rest of its files. Together ≈ 8 MiB less than 8 MB of buffers and 100 slots.
 */
const PGLITE_SETTINGS = {
  shared_buffers: '4MB',
  max_connections: '4',
  max_wal_senders: '0',
  max_replication_slots: '0',
};

export async function openPglite(dataDir: string | null): Promise<DbHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  // In memory (tests) there is no directory to copy the template into: PGlite runs initdb.
  if (dataDir) (await import('./pglite-template')).seedFromTemplate(dataDir);
  const pglite = new PGlite(dataDir ?? undefined, {
    parsers: { [INT8]: toNumber, [NUMERIC]: toNumber },
    startParams: [
      ...PGlite.defaultStartParams,
      ...Object.entries(PGLITE_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ],
  });
  await pglite.waitReady;
  const db = new Kysely<Database>({
    dialect: new PGliteDialect({ pglite: stripBoundValues(pglite) }),
  });
  return { db, engine: 'pglite', close: () => db.destroy() };
}

/**
 * The data directory holds the database (live login links in its WAL, join codes) and the admin
 * token: only the service's user may read it. PGlite's file system sets modes itself, whatever the
 * umask: the template's files come out 0666 on the first start, and the two relation-cache files
 * (pg_internal.init) 0644 at every start. So the whole tree is tightened once (first start, or a
 * directory an older version left open), and on later starts only those cache files; whatever
 * else is written later follows the umask main.node.ts sets.
 */
export async function restrictDataDir(dir: string): Promise<void> {
  const { chmod, mkdir, readdir, stat } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const loose = async (path: string) => ((await stat(path).catch(() => null))?.mode ?? 0) & 0o077;
  if (!(await loose(dir)) && !(await loose(join(dir, 'pglite', 'PG_VERSION')))) {
    const bases = await readdir(join(dir, 'pglite', 'base')).catch(() => []);
    const caches = [
      join(dir, 'pglite', 'global', 'pg_internal.init'),
      ...bases.map((b) => join(dir, 'pglite', 'base', b, 'pg_internal.init')),
    ];
    await Promise.all(caches.map((f) => chmod(f, 0o600).catch(() => {})));
    return;
  }
  const tighten = async (path: string, isDir: boolean): Promise<void> => {
    await chmod(path, isDir ? 0o700 : 0o600).catch(() => {});
    if (!isDir) return;
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    await Promise.all(
      entries
        .filter((e) => e.isDirectory() || e.isFile())
        .map((e) => tighten(join(path, e.name), e.isDirectory())),
    );
  };
  await tighten(dir, true);
}

export class DatabaseUnavailableError extends Error {}

/** Opens the configured database and proves it answers, so a bad URL fails at start with one line. */
export async function openDatabase(config: {
  databaseUrl: string | null;
  dataDir: string;
}): Promise<DbHandle> {
  if (!config.databaseUrl) {
    const { join } = await import('node:path');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const handle = await openPglite(join(config.dataDir, 'pglite'));
    await restrictDataDir(config.dataDir);
    return handle;
  }
  const handle = await openPostgres(config.databaseUrl);
  try {
    await handle.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  } catch (e) {
    await handle.close().catch(() => {});
    const reason = e instanceof Error ? e.message : String(e);
    throw new DatabaseUnavailableError(
      `DATABASE_URL: không kết nối được cơ sở dữ liệu (${redactUrl(config.databaseUrl)}): ${reason}`,
    );
  }
  return handle;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(URL không hợp lệ)';
  }
}
