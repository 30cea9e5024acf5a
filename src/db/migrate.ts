import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from '../../migrations/index';
import type { Db } from './client';

/**
 * The bookkeeping tables live in the connection's current schema, named explicitly: Kysely
 * otherwise finds a kysely_migration table in any schema and trips over another schema's lock.
 */
export async function migrateToLatest(db: Db, schemaName?: string): Promise<string[]> {
  const schema =
    schemaName ?? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
