/**
 * "/dashboard" (also "/quantri"): an organizer asks the bot for a one-time link to the
 * dashboard. The link is only ever sent in a private chat with the person, and only to
 * someone who is still an organizer:
 * - they have written in an active organizer group (that is who the organizers are),
 * - within ORGANIZER_DORMANT_DAYS (a person long silent there gets no link),
 * - and the platform, when it can tell (Telegram getChatMember), says they are still in it.
 * Sandbox identities never get one: anyone who reaches the simulator can play any person.
 * The message carrying the link is sensitive: the outbox keeps a placeholder once it is sent.
 */
import { dl } from '../messages/dashboard';
import type { Turn } from './inbound/turn';
import {
  createLoginToken,
  dashboardBaseUrl,
  LOGIN_TOKEN_TTL_MINUTES,
  loginUrl,
} from './login-tokens';
import { enqueue, type OutboxTarget } from './outbox/enqueue';
import type { CommandSpec } from './router';

/** How long the core waits for the platform to say whether someone is still in a group. */
export const MEMBERSHIP_CHECK_MS = 3_000;

export type OrganizerAccess = 'ok' | 'not-organizer' | 'dormant' | 'left';

async function platformSays(turn: Turn, chatId: string): Promise<'member' | 'left' | 'unknown'> {
  const ask = turn.ctx.platforms?.[turn.msg.platform]?.memberStatus;
  if (!ask) return 'unknown';
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      ask(chatId, turn.msg.sender.id),
      new Promise<'unknown'>((resolve) => {
        timer = setTimeout(() => resolve('unknown'), MEMBERSHIP_CHECK_MS);
      }),
    ]);
  } catch (err) {
    turn.ctx.log.warn({ err, platform: turn.msg.platform }, 'membership check failed');
    return 'unknown';
  } finally {
    clearTimeout(timer);
  }
}

/** Is the person who wrote this message still an organizer? Forgets memberships the platform denies. */
export async function organizerAccess(turn: Turn): Promise<OrganizerAccess> {
  const memberships = await turn.trx
    .selectFrom('chat_members')
    .innerJoin('chats', 'chats.id', 'chat_members.chat_id')
    .select(['chats.id', 'chats.external_id', 'chat_members.last_seen_at'])
    .where('chat_members.person_id', '=', turn.personId)
    .where('chats.role', '=', 'organizer')
    .where('chats.active', '=', true)
    .where('chats.platform', '=', turn.msg.platform)
    .execute();
  if (memberships.length === 0) return 'not-organizer';
  const days = turn.ctx.config.organizerDormantDays;
  const since = turn.now.getTime() - days * 86_400_000;
  const recent =
    days > 0 ? memberships.filter((m) => m.last_seen_at.getTime() > since) : memberships;
  if (recent.length === 0) return 'dormant';
  for (const m of recent) {
    const status = await platformSays(turn, m.external_id);
    if (status !== 'left') return 'ok';
    await turn.trx
      .deleteFrom('chat_members')
      .where('chat_id', '=', m.id)
      .where('person_id', '=', turn.personId)
      .execute();
    await turn.audit('organizer.left', { chat: m.external_id });
  }
  return 'left';
}

async function sendLink(turn: Turn, to: OutboxTarget, quote?: string): Promise<void> {
  const label = `${turn.msg.sender.name} (${turn.msg.platform}:${turn.msg.sender.id})`;
  const code = await createLoginToken(turn.trx, label, turn.now);
  // The code itself never reaches the audit log.
  await turn.audit('dashboard.link', { via: turn.msg.chat.type });
  const url = loginUrl(dashboardBaseUrl(turn.ctx.config), code);
  await enqueue(
    turn.trx,
    [to],
    { text: dl.link(url, LOGIN_TOKEN_TTL_MINUTES), replyToMessageId: quote },
    { purpose: 'reply', priority: 0, sensitive: true },
  );
}

function refusalFor(access: Exclude<OrganizerAccess, 'ok'>): string {
  if (access === 'dormant') return dl.dormant();
  if (access === 'left') return dl.leftOrganizerGroup();
  return dl.notOrganizer();
}

async function dashboardLink(turn: Turn): Promise<void> {
  if (turn.msg.platform === 'sandbox') return turn.reply(dl.sandboxRefused());
  if (turn.msg.chat.type === 'private') {
    const access = await organizerAccess(turn);
    if (access !== 'ok') return turn.reply(refusalFor(access));
    return sendLink(
      turn,
      { platform: turn.msg.platform, chatExternalId: turn.msg.chat.id, chatId: turn.chat.id },
      turn.msg.messageId,
    );
  }
  if (turn.isOrganizerChat) {
    const person = await turn.trx
      .selectFrom('people')
      .select('private_chat_id')
      .where('id', '=', turn.personId)
      .executeTakeFirst();
    if (!person?.private_chat_id) return turn.reply(dl.writePrivatelyFirst(turn.botUsername));
    const access = await organizerAccess(turn);
    if (access !== 'ok') return turn.reply(refusalFor(access));
    const privateChat = await turn.trx
      .selectFrom('chats')
      .select('id')
      .where('platform', '=', turn.msg.platform)
      .where('external_id', '=', person.private_chat_id)
      .executeTakeFirst();
    await sendLink(turn, {
      platform: turn.msg.platform,
      chatExternalId: person.private_chat_id,
      chatId: privateChat?.id ?? null,
    });
    return turn.reply(dl.sentPrivately(turn.msg.sender.name));
  }
  return turn.reply(dl.refused());
}

export const dashboardCommands: Record<string, CommandSpec> = {
  dashboard: { access: 'anyone', run: (turn) => dashboardLink(turn) },
  quantri: { access: 'anyone', run: (turn) => dashboardLink(turn) },
};
