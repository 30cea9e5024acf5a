/**
 * Chat lifecycle: the bot removed from a group (inactive), added back (active again, or told how
 * to link), a group upgraded to a supergroup (same link, new id). Events claim their update key
 * like messages do, so a repeated delivery changes nothing.
 */
import type { AppContext } from '../../app-context';
import type { Trx } from '../../db/types';
import { t } from '../../messages/vi';
import type { ChatEvent } from '../channel';
import { claimUpdate, isConnectionError, type HandleResult } from '../inbound/handle';
import { enqueue } from '../outbox/enqueue';
import { forgetMember } from './members';

/** Chat lifecycle: removed from a group → inactive; upgraded to a supergroup → same link, new id. */
export async function handleChatEvent(ctx: AppContext, event: ChatEvent): Promise<HandleResult> {
  try {
    return await applyChatEvent(ctx, event);
  } catch (e) {
    if (isConnectionError(e)) throw e;
    // Recorded as handled: the platform would otherwise redeliver an event that cannot succeed.
    ctx.log.error(
      { err: e, platform: event.platform, update: event.updateKey },
      'chat event failed',
    );
    return ctx.db
      .transaction()
      .execute(async (trx) =>
        (await claimUpdate(trx, event.platform, event.updateKey)) ? 'handled' : 'duplicate',
      );
  }
}

async function applyChatEvent(ctx: AppContext, event: ChatEvent): Promise<HandleResult> {
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await claimUpdate(trx, event.platform, event.updateKey))) return 'duplicate';
    if (event.kind === 'removed') {
      await markChatInactive(trx, event.platform, event.chatId);
    } else if (event.kind === 'migrated') {
      await migrateChat(trx, event.platform, event.chatId, event.newChatId);
    } else if (event.kind === 'member-left') {
      await forgetMember(trx, event.platform, event.chatId, event.userId);
    } else {
      // Added (back) to a group: a linked chat works again; an unlinked one is told how to link.
      const chat = await trx
        .insertInto('chats')
        .values({
          platform: event.platform,
          external_id: event.chatId,
          title: event.title ?? null,
          role: null,
          unit_id: null,
        })
        .onConflict((oc) => oc.columns(['platform', 'external_id']).doUpdateSet({ active: true }))
        .returningAll()
        .executeTakeFirstOrThrow();
      const text = chat.role ? t.backInGroup() : t.welcomeGroup();
      await enqueue(
        trx,
        [{ platform: event.platform, chatExternalId: event.chatId, chatId: chat.id }],
        { text },
        { purpose: 'reply' },
      );
    }
    return 'handled';
  });
}

export async function markChatInactive(trx: Trx, platform: string, chatId: string): Promise<void> {
  await trx
    .updateTable('chats')
    .set({ active: false })
    .where('platform', '=', platform)
    .where('external_id', '=', chatId)
    .execute();
}

/** Moves the link (and queued messages) to the supergroup's id; the old id stays as an inactive record. */
export async function migrateChat(
  trx: Trx,
  platform: string,
  oldId: string,
  newId: string,
): Promise<void> {
  const old = await trx
    .selectFrom('chats')
    .selectAll()
    .where('platform', '=', platform)
    .where('external_id', '=', oldId)
    .executeTakeFirst();
  if (!old) return;
  const existing = await trx
    .selectFrom('chats')
    .select('id')
    .where('platform', '=', platform)
    .where('external_id', '=', newId)
    .executeTakeFirst();
  if (existing) {
    await trx
      .updateTable('chats')
      .set({
        role: old.role,
        unit_id: old.unit_id,
        active: true,
        linked_at: old.linked_at,
        linked_by: old.linked_by,
      })
      .where('id', '=', existing.id)
      .execute();
    await trx
      .updateTable('chats')
      .set({ role: null, unit_id: null, active: false })
      .where('id', '=', old.id)
      .execute();
    await trx
      .updateTable('outbox')
      .set({ chat_external_id: newId, chat_id: existing.id })
      .where('chat_id', '=', old.id)
      .where('state', 'in', ['queued', 'sending'])
      .execute();
  } else {
    await trx
      .updateTable('chats')
      .set({ external_id: newId, active: true })
      .where('id', '=', old.id)
      .execute();
    await trx
      .updateTable('outbox')
      .set({ chat_external_id: newId })
      .where('chat_id', '=', old.id)
      .where('state', 'in', ['queued', 'sending'])
      .execute();
  }
}
