import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

/** The database, on either engine (pg or PGlite). */
export type Db = Kysely<Database>;
/** What repositories take: the database itself or a transaction on it. */
export type Trx = Transaction<Database> | Db;
