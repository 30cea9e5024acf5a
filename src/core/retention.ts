/**
 * Tables that grow with traffic stay bounded: rows past their use are deleted by age, a batch at a
 * time (short transactions, no long lock on the hot path), at most once an hour per process, from
 * the scheduler's tick loop. Several instances pruning at once only delete the same rows once.
 *
 * - processed_updates: a platform redelivers an update for a day at most (Telegram), Zalo's
 *   catch-up goes back to the last message seen; 30 days is far past both.
 * - outbox, sent or failed: the row of a bot message answers "which message was replied to";
 *   replies come within days. Invitations and task assignments are answered weeks later, and
 *   there is one per unit per event or task, so they are kept as long as the audit log.
 *   Queued and sending rows are never touched. A broadcast older than this no longer has its
 *   per-group tally (the broadcast itself stays).
 * - login_tokens and sessions: useless once expired; a few days keep "already used" answers.
 * - audit_log: kept longest (two years by default).
 */
import { sql, type RawBuilder } from 'kysely';
import type { AppContext } from '../app-context';
import type { Db } from '../db/types';

export interface RetentionDays {
  processedDays: number;
  outboxDays: number;
  loginDays: number;
  auditDays: number;
}

const DAY_MS = 86_400_000;
const BATCH = 5_000;
/** Per table and run: a backlog (first run on a big table) is worked off over several runs. */
const MAX_BATCHES = 40;
const EVERY_MS = 3_600_000;

export type Pruned = Record<'processed' | 'outbox' | 'login' | 'sessions' | 'audit', number>;

async function deleteInBatches(db: Db, table: string, where: RawBuilder<unknown>): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const r = await sql`
      DELETE FROM ${sql.table(table)} WHERE ctid IN (
        SELECT ctid FROM ${sql.table(table)} WHERE ${where} LIMIT ${BATCH})`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    total += n;
    if (n < BATCH) break;
  }
  return total;
}

export async function pruneOldRows(db: Db, now: Date, days: RetentionDays): Promise<Pruned> {
  const before = (d: number) => new Date(now.getTime() - d * DAY_MS);
  const kept = ['invite', 'task'];
  return {
    processed: await deleteInBatches(
      db,
      'processed_updates',
      sql`processed_at < ${before(days.processedDays)}`,
    ),
    outbox: await deleteInBatches(
      db,
      'outbox',
      sql`state IN ('sent', 'failed') AND (
        (created_at < ${before(days.outboxDays)} AND purpose NOT IN (${sql.join(kept)}))
        OR created_at < ${before(Math.max(days.outboxDays, days.auditDays))})`,
    ),
    login: await deleteInBatches(db, 'login_tokens', sql`expires_at < ${before(days.loginDays)}`),
    sessions: await deleteInBatches(db, 'sessions', sql`expires_at < ${before(days.loginDays)}`),
    audit: await deleteInBatches(db, 'audit_log', sql`at < ${before(days.auditDays)}`),
  };
}

const lastRun = new WeakMap<object, number>();

/** Called after every tick; prunes when the last run here is an hour old. */
export async function pruneIfDue(ctx: AppContext): Promise<Pruned | null> {
  const now = ctx.clock();
  const last = lastRun.get(ctx.db) ?? -Infinity;
  if (now.getTime() - last < EVERY_MS) return null;
  lastRun.set(ctx.db, now.getTime());
  const pruned = await pruneOldRows(ctx.db, now, ctx.config.retention);
  if (Object.values(pruned).some((n) => n > 0)) ctx.log.info({ pruned }, 'old rows pruned');
  return pruned;
}
