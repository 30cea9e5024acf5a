import { sql } from 'kysely';
import { ev, t } from '../../messages/vi';
import { openEventsForUnit } from '../events/repo';
import { enqueue } from '../outbox/enqueue';
import type { Turn } from '../inbound/turn';
import { organizerJoinCode } from '../units/repo';
import { secretEquals } from '../codes';

/** Wrong codes allowed per chat in the window before /lienket is refused: guessing 79-bit codes is hopeless, but noise is not. */
export const LINK_ATTEMPTS = 5;
export const LINK_WINDOW_MINUTES = 15;

export async function linkChat(turn: Turn, rawCode: string): Promise<void> {
  if (turn.msg.chat.type === 'private') return turn.reply(t.linkPrivateChat());
  const code = rawCode.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!code) return turn.reply(t.linkMissingCode());

  const key = `link:${turn.msg.platform}:${turn.msg.chat.id}`;
  const since = new Date(turn.now.getTime() - LINK_WINDOW_MINUTES * 60_000);
  const recent = await turn.trx
    .selectFrom('attempts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('key', '=', key)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= LINK_ATTEMPTS) return turn.reply(t.linkRateLimited(LINK_WINDOW_MINUTES));

  const orgCode = await organizerJoinCode(turn.trx);
  const unit = await turn.trx
    .selectFrom('units')
    .selectAll()
    .where('join_code', '=', code)
    .executeTakeFirst();
  const isOrganizer = secretEquals(code, orgCode);
  if (!unit && !isOrganizer) {
    await turn.trx.insertInto('attempts').values({ key, at: turn.now }).execute();
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
  await sql`DELETE FROM attempts WHERE key = ${key}`.execute(turn.trx);

  if (isOrganizer) return turn.reply(t.linkedOrganizer());
  if (previous && previous.id === unit!.id) return turn.reply(t.alreadyLinked(unit!.name));
  await turn.reply(previous ? t.relinked(previous.name, unit!.name) : t.linkedUnit(unit!.name));
  // A group linked after the invitations went out still gets the ones it can answer.
  for (const e of await openEventsForUnit(turn.trx, unit!.id, turn.now)) {
    await enqueue(
      turn.trx,
      [{ platform: turn.msg.platform, chatExternalId: turn.msg.chat.id, chatId: turn.chat.id }],
      { text: ev.invitation(e, turn.ctx.timezone) },
      { purpose: 'invite', ref: `event:${e.id}` },
    );
  }
}
