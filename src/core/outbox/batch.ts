/**
 * A tick's batch of jobs shares one transaction. Inside it, outbox rows wait and go in together
 * (one INSERT per thousand rows, not one per job), what every job reads alike (the organizers'
 * chats) is read once, and what each job would read for itself (its event, its units' chats)
 * can be read for all of them in one statement beforehand (a handler's `prefetch`). Outside a
 * batch nothing changes: rows are written and read at once.
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

/** Puts a value read for many jobs at once where `oncePerBatch` will find it. */
export function primeBatch<T>(trx: Trx, key: string, value: T): void {
  batches.get(trx)?.memo.set(key, Promise.resolve(value));
}

/** A value primed for this batch, if any (without reading anything). */
export function primed<T>(trx: Trx, key: string): Promise<T> | undefined {
  return batches.get(trx)?.memo.get(key) as Promise<T> | undefined;
}

/**
 * A value primed for this batch, taken (the next job asking reads afresh): for what a job may
 * change, such as a campaign's chase counts.
 */
export function takePrimed<T>(trx: Trx, key: string): Promise<T> | undefined {
  const memo = batches.get(trx)?.memo;
  const p = memo?.get(key) as Promise<T> | undefined;
  memo?.delete(key);
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
