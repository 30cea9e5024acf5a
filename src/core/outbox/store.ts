/**
 * Every statement the outbox sender runs, by name (the way graphile-worker keeps src/sql/*.ts).
 *
 * Two rules hold for all of them:
 * - Fenced: a sender writes the outcome of a row only while it still holds that row
 *   (`locked_by = holder AND state = 'sending'`). A sender whose row lease ran out while a
 *   request hung cannot overwrite what the next holder recorded; its late answer is dropped.
 * - One clock: times are the database's (`now()`), so instances with skewed clocks agree on
 *   which rows are due and whose leases have expired.
 */
import { sql } from 'kysely';
import type { OutboxRow } from '../../db/schema';
import type { Db, Trx } from '../../db/types';
import { t } from '../../messages/vi';
import type { OutboundMessage } from '../channel';

/** What a sensitive row's payload becomes once sent: the secret is not kept at rest. */
export const REDACTED: OutboundMessage = { text: t.redactedAfterSend() };

/**
 * Claims up to `limit` rows of a platform: queued rows that are due, and 'sending' rows whose
 * holder's lease ran out. Each claim counts as an attempt.
 */
export async function claimDue(
  db: Db,
  platform: string,
  holder: string,
  limit: number,
  rowLeaseMs: number,
): Promise<OutboxRow[]> {
  const result = await sql<OutboxRow>`
    UPDATE outbox SET state = 'sending', locked_by = ${holder}, attempts = attempts + 1,
      lease_until = now() + make_interval(secs => ${rowLeaseMs / 1000})
    WHERE id IN (
      SELECT id FROM outbox
      WHERE platform = ${platform}
        AND ((state = 'queued' AND not_before <= now()) OR (state = 'sending' AND lease_until < now()))
      ORDER BY priority, not_before, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING *`.execute(db);
  return result.rows.sort((a, b) => a.priority - b.priority || a.id - b.id);
}

export interface SentRow {
  id: number;
  messageId: string | null;
}

/** Marks rows sent (blanking sensitive payloads); returns the ids this holder still held. */
export async function completeSent(db: Trx, holder: string, rows: SentRow[]): Promise<number[]> {
  if (!rows.length) return [];
  const result = await sql<{ id: number }>`
    UPDATE outbox o SET state = 'sent', sent_at = now(), lease_until = NULL, error = NULL,
      platform_message_id = x.message_id,
      payload = CASE WHEN o.sensitive THEN ${JSON.stringify(REDACTED)}::jsonb ELSE o.payload END
    FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.id, message_id: r.messageId })))}::jsonb)
      AS x(id bigint, message_id text)
    WHERE o.id = x.id AND o.locked_by = ${holder} AND o.state = 'sending'
    RETURNING o.id`.execute(db);
  return result.rows.map((r) => r.id);
}

export interface RequeuedRow {
  id: number;
  /** When the row may be tried again, from the database's now. */
  delayMs: number;
  /** The attempt count to keep (a pacing give-back or a 429 does not count as an attempt). */
  attempts: number;
  error: string | null;
  /** A new chat id (the group became a supergroup). */
  chatExternalId?: string;
}

/** Puts rows back in the queue for later; returns the ids this holder still held. */
export async function requeue(db: Trx, holder: string, rows: RequeuedRow[]): Promise<number[]> {
  if (!rows.length) return [];
  const data = rows.map((r) => ({
    id: r.id,
    delay_ms: Math.max(0, Math.round(r.delayMs)),
    attempts: r.attempts,
    error: r.error,
    chat: r.chatExternalId ?? null,
  }));
  const result = await sql<{ id: number }>`
    UPDATE outbox o SET state = 'queued', lease_until = NULL, attempts = x.attempts,
      not_before = now() + make_interval(secs => x.delay_ms / 1000.0),
      error = coalesce(x.error, o.error), chat_external_id = coalesce(x.chat, o.chat_external_id)
    FROM jsonb_to_recordset(${JSON.stringify(data)}::jsonb)
      AS x(id bigint, delay_ms bigint, attempts int, error text, chat text)
    WHERE o.id = x.id AND o.locked_by = ${holder} AND o.state = 'sending'
    RETURNING o.id`.execute(db);
  return result.rows.map((r) => r.id);
}

/** Gives up on rows; returns those this holder still held, with their chats. */
export async function fail(
  db: Trx,
  holder: string,
  rows: Array<{ id: number; error: string }>,
): Promise<Array<{ id: number; platform: string; chatExternalId: string }>> {
  if (!rows.length) return [];
  const result = await sql<{ id: number; platform: string; chat_external_id: string }>`
    UPDATE outbox o SET state = 'failed', lease_until = NULL, error = x.error,
      payload = CASE WHEN o.sensitive THEN ${JSON.stringify(REDACTED)}::jsonb ELSE o.payload END
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(id bigint, error text)
    WHERE o.id = x.id AND o.locked_by = ${holder} AND o.state = 'sending'
    RETURNING o.id, o.platform, o.chat_external_id`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    platform: r.platform,
    chatExternalId: r.chat_external_id,
  }));
}

/** Sends of the last minute (per-chat limits survive a takeover) and today's count (daily caps). */
export async function recentSends(
  db: Db,
  platform: string,
): Promise<{ recent: Array<{ chatId: string; at: number }>; today: number; day: string }> {
  const rows = await sql<{ chat_external_id: string; at_ms: number }>`
    SELECT chat_external_id, (extract(epoch from sent_at) * 1000)::float8 AS at_ms FROM outbox
    WHERE platform = ${platform} AND state = 'sent' AND sent_at > now() - interval '1 minute'`.execute(
    db,
  );
  const today = await sql<{ n: number; day: string }>`
    SELECT count(*)::int AS n, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM outbox
    WHERE platform = ${platform} AND state = 'sent'
      AND sent_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`.execute(db);
  return {
    recent: rows.rows.map((r) => ({ chatId: r.chat_external_id, at: Number(r.at_ms) })),
    today: Number(today.rows[0]?.n ?? 0),
    day: today.rows[0]?.day ?? new Date().toISOString().slice(0, 10),
  };
}

/** Milliseconds until the next row of the platform is due (a queued row or an expiring lease). */
export async function nextDueInMs(db: Db, platform: string): Promise<number | null> {
  const row = await sql<{ ms: number | null }>`
    SELECT (extract(epoch from (min(CASE WHEN state = 'sending' THEN lease_until ELSE not_before END) - now())) * 1000)::float8 AS ms
    FROM outbox WHERE platform = ${platform} AND state IN ('queued', 'sending')`.execute(db);
  const ms = row.rows[0]?.ms;
  return ms === null || ms === undefined ? null : Math.max(0, Number(ms));
}

/** Rows of the platform being sent now or due now: what a looping worker has yet to finish. */
export async function unsettledNow(db: Db, platform: string): Promise<number> {
  const row = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM outbox
    WHERE platform = ${platform}
      AND (state = 'sending' OR (state = 'queued' AND not_before <= now()))`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}
