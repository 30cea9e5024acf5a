import { sql, type Kysely } from 'kysely';

/** Age indexes for the periodic pruning (src/core/retention.ts), so it never scans a whole table. */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE INDEX processed_updates_at_idx ON processed_updates (processed_at)`,
    `CREATE INDEX outbox_settled_idx ON outbox (created_at) WHERE state IN ('sent', 'failed')`,
    `CREATE INDEX audit_log_at_idx ON audit_log (at)`,
    `CREATE INDEX login_tokens_expires_idx ON login_tokens (expires_at)`,
    `CREATE INDEX sessions_expires_idx ON sessions (expires_at)`,
  ])
    await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'sessions_expires_idx',
    'login_tokens_expires_idx',
    'audit_log_at_idx',
    'outbox_settled_idx',
    'processed_updates_at_idx',
  ])
    await sql.raw(`DROP INDEX IF EXISTS ${index}`).execute(db);
}
