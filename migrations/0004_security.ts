import { sql, type Kysely } from 'kysely';

/**
 * Security (issue 12): a session remembers whether it was made while the sandbox was open, so
 * it ends once a real platform is configured; failed attempts are pruned by age (index on `at`).
 * Sessions already there say nothing of how they were made: they count as sandbox sessions, so
 * with a platform configured their holders log in once more (a session lasts 12 hours anyway).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sessions ADD COLUMN mode text NOT NULL DEFAULT 'platform' CHECK (mode IN ('platform', 'sandbox'))`.execute(
    db,
  );
  await sql`UPDATE sessions SET mode = 'sandbox'`.execute(db);
  await sql`CREATE INDEX attempts_at_idx ON attempts (at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS attempts_at_idx`.execute(db);
  await sql`ALTER TABLE sessions DROP COLUMN mode`.execute(db);
}
