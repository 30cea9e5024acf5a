/**
 * A tick's batch of jobs shares one transaction. Inside it, outbox rows wait and go in together
 * (one INSERT per thousand rows, not one per job), and what every job reads alike (the
 * organizers' chats) is read once. Outside a batch nothing changes: rows are written at once.
 */
import type { Insertable } from 'kysely';
import type { OutboxTable } from '../../db/schema';
import type { Trx } from '../../db/types';

interface Batch {
  rows: Array<Insertable<OutboxTable>>;
  memo: Map<string, Promise<unknown>>;
}

const batches = new WeakMap<Trx, Batch>();

export function beginBatch(trx: Trx): void {
  batches.set(trx, { rows: [], memo: new Map() });
}

export function inBatch(trx: Trx): boolean {
  return batches.has(trx);
}

/** Rows to write with the batch, or false when this transaction is not one. */
export function deferRows(trx: Trx, rows: Array<Insertable<OutboxTable>>): boolean {
  const b = batches.get(trx);
  if (!b) return false;
  b.rows.push(...rows);
  return true;
}

/** The same read once per batch; outside a batch, read every time. */
export function oncePerBatch<T>(trx: Trx, key: string, read: () => Promise<T>): Promise<T> {
  const b = batches.get(trx);
  if (!b) return read();
  let p = b.memo.get(key) as Promise<T> | undefined;
  if (!p) b.memo.set(key, (p = read()));
  return p;
}

/** Writes what waited, in order, and ends the batch. */
export async function flushBatch(trx: Trx): Promise<number> {
  const b = batches.get(trx);
  batches.delete(trx);
  if (!b) return 0;
  for (let i = 0; i < b.rows.length; i += 1000)
    await trx
      .insertInto('outbox')
      .values(b.rows.slice(i, i + 1000))
      .execute();
  return b.rows.length;
}
