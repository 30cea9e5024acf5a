import { sql } from 'kysely';
import type { AppContext } from '../../src/app-context';
import type { InboundMessage } from '../../src/core/channel';
import { handleInbound } from '../../src/core/inbound/handle';
import { runTick } from '../../src/core/scheduler/handlers';
import type { UnitUpsert } from '../../src/core/units/repo';

let seq = 0;

/**
 * Drives the core as a chat platform would, without a network: messages in through the one entry
 * point, outbox rows "delivered" by marking them sent with a message id (so replies to them work).
 */
export function chatSim(ctx: AppContext, platform: InboundMessage['platform'] = 'telegram') {
  async function deliverAll(): Promise<void> {
    await ctx.db
      .updateTable('outbox')
      .set({
        state: 'sent',
        sent_at: ctx.clock(),
        platform_message_id: sql<string>`'m' || id::text`,
      })
      .where('state', '=', 'queued')
      .execute();
  }
  return {
    async say(
      chatId: string,
      text: string,
      o: Partial<InboundMessage> & { from?: string; title?: string } = {},
    ) {
      seq++;
      const msg: InboundMessage = {
        platform,
        updateKey: `u${seq}-${Math.random()}`,
        chat: {
          id: chatId,
          type: chatId.startsWith('p') ? 'private' : 'group',
          title: o.title ?? `Nhóm ${chatId}`,
        },
        sender: { id: o.from ?? `user-${chatId}`, name: o.from ?? `Cán bộ ${chatId}` },
        messageId: `in${seq}`,
        text,
        ...o,
      };
      const result = await handleInbound(ctx, msg, { botUsername: 'dieuphoi_bot' });
      await deliverAll();
      return result;
    },
    deliverAll,
    /** Texts sent to a chat, oldest first. */
    async texts(chatId: string): Promise<string[]> {
      const rows = await ctx.db
        .selectFrom('outbox')
        .select('payload')
        .where('chat_external_id', '=', chatId)
        .orderBy('id')
        .execute();
      // Deletions of a user's message (a /lienket code) are not messages anyone reads.
      return rows
        .filter((r) => !(r.payload as { deleteMessageId?: string }).deleteMessageId)
        .map((r) => (r.payload as { text: string }).text);
    },
    async last(
      chatId: string,
    ): Promise<{ text: string; messageId: string; buttons?: Array<Array<{ data: string }>> }> {
      const row = await ctx.db
        .selectFrom('outbox')
        .select(['payload', 'platform_message_id'])
        .where('chat_external_id', '=', chatId)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const p = row.payload as { text: string; buttons?: Array<Array<{ data: string }>> };
      return { text: p.text, messageId: row.platform_message_id ?? '', buttons: p.buttons };
    },
    /** The bot message in a chat whose text matches, to reply to it. */
    async find(chatId: string, pattern: RegExp): Promise<string> {
      const rows = await ctx.db
        .selectFrom('outbox')
        .select(['payload', 'platform_message_id'])
        .where('chat_external_id', '=', chatId)
        .orderBy('id', 'desc')
        .execute();
      const row = rows.find((r) => pattern.test((r.payload as { text: string }).text));
      if (!row?.platform_message_id) throw new Error(`no message matching ${pattern} in ${chatId}`);
      return row.platform_message_id;
    },
    async tick() {
      const r = await runTick(ctx);
      await deliverAll();
      return r;
    },
  };
}

/** Saves units (parents by code) and returns each unit's join code by unit code. */
export async function putUnits(
  ctx: AppContext,
  units: UnitUpsert[],
): Promise<Record<string, string>> {
  const { upsertUnits, listUnits } = await import('../../src/core/units/repo');
  await upsertUnits(ctx.db, units);
  return Object.fromEntries((await listUnits(ctx.db)).map((u) => [u.code, u.joinCode]));
}

/** Links each group to its unit with "/lienket <mã>", as a focal point would. */
export async function linkGroups(
  chat: ReturnType<typeof chatSim>,
  codes: Record<string, string>,
  groups: Record<string, string>,
): Promise<void> {
  for (const [group, unit] of Object.entries(groups))
    await chat.say(group, `/lienket ${codes[unit]}`);
}
