import type { OutboxTarget } from '../outbox/enqueue';
import type { Trx } from '../../db/types';

export interface UnitChatTarget extends OutboxTarget {
  unitId: number;
  chatId: number;
}

/** Active linked chats of these units (a unit may have a Telegram and a Zalo group). */
export async function unitChats(trx: Trx, unitIds: number[]): Promise<UnitChatTarget[]> {
  if (unitIds.length === 0) return [];
  const rows = await trx
    .selectFrom('chats')
    .select(['id', 'platform', 'external_id', 'unit_id'])
    .where('role', '=', 'unit')
    .where('active', '=', true)
    .where('unit_id', 'in', unitIds)
    .orderBy('unit_id')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    platform: r.platform,
    chatExternalId: r.external_id,
    chatId: r.id,
    unitId: r.unit_id!,
  }));
}

export async function organizerChats(trx: Trx): Promise<OutboxTarget[]> {
  const rows = await trx
    .selectFrom('chats')
    .select(['id', 'platform', 'external_id'])
    .where('role', '=', 'organizer')
    .where('active', '=', true)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ platform: r.platform, chatExternalId: r.external_id, chatId: r.id }));
}

/** The outbox row a message replies to tells what it was about ("event:5", "campaign:3"). */
export async function refOfRepliedMessage(
  trx: Trx,
  platform: string,
  chatExternalId: string,
  messageId: string | undefined,
): Promise<string | null> {
  if (!messageId) return null;
  const row = await trx
    .selectFrom('outbox')
    .select('ref')
    .where('platform', '=', platform)
    .where('chat_external_id', '=', chatExternalId)
    .where('platform_message_id', '=', messageId)
    .executeTakeFirst();
  return row?.ref ?? null;
}
