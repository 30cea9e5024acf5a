import { sql } from 'kysely';
import type { Db } from '../../db/types';

/**
 * A named lease in Postgres: one holder at a time (the outbox sender of a bot token, the zca-js
 * listener of a Zalo account). A dead holder's lease expires and another instance takes over.
 */
export async function tryAcquireLease(
  db: Db,
  name: string,
  holder: string,
  ttlMs: number,
  now: Date,
): Promise<boolean> {
  const until = new Date(now.getTime() + ttlMs);
  const row = await db
    .insertInto('leases')
    .values({ name, holder, expires_at: until })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: until })
        .where((eb) =>
          eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<', now)]),
        ),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await sql`DELETE FROM leases WHERE name = ${name} AND holder = ${holder}`.execute(db);
}

export async function leaseHolder(db: Db, name: string, now: Date): Promise<string | null> {
  const row = await db
    .selectFrom('leases')
    .select('holder')
    .where('name', '=', name)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row?.holder ?? null;
}
