/**
 * Each test file gets its own database: an in-memory PGlite, or, when TEST_DATABASE_URL is
 * set, its own schema on the real Postgres (dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { PostgresQueryCompiler } from 'kysely';
import type { Db } from '../../src/db/types';
import { openPglite, openPostgres, type DbHandle } from '../../src/db/client';
import { migrateToLatest } from '../../src/db/migrate';

export const usingPostgres = !!process.env.TEST_DATABASE_URL;

export interface TestDb extends DbHandle {
  /** Set on Postgres: lets a test open a second pool (a second instance) on the same schema. */
  url?: string;
  searchPath?: string;
}

export async function openTestDb(): Promise<TestDb> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const handle = await openPglite(null);
    await migrateToLatest(handle.db);
    return handle;
  }
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = await openPostgres(url, { max: 1 });
  await admin.db.schema.createSchema(schema).execute();
  await admin.close();
  const handle = await openPostgres(url, { searchPath: schema });
  await migrateToLatest(handle.db, schema);
  return {
    ...handle,
    url,
    searchPath: schema,
    async close() {
      await handle.close();
      const cleanup = await openPostgres(url, { max: 1 });
      await cleanup.db.schema.dropSchema(schema).cascade().ifExists().execute();
      await cleanup.close();
    },
  };
}

/** A database URL that puts a separate process on the same schema (search_path in options). */
export function urlWithSearchPath(db: TestDb): string | null {
  if (!db.url || !db.searchPath) return null;
  const u = new URL(db.url);
  u.searchParams.set('options', `-c search_path=${db.searchPath}`);
  return u.toString();
}

/** The same database, telling `record` the SQL of every statement sent through it. */
export function recordingStatements(db: Db, record: (sql: string) => void): Db {
  const compiler = new PostgresQueryCompiler();
  return db.withPlugin({
    transformQuery(a) {
      record(compiler.compileQuery(a.node, a.queryId).sql);
      return a.node;
    },
    async transformResult(a) {
      return a.result;
    },
  });
}
