import { sql } from 'kysely';
import type { AppContext } from '../../app-context';
import type { Chat, Unit } from '../../db/schema';
import { t } from '../../messages/vi';
import type { ChatEvent, InboundMessage } from '../channel';
import { enqueue, type Trx } from '../outbox/enqueue';
import { cleanText } from '../text/normalize';
import { parseCommand } from './command';
import { Turn } from './turn';
import { route } from '../router';

export type HandleResult = 'handled' | 'duplicate';

export interface InboundOptions {
  /** The bot's @username on this platform, for "/lenh@bot" and mentions. */
  botUsername?: string | null;
}

/** Claims the update key inside the transaction: a second delivery (or a second instance) finds it taken. */
async function claimUpdate(trx: Trx, platform: string, key: string): Promise<boolean> {
  const row = await trx
    .insertInto('processed_updates')
    .values({ platform, update_key: key })
    .onConflict((oc) => oc.columns(['platform', 'update_key']).doNothing())
    .returning('update_key')
    .executeTakeFirst();
  return row !== undefined;
}

async function upsertChat(trx: Trx, msg: InboundMessage): Promise<Chat> {
  const title = msg.chat.title ? cleanText(msg.chat.title) : null;
  return trx
    .insertInto('chats')
    .values({ platform: msg.platform, external_id: msg.chat.id, title, role: null, unit_id: null })
    .onConflict((oc) =>
      oc.columns(['platform', 'external_id']).doUpdateSet((eb) => ({
        title: sql<string | null>`coalesce(${eb.ref('excluded.title')}, chats.title)`,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

async function upsertPerson(trx: Trx, msg: InboundMessage, chat: Chat, now: Date): Promise<number> {
  const person = await trx
    .insertInto('people')
    .values({
      platform: msg.platform,
      external_id: msg.sender.id,
      display_name: cleanText(msg.sender.name) || msg.sender.id,
      private_chat_id: msg.chat.type === 'private' ? msg.chat.id : null,
    })
    .onConflict((oc) =>
      oc.columns(['platform', 'external_id']).doUpdateSet((eb) => ({
        display_name: eb.ref('excluded.display_name'),
        private_chat_id: sql<string | null>`coalesce(${eb.ref('excluded.private_chat_id')}, people.private_chat_id)`,
        last_seen_at: now,
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  if (msg.chat.type === 'group') {
    await trx
      .insertInto('chat_members')
      .values({ chat_id: chat.id, person_id: person.id })
      .onConflict((oc) => oc.columns(['chat_id', 'person_id']).doUpdateSet({ last_seen_at: now }))
      .execute();
  }
  return person.id;
}

/**
 * The one entry point for every platform's messages. Effects and replies commit in one
 * transaction with the update's key, so a repeated delivery has no second effect.
 */
export async function handleInbound(ctx: AppContext, raw: InboundMessage, options: InboundOptions = {}): Promise<HandleResult> {
  const msg: InboundMessage = { ...raw, text: cleanText(raw.text ?? '').slice(0, 20_000) };
  if (msg.sender.isBot) return 'handled';
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      if (!(await claimUpdate(trx, msg.platform, msg.updateKey))) return 'duplicate';
      const chat = await upsertChat(trx, msg);
      const personId = await upsertPerson(trx, msg, chat, ctx.clock());
      const unit: Unit | null =
        chat.role === 'unit' && chat.unit_id !== null
          ? ((await trx.selectFrom('units').selectAll().where('id', '=', chat.unit_id).executeTakeFirst()) ?? null)
          : null;
      const turn = new Turn(ctx, trx, msg, chat, unit, personId, options.botUsername ?? null);
      await route(turn, parseCommand(msg.text, options.botUsername));
      return 'handled';
    });
  } catch (e) {
    if (isConnectionError(e)) throw e; // let the webhook answer 5xx so the platform redelivers
    ctx.log.error({ err: e, platform: msg.platform, update: msg.updateKey }, 'inbound handler failed');
    // The failed turn rolled back; record the update and apologise so the user is not left in silence.
    return ctx.db.transaction().execute(async (trx) => {
      if (!(await claimUpdate(trx, msg.platform, msg.updateKey))) return 'duplicate';
      await enqueue(trx, [{ platform: msg.platform, chatExternalId: msg.chat.id }], { text: t.internalError(), replyToMessageId: msg.messageId }, { purpose: 'reply' });
      return 'handled';
    });
  }
}

export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string } | null)?.code ?? '';
  const message = e instanceof Error ? e.message : '';
  return /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|57P01|57P02|57P03|08\d\d\d)$/.test(code) || /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(message);
}

/** Chat lifecycle: removed from a group → inactive; upgraded to a supergroup → same link, new id. */
export async function handleChatEvent(ctx: AppContext, event: ChatEvent): Promise<HandleResult> {
  return ctx.db.transaction().execute(async (trx) => {
    if (!(await claimUpdate(trx, event.platform, event.updateKey))) return 'duplicate';
    if (event.kind === 'removed') {
      await markChatInactive(trx, event.platform, event.chatId);
    } else if (event.kind === 'migrated') {
      await migrateChat(trx, event.platform, event.chatId, event.newChatId);
    } else {
      // Added (back) to a group: a linked chat works again; an unlinked one is told how to link.
      const chat = await trx
        .insertInto('chats')
        .values({ platform: event.platform, external_id: event.chatId, title: event.title ?? null, role: null, unit_id: null })
        .onConflict((oc) => oc.columns(['platform', 'external_id']).doUpdateSet({ active: true }))
        .returningAll()
        .executeTakeFirstOrThrow();
      const text = chat.role ? t.backInGroup() : t.welcomeGroup();
      await enqueue(trx, [{ platform: event.platform, chatExternalId: event.chatId, chatId: chat.id }], { text }, { purpose: 'reply' });
    }
    return 'handled';
  });
}

export async function markChatInactive(trx: Trx, platform: string, chatId: string): Promise<void> {
  await trx.updateTable('chats').set({ active: false }).where('platform', '=', platform).where('external_id', '=', chatId).execute();
}

/** Moves the link (and queued messages) to the supergroup's id; the old id stays as an inactive record. */
export async function migrateChat(trx: Trx, platform: string, oldId: string, newId: string): Promise<void> {
  const old = await trx.selectFrom('chats').selectAll().where('platform', '=', platform).where('external_id', '=', oldId).executeTakeFirst();
  if (!old) return;
  const existing = await trx.selectFrom('chats').select('id').where('platform', '=', platform).where('external_id', '=', newId).executeTakeFirst();
  if (existing) {
    await trx.updateTable('chats').set({ role: old.role, unit_id: old.unit_id, active: true, linked_at: old.linked_at, linked_by: old.linked_by }).where('id', '=', existing.id).execute();
    await trx.updateTable('chats').set({ role: null, unit_id: null, active: false }).where('id', '=', old.id).execute();
    await trx.updateTable('outbox').set({ chat_external_id: newId, chat_id: existing.id }).where('chat_id', '=', old.id).where('state', 'in', ['queued', 'sending']).execute();
  } else {
    await trx.updateTable('chats').set({ external_id: newId, active: true }).where('id', '=', old.id).execute();
    await trx.updateTable('outbox').set({ chat_external_id: newId }).where('chat_id', '=', old.id).where('state', 'in', ['queued', 'sending']).execute();
  }
}
