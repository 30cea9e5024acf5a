import { sql, type Kysely } from 'kysely';

/** Units in a tree: a district's communes, "UBND cấp xã" expanded into one unit per commune. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE units ADD COLUMN parent_id integer REFERENCES units(id) ON DELETE SET NULL`.execute(
    db,
  );
  await sql`ALTER TABLE units ADD CONSTRAINT units_parent_not_self CHECK (parent_id <> id)`.execute(
    db,
  );
  await sql`CREATE INDEX units_parent_idx ON units (parent_id) WHERE parent_id IS NOT NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE units DROP COLUMN parent_id`.execute(db);
}
