import { sql, type Kysely } from 'kysely';

/**
 * What conversations need to keep: a withdrawal is not a decline; a decline's reason; the count
 * a unit said it sends; the document number and date a report states; and, for a district
 * acting for a commune, who acted from which group.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `ALTER TABLE registrations DROP CONSTRAINT registrations_status_check`,
    `ALTER TABLE registrations ADD CONSTRAINT registrations_status_check
       CHECK (status IN ('pending', 'registered', 'declined', 'withdrawn'))`,
    `ALTER TABLE registrations ADD COLUMN decline_reason text`,
    `ALTER TABLE registrations ADD COLUMN stated_count integer`,
    `ALTER TABLE registrations ADD COLUMN acted_from_chat_id integer REFERENCES chats(id) ON DELETE SET NULL`,
    `ALTER TABLE registrations ADD COLUMN acting_unit_id integer REFERENCES units(id) ON DELETE SET NULL`,
    `ALTER TABLE submissions ADD COLUMN doc_number text`,
    `ALTER TABLE submissions ADD COLUMN doc_date text`,
    `ALTER TABLE submissions ADD COLUMN acting_unit_id integer REFERENCES units(id) ON DELETE SET NULL`,
  ])
    await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `ALTER TABLE submissions DROP COLUMN acting_unit_id`,
    `ALTER TABLE submissions DROP COLUMN doc_date`,
    `ALTER TABLE submissions DROP COLUMN doc_number`,
    `ALTER TABLE registrations DROP COLUMN acting_unit_id`,
    `ALTER TABLE registrations DROP COLUMN acted_from_chat_id`,
    `ALTER TABLE registrations DROP COLUMN stated_count`,
    `ALTER TABLE registrations DROP COLUMN decline_reason`,
  ])
    await sql.raw(statement).execute(db);
}
