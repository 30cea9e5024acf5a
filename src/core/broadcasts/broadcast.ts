import { sql } from 'kysely';
import type { AppContext } from '../../app-context';
import { DomainError } from '../errors';
import { bc } from '../../messages/vi';
import { deliveries } from '../chats/targets';
import { sendToUnits } from '../chats/send';
import type { DeliveredRow } from '../outbox/worker';
import { enqueue } from '../outbox/enqueue';
import type { Trx } from '../../db/types';
import { fold } from '../text/normalize';
import { resolveUnitSelector } from '../units/repo';
import { owingAssignments } from '../reports/manage';
import type { UnitSelector } from '../events/types';

/** Who a broadcast goes to: a unit selection, or units that still owe something. */
export type BroadcastTarget =
  | { kind: 'units'; units: UnitSelector }
  | { kind: 'unregistered'; eventId?: number }
  | { kind: 'owing'; campaignId?: number };

export async function resolveTarget(
  trx: Trx,
  target: BroadcastTarget,
  now: Date,
): Promise<{ unitIds: number[]; label: string }> {
  if (target.kind === 'units') {
    const { units, unknown } = await resolveUnitSelector(trx, target.units);
    if (unknown.length)
      throw new DomainError('invalid_target', `Không tìm thấy đơn vị/nhóm: ${unknown.join(', ')}`);
    const sel = target.units;
    const label =
      sel === 'all'
        ? bc.targetAll()
        : Array.isArray(sel)
          ? bc.targetCodes(units.length)
          : bc.targetCategory((sel.categories ?? []).join(', '));
    return { unitIds: units.map((u) => u.id), label };
  }
  if (target.kind === 'unregistered') {
    const e = target.eventId
      ? await trx
          .selectFrom('events')
          .selectAll()
          .where('id', '=', target.eventId)
          .executeTakeFirst()
      : await trx
          .selectFrom('events')
          .selectAll()
          .where('status', '=', 'active')
          .where('starts_at', '>', now)
          .orderBy('starts_at')
          .executeTakeFirst();
    if (!e) throw new DomainError('invalid_target', 'Không có sự kiện nào sắp diễn ra.');
    const rows = await trx
      .selectFrom('registrations')
      .select('unit_id')
      .where('event_id', '=', e.id)
      .where('status', '=', 'pending')
      .execute();
    return { unitIds: rows.map((r) => r.unit_id), label: bc.targetUnregistered(e.title) };
  }
  let q = owingAssignments(trx).select('cu.unit_id').distinct();
  if (target.campaignId) q = q.where('c.id', '=', target.campaignId);
  const rows = await q.execute();
  return { unitIds: rows.map((r) => r.unit_id), label: bc.targetOwing() };
}

/** A category typed by an organizer ("nhóm ubnd huyện") matched against the units' categories. */
export async function matchCategory(
  trx: Trx,
  typed: string,
): Promise<{ match: string | null; known: string[] }> {
  const rows = await trx
    .selectFrom('units')
    .select('category')
    .distinct()
    .where('category', 'is not', null)
    .execute();
  const known = rows.map((r) => r.category!).sort();
  const t = fold(typed);
  const exact = known.find((k) => fold(k) === t);
  if (exact) return { match: exact, known };
  const partial = known.filter((k) => fold(k).includes(t));
  return { match: partial.length === 1 ? partial[0]! : null, known };
}

export interface BroadcastDraft {
  id: number;
  label: string;
  /** Units reached, in their own group or through a parent's. */
  units: number;
  chats: number;
  /** Targeted units no group reaches (neither theirs nor an ancestor's). */
  unreachable: number;
}

/** A broadcast waiting for the organizer's confirmation (chat flow) — nothing is queued yet. */
export async function draftBroadcast(
  trx: Trx,
  text: string,
  target: BroadcastTarget,
  createdBy: string,
  organizerChatId: number | null,
  now: Date,
  /** Platforms that can flag a message as urgent (Zalo) do. Kept with the target. */
  urgent = false,
): Promise<BroadcastDraft> {
  const { unitIds, label } = await resolveTarget(trx, target, now);
  const reach = await deliveries(trx, unitIds);
  const row = await trx
    .insertInto('broadcasts')
    .values({
      text,
      target: JSON.stringify({ ...target, label, ...(urgent ? { urgent: true } : {}) }),
      status: 'draft',
      created_by: createdBy,
      organizer_chat_id: organizerChatId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    label,
    units: unitIds.length - reach.unreachable.length,
    chats: reach.deliveries.length,
    unreachable: reach.unreachable.length,
  };
}

/** Queues one delivery per linked chat (resolved now, not at drafting) and the progress message. */
export async function sendBroadcast(
  trx: Trx,
  id: number,
  now: Date,
): Promise<{ chats: number } | null> {
  const b = await trx
    .updateTable('broadcasts')
    .set({ status: 'sending', confirmed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirst();
  if (!b) return null;
  const { unitIds } = await resolveTarget(trx, b.target as BroadcastTarget, now);
  const urgent = (b.target as { urgent?: boolean }).urgent === true;
  const { reached: chats } = await sendToUnits(
    trx,
    unitIds,
    bc.announcement(b.text),
    { purpose: 'broadcast', ref: `broadcast:${id}`, broadcastId: id },
    urgent ? { urgent: true } : {},
  );
  if (b.organizer_chat_id) {
    const org = await trx
      .selectFrom('chats')
      .select(['platform', 'external_id'])
      .where('id', '=', b.organizer_chat_id)
      .executeTakeFirstOrThrow();
    await enqueue(
      trx,
      [{ platform: org.platform, chatExternalId: org.external_id, chatId: b.organizer_chat_id }],
      { text: bc.started(chats.length) },
      { purpose: 'broadcast.progress', ref: `broadcast:${id}`, priority: 0 },
    );
  }
  if (chats.length === 0)
    await trx.updateTable('broadcasts').set({ status: 'done' }).where('id', '=', id).execute();
  return { chats: chats.length };
}

/** API: create and send at once (the API caller has already decided). */
export async function createAndSend(
  ctx: AppContext,
  text: string,
  target: BroadcastTarget,
  options: { urgent?: boolean } = {},
): Promise<{ id: number; chats: number }> {
  return ctx.db.transaction().execute(async (trx) => {
    const draft = await draftBroadcast(
      trx,
      text,
      target,
      'api',
      null,
      ctx.clock(),
      options.urgent === true,
    );
    const sent = await sendBroadcast(trx, draft.id, ctx.clock());
    return { id: draft.id, chats: sent?.chats ?? 0 };
  });
}

export interface BroadcastStatus {
  id: number;
  status: string;
  total: number;
  sent: number;
  failed: number;
  pending: number;
  failures: Array<{ chatId: string; platform: string; name: string; reason: string }>;
}

export async function broadcastStatus(trx: Trx, id: number): Promise<BroadcastStatus | null> {
  const b = await trx
    .selectFrom('broadcasts')
    .select(['id', 'status'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!b) return null;
  const counts = await trx
    .selectFrom('outbox')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('broadcast_id', '=', id)
    .groupBy('state')
    .execute();
  const n = (s: string) => Number(counts.find((c) => c.state === s)?.n ?? 0);
  const failedRows = await trx
    .selectFrom('outbox')
    .leftJoin('chats', 'chats.id', 'outbox.chat_id')
    .leftJoin('units', 'units.id', 'chats.unit_id')
    .select([
      'outbox.chat_external_id',
      'outbox.platform',
      'outbox.error',
      'chats.title',
      'units.name',
    ])
    .where('outbox.broadcast_id', '=', id)
    .where('outbox.state', '=', 'failed')
    .orderBy('outbox.id')
    .execute();
  const total = counts.reduce((s, c) => s + Number(c.n), 0);
  return {
    id,
    status: b.status,
    total,
    sent: n('sent'),
    failed: n('failed'),
    pending: n('queued') + n('sending'),
    failures: failedRows.map((r) => ({
      chatId: r.chat_external_id,
      platform: r.platform,
      name: bc.failureName(r.name, r.title, r.chat_external_id),
      reason: bc.reason(r.error),
    })),
  };
}

/** Failed deliveries go out again (same rows, so each chat still counts once). */
export async function resendFailed(trx: Trx, id: number): Promise<number> {
  const r = await trx
    .updateTable('outbox')
    .set({ state: 'queued', attempts: 0, error: null, not_before: sql<Date>`now()` })
    .where('broadcast_id', '=', id)
    .where('state', '=', 'failed')
    .executeTakeFirst();
  const n = Number(r.numUpdatedRows);
  if (n)
    await trx.updateTable('broadcasts').set({ status: 'sending' }).where('id', '=', id).execute();
  return n;
}

const EDIT_EVERY_MS = 4000;
/** Zalo cannot edit a sent message: there the organizer gets the start and the tally only. */
const CAN_EDIT = new Set(['telegram', 'sandbox']);
const lastEdit = new Map<number, number>();

/**
 * After each outbox batch: the organizer's progress message is edited in place (at most every
 * few seconds, so the edits stay inside the group's 20/min), and when nothing is left the
 * final tally is posted once (the status flip decides which instance posts it).
 */
export async function updateBroadcastProgress(
  ctx: AppContext,
  delivered: DeliveredRow[],
): Promise<void> {
  await reportProgress(ctx, [
    ...new Set(delivered.map((d) => d.row.broadcast_id).filter((x): x is number => x !== null)),
  ]);
}

/**
 * The tick's safety net: a broadcast whose last batch's instance died before writing the tally
 * has nothing left to send and would stay "sending" forever.
 */
export async function finishSettledBroadcasts(ctx: AppContext): Promise<void> {
  const rows = await ctx.db
    .selectFrom('broadcasts as b')
    .select('b.id')
    .where('b.status', '=', 'sending')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox')
            .select('outbox.id')
            .whereRef('outbox.broadcast_id', '=', 'b.id')
            .where('outbox.state', 'in', ['queued', 'sending']),
        ),
      ),
    )
    .execute();
  if (rows.length)
    await reportProgress(
      ctx,
      rows.map((r) => r.id),
    );
}

async function reportProgress(ctx: AppContext, ids: number[]): Promise<void> {
  for (const id of ids) {
    await ctx.db.transaction().execute(async (trx) => {
      const s = await broadcastStatus(trx, id);
      if (!s) return;
      const progress = await trx
        .selectFrom('outbox')
        .select(['platform', 'chat_external_id', 'chat_id', 'platform_message_id'])
        .where('ref', '=', `broadcast:${id}`)
        .where('purpose', '=', 'broadcast.progress')
        .where('state', '=', 'sent')
        .executeTakeFirst();
      const target = progress
        ? [
            {
              platform: progress.platform,
              chatExternalId: progress.chat_external_id,
              chatId: progress.chat_id,
            },
          ]
        : [];
      if (s.pending === 0) {
        const flipped = await trx
          .updateTable('broadcasts')
          .set({ status: 'done' })
          .where('id', '=', id)
          .where('status', '=', 'sending')
          .executeTakeFirst();
        if (Number(flipped.numUpdatedRows) === 0 || !progress) return;
        // A progress edit still waiting (paced, or paused by a 429) must not land after the final one.
        await trx
          .deleteFrom('outbox')
          .where('ref', '=', `broadcast:${id}`)
          .where('purpose', '=', 'broadcast.edit')
          .where('state', '=', 'queued')
          .execute();
        if (CAN_EDIT.has(progress.platform)) {
          await enqueue(
            trx,
            target,
            // The numbers go in the one tally below; the progress line only says it is over.
            { text: bc.finished(), editMessageId: progress.platform_message_id! },
            { purpose: 'broadcast.edit', ref: `broadcast:${id}`, priority: 0 },
          );
        }
        await enqueue(
          trx,
          target,
          {
            text: bc.tally(s.sent, s.total, s.failures),
            buttons: s.failed ? [[{ text: bc.resendButton(), data: `b:${id}:resend` }]] : undefined,
          },
          { purpose: 'broadcast.tally', ref: `broadcast:${id}`, priority: 0 },
        );
        return;
      }
      if (
        !progress?.platform_message_id ||
        !CAN_EDIT.has(progress.platform) ||
        Date.now() - (lastEdit.get(id) ?? 0) < EDIT_EVERY_MS
      )
        return;
      lastEdit.set(id, Date.now());
      // Only the newest progress matters: drop edits still waiting.
      await trx
        .deleteFrom('outbox')
        .where('ref', '=', `broadcast:${id}`)
        .where('purpose', '=', 'broadcast.edit')
        .where('state', '=', 'queued')
        .execute();
      await enqueue(
        trx,
        target,
        {
          text: bc.progress(s.sent, s.total, s.failed),
          editMessageId: progress.platform_message_id,
        },
        { purpose: 'broadcast.edit', ref: `broadcast:${id}`, priority: 0 },
      );
    });
  }
}
