import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

/** The database, on either engine (pg or PGlite). */
export type Db = Kysely<Database>;
/** What repositories take: the database itself or a transaction on it. */
export type Trx = Transaction<Database> | Db;

/** Runs `fn` in the caller's transaction when there is one, else in a new one. */
export function inTransaction<T>(db: Trx, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : (db as Db).transaction().execute(fn);
}
