/**
 * Counting failed attempts (wrong admin tokens, wrong join codes) in the `attempts` table:
 * a limit per key (a visitor's address, a chat) and a ceiling over the whole scope, so neither
 * one source nor many sources together can try codes without end. Rows older than the window
 * are pruned whenever a failure is written, which keeps the table as small as the window.
 */
import type { Trx } from '../db/types';

export interface AttemptLimit {
  /** `dashboard-login`, `link`: keys are `<scope>:<who>`. */
  scope: string;
  perKey: number;
  /** Failures over every key of the scope in the window. */
  global: number;
  windowMs: number;
}

export type AttemptVerdict = 'ok' | 'key' | 'global';

export async function checkAttempts(
  db: Trx,
  limit: AttemptLimit,
  who: string,
  now: Date,
): Promise<AttemptVerdict> {
  const since = new Date(now.getTime() - limit.windowMs);
  const key = `${limit.scope}:${who}`;
  const row = await db
    .selectFrom('attempts')
    .select((eb) => [
      eb.fn.countAll<number>().as('all'),
      eb.fn.count<number>('key').filterWhere('key', '=', key).as('mine'),
    ])
    .where('at', '>', since)
    .where('key', 'like', `${limit.scope}:%`)
    .executeTakeFirstOrThrow();
  if (Number(row.mine) >= limit.perKey) return 'key';
  if (Number(row.all) >= limit.global) return 'global';
  return 'ok';
}

export async function recordFailure(
  db: Trx,
  limit: AttemptLimit,
  who: string,
  now: Date,
): Promise<void> {
  await db
    .deleteFrom('attempts')
    .where('at', '<', new Date(now.getTime() - limit.windowMs))
    .where('key', 'like', `${limit.scope}:%`)
    .execute();
  await db
    .insertInto('attempts')
    .values({ key: `${limit.scope}:${who}`, at: now })
    .execute();
}

export async function clearAttempts(db: Trx, limit: AttemptLimit, who: string): Promise<void> {
  await db.deleteFrom('attempts').where('key', '=', `${limit.scope}:${who}`).execute();
}
