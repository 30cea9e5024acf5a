import { capabilitiesOf } from '../channel';
import { t } from '../../messages/vi';
import type { EventRow } from '../../db/schema';
import { openEventsForUnit } from '../events/repo';
import { invitationFor } from '../events/manage';
import { descendantsOf } from '../units/tree';
import { deliveries } from './targets';
import { enqueue } from '../outbox/enqueue';
import type { Turn } from '../inbound/turn';
import { organizerJoinCode } from '../units/repo';
import { secretEquals } from '../codes';
import { checkAttempts, clearAttempts, recordFailure, type AttemptLimit } from '../rate-limit';

/** Wrong codes allowed per chat in the window before /lienket is refused: guessing 79-bit codes is hopeless, but noise is not. */
export const LINK_ATTEMPTS = 5;
export const LINK_WINDOW_MINUTES = 15;
/** Wrong codes from all chats together in the window (a farm of new groups guessing). */
export const LINK_GLOBAL_ATTEMPTS = 300;

export const LINK_LIMIT: AttemptLimit = {
  scope: 'link',
  perKey: LINK_ATTEMPTS,
  global: LINK_GLOBAL_ATTEMPTS,
  windowMs: LINK_WINDOW_MINUTES * 60_000,
};

/**
 * The message that carried a code is removed from the chat when the platform lets the bot
 * (Telegram: a private chat, or a group where the bot may delete messages); a refusal is ignored.
 */
async function deleteCodeMessage(turn: Turn): Promise<void> {
  const id = turn.msg.messageId;
  if (!id || !capabilitiesOf(turn.msg.platform).deletes) return;
  await enqueue(
    turn.trx,
    [{ platform: turn.msg.platform, chatExternalId: turn.msg.chat.id, chatId: turn.chat.id }],
    { text: '', deleteMessageId: id },
    { purpose: 'delete', priority: 0 },
  );
}

export async function linkChat(turn: Turn, rawCode: string): Promise<void> {
  const code = rawCode.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (code) await deleteCodeMessage(turn);
  if (turn.msg.chat.type === 'private') return turn.reply(t.linkPrivateChat());
  if (!code) return turn.reply(t.linkMissingCode());

  const who = `${turn.msg.platform}:${turn.msg.chat.id}`;
  if ((await checkAttempts(turn.trx, LINK_LIMIT, who, turn.now)) !== 'ok')
    return turn.reply(t.linkRateLimited(LINK_WINDOW_MINUTES));

  const orgCode = await organizerJoinCode(turn.trx);
  const unit = await turn.trx
    .selectFrom('units')
    .selectAll()
    .where('join_code', '=', code)
    .executeTakeFirst();
  const isOrganizer = secretEquals(code, orgCode);
  if (!unit && !isOrganizer) {
    await recordFailure(turn.trx, LINK_LIMIT, who, turn.now);
    await turn.audit('link.failed', { chat: turn.msg.chat.id });
    return turn.reply(t.linkBadCode());
  }

  const previous = turn.unit;
  await turn.trx
    .updateTable('chats')
    .set({
      role: isOrganizer ? 'organizer' : 'unit',
      unit_id: isOrganizer ? null : unit!.id,
      active: true,
      linked_at: turn.now,
      linked_by: `${turn.msg.sender.name} (${turn.msg.sender.id})`,
      title: turn.msg.chat.title ?? turn.chat.title,
    })
    .where('id', '=', turn.chat.id)
    .execute();
  await turn.audit('link', {
    chat: turn.msg.chat.id,
    unit: unit?.code ?? null,
    organizer: isOrganizer,
  });
  await clearAttempts(turn.trx, LINK_LIMIT, who);

  if (isOrganizer) return turn.reply(t.linkedOrganizer());
  if (previous && previous.id === unit!.id) return turn.reply(t.alreadyLinked(unit!.name));
  await turn.reply(previous ? t.relinked(previous.name, unit!.name) : t.linkedUnit(unit!.name));
  // A group linked after the invitations went out still gets the ones it can answer: its own
  // unit's, and those of units below it that have no group and now reach it through this one.
  const family = [unit!, ...(await descendantsOf(turn.trx, unit!.id))];
  const events = new Map<number, EventRow>();
  for (const u of family)
    for (const e of await openEventsForUnit(turn.trx, u.id, turn.now)) events.set(e.id, e);
  for (const e of events.values()) {
    const invited = await turn.trx
      .selectFrom('registrations')
      .select('unit_id')
      .where('event_id', '=', e.id)
      .where(
        'unit_id',
        'in',
        family.map((u) => u.id),
      )
      .execute();
    const reach = await deliveries(
      turn.trx,
      invited.map((r) => r.unit_id),
    );
    const here = reach.deliveries.find((d) => d.chatId === turn.chat.id);
    if (here)
      await enqueue(
        turn.trx,
        [here],
        { text: invitationFor(e, here, turn.ctx.timezone) },
        { purpose: 'invite', ref: `event:${e.id}` },
      );
  }
}
