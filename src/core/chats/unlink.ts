/**
 * Unlinking a chat: the group stops being a unit's (or the organizers') group. Whoever was known
 * there loses what that membership gave (an organizer group's members get no more login links);
 * the group is told once, and messages still queued for it are not sent.
 */
import { ac } from '../../messages/vi';
import type { Trx } from '../../db/types';
import { enqueue } from '../outbox/enqueue';

export interface UnlinkedChat {
  platform: string;
  chatId: string;
  title: string | null;
  role: 'unit' | 'organizer';
  unitCode: string | null;
}

/** Unlinks one chat; null when it was not linked. `actor` goes to the audit log. */
export async function unlinkChat(
  trx: Trx,
  target: { platform: string; chatId: string },
  actor: string,
): Promise<UnlinkedChat | null> {
  const chat = await trx
    .selectFrom('chats')
    .leftJoin('units', 'units.id', 'chats.unit_id')
    .select([
      'chats.id',
      'chats.title',
      'chats.role',
      'chats.active',
      'units.code as unit_code',
      'units.name as unit_name',
    ])
    .where('chats.platform', '=', target.platform)
    .where('chats.external_id', '=', target.chatId)
    .executeTakeFirst();
  if (!chat?.role) return null;
  await trx
    .updateTable('chats')
    .set({ role: null, unit_id: null, linked_at: null, linked_by: null })
    .where('id', '=', chat.id)
    .execute();
  // Membership there proved something only while the group was linked.
  await trx.deleteFrom('chat_members').where('chat_id', '=', chat.id).execute();
  await trx
    .updateTable('outbox')
    .set({ state: 'failed', error: 'chat unlinked' })
    .where('chat_id', '=', chat.id)
    .where('state', '=', 'queued')
    .execute();
  await trx
    .insertInto('audit_log')
    .values({
      actor,
      action: 'chat.unlinked',
      details: JSON.stringify({
        platform: target.platform,
        chat: target.chatId,
        role: chat.role,
        unit: chat.unit_code,
      }),
    })
    .execute();
  if (chat.active)
    await enqueue(
      trx,
      [{ platform: target.platform, chatExternalId: target.chatId, chatId: chat.id }],
      { text: ac.unlinkedNotice(chat.role === 'organizer' ? null : chat.unit_name) },
      { purpose: 'reply' },
    );
  return {
    platform: target.platform,
    chatId: target.chatId,
    title: chat.title,
    role: chat.role,
    unitCode: chat.unit_code,
  };
}

/** Unlinks every chat of a unit; returns what was unlinked. */
export async function unlinkUnitChats(
  trx: Trx,
  unitId: number,
  actor: string,
): Promise<UnlinkedChat[]> {
  const chats = await trx
    .selectFrom('chats')
    .select(['platform', 'external_id'])
    .where('unit_id', '=', unitId)
    .where('role', '=', 'unit')
    .execute();
  const out: UnlinkedChat[] = [];
  for (const c of chats) {
    const u = await unlinkChat(trx, { platform: c.platform, chatId: c.external_id }, actor);
    if (u) out.push(u);
  }
  return out;
}

export interface OrganizerChatView {
  platform: string;
  chatId: string;
  title: string | null;
  active: boolean;
  linkedAt: Date | null;
  linkedBy: string | null;
}

/** Every organizer group (to find one linked with a leaked code and unlink it). */
export async function listOrganizerChats(db: Trx): Promise<OrganizerChatView[]> {
  const rows = await db
    .selectFrom('chats')
    .select(['platform', 'external_id', 'title', 'active', 'linked_at', 'linked_by'])
    .where('role', '=', 'organizer')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    platform: r.platform,
    chatId: r.external_id,
    title: r.title,
    active: r.active,
    linkedAt: r.linked_at,
    linkedBy: r.linked_by,
  }));
}
