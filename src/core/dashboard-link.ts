/**
 * "/dashboard" (also "/quantri"): an organizer asks the bot for a one-time link to the
 * dashboard. The link is only ever sent in a private chat with the person, and only to
 * someone who has written in an organizer group (that is who the organizers are).
 */
import { dl } from '../messages/dashboard';
import type { Turn } from './inbound/turn';
import {
  createLoginToken,
  dashboardBaseUrl,
  LOGIN_TOKEN_TTL_MINUTES,
  loginUrl,
} from './login-tokens';
import { enqueue } from './outbox/enqueue';
import type { Trx } from '../db/types';
import type { CommandSpec } from './router';

/** Has this person written in an active organizer chat? */
export async function seenInOrganizerChat(trx: Trx, personId: number): Promise<boolean> {
  const row = await trx
    .selectFrom('chat_members')
    .innerJoin('chats', 'chats.id', 'chat_members.chat_id')
    .select('chats.id')
    .where('chat_members.person_id', '=', personId)
    .where('chats.role', '=', 'organizer')
    .where('chats.active', '=', true)
    .executeTakeFirst();
  return row !== undefined;
}

async function newLink(turn: Turn): Promise<string> {
  const label = `${turn.msg.sender.name} (${turn.msg.platform}:${turn.msg.sender.id})`;
  const code = await createLoginToken(turn.trx, label, turn.now);
  // The code itself never reaches the audit log.
  await turn.audit('dashboard.link', { via: turn.msg.chat.type });
  return loginUrl(dashboardBaseUrl(turn.ctx.config), code);
}

async function dashboardLink(turn: Turn): Promise<void> {
  if (turn.msg.chat.type === 'private') {
    if (!(await seenInOrganizerChat(turn.trx, turn.personId))) return turn.reply(dl.notOrganizer());
    return turn.reply(dl.link(await newLink(turn), LOGIN_TOKEN_TTL_MINUTES));
  }
  if (turn.isOrganizerChat) {
    const person = await turn.trx
      .selectFrom('people')
      .select('private_chat_id')
      .where('id', '=', turn.personId)
      .executeTakeFirst();
    if (!person?.private_chat_id) return turn.reply(dl.writePrivatelyFirst(turn.botUsername));
    const privateChat = await turn.trx
      .selectFrom('chats')
      .select('id')
      .where('platform', '=', turn.msg.platform)
      .where('external_id', '=', person.private_chat_id)
      .executeTakeFirst();
    await enqueue(
      turn.trx,
      [
        {
          platform: turn.msg.platform,
          chatExternalId: person.private_chat_id,
          chatId: privateChat?.id ?? null,
        },
      ],
      { text: dl.link(await newLink(turn), LOGIN_TOKEN_TTL_MINUTES) },
      { purpose: 'reply', priority: 0 },
    );
    return turn.reply(dl.sentPrivately(turn.msg.sender.name));
  }
  return turn.reply(dl.refused());
}

export const dashboardCommands: Record<string, CommandSpec> = {
  dashboard: { access: 'anyone', run: (turn) => dashboardLink(turn) },
  quantri: { access: 'anyone', run: (turn) => dashboardLink(turn) },
};
