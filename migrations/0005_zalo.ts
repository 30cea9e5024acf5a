import { sql, type Kysely } from 'kysely';

/**
 * The last message the zca-js listener saw in each group, per account: after a reconnect the
 * history of linked groups is fetched back to it (bots/zalo/cursors.ts). Durable so a restart
 * (or another instance taking the listener over) knows where the gap began.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE zalo_group_cursors (
    account_key text NOT NULL,
    group_id text NOT NULL,
    last_msg_id text NOT NULL,
    last_ts timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_key, group_id))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE zalo_group_cursors`.execute(db);
}
