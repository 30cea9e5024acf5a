import type { Update, Message, User, Chat } from 'telegraf/types';
import type { Attachment, ChatEvent, InboundMessage } from '../../src/core/channel';

export interface BotIdentity {
  id: number;
  username: string;
}

function senderName(u: User): string {
  return [u.first_name, u.last_name].filter(Boolean).join(' ') || u.username || String(u.id);
}

function chatType(chat: Chat): 'group' | 'private' | null {
  if (chat.type === 'group' || chat.type === 'supergroup') return 'group';
  if (chat.type === 'private') return 'private';
  return null; // channels: the bot does not work there
}

function attachments(m: Message): Attachment[] {
  const out: Attachment[] = [];
  if ('document' in m && m.document) {
    out.push({
      kind: 'document',
      fileId: m.document.file_id,
      fileName: m.document.file_name,
      mimeType: m.document.mime_type,
      size: m.document.file_size,
    });
  }
  if ('photo' in m && m.photo?.length) {
    const best = m.photo[m.photo.length - 1]!;
    out.push({ kind: 'photo', fileId: best.file_id, size: best.file_size });
  }
  return out;
}

function mentionsBot(m: Message, text: string, bot: BotIdentity): boolean {
  const entities =
    ('entities' in m && m.entities) || ('caption_entities' in m && m.caption_entities) || [];
  for (const e of entities) {
    if (
      e.type === 'mention' &&
      text.slice(e.offset, e.offset + e.length).toLowerCase() === `@${bot.username.toLowerCase()}`
    )
      return true;
    if (e.type === 'text_mention' && e.user?.id === bot.id) return true;
  }
  return false;
}

/** Maps a Telegram Update to the core's normalized message or chat event; null when it is not for us. */
export function mapTelegramUpdate(
  update: Update,
  bot: BotIdentity,
): InboundMessage | ChatEvent | null {
  const updateKey = String(update.update_id);
  if ('my_chat_member' in update && update.my_chat_member) {
    const change = update.my_chat_member;
    if (change.new_chat_member.user.id !== bot.id) return null;
    const status = change.new_chat_member.status;
    const chatId = String(change.chat.id);
    if (status === 'left' || status === 'kicked')
      return { kind: 'removed', platform: 'telegram', chatId, updateKey };
    if (
      (status === 'member' || status === 'administrator') &&
      (change.old_chat_member.status === 'left' || change.old_chat_member.status === 'kicked')
    ) {
      return {
        kind: 'added',
        platform: 'telegram',
        chatId,
        title: 'title' in change.chat ? change.chat.title : undefined,
        updateKey,
      };
    }
    return null;
  }
  if ('chat_member' in update && update.chat_member) {
    // Someone else's membership changed (delivered when the bot is an administrator).
    const change = update.chat_member;
    const member = change.new_chat_member;
    if (member.user.id === bot.id) return null;
    const gone =
      member.status === 'left' ||
      member.status === 'kicked' ||
      (member.status === 'restricted' && !member.is_member);
    if (!gone) return null;
    return {
      kind: 'member-left',
      platform: 'telegram',
      chatId: String(change.chat.id),
      userId: String(member.user.id),
      updateKey,
    };
  }
  if ('callback_query' in update && update.callback_query) {
    const q = update.callback_query;
    const m = q.message;
    if (!m || !('data' in q)) return null;
    const type = chatType(m.chat);
    if (!type) return null;
    return {
      platform: 'telegram',
      updateKey,
      chat: { id: String(m.chat.id), type, title: 'title' in m.chat ? m.chat.title : undefined },
      sender: { id: String(q.from.id), name: senderName(q.from), isBot: q.from.is_bot },
      messageId: String(m.message_id),
      text: '',
      callbackData: q.data,
      callbackId: q.id,
      raw: update,
    };
  }
  if (!('message' in update) || !update.message) return null;
  const m = update.message;
  if ('migrate_to_chat_id' in m && m.migrate_to_chat_id) {
    return {
      kind: 'migrated',
      platform: 'telegram',
      chatId: String(m.chat.id),
      newChatId: String(m.migrate_to_chat_id),
      updateKey,
    };
  }
  // The bot joining also arrives as my_chat_member (subscribed), which is the one acted on.
  if ('new_chat_members' in m) return null;
  // The service message every member sees when someone leaves or is removed (the bot itself:
  // my_chat_member is the one acted on).
  if ('left_chat_member' in m && m.left_chat_member) {
    if (m.left_chat_member.id === bot.id) return null;
    return {
      kind: 'member-left',
      platform: 'telegram',
      chatId: String(m.chat.id),
      userId: String(m.left_chat_member.id),
      updateKey,
    };
  }
  const type = chatType(m.chat);
  if (!type || !m.from) return null;
  const raw = ('text' in m && m.text) || ('caption' in m && m.caption) || '';
  const text = typeof raw === 'string' ? raw : '';
  const files = attachments(m);
  if (!text && files.length === 0) return null;
  const reply = 'reply_to_message' in m ? m.reply_to_message : undefined;
  return {
    platform: 'telegram',
    updateKey,
    chat: { id: String(m.chat.id), type, title: 'title' in m.chat ? m.chat.title : undefined },
    sender: { id: String(m.from.id), name: senderName(m.from), isBot: m.from.is_bot },
    messageId: String(m.message_id),
    text,
    replyToMessageId: reply ? String(reply.message_id) : undefined,
    mentionsBot: mentionsBot(m, text, bot),
    attachments: files.length ? files : undefined,
    sentAt: new Date(m.date * 1000),
    raw: update,
  };
}
