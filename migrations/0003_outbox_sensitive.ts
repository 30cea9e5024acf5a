import { sql, type Kysely } from 'kysely';

/** Rows carrying a secret (a login link): the payload is blanked once the platform has it. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE outbox ADD COLUMN sensitive boolean NOT NULL DEFAULT false`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE outbox DROP COLUMN sensitive`.execute(db);
}
