import type { Attachment, InboundMessage } from '../../src/core/channel';
import type { ZaloAttachment, ZaloGroupMessage, ZaloMention } from './zca-port';

function attachment(a: ZaloAttachment): Attachment {
  // zca-js gives a download URL and no file id, so the URL stands in for the id.
  const out: Attachment = { kind: a.kind, fileId: a.url };
  if (a.fileName !== undefined) out.fileName = a.fileName;
  if (a.size !== undefined) out.size = a.size;
  return out;
}

/** The text without the bot's own @mentions (cut by their position and length), tidied. */
function withoutMentions(text: string, mine: ZaloMention[]): string {
  let out = text;
  // From the end, so earlier positions stay valid.
  for (const m of [...mine].sort((a, b) => b.pos - a.pos)) {
    if (m.pos < 0 || m.pos >= out.length) continue;
    out = out.slice(0, m.pos) + ' ' + out.slice(m.pos + m.len);
  }
  return out
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/^[\s,:;]+/u, '')
    .trimEnd();
}

/**
 * A zca-js group message → the core's normalized message; null when there is nothing to act on
 * (no text and no file). `ownId` is the logged-in account's uid: a mention of it addresses the
 * bot, and its "@name" is cut out of the text by position so the rest parses like any message.
 * `@All` (uid -1) addresses everybody, not the bot in particular.
 */
export function mapZaloGroupMessage(
  m: ZaloGroupMessage,
  ownId: string | null,
): InboundMessage | null {
  const files = m.attachment ? [attachment(m.attachment)] : [];
  const mine = ownId === null ? [] : (m.mentions ?? []).filter((x) => x.uid === ownId);
  const text = mine.length ? withoutMentions(m.text, mine) : m.text;
  if (!text && files.length === 0) return null;
  const msg: InboundMessage = {
    platform: 'zalo',
    updateKey: m.msgId,
    chat: { id: m.groupId, type: 'group' },
    sender: { id: m.senderId, name: m.senderName || m.senderId },
    messageId: m.msgId,
    text,
    mentionsBot: mine.length > 0,
    sentAt: new Date(m.ts),
    raw: m.raw,
  };
  if (m.groupName) msg.chat.title = m.groupName;
  if (m.quoteMsgId) msg.replyToMessageId = m.quoteMsgId;
  if (files.length) msg.attachments = files;
  return msg;
}
